#include "server/dispatcher.hpp"

#include <spdlog/spdlog.h>

namespace parley::server {

using proto::Errc;
using proto::make_error;

std::shared_ptr<const std::string> kicked_frame(const std::string& reason, const std::string& message) {
  return SessionRegistry::event_frame(proto::event::kKicked, proto::encode(proto::KickedEvent{reason, message}));
}

void sign_out(Connection& connection, const std::string& reason, const std::string& message, int code) {
  connection.send(kicked_frame(reason, message));
  connection.close(code, reason);
}

Dispatcher::Dispatcher(AccountsService& accounts, SessionRegistry& registry)
    : accounts_(accounts), registry_(registry) {}

void Dispatcher::add(std::string type, HandlerInfo info, Handler handler) {
  handlers_.emplace(std::move(type), Entry{info, std::move(handler)});
}

proto::Status Dispatcher::check_order(RequestContext& ctx, const std::string& type, const Entry& entry) const {
  if (ctx.websocket() && !ctx.hello_done && type != proto::type::kHello) {
    return make_error(Errc::bad_request, "send hello first");
  }
  if (!ctx.websocket() && entry.info.websocket_only) {
    return make_error(Errc::bad_request, type + " is only available on a WebSocket");
  }
  if (!entry.info.needs_session) return {};
  if (!ctx.session) return make_error(Errc::unauthorized, "log in first");
  if (ctx.session->expires_at <= accounts_.now()) {
    if (ctx.websocket()) {
      std::string message = "the session expired; log in again";
      ctx.close_after = RequestContext::CloseAfter{close_code::kSessionRevoked, "session_expired",
                                                   kicked_frame("session_expired", message)};
    }
    return make_error(Errc::unauthorized, "the session expired; log in again");
  }
  return {};
}

proto::Response Dispatcher::handle(RequestContext& ctx, proto::Request request) const {
  auto it = handlers_.find(request.type);
  if (it == handlers_.end()) {
    return proto::error_response(std::move(request.id),
                                 make_error(Errc::unknown_type, "unknown request type \"" + request.type + "\"", "type"));
  }
  if (auto s = check_order(ctx, request.type, it->second); !s) {
    return proto::error_response(std::move(request.id), s.error());
  }
  try {
    auto result = it->second.handler(ctx, request.data);
    spdlog::debug("request type={} user_id={} peer={} result={}", request.type, ctx.session ? ctx.session->user_id : 0,
                  ctx.peer_address, result ? "ok" : proto::to_string(result.error().code));
    if (!result) return proto::error_response(std::move(request.id), result.error());
    return proto::ok_response(std::move(request.id), std::move(*result));
  } catch (const std::exception& e) {
    // Module boundary: a bug or resource failure in a handler must not take the
    // connection down with it.
    spdlog::error("handler failed type={} error=\"{}\"", request.type, e.what());
    return proto::error_response(std::move(request.id),
                                 make_error(Errc::internal, "the server could not complete the request"));
  }
}

proto::Status Dispatcher::authenticate_http(RequestContext& ctx, std::string_view bearer_token) const {
  auto session = accounts_.authenticate(bearer_token);
  if (!session) return session.error();
  ctx.session = std::move(*session);
  return {};
}

void Dispatcher::disconnected(RequestContext& ctx) const {
  if (ctx.session && ctx.connection) registry_.detach(ctx.session->user_id, ctx.connection->id());
}

}  // namespace parley::server
