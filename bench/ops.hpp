#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/object.hpp>

#include "bench/transport.hpp"
#include "proto/errors.hpp"
#include "proto/messages.hpp"

// Request/response steps of protocol v1 over one WebSocket, for the set-up phases of
// the workloads (the hot paths splice precomputed frames instead, see frames.hpp).
namespace parley::bench {

inline constexpr char kPassword[] = "bench-password-1";
inline constexpr char kDevice[] = "bench";
// Request ids of message_send are n + this; smaller ids are the set-up requests.
inline constexpr std::int64_t kFirstSendId = 1000;
inline constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

using Clock = std::chrono::steady_clock;
inline std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
}

// Sends one request and reads frames until its response; events read meanwhile, and
// anything after the response in the same frame, are dropped (one call at a time per
// connection, so nothing else is answered there). The server's error comes back as the
// error.
asio::awaitable<proto::Result<boost::json::object>> call(WsConnection& ws, std::int64_t id, std::string_view type,
                                                         boost::json::object data);

template <class Res, class Req>
asio::awaitable<proto::Result<Res>> call_typed(WsConnection& ws, std::int64_t id, std::string_view type,
                                               const Req& request) {
  auto result = co_await call(ws, id, type, proto::encode(request));
  if (!result) co_return result.error();
  co_return proto::decode<Res>(*result);
}

asio::awaitable<proto::Status> hello(WsConnection& ws);

// Registers `username` without logging in. Returns the new user id, or 0 when the
// account already existed (fine for workloads that reuse their users).
asio::awaitable<proto::Result<std::int64_t>> ensure_registered(WsConnection& ws, const std::string& username);

// Registers if needed and logs this connection in on `device`.
asio::awaitable<proto::Result<proto::LoginResult>> register_and_login(WsConnection& ws, const std::string& username,
                                                                      const std::string& device);

// Opens a connection from `source_address` and completes hello.
asio::awaitable<proto::Result<std::unique_ptr<WsConnection>>> open_with_hello(const ServerTarget& target,
                                                                              const std::string& source_address);

// The HTTP form of a request: the result object, or the error the body carries.
asio::awaitable<proto::Result<boost::json::object>> http_call(HttpConnection& http, std::string_view type,
                                                              const boost::json::object& data);

// Names of one run: base 36 of the time, so runs against a long-lived server meet new users.
std::string run_tag();

// A short description of an error for reports: "code: message".
std::string describe(const proto::Error& error);

}  // namespace parley::bench
