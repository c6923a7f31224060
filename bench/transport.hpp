#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "proto/errors.hpp"

// The generator's connections: many per thread, driven by C++20 coroutines on the
// calling coroutine's executor, over plain TCP or TLS. No Beast or OpenSSL type appears
// here: transport_plain.cpp and transport_tls.cpp are the only translation units of the
// benchmark that compile Beast (each costs minutes).
//
// Neither class is thread-safe. Use each from coroutines on one single-threaded
// io_context; at most one read and one write may be outstanding at a time.
namespace parley::bench {

namespace asio = boost::asio;

// The OpenSSL client context that every TLS connection to a target is made from (it is
// thread-safe to share). Defined in transport_tls.cpp.
class TlsContext;

// Where the server listens: numeric host (no name lookup in the hot path) and port, and
// whether to speak TLS there.
struct ServerTarget {
  std::string host;
  std::string port;
  // The URL's host when it was a name (resolved into `host`): TLS sends it as SNI and,
  // when verifying, checks the certificate against it. Empty when the URL gave an address.
  std::string name;
  // Set for https:// and wss:// URLs; null for plain http:// and ws://.
  std::shared_ptr<TlsContext> tls;

  bool is_tls() const { return tls != nullptr; }
  std::string host_header() const { return host + ":" + port; }
};

// Parses http://, ws:// (plain) or https://, wss:// (TLS) URLs of the form
// SCHEME://HOST:PORT. With `verify_tls` a TLS server must show a certificate that the
// system's CAs vouch for, for the URL's host; without, any certificate is accepted (a
// self-signed one, as the client's --insecure-tls does).
proto::Result<ServerTarget> parse_target(std::string_view url, bool verify_tls);

// One WebSocket connection to the server's /ws endpoint.
class WsConnection {
 public:
  // Connects from `source_address` (when not empty: bound with IP_BIND_ADDRESS_NO_PORT,
  // so the kernel picks the port at connect time and each source address has its own
  // ephemeral port range) and upgrades. Fails with `unavailable`.
  static asio::awaitable<proto::Result<std::unique_ptr<WsConnection>>> open(const ServerTarget& target,
                                                                            const std::string& source_address);
  virtual ~WsConnection() = default;
  WsConnection(const WsConnection&) = delete;
  WsConnection& operator=(const WsConnection&) = delete;

  // Writes one text frame; `text` must stay valid until the write completes.
  virtual asio::awaitable<proto::Status> write(std::string_view text) = 0;
  // The next text frame. The view is valid until the next read(). Fails with
  // `unavailable` once the connection is closed or broken.
  virtual asio::awaitable<proto::Result<std::string_view>> read() = 0;
  // Sends a close frame (1000) and waits for the server's; bounded by a few seconds.
  virtual asio::awaitable<void> close() = 0;
  // Drops the TCP connection at once; pending operations fail.
  virtual void abort() = 0;
  virtual bool is_open() const = 0;

 protected:
  WsConnection() = default;
};

struct HttpReply {
  int status = 0;
  std::string body;
};

// One keep-alive HTTP/1.1 connection for POST /api/v1/TYPE requests.
class HttpConnection {
 public:
  static asio::awaitable<proto::Result<std::unique_ptr<HttpConnection>>> open(const ServerTarget& target,
                                                                              const std::string& source_address);
  virtual ~HttpConnection() = default;
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  // POSTs `body` (JSON) to `path`, with Authorization: Bearer when `bearer` is not empty.
  virtual asio::awaitable<proto::Result<HttpReply>> post(const std::string& path, const std::string& body,
                                                         const std::string& bearer) = 0;

 protected:
  HttpConnection() = default;
};

}  // namespace parley::bench
