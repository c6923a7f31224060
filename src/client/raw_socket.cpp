#include <condition_variable>
#include <deque>
#include <mutex>
#include <utility>

#include "client/client.hpp"
#include "client/connection.hpp"

namespace parley::client {

struct RawSocket::Impl {
  ~Impl() { connection.reset(); }  // joins the I/O thread while the state below lives

  // Called on the I/O thread.
  void on_frame(std::string payload) {
    std::lock_guard lock(mutex);
    frames.push_back(std::move(payload));
    changed.notify_all();
  }
  void on_close(CloseInfo info) {
    std::lock_guard lock(mutex);
    closed = std::move(info);
    changed.notify_all();
  }

  std::mutex mutex;
  std::condition_variable changed;
  // Unbounded: a RawSocket is for tests and tools that read what they provoke.
  std::deque<std::string> frames;   // GUARDED_BY(mutex)
  std::optional<CloseInfo> closed;  // GUARDED_BY(mutex)

  // Last, so that it is destroyed (and its thread joined) first.
  std::unique_ptr<detail::Connection> connection;
};

proto::Result<std::unique_ptr<RawSocket>> RawSocket::connect(const ClientOptions& options, std::string_view target) {
  auto impl = std::make_unique<Impl>();
  Impl* state = impl.get();  // outlives the connection: see Impl's member order
  auto connection = detail::Connection::open(
      options, target, [state](std::string payload, bool) { state->on_frame(std::move(payload)); },
      [state](CloseInfo info) { state->on_close(std::move(info)); });
  if (!connection) return connection.error();
  impl->connection = std::move(*connection);
  // The constructor is private, so make_unique cannot reach it.
  return std::unique_ptr<RawSocket>(new RawSocket(std::move(impl)));
}

RawSocket::RawSocket(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

RawSocket::~RawSocket() = default;

proto::Status RawSocket::send_text(std::string_view text) { return impl_->connection->send(std::string(text), false); }

proto::Status RawSocket::send_binary(std::string_view bytes) {
  return impl_->connection->send(std::string(bytes), true);
}

std::optional<std::variant<std::string, CloseInfo>> RawSocket::read(std::chrono::milliseconds timeout) {
  std::unique_lock lock(impl_->mutex);
  impl_->changed.wait_for(lock, timeout, [&] { return !impl_->frames.empty() || impl_->closed; });
  if (!impl_->frames.empty()) {
    std::string frame = std::move(impl_->frames.front());
    impl_->frames.pop_front();
    return frame;
  }
  // Once closed, every further read reports the close again.
  if (impl_->closed) return *impl_->closed;
  return std::nullopt;
}

}  // namespace parley::client
