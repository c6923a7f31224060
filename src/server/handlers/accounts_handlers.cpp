#include <spdlog/spdlog.h>

#include "server/handlers/handlers.hpp"
#include "server/handlers/handler_support.hpp"

namespace parley::server {
namespace {

using proto::Errc;
using proto::make_error;

// Logs the connection (or HTTP request) in as `session` and signs out the WebSockets
// that held the same account and device ("logged in elsewhere", as QQ says it).
void bind_session(RequestContext& ctx, Session session, SessionRegistry& registry) {
  ctx.session = std::move(session);
  const auto& s = *ctx.session;
  auto displaced = ctx.websocket() ? registry.attach(s.user_id, s.device, ctx.connection)
                                   : registry.device_connections(s.user_id, s.device, 0);
  for (auto& other : displaced) {
    spdlog::info("kick user_id={} device={} reason=logged_in_elsewhere", s.user_id, s.device);
    sign_out(*other, "logged_in_elsewhere", "this account logged in on device \"" + s.device + "\" elsewhere",
             close_code::kKicked);
  }
}

proto::Status not_twice(const RequestContext& ctx) {
  if (ctx.session) return make_error(Errc::bad_request, "this connection is already logged in; log out first");
  return {};
}

}  // namespace

void add_accounts_handlers(Dispatcher& dispatcher, AccountsService& accounts, SessionRegistry& registry) {
  dispatcher.add(proto::type::kRegister, {.needs_session = false},
                 typed<proto::RegisterRequest>([&accounts](RequestContext&, const proto::RegisterRequest& r) {
                   return accounts.register_user(r);
                 }));

  dispatcher.add(proto::type::kLogin, {.needs_session = false, .changes_state = true},
                 typed<proto::LoginRequest>([&](RequestContext& ctx, const proto::LoginRequest& r)
                                                -> proto::Result<proto::LoginResult> {
                   if (auto s = not_twice(ctx); !s) return s.error();
                   auto outcome = accounts.login(r, ctx.peer_address);
                   if (!outcome) return outcome.error();
                   bind_session(ctx, std::move(outcome->second), registry);
                   return std::move(outcome->first);
                 }));

  dispatcher.add(proto::type::kAuth, {.needs_session = false, .websocket_only = true, .changes_state = true},
                 typed<proto::AuthRequest>([&](RequestContext& ctx, const proto::AuthRequest& r)
                                               -> proto::Result<proto::AuthResult> {
                   if (auto s = not_twice(ctx); !s) return s.error();
                   auto session = accounts.authenticate(r.token);
                   if (!session) return session.error();
                   proto::AuthResult result{session->user_id, session->username, session->device, session->expires_at};
                   bind_session(ctx, std::move(*session), registry);
                   return result;
                 }));

  dispatcher.add(proto::type::kLogout, {.changes_state = true},
                 typed<proto::LogoutRequest>([&](RequestContext& ctx, const proto::LogoutRequest& r)
                                                 -> proto::Result<proto::EmptyResult> {
                   if (auto s = accounts.logout(*ctx.session, r.all); !s) return s.error();
                   const auto& session = *ctx.session;
                   // Without `all`, only the connections that used this token: the same device.
                   auto others = r.all ? registry.connections_of(session.user_id, connection_id(ctx))
                                       : registry.device_connections(session.user_id, session.device,
                                                                     connection_id(ctx));
                   for (auto& other : others) {
                     sign_out(*other, "logged_out", "this session was logged out", close_code::kSessionRevoked);
                   }
                   if (ctx.websocket()) ctx.close_after = RequestContext::CloseAfter{close_code::kNormal, "logged out", {}};
                   return proto::EmptyResult{};
                 }));

  dispatcher.add(proto::type::kChangePassword, {.changes_state = true},
                 typed<proto::ChangePasswordRequest>([&](RequestContext& ctx, const proto::ChangePasswordRequest& r)
                                                         -> proto::Result<proto::ChangePasswordResult> {
                   auto outcome = accounts.change_password(*ctx.session, r, ctx.peer_address);
                   if (!outcome) return outcome.error();
                   for (auto& other : registry.connections_of(ctx.session->user_id, connection_id(ctx))) {
                     sign_out(*other, "password_changed", "the password was changed; log in again",
                              close_code::kSessionRevoked);
                   }
                   ctx.session = std::move(outcome->second);
                   return std::move(outcome->first);
                 }));

  dispatcher.add(proto::type::kProfileGet, {},
                 typed<proto::ProfileGetRequest>([&accounts](RequestContext& ctx, const proto::ProfileGetRequest& r) {
                   return accounts.profile(*ctx.session, r);
                 }));

  dispatcher.add(proto::type::kProfileUpdate, {},
                 typed<proto::ProfileUpdateRequest>([&accounts](RequestContext& ctx, const proto::ProfileUpdateRequest& r) {
                   return accounts.update_profile(*ctx.session, r);
                 }));

  dispatcher.add(proto::type::kUserSearch, {},
                 typed<proto::UserSearchRequest>([&accounts](RequestContext&, const proto::UserSearchRequest& r) {
                   return accounts.search(r);
                 }));
}

}  // namespace parley::server
