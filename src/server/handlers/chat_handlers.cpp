#include "server/handlers/handlers.hpp"
#include "server/handlers/handler_support.hpp"

namespace parley::server {
void add_chat_handlers(Dispatcher& dispatcher, ChatService& chat) {
  // The hot path: validated from caches on the network thread, answered after the group
  // commit, so no thread waits for the disk.
  dispatcher.add_async(proto::type::kMessageSend, {.runs_inline = true},
                       typed_async<proto::MessageSendRequest, proto::MessageSendResult>(
                           [&chat](RequestContext& ctx, const proto::MessageSendRequest& r, ChatService::SendDone done) {
                             chat.send(*ctx.session, r, connection_id(ctx), std::move(done));
                           }));
  dispatcher.add(proto::type::kConversations, {},
                 typed<proto::ConversationsRequest>([&chat](RequestContext& ctx, const proto::ConversationsRequest&) {
                   return chat.conversations(*ctx.session);
                 }));
  dispatcher.add(proto::type::kSync, {}, typed<proto::SyncRequest>([&chat](RequestContext& ctx, const proto::SyncRequest& r) {
                   return chat.sync(*ctx.session, r);
                 }));
  dispatcher.add(proto::type::kHistory, {},
                 typed<proto::HistoryRequest>([&chat](RequestContext& ctx, const proto::HistoryRequest& r) {
                   return chat.history(*ctx.session, r);
                 }));
  dispatcher.add(proto::type::kMessageRead, {},
                 typed<proto::MessageReadRequest>([&chat](RequestContext& ctx, const proto::MessageReadRequest& r) {
                   return chat.mark_read(*ctx.session, r, connection_id(ctx));
                 }));
  dispatcher.add(proto::type::kMessageRecall, {},
                 typed<proto::MessageRecallRequest>([&chat](RequestContext& ctx, const proto::MessageRecallRequest& r) {
                   return chat.recall(*ctx.session, r, connection_id(ctx));
                 }));
  dispatcher.add(proto::type::kMessageSearch, {},
                 typed<proto::MessageSearchRequest>([&chat](RequestContext& ctx, const proto::MessageSearchRequest& r) {
                   return chat.search(*ctx.session, r);
                 }));
}

}  // namespace parley::server
