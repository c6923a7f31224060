#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace parley::server {

// WebSocket close codes the server sends itself (docs/protocol.md, "Connection life
// cycle"); Beast sends 1007 and 1009 on its own.
namespace close_code {
inline constexpr int kNormal = 1000;
inline constexpr int kPolicy = 1008;
inline constexpr int kRestart = 1012;
inline constexpr int kKicked = 4001;
inline constexpr int kSessionRevoked = 4002;
}  // namespace close_code

// What services see of a client connection: somewhere to push frames. Implemented by
// the WebSocket session in net/. All methods are thread-safe and never block.
class Connection {
 public:
  virtual ~Connection() = default;
  // Queues one text frame. Frames are shared because a broadcast sends the same bytes
  // to many connections.
  virtual void send(std::shared_ptr<const std::string> frame) = 0;
  // Sends what is queued, then closes with `code` and `reason`.
  virtual void close(int code, std::string reason) = 0;
  virtual std::uint64_t id() const = 0;
};

}  // namespace parley::server
