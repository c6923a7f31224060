// The connections of transport.hpp over TLS: one of the two translation units of
// parley-bench that compile Beast (transport.ipp), for this one stream type, and the
// only one that sees OpenSSL.
#include "bench/transport.ipp"

#include <boost/asio/ssl.hpp>
#include <boost/beast/ssl.hpp>

#include <openssl/err.h>
#include <openssl/ssl.h>

namespace parley::bench {

namespace ssl = boost::asio::ssl;

// Thread-safe after construction: OpenSSL allows SSL objects to be made from one SSL_CTX
// on many threads at once.
class TlsContext {
 public:
  // No SSL_MODE_RELEASE_BUFFERS here: Asio's engine sets it on every SSL it makes. What
  // an idle connection costs over plain TCP (~75 KiB measured) is mostly Asio's, not
  // OpenSSL's record buffers: the stream's two 17 KiB buffers (zero-filled, so resident)
  // and the BIO pair between them and the SSL (two more 17 KiB), then the SSL (~7.5 KiB).
  explicit TlsContext(bool verify) : context_(ssl::context::tls_client), verify_(verify) {
    boost::system::error_code ignored;  // without CA paths verification fails later, with a clear message
    if (verify_) {
      context_.set_default_verify_paths(ignored);
      context_.set_verify_mode(ssl::verify_peer, ignored);
    } else {
      context_.set_verify_mode(ssl::verify_none, ignored);
    }
  }
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  ssl::context& context() { return context_; }
  bool verify() const { return verify_; }

 private:
  ssl::context context_;
  const bool verify_;
};

namespace detail {

using TlsLayer = beast::ssl_stream<tcp::socket>;
using TlsWs = BeastWsConnection<TlsLayer>;
using TlsHttp = BeastHttpConnection<TlsLayer>;

template <>
asio::awaitable<error_code> tls_handshake(TlsLayer& stream, const ServerTarget& target) {
  // SNI carries host names only (RFC 6066), never IP literals.
  if (!target.name.empty() && !SSL_set_tlsext_host_name(stream.native_handle(), target.name.c_str())) {
    co_return error_code(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category());
  }
  if (target.tls->verify()) {
    stream.set_verify_callback(ssl::host_name_verification(target.name.empty() ? target.host : target.name));
  }
  auto [ec] = co_await stream.async_handshake(ssl::stream_base::client, kTuple);
  co_return ec;
}

asio::awaitable<proto::Result<std::unique_ptr<WsConnection>>> open_tls_ws(const ServerTarget& target,
                                                                          const std::string& source_address) {
  auto connection = std::make_unique<TlsWs>(co_await asio::this_coro::executor, target.tls->context());
  auto status = co_await connection->connect(target, source_address);
  if (!status) co_return status.error();
  co_return std::unique_ptr<WsConnection>(std::move(connection));
}

asio::awaitable<proto::Result<std::unique_ptr<HttpConnection>>> open_tls_http(const ServerTarget& target,
                                                                              const std::string& source_address) {
  auto connection = std::make_unique<TlsHttp>(target, co_await asio::this_coro::executor, target.tls->context());
  auto status = co_await connection->connect(source_address);
  if (!status) co_return status.error();
  co_return std::unique_ptr<HttpConnection>(std::move(connection));
}

std::shared_ptr<TlsContext> make_tls_context(bool verify) { return std::make_shared<TlsContext>(verify); }

}  // namespace detail
}  // namespace parley::bench
