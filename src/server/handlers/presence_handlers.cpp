#include "server/handlers/handlers.hpp"

namespace parley::server {

void add_presence_handlers(Dispatcher& dispatcher, PresenceService& presence) {
  dispatcher.add(proto::type::kPresenceGet, {},
                 typed<proto::PresenceGetRequest>([&presence](RequestContext& ctx, const proto::PresenceGetRequest&)
                                                      -> proto::Result<proto::PresenceGetResult> {
                   return proto::PresenceGetResult{presence.chosen(ctx.session->user_id)};
                 }));
  dispatcher.add(proto::type::kPresenceSet, {},
                 typed<proto::PresenceSetRequest>([&presence](RequestContext& ctx, const proto::PresenceSetRequest& r)
                                                      -> proto::Result<proto::EmptyResult> {
                   if (auto s = presence.set_status(*ctx.session, r); !s) return s.error();
                   return proto::EmptyResult{};
                 }));
  dispatcher.add(proto::type::kTyping, {.needs_session = true, .websocket_only = true},
                 typed<proto::TypingRequest>([&presence](RequestContext& ctx, const proto::TypingRequest& r)
                                                 -> proto::Result<proto::EmptyResult> {
                   if (auto s = presence.typing(*ctx.session, r, ctx.connection->id()); !s) return s.error();
                   return proto::EmptyResult{};
                 }));
}

}  // namespace parley::server
