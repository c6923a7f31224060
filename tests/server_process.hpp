#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <sys/types.h>

#include "client/client.hpp"

namespace parley::test {

// The real parleyd as a child process on 127.0.0.1 with a port it picks and a temp data
// directory. Password hashing is set to libsodium's cheapest Argon2id cost to keep the
// tests quick; everything else is as shipped.
class ServerProcess {
 public:
  explicit ServerProcess(std::vector<std::string> extra_args = {}, std::string data_dir = {});
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  std::uint16_t port() const { return port_; }
  std::string url() const;
  const std::string& data_dir() const { return data_dir_; }
  pid_t pid() const { return pid_; }
  client::ClientOptions options() const;

  // SIGTERM and wait; returns the exit status (or 128 + signal).
  int terminate();
  // SIGKILL and wait: a crash.
  void kill9();
  // Starts again on the same data dir (a new port).
  void restart();
  std::string log() const;

 private:
  void start();
  int wait_exit();

  std::vector<std::string> extra_args_;
  std::string data_dir_;
  bool own_dir_ = false;
  bool tls_ = false;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
};

// Runs parleyd with `args` and a fresh data dir to completion (for start-up failures);
// returns the exit status and what it wrote.
struct ExitResult {
  int status = -1;
  std::string output;
};
ExitResult run_parleyd(const std::vector<std::string>& args, std::chrono::seconds timeout = std::chrono::seconds(20));

// A connected client that has completed hello.
std::unique_ptr<client::Client> connect(const ServerProcess& server);
// Registers and returns a logged-in client for `username`.
std::unique_ptr<client::Client> register_and_login(const ServerProcess& server, const std::string& username,
                                                   const std::string& device = "test");
inline constexpr char kPassword[] = "correct horse 1";

// A WebSocket on a bare socket that sends hello and login (password kPassword) for
// `user` and then never reads again: it answers no ping and drains nothing, like a phone
// that lost its network. Returns the socket; the caller closes it.
int silent_login(std::uint16_t port, const std::string& user, const std::string& device);

// Reads socket `fd` (a silent_login one) until it ends or 10 s pass without a byte, then
// closes it. True when it ended (EOF or reset): the server cut the connection off.
bool read_until_cut_off(int fd);

// Waits for the next event of `type`, skipping others.
std::optional<proto::Event> wait_event(client::Client& c, const std::string& type,
                                       std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace parley::test
