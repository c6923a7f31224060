#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

// A TCP forwarder on 127.0.0.1 that a test can use to break connections while the
// server stays up: cut() ends every connection through it now, and cut_after_next_send()
// ends the next one to carry data from a client, right after forwarding that data (a
// request that reaches the server whose answer never comes back). It keeps accepting
// new connections throughout. Thread-safe; the destructor stops it.
namespace parley::test {

class TcpProxy {
 public:
  explicit TcpProxy(std::uint16_t target_port);
  ~TcpProxy();
  TcpProxy(const TcpProxy&) = delete;
  TcpProxy& operator=(const TcpProxy&) = delete;

  std::uint16_t port() const { return port_; }
  void cut();
  void cut_after_next_send() { cut_armed_ = true; }
  // How many connections it has accepted.
  int accepted() const { return accepted_; }

 private:
  void accept_loop();
  void pump(int client, int server);

  std::uint16_t target_port_;
  std::uint16_t port_ = 0;
  int listener_ = -1;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> cut_armed_{false};
  std::atomic<int> accepted_{0};
  std::mutex mutex_;
  std::vector<int> sockets_;          // GUARDED_BY(mutex_): every open socket of every pair
  std::vector<std::thread> threads_;  // GUARDED_BY(mutex_)
  std::thread acceptor_;
};

}  // namespace parley::test
