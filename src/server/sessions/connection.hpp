#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

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

// Gathers what this thread sends to connections while it lives, and hands each network
// thread its share in one go when it ends. Delivering a committed batch of messages then
// wakes each network thread once instead of once per frame. Frames to one connection
// keep their order. Not thread-safe: one per thread, on the stack; an inner one defers
// to the outer.
class SendBatch {
 public:
  // Runs `work` on the thread behind `target` (set by net/, which knows what targets are).
  using Post = void (*)(void* target, std::function<void()> work);

  SendBatch();
  ~SendBatch();
  SendBatch(const SendBatch&) = delete;
  SendBatch& operator=(const SendBatch&) = delete;

  // This thread's batch, or null when frames should go out at once.
  static SendBatch* current();
  // Queues `work` for `target`'s thread.
  void add(void* target, Post post, std::function<void()> work);

 private:
  struct Group {
    void* target;
    Post post;
    std::vector<std::function<void()>> work;
  };
  std::vector<Group> groups_;
  SendBatch* outer_;
};

}  // namespace parley::server
