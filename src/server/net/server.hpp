#pragma once

#include <cstdint>
#include <memory>

#include "proto/errors.hpp"

namespace parley::server {

struct Config;
class Dispatcher;
class WebFiles;

// The network front of parleyd: one port for HTTP/1.1 and WebSocket, with TLS when
// configured. No Asio or Beast type appears here so that main and the services compile
// fast. `config`, `dispatcher` and `web` (the web client's files; null: none) must
// outlive the server.
class NetServer {
 public:
  NetServer(const Config& config, Dispatcher& dispatcher, const WebFiles* web);
  ~NetServer();
  NetServer(const NetServer&) = delete;
  NetServer& operator=(const NetServer&) = delete;

  // Loads TLS material and binds the listening socket. Returns the bound port.
  proto::Result<std::uint16_t> bind();
  // Serves until SIGINT or SIGTERM; then stops accepting, tells every WebSocket client
  // (server_shutdown, close 1012), waits up to the grace period and returns.
  void run();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace parley::server
