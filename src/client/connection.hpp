#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "client/client.hpp"
#include "proto/errors.hpp"

// Internals of the client library shared by client.cpp, raw_socket.cpp and the one
// translation unit that holds the Beast code (transport.cpp). No Asio or Beast type
// appears here, so only transport.cpp pays for compiling them.
namespace parley::client::detail {

// Where ClientOptions::server points.
struct ServerAddress {
  bool tls = false;
  std::string host;  // a name, an IPv4 address or an IPv6 address without brackets
  std::string port;  // always set: the URL's port or the scheme's default
  bool host_is_ip = false;

  // The Host header value: host[:port], IPv6 in brackets.
  std::string host_header() const;
};

// Accepts http, https, ws and wss URLs with a host; the path, query and fragment are
// ignored. Fails with bad_request, field "server".
proto::Result<ServerAddress> parse_server_url(std::string_view url);

// One WebSocket connection with its own I/O thread.
//
// Messages and the close are reported through the handlers given to open(): a text
// frame holding several newline-separated messages is reported once per message. Both are
// called on the I/O thread, never at the same time, and never after the destructor
// has returned; `on_close` is called exactly once, after the last `on_frame`. The
// handlers must stay valid until the Connection is destroyed.
//
// send() and close() are thread-safe. Outgoing frames go through one queue with one
// write in flight, and the close is queued behind the frames sent before it.
class Connection {
 public:
  using FrameHandler = std::function<void(std::string payload, bool binary)>;
  using CloseHandler = std::function<void(CloseInfo info)>;

  // Resolves, connects, does the TLS handshake (for https/wss) and the WebSocket
  // upgrade to `target`, all within options.timeout. Fails with `unavailable` when
  // the server cannot be reached or refuses the upgrade, `bad_request` for a bad URL.
  static proto::Result<std::unique_ptr<Connection>> open(const ClientOptions& options, std::string_view target,
                                                         FrameHandler on_frame, CloseHandler on_close);

  // Closes with 1000 if still open, waits for the closing handshake (bounded by the
  // options' timeout) and joins the I/O thread.
  virtual ~Connection() = default;
  Connection() = default;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Queues one frame. Fails with `unavailable` once the connection is closed or
  // closing; success means queued, not delivered.
  virtual proto::Status send(std::string payload, bool binary) = 0;

  // Starts the closing handshake with `code` and returns without waiting;
  // on_close reports when it is done. Does nothing when already closing.
  virtual void close(int code) = 0;
};

}  // namespace parley::client::detail
