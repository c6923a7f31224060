#include "server/net/session.ipp"

namespace parley::server::net {

void start_tls_session(std::shared_ptr<SharedState> state, ssl::context& tls, tcp::socket socket,
                       std::shared_ptr<SharedState::AddressSlot> slot) {
  auto executor = socket.get_executor();
  beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), tls);
  asio::co_spawn(executor, serve_http(std::move(state), std::move(stream), std::move(slot)), log_session_end);
}

}  // namespace parley::server::net
