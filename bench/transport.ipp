// The WebSocket and HTTP connections behind transport.hpp, written once as templates over
// the next layer: tcp::socket, or beast::ssl_stream<tcp::socket> for TLS. Included by
// transport_plain.cpp and transport_tls.cpp only, each instantiating one layer. Over plain
// TCP only the HTTP connection is used: the WebSocket one is transport_plain.cpp's own.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include "bench/transport_layers.hpp"

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif

namespace parley::bench::detail {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using error_code = beast::error_code;

inline constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
inline constexpr std::chrono::seconds kHandshakeTimeout{10};

template <class NextLayer>
inline constexpr bool kIsPlain = std::is_same_v<NextLayer, tcp::socket>;

// The TLS client handshake on a connected `layer` (SNI, and the certificate check when
// the target's context verifies). Defined, for its layer, by transport_tls.cpp.
template <class NextLayer>
asio::awaitable<error_code> tls_handshake(NextLayer& layer, const ServerTarget& target);

inline proto::Error unavailable(std::string what, const error_code& ec) {
  return proto::make_error(proto::Errc::unavailable, std::move(what) + ": " + ec.message());
}

// Opens `socket` from `source_address` (if any) and connects it to the target.
inline asio::awaitable<error_code> dial(tcp::socket& socket, const ServerTarget& target,
                                        const std::string& source_address) {
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

// Connects the lowest layer of `stream`, then does the TLS handshake if it has one.
// Returns the failure, described.
template <class NextLayer>
asio::awaitable<proto::Status> connect_layer(NextLayer& stream, const ServerTarget& target,
                                             const std::string& source_address) {
  if (auto ec = co_await dial(beast::get_lowest_layer(stream), target, source_address)) {
    co_return unavailable("connecting to " + target.host_header(), ec);
  }
  if constexpr (!kIsPlain<NextLayer>) {
    if (auto ec = co_await tls_handshake(stream, target)) {
      co_return unavailable("TLS handshake with " + target.host_header(), ec);
    }
  }
  co_return proto::Status{};
}

template <class NextLayer>
class BeastWsConnection final : public WsConnection {
 public:
  // `args` construct the next layer: an executor, and for TLS the ssl::context too.
  template <class... Args>
  explicit BeastWsConnection(Args&&... args) : ws_(std::forward<Args>(args)...) {}

  asio::awaitable<proto::Status> connect(const ServerTarget& target, const std::string& source_address) {
    if (auto connected = co_await connect_layer(ws_.next_layer(), target, source_address); !connected) {
      co_return connected;
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
    beast::get_lowest_layer(ws_).close(ignored);
  }

  bool is_open() const override { return ws_.is_open(); }

 private:
  websocket::stream<NextLayer> ws_;
  beast::flat_buffer buffer_;
};

template <class NextLayer>
class BeastHttpConnection final : public HttpConnection {
 public:
  // `args` construct the next layer, as for BeastWsConnection.
  template <class... Args>
  explicit BeastHttpConnection(ServerTarget target, Args&&... args)
      : stream_(std::forward<Args>(args)...), target_(std::move(target)) {}

  asio::awaitable<proto::Status> connect(const std::string& source_address) {
    co_return co_await connect_layer(stream_, target_, source_address);
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
    auto [write_ec, written] = co_await http::async_write(stream_, request, kTuple);
    if (write_ec) co_return unavailable("HTTP write", write_ec);
    http::response_parser<http::string_body> parser;
    parser.body_limit(16 * 1024 * 1024);
    auto [read_ec, read] = co_await http::async_read(stream_, buffer_, parser, kTuple);
    if (read_ec) co_return unavailable("HTTP read", read_ec);
    auto& response = parser.get();
    co_return HttpReply{static_cast<int>(response.result_int()), std::move(response.body())};
  }

 private:
  NextLayer stream_;
  ServerTarget target_;
  beast::flat_buffer buffer_;
};

}  // namespace parley::bench::detail
