#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <boost/json/object.hpp>

#include "proto/codec.hpp"
#include "proto/errors.hpp"
#include "proto/messages.hpp"

// The C++ client library for protocol v1. No Asio or Beast type appears here: the
// transport lives in the .cpp files. Used by the CLI, the tests and the benchmark.
namespace parley::client {

struct ClientOptions {
  // http://, https://, ws:// or wss:// with host and port; a path, if any, is ignored
  // (the WebSocket endpoint is /ws).
  std::string server = "http://127.0.0.1:8080";
  std::string client_name = "parley-client/" PARLEY_VERSION;
  std::chrono::milliseconds timeout{10'000};  // connect, handshake and each request
  bool verify_tls = true;                     // false accepts any certificate (self-signed)
  std::size_t max_frame_bytes = 16 * 1024 * 1024;
};

struct CloseInfo {
  int code = 0;  // WebSocket close code, 0 when the connection broke without one
  std::string reason;
};

// One WebSocket connection that has completed `hello`. Thread-safe: request() may be
// called from several threads; each call blocks until its response arrives or the
// timeout passes. Events pushed by the server are queued for next_event().
class Client {
 public:
  // Connects, upgrades to WebSocket and negotiates the version with hello.
  // Fails with `unavailable` when the server cannot be reached.
  static proto::Result<std::unique_ptr<Client>> connect(const ClientOptions& options);
  ~Client();  // closes the connection (code 1000)
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Sends a request and waits for its response; the server's error comes back as the
  // error. A lost connection or timeout gives `unavailable`.
  proto::Result<boost::json::object> request(std::string_view type, boost::json::object data = {});

  template <class Res, class Req>
  proto::Result<Res> call(std::string_view type, const Req& request_data) {
    auto result = request(type, proto::encode(request_data));
    if (!result) return result.error();
    return proto::decode<Res>(*result);
  }

  // The next event the server pushed, waiting up to `timeout`. Empty when none came in
  // time or the connection is closed and every event has been taken.
  std::optional<proto::Event> next_event(std::chrono::milliseconds timeout);

  // How the server closed the connection, waiting up to `timeout` for it to close.
  std::optional<CloseInfo> wait_closed(std::chrono::milliseconds timeout);
  bool is_open() const;

  const proto::HelloResult& hello() const;
  void close();

 private:
  struct Impl;
  explicit Client(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// A bare WebSocket to the server that sends and reads frames as they are, with no
// hello and no parsing: for tests of bad input and for tools.
class RawSocket {
 public:
  static proto::Result<std::unique_ptr<RawSocket>> connect(const ClientOptions& options,
                                                           std::string_view target = "/ws");
  ~RawSocket();
  RawSocket(const RawSocket&) = delete;
  RawSocket& operator=(const RawSocket&) = delete;

  proto::Status send_text(std::string_view text);
  proto::Status send_binary(std::string_view bytes);
  // The next frame's text, or how the connection closed; empty on timeout.
  std::optional<std::variant<std::string, CloseInfo>> read(std::chrono::milliseconds timeout);

 private:
  struct Impl;
  explicit RawSocket(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

struct HttpResponse {
  int status = 0;
  std::string body;
};

// One HTTP/1.1 request on a fresh connection (for register/login from scripts, health
// checks and tests). `bearer_token` adds an Authorization header when not empty.
proto::Result<HttpResponse> http_request(const ClientOptions& options, std::string_view method, std::string_view target,
                                         std::string_view body = {}, std::string_view bearer_token = {});

// Sends one request over HTTP (POST /api/v1/TYPE with `data` as the body and, when not
// empty, Authorization: Bearer TOKEN) and maps the answer like Client::request(): the
// result object, or the server's error (`unavailable` when it cannot be reached).
proto::Result<boost::json::object> http_call(const ClientOptions& options, std::string_view type,
                                             const boost::json::object& data = {}, std::string_view bearer_token = {});

}  // namespace parley::client
