#include "server/net/session.ipp"

namespace parley::server::net {
namespace {

awaitable<void> serve_tls(std::shared_ptr<SharedState> state, ssl::context& tls, tcp::socket socket,
                          std::shared_ptr<SharedState::AddressSlot> slot) {
  beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), tls);
  beast::get_lowest_layer(stream).expires_after(ms(state->config.handshake_timeout_ms));
  auto [ec] = co_await stream.async_handshake(ssl::stream_base::server, use_tuple);
  if (ec) {
    spdlog::debug("TLS handshake with {} failed: {}", slot->address(), ec.message());
    co_return;
  }
  co_await serve_http(std::move(state), std::move(stream), std::move(slot));
}

}  // namespace

void start_tls_session(std::shared_ptr<SharedState> state, ssl::context& tls, tcp::socket socket,
                       std::shared_ptr<SharedState::AddressSlot> slot) {
  auto executor = socket.get_executor();
  asio::co_spawn(executor, serve_tls(std::move(state), tls, std::move(socket), std::move(slot)), log_session_end);
}

}  // namespace parley::server::net
