#include "server/net/session.ipp"

namespace parley::server::net {

void start_tls_session(std::shared_ptr<SharedState> state, TlsContext& tls, tcp::socket socket,
                       std::shared_ptr<SharedState::AddressSlot> slot) {
  auto executor = socket.get_executor();
  TlsSocket stream(std::move(socket), tls);
  asio::co_spawn(executor, serve_http(std::move(state), std::move(stream), std::move(slot)), log_session_end);
}

}  // namespace parley::server::net
