#include "server/dispatcher.hpp"

#include <atomic>
#include <future>

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
  handlers_.emplace(std::move(type), Entry{info, std::move(handler), {}});
}

void Dispatcher::add_async(std::string type, HandlerInfo info, AsyncHandler handler) {
  handlers_.emplace(std::move(type), Entry{info, {}, std::move(handler)});
}

const HandlerInfo* Dispatcher::info(const std::string& type) const {
  auto it = handlers_.find(type);
  return it == handlers_.end() ? nullptr : &it->second.info;
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

namespace {

std::int64_t user_of(const RequestContext& ctx) { return ctx.session ? ctx.session->user_id : 0; }

proto::Response to_response(proto::RequestId id, const std::string& type, std::int64_t user_id, const std::string& peer,
                            proto::Result<boost::json::object> result) {
  spdlog::debug("request type={} user_id={} peer={} result={}", type, user_id, peer,
                result ? "ok" : proto::to_string(result.error().code));
  if (!result) return proto::error_response(std::move(id), result.error());
  return proto::ok_response(std::move(id), std::move(*result));
}

proto::Response internal_error(proto::RequestId id, const std::string& type, const std::exception& e) {
  // Module boundary: a bug or resource failure in a handler must not take the
  // connection down with it.
  spdlog::error("handler failed type={} error=\"{}\"", type, e.what());
  return proto::error_response(std::move(id), make_error(Errc::internal, "the server could not complete the request"));
}

}  // namespace

void Dispatcher::handle_async(RequestContext& ctx, proto::Request request, Done done) const {
  auto it = handlers_.find(request.type);
  if (it == handlers_.end()) {
    return done(proto::error_response(
        std::move(request.id), make_error(Errc::unknown_type, "unknown request type \"" + request.type + "\"", "type")));
  }
  if (auto s = check_order(ctx, request.type, it->second); !s) {
    return done(proto::error_response(std::move(request.id), s.error()));
  }
  const Entry& entry = it->second;
  if (!entry.async) {
    try {
      auto result = entry.handler(ctx, request.data);
      return done(to_response(std::move(request.id), request.type, user_of(ctx), ctx.peer_address, std::move(result)));
    } catch (const std::exception& e) {
      return done(internal_error(std::move(request.id), request.type, e));
    }
  }
  // The reply may come from another thread after ctx is gone: it keeps what it needs.
  struct Pending {
    Done done;
    proto::RequestId id;
    std::string type;
    std::int64_t user_id;
    std::string peer;
    std::atomic<bool> answered{false};
    void answer(proto::Response response) {
      if (!answered.exchange(true)) done(std::move(response));
    }
  };
  auto pending = std::make_shared<Pending>(std::move(done), request.id, request.type, user_of(ctx), ctx.peer_address);
  try {
    entry.async(ctx, request.data, [pending](proto::Result<boost::json::object> result) {
      pending->answer(to_response(pending->id, pending->type, pending->user_id, pending->peer, std::move(result)));
    });
  } catch (const std::exception& e) {
    pending->answer(internal_error(pending->id, pending->type, e));
  }
}

proto::Response Dispatcher::handle(RequestContext& ctx, proto::Request request) const {
  std::promise<proto::Response> answered;
  auto answer = answered.get_future();
  handle_async(ctx, std::move(request), [&answered](proto::Response r) { answered.set_value(std::move(r)); });
  return answer.get();
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
