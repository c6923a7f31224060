#include "server/handlers/handlers.hpp"
#include "server/handlers/handler_support.hpp"

namespace parley::server {

void add_presence_handlers(Dispatcher& dispatcher, PresenceService& presence) {
  dispatcher.add(proto::type::kPresenceGet, {},
                 typed<proto::PresenceGetRequest>([&presence](RequestContext& ctx, const proto::PresenceGetRequest&)
                                                      -> proto::Result<proto::PresenceGetResult> {
                   return proto::PresenceGetResult{presence.chosen(ctx.session->user_id)};
                 }));
  dispatcher.add(proto::type::kPresenceSet, {},
                 typed<proto::PresenceSetRequest>([&presence](RequestContext& ctx, const proto::PresenceSetRequest& r) {
                   return done(presence.set_status(*ctx.session, r));
                 }));
  dispatcher.add(proto::type::kTyping, {.needs_session = true, .websocket_only = true},
                 typed<proto::TypingRequest>([&presence](RequestContext& ctx, const proto::TypingRequest& r) {
                   return done(presence.typing(*ctx.session, r, ctx.connection->id()));
                 }));
}

}  // namespace parley::server
