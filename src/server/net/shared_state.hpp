#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "server/net/net.hpp"
#include "server/config.hpp"
#include "server/dispatcher.hpp"
#include "server/sessions/connection.hpp"
#include "server/web_files.hpp"

namespace parley::server::net {

// What every connection of the network layer shares. Thread-safe.
class SharedState : public std::enable_shared_from_this<SharedState> {
 public:
  SharedState(const Config& config, Dispatcher& dispatcher, const WebFiles* web,
              asio::thread_pool::executor_type workers)
      : config(config), dispatcher(dispatcher), web(web), workers(workers) {}

  const Config& config;
  Dispatcher& dispatcher;
  const WebFiles* web;  // null: no web client
  asio::thread_pool::executor_type workers;
  std::atomic<bool> stopping{false};

  std::uint64_t next_connection_id() { return next_id_.fetch_add(1); }

  // Holds one of an address's connection slots while alive. It keeps the state alive
  // too: a connection's coroutine frame may be destroyed after the server let go of the
  // state (at shutdown, with a browser's keep-alive connection still open), and g++
  // destroys the frame's copies of the parameters in no order one can rely on.
  class AddressSlot {
   public:
    AddressSlot(std::shared_ptr<SharedState> state, std::string address)
        : state_(std::move(state)), address_(std::move(address)) {}
    ~AddressSlot() { state_->release_address(address_); }
    AddressSlot(const AddressSlot&) = delete;
    AddressSlot& operator=(const AddressSlot&) = delete;
    const std::string& address() const { return address_; }

   private:
    std::shared_ptr<SharedState> state_;
    std::string address_;
  };
  // A slot for a new connection from `address`, or null when it has too many.
  std::shared_ptr<AddressSlot> acquire_address(const std::string& address);

  // WebSocket connections, to be told when the server stops.
  void track(std::uint64_t id, std::weak_ptr<Connection> connection);
  void untrack(std::uint64_t id);
  std::vector<std::shared_ptr<Connection>> live_connections() const;
  std::size_t live_count() const;

 private:
  void release_address(const std::string& address);

  std::atomic<std::uint64_t> next_id_{1};
  mutable std::mutex mutex_;
  std::unordered_map<std::string, int> per_address_;                      // GUARDED_BY(mutex_)
  std::unordered_map<std::uint64_t, std::weak_ptr<Connection>> live_;     // GUARDED_BY(mutex_)
};

// Runs `f` on the worker pool and resumes the calling coroutine on its own executor.
// `f` is taken by reference and must be a named local of the caller: g++ 12 copies
// temporaries in a co_await expression bytewise, which breaks any with std::string
// members (seen under ASan), so keep every non-trivial temporary out of co_await.
template <class F>
awaitable<std::invoke_result_t<F&>> run_on_workers(SharedState& state, F& f) {
  using R = std::invoke_result_t<F&>;
  co_return co_await asio::co_spawn(
      state.workers, [&f]() -> awaitable<R> { co_return f(); }, use_awaitable);
}

class TlsContext;

// Entry points of the two session translation units: serve one accepted socket.
void start_plain_session(std::shared_ptr<SharedState> state, tcp::socket socket,
                         std::shared_ptr<SharedState::AddressSlot> slot);
void start_tls_session(std::shared_ptr<SharedState> state, TlsContext& tls, tcp::socket socket,
                       std::shared_ptr<SharedState::AddressSlot> slot);

}  // namespace parley::server::net
