#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

// Protocol v1 messages of the connection itself: hello, ping, server_shutdown
// (docs/protocol.md). Encoded and decoded through proto/messages.hpp.
namespace parley::proto {

namespace type {
inline constexpr char kHello[] = "hello";
inline constexpr char kPing[] = "ping";
}  // namespace type

namespace event {
inline constexpr char kServerShutdown[] = "server_shutdown";
}  // namespace event

struct Limits {
  std::int64_t max_frame_bytes = 0;
  std::int64_t max_requests_per_second = 0;
  std::int64_t idle_timeout_ms = 0;
};

struct HelloRequest {
  std::vector<std::int64_t> versions;
  std::string client;
};

struct HelloResult {
  std::int64_t version = 0;
  std::string server;
  Limits limits;
};

struct PingRequest {};

struct PingResult {
  std::int64_t time = 0;
};

struct EmptyResult {};

struct ServerShutdownEvent {
  std::string message;
  std::int64_t reconnect_after_ms = 0;
};

}  // namespace parley::proto
