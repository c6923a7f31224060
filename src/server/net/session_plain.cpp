#include "server/net/session.ipp"

namespace parley::server::net {

void start_plain_session(std::shared_ptr<SharedState> state, tcp::socket socket,
                         std::shared_ptr<SharedState::AddressSlot> slot) {
  auto executor = socket.get_executor();
  asio::co_spawn(executor, serve_http(std::move(state), beast::tcp_stream(std::move(socket)), std::move(slot)),
                 log_session_end);
}

}  // namespace parley::server::net
