#include "server/net/server.hpp"

#include <thread>

#include <spdlog/spdlog.h>

#include "server/net/shared_state.hpp"
#include "server/net/tls_files.hpp"
#include "server/net/tls_socket.hpp"

namespace parley::server {

using namespace net;

struct NetServer::Impl {
  Impl(const Config& c, Dispatcher& dispatcher, const WebFiles* web)
      : config(c),
        io_threads(c.threads > 0 ? c.threads : std::max(1u, std::thread::hardware_concurrency())),
        workers(c.workers > 0 ? c.workers : 2 * std::max(1u, std::thread::hardware_concurrency())),
        ioc(1),
        acceptor(ioc),
        state(std::make_shared<SharedState>(c, dispatcher, web, workers.get_executor())) {
    for (int i = 1; i < io_threads; ++i) {
      auto& context = *others.emplace_back(std::make_unique<asio::io_context>(1));
      guards.emplace_back(context.get_executor());
    }
  }

  // Each I/O thread runs an io_context of its own and serves the connections it was given:
  // a connection's handlers never need a strand, and posts to it take no shared lock.
  asio::io_context& next_context() {
    std::size_t i = next++ % (others.size() + 1);
    return i == 0 ? ioc : *others[i - 1];
  }

  proto::Status load_tls() {
    TlsFiles files{config.tls_cert, config.tls_key};
    if (config.tls_self_signed) {
      auto made = ensure_self_signed(config.data_dir + "/tls");
      if (!made) return made.error();
      files = *made;
      spdlog::info("tls self_signed=true cert={}", files.cert);
    }
    if (files.cert.empty()) return {};
    ssl::context& context = tls.emplace().context();
    context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                        ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
    // No TLS 1.2 renegotiation: a client could otherwise make a read wait on writing.
    SSL_CTX_set_options(context.native_handle(), SSL_OP_NO_RENEGOTIATION);
    // OpenSSL frees a connection's record buffers while it has nothing to read or write,
    // which is most of an idle connection's life (tls_socket.hpp).
    SSL_CTX_set_mode(context.native_handle(), SSL_MODE_RELEASE_BUFFERS);
    beast::error_code ec;
    context.use_certificate_chain_file(files.cert, ec);
    if (ec) return proto::make_error(proto::Errc::bad_request, "setting tls.cert: cannot load " + files.cert + ": " + ec.message());
    context.use_private_key_file(files.key, ssl::context::pem, ec);
    if (ec) return proto::make_error(proto::Errc::bad_request, "setting tls.key: cannot load " + files.key + ": " + ec.message());
    return {};
  }

  proto::Result<std::uint16_t> bind() {
    if (auto s = load_tls(); !s) return s.error();
    auto hp = split_host_port(config.listen);
    if (!hp) return hp.error();
    beast::error_code ec;
    tcp::resolver resolver(ioc);
    auto results = resolver.resolve(hp->host, std::to_string(hp->port), ec);
    if (ec || results.empty()) {
      return proto::make_error(proto::Errc::bad_request, "setting server.listen: cannot resolve " + hp->host);
    }
    tcp::endpoint endpoint = results.begin()->endpoint();
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      return proto::make_error(proto::Errc::bad_request,
                               "setting server.listen: cannot listen on " + config.listen + ": " + ec.message());
    }
    return acceptor.local_endpoint().port();
  }

  awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(next_context(), use_tuple);
      if (ec == asio::error::operation_aborted || state->stopping) co_return;
      if (ec) {
        // Out of file descriptors and the like: wait a moment rather than spin.
        spdlog::warn("accept failed error=\"{}\"", ec.message());
        asio::steady_timer pause(ioc, std::chrono::milliseconds(50));
        co_await pause.async_wait(use_tuple);
        continue;
      }
      beast::error_code peer_ec;
      auto peer = socket.remote_endpoint(peer_ec);
      if (peer_ec) continue;
      auto slot = state->acquire_address(peer.address().to_string());
      if (!slot) {
        refuse(std::move(socket));
        continue;
      }
      socket.set_option(tcp::no_delay(true), peer_ec);
      if (tls) {
        start_tls_session(state, *tls, std::move(socket), std::move(slot));
      } else {
        start_plain_session(state, std::move(socket), std::move(slot));
      }
    }
  }

  // Too many connections from one address: a fixed answer, then close.
  void refuse(tcp::socket socket) {
    static const std::string response =
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nConnection: close\r\n"
        "Content-Length: 107\r\n\r\n"
        R"({"ok":false,"error":{"code":"unavailable","message":"too many connections from your address","retry":true}})";
    auto owned = std::make_shared<tcp::socket>(std::move(socket));
    asio::async_write(*owned, asio::buffer(response), [owned](beast::error_code, std::size_t) {
      beast::error_code ec;
      owned->shutdown(tcp::socket::shutdown_both, ec);
    });
  }

  awaitable<void> shutdown_on_signal() {
    asio::signal_set signals(ioc, SIGINT, SIGTERM);
    auto [ec, signal] = co_await signals.async_wait(use_tuple);
    if (ec) co_return;
    spdlog::info("shutdown signal={} connections={}", signal, state->live_count());
    state->stopping = true;
    beast::error_code ignored;
    acceptor.close(ignored);
    auto farewell = std::make_shared<const std::string>(proto::serialize(proto::Event{
        proto::event::kServerShutdown,
        proto::encode(proto::ServerShutdownEvent{"server is shutting down", 2000})}));
    for (auto& connection : state->live_connections()) {
      connection->send(farewell);
      connection->close(close_code::kRestart, "server shutting down");
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(config.shutdown_grace_ms);
    asio::steady_timer timer(ioc);
    while (state->live_count() > 0 && std::chrono::steady_clock::now() < deadline) {
      timer.expires_after(std::chrono::milliseconds(20));
      co_await timer.async_wait(use_tuple);
    }
    if (state->live_count() > 0) spdlog::warn("shutdown grace over; connections={} still open", state->live_count());
    guards.clear();
    for (auto& context : others) context->stop();
    ioc.stop();
  }

  void run() {
    asio::co_spawn(ioc, accept_loop(), asio::detached);
    asio::co_spawn(ioc, shutdown_on_signal(), asio::detached);
    std::vector<std::thread> threads;
    for (auto& context : others) threads.emplace_back([&context] { context->run(); });
    ioc.run();
    for (auto& t : threads) t.join();
    workers.join();
  }

  const Config& config;
  int io_threads;
  // Before the io_contexts, so that it outlives the sessions they destroy.
  std::optional<TlsContext> tls;
  asio::thread_pool workers;
  // Declared before ioc, so that they outlive it: ioc's pending accept holds a socket of
  // one of them.
  std::vector<std::unique_ptr<asio::io_context>> others;
  asio::io_context ioc;  // also runs the listener and the signal handler
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;  // until shutdown
  std::size_t next = 0;
  tcp::acceptor acceptor;
  std::shared_ptr<SharedState> state;
};

NetServer::NetServer(const Config& config, Dispatcher& dispatcher, const WebFiles* web)
    : impl_(std::make_unique<Impl>(config, dispatcher, web)) {}

NetServer::~NetServer() = default;

proto::Result<std::uint16_t> NetServer::bind() { return impl_->bind(); }

void NetServer::run() { impl_->run(); }

}  // namespace parley::server
