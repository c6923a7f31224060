#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include <boost/json/object.hpp>

#include "proto/codec.hpp"
#include "server/services/accounts_service.hpp"
#include "server/sessions/connection.hpp"
#include "server/sessions/session_registry.hpp"

namespace parley::server {

// The state of one client conversation with the server: a WebSocket connection, or one
// HTTP request. Owned by the transport; touched by one request at a time.
struct RequestContext {
  std::string peer_address;
  std::shared_ptr<Connection> connection;  // null over HTTP
  bool hello_done = false;
  std::optional<Session> session;

  // Set by a handler: after the response is sent, send `farewell` (if any) and close.
  struct CloseAfter {
    int code = close_code::kNormal;
    std::string reason;
    std::shared_ptr<const std::string> farewell;
  };
  std::optional<CloseAfter> close_after;

  bool websocket() const { return connection != nullptr; }
};

struct HandlerInfo {
  bool needs_session = true;
  bool websocket_only = false;
  // Changes the RequestContext (hello, login, auth, logout...): on a WebSocket it runs
  // alone, after every earlier request is answered and before any later one starts.
  bool changes_state = false;
  // An async handler that does not wait for the disk (at most a short store lookup when
  // its caches miss): runs on the network thread, in the order requests arrive. Other
  // requests run on worker threads, several of a connection's at a time.
  bool runs_inline = false;
};

using Handler = std::function<proto::Result<boost::json::object>(RequestContext&, const boost::json::object&)>;
// An async handler's way to answer, exactly once, from any thread.
using Reply = std::function<void(proto::Result<boost::json::object>)>;
using AsyncHandler = std::function<void(RequestContext&, const boost::json::object&, Reply)>;

// Adapts a typed handler `Result<Res>(RequestContext&, const Req&)` to a Handler.
template <class Req, class F>
Handler typed(F f) {
  return [f = std::move(f)](RequestContext& ctx, const boost::json::object& data) -> proto::Result<boost::json::object> {
    auto request = proto::decode<Req>(data);
    if (!request) return request.error();
    auto result = f(ctx, *request);
    if (!result) return result.error();
    return proto::encode(*result);
  };
}

// Adapts `void(RequestContext&, const Req&, std::function<void(Result<Res>)>)` to an
// AsyncHandler.
template <class Req, class Res, class F>
AsyncHandler typed_async(F f) {
  return [f = std::move(f)](RequestContext& ctx, const boost::json::object& data, Reply reply) {
    auto request = proto::decode<Req>(data);
    if (!request) return reply(request.error());
    f(ctx, *request, [reply = std::move(reply)](proto::Result<Res> result) {
      if (!result) return reply(result.error());
      reply(proto::encode(*result));
    });
  };
}

// Routes requests by type to their handlers, enforcing the order of the connection life
// cycle (hello first, a session for everything but the few open requests). The table is
// fixed before the server starts.
class Dispatcher {
 public:
  using Done = std::function<void(proto::Response)>;

  Dispatcher(AccountsService& accounts, SessionRegistry& registry);

  void add(std::string type, HandlerInfo info, Handler handler);
  void add_async(std::string type, HandlerInfo info, AsyncHandler handler);
  // How requests of `type` run, or null when there is no such type.
  const HandlerInfo* info(const std::string& type) const;

  // Answers through `done`, exactly once: before returning for a blocking handler (so
  // call it on a worker thread unless info()->runs_inline), later for an async one.
  void handle_async(RequestContext& ctx, proto::Request request, Done done) const;
  // Blocks until the answer is there; for any handler.
  proto::Response handle(RequestContext& ctx, proto::Request request) const;
  // Logs an HTTP request in with its bearer token.
  proto::Status authenticate_http(RequestContext& ctx, std::string_view bearer_token) const;
  // The connection ended: forget it.
  void disconnected(RequestContext& ctx) const;

 private:
  struct Entry {
    HandlerInfo info;
    Handler handler;      // one of these two
    AsyncHandler async;
  };
  proto::Status check_order(RequestContext& ctx, const std::string& type, const Entry& entry) const;

  AccountsService& accounts_;
  SessionRegistry& registry_;
  std::unordered_map<std::string, Entry> handlers_;
};

// Builds the `kicked` event frame and closes `connection` with `code` after it.
void sign_out(Connection& connection, const std::string& reason, const std::string& message, int code);
std::shared_ptr<const std::string> kicked_frame(const std::string& reason, const std::string& message);

}  // namespace parley::server
