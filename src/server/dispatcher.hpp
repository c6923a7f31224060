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
};

using Handler = std::function<proto::Result<boost::json::object>(RequestContext&, const boost::json::object&)>;

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

// Routes requests by type to their handlers, enforcing the order of the connection life
// cycle (hello first, a session for everything but the few open requests). handle() is
// blocking and runs on a worker thread; the table is fixed before the server starts.
class Dispatcher {
 public:
  Dispatcher(AccountsService& accounts, SessionRegistry& registry);

  void add(std::string type, HandlerInfo info, Handler handler);
  proto::Response handle(RequestContext& ctx, proto::Request request) const;
  // Logs an HTTP request in with its bearer token.
  proto::Status authenticate_http(RequestContext& ctx, std::string_view bearer_token) const;
  // The connection ended: forget it.
  void disconnected(RequestContext& ctx) const;

 private:
  struct Entry {
    HandlerInfo info;
    Handler handler;
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
