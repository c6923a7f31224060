// The only translation unit of parley-bench that compiles Beast: the WebSocket and HTTP
// connections behind transport.hpp. Plain TCP only, one stream type, so the Beast
// templates are instantiated once.
#include "bench/transport.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>
#include <cstdint>
#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include "client/connection.hpp"

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif

namespace parley::bench {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using error_code = beast::error_code;

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::chrono::seconds kHandshakeTimeout{10};

proto::Error unavailable(std::string what, const error_code& ec) {
  return proto::make_error(proto::Errc::unavailable, std::move(what) + ": " + ec.message());
}

// Opens `socket` from `source_address` (if any) and connects it to the target.
asio::awaitable<error_code> dial(tcp::socket& socket, const ServerTarget& target, const std::string& source_address) {
  error_code ec;
  auto address = asio::ip::make_address(target.host, ec);
  if (ec) co_return ec;
  tcp::endpoint endpoint(address, static_cast<std::uint16_t>(std::stoi(target.port)));
  socket.open(endpoint.protocol(), ec);
  if (ec) co_return ec;
  if (!source_address.empty()) {
    auto source = asio::ip::make_address(source_address, ec);
    if (ec) co_return ec;
    // Without this, bind() picks the port before the destination is known, and a source
    // address runs out of ports at ~28,000 connections in total, not per destination.
    int one = 1;
    ::setsockopt(socket.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    socket.bind(tcp::endpoint(source, 0), ec);
    if (ec) co_return ec;
  }
  auto [connect_ec] = co_await socket.async_connect(endpoint, kTuple);
  if (connect_ec) co_return connect_ec;
  socket.set_option(tcp::no_delay(true), ec);
  co_return error_code{};
}

class BeastWsConnection final : public WsConnection {
 public:
  explicit BeastWsConnection(const asio::any_io_executor& executor) : ws_(executor) {}

  asio::awaitable<proto::Status> connect(const ServerTarget& target, const std::string& source_address) {
    if (auto ec = co_await dial(ws_.next_layer(), target, source_address)) {
      co_return unavailable("connecting to " + target.host_header(), ec);
    }
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = kHandshakeTimeout;  // also bounds the closing handshake
    timeouts.idle_timeout = websocket::stream_base::none();
    timeouts.keep_alive_pings = false;  // the server pings; Beast answers with pongs
    ws_.set_option(timeouts);
    ws_.read_message_max(16 * 1024 * 1024);
    auto [ec] = co_await ws_.async_handshake(target.host_header(), "/ws", kTuple);
    if (ec) co_return unavailable("WebSocket handshake with " + target.host_header(), ec);
    ws_.text(true);
    co_return proto::Status{};
  }

  asio::awaitable<proto::Status> write(std::string_view text) override {
    auto [ec, n] = co_await ws_.async_write(asio::buffer(text.data(), text.size()), kTuple);
    if (ec) co_return unavailable("write", ec);
    co_return proto::Status{};
  }

  asio::awaitable<proto::Result<std::string_view>> read() override {
    buffer_.consume(buffer_.size());
    auto [ec, n] = co_await ws_.async_read(buffer_, kTuple);
    if (ec) co_return unavailable("read", ec);
    auto data = buffer_.data();
    co_return std::string_view(static_cast<const char*>(data.data()), data.size());
  }

  asio::awaitable<void> close() override {
    if (!ws_.is_open()) co_return;
    auto [ec] = co_await ws_.async_close(websocket::close_code::normal, kTuple);
    (void)ec;
  }

  void abort() override {
    error_code ignored;
    ws_.next_layer().close(ignored);
  }

  bool is_open() const override { return ws_.is_open(); }

 private:
  websocket::stream<tcp::socket> ws_;
  beast::flat_buffer buffer_;
};

class BeastHttpConnection final : public HttpConnection {
 public:
  BeastHttpConnection(const asio::any_io_executor& executor, ServerTarget target)
      : socket_(executor), target_(std::move(target)) {}

  asio::awaitable<proto::Status> connect(const std::string& source_address) {
    if (auto ec = co_await dial(socket_, target_, source_address)) {
      co_return unavailable("connecting to " + target_.host_header(), ec);
    }
    co_return proto::Status{};
  }

  asio::awaitable<proto::Result<HttpReply>> post(const std::string& path, const std::string& body,
                                                 const std::string& bearer) override {
    http::request<http::string_body> request{http::verb::post, path, 11};
    request.set(http::field::host, target_.host_header());
    request.set(http::field::content_type, "application/json");
    if (!bearer.empty()) request.set(http::field::authorization, "Bearer " + bearer);
    request.keep_alive(true);
    request.body() = body;
    request.prepare_payload();
    auto [write_ec, written] = co_await http::async_write(socket_, request, kTuple);
    if (write_ec) co_return unavailable("HTTP write", write_ec);
    http::response_parser<http::string_body> parser;
    parser.body_limit(16 * 1024 * 1024);
    auto [read_ec, read] = co_await http::async_read(socket_, buffer_, parser, kTuple);
    if (read_ec) co_return unavailable("HTTP read", read_ec);
    auto& response = parser.get();
    co_return HttpReply{static_cast<int>(response.result_int()), std::move(response.body())};
  }

 private:
  tcp::socket socket_;
  ServerTarget target_;
  beast::flat_buffer buffer_;
};

}  // namespace

proto::Result<ServerTarget> parse_target(std::string_view url) {
  auto address = client::detail::parse_server_url(url);
  if (!address) return address.error();
  if (address->tls) {
    return proto::make_error(proto::Errc::bad_request, "parley-bench speaks plain ws:// and http:// only", "server");
  }
  ServerTarget target{address->host, address->port};
  if (!address->host_is_ip) {
    // Resolved once here, so every connection dials a numeric address.
    asio::io_context ioc;
    tcp::resolver resolver(ioc);
    error_code ec;
    auto results = resolver.resolve(address->host, address->port, ec);
    if (ec || results.empty()) return unavailable("resolving " + address->host, ec);
    target.host = results.begin()->endpoint().address().to_string();
  }
  return target;
}

asio::awaitable<proto::Result<std::unique_ptr<WsConnection>>> WsConnection::open(const ServerTarget& target,
                                                                                 const std::string& source_address) {
  auto executor = co_await asio::this_coro::executor;
  auto connection = std::make_unique<BeastWsConnection>(executor);
  auto status = co_await connection->connect(target, source_address);
  if (!status) co_return status.error();
  co_return std::unique_ptr<WsConnection>(std::move(connection));
}

asio::awaitable<proto::Result<std::unique_ptr<HttpConnection>>> HttpConnection::open(
    const ServerTarget& target, const std::string& source_address) {
  auto executor = co_await asio::this_coro::executor;
  auto connection = std::make_unique<BeastHttpConnection>(executor, target);
  auto status = co_await connection->connect(source_address);
  if (!status) co_return status.error();
  co_return std::unique_ptr<HttpConnection>(std::move(connection));
}

}  // namespace parley::bench
