// parse_target() and the choice of layer for each connection. The connections themselves
// are in transport.ipp, compiled once per layer (transport_plain.cpp, transport_tls.cpp);
// this file compiles no Beast.
#include "bench/transport.hpp"

#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "bench/transport_layers.hpp"
#include "client/connection.hpp"

namespace parley::bench {

proto::Result<ServerTarget> parse_target(std::string_view url, bool verify_tls) {
  auto address = client::detail::parse_server_url(url);
  if (!address) return address.error();
  ServerTarget target{address->host, address->port, {}, nullptr};
  if (!address->host_is_ip) {
    // Resolved once here, so every connection dials a numeric address.
    asio::io_context ioc;
    asio::ip::tcp::resolver resolver(ioc);
    boost::system::error_code ec;
    auto results = resolver.resolve(address->host, address->port, ec);
    if (ec || results.empty()) {
      return proto::make_error(proto::Errc::unavailable, "resolving " + address->host + ": " + ec.message());
    }
    target.host = results.begin()->endpoint().address().to_string();
    target.name = address->host;
  }
  if (address->tls) target.tls = detail::make_tls_context(verify_tls);
  return target;
}

asio::awaitable<proto::Result<std::unique_ptr<WsConnection>>> WsConnection::open(const ServerTarget& target,
                                                                                 const std::string& source_address) {
  if (target.is_tls()) co_return co_await detail::open_tls_ws(target, source_address);
  co_return co_await detail::open_plain_ws(target, source_address);
}

asio::awaitable<proto::Result<std::unique_ptr<HttpConnection>>> HttpConnection::open(
    const ServerTarget& target, const std::string& source_address) {
  if (target.is_tls()) co_return co_await detail::open_tls_http(target, source_address);
  co_return co_await detail::open_plain_http(target, source_address);
}

}  // namespace parley::bench
