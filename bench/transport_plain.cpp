// The connections of transport.hpp over plain TCP. The HTTP connection is Beast's
// (transport.ipp), which makes this one of the two translation units of parley-bench that
// compile Beast. The WebSocket connection is not: it speaks RFC 6455 itself on an Asio
// socket (the frames are in ws_frames.hpp), because Beast's read path (its composed
// operations, the UTF-8 check, the executor copies, reads of 1.5 KiB at a time) cost
// about half the generator's user CPU in W3, on cores it shares with the server.
// Over TLS the Beast WebSocket connection stays (transport_tls.cpp).
#include "bench/transport.ipp"

#include <array>
#include <random>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include "bench/ws_frames.hpp"

namespace parley::bench::detail {

namespace {

// Bounds the closing handshake, as Beast's handshake_timeout did.
constexpr auto kCloseTimeout = kHandshakeTimeout;

// Closes `socket` if still alive after `timeout`, so that whatever waits on it fails.
// The timer's handler holds only the shared state and touches the socket only while
// this object, which must not outlive the socket, exists.
class SocketDeadline {
 public:
  SocketDeadline(tcp::socket& socket, std::chrono::steady_clock::duration timeout)
      : timer_(socket.get_executor()), state_(std::make_shared<State>()) {
    state_->socket = &socket;
    timer_.expires_after(timeout);
    timer_.async_wait([state = state_](const error_code& ec) {
      if (ec || state->socket == nullptr) return;
      state->expired = true;
      error_code ignored;
      state->socket->close(ignored);
    });
  }
  ~SocketDeadline() {
    state_->socket = nullptr;
    timer_.cancel();
  }
  SocketDeadline(const SocketDeadline&) = delete;
  SocketDeadline& operator=(const SocketDeadline&) = delete;

  bool expired() const { return state_->expired; }

 private:
  struct State {
    tcp::socket* socket = nullptr;
    bool expired = false;
  };
  asio::steady_timer timer_;
  std::shared_ptr<State> state_;
};

std::uint64_t random_seed() {
  std::random_device device;
  return static_cast<std::uint64_t>(device()) << 32 | device();
}

proto::Error failure(std::string what, std::string_view why) {
  return proto::make_error(proto::Errc::unavailable, std::move(what) + ": " + std::string(why));
}

}  // namespace

// One reader and one writer may run at once (transport.hpp); the reader also writes
// (pongs, the reply to a close), so frames go out one at a time through send().
class PlainWsConnection final : public WsConnection {
 public:
  explicit PlainWsConnection(const asio::any_io_executor& executor)
      : socket_(executor), prng_(random_seed()), write_done_(executor, asio::steady_timer::time_point::max()) {}

  asio::awaitable<proto::Status> connect(const ServerTarget& target, const std::string& source_address) {
    if (auto connected = co_await connect_layer(socket_, target, source_address); !connected) {
      co_return connected;
    }
    const std::string where = "WebSocket handshake with " + target.host_header();
    const SocketDeadline deadline(socket_, kHandshakeTimeout);
    auto failed = [&](const error_code& ec) {
      return unavailable(where, deadline.expired() ? error_code(asio::error::timed_out) : ec);
    };
    const std::string key = ws::make_key(prng_);
    const std::string request = ws::upgrade_request(target.host_header(), "/ws", key);
    auto [write_ec, written] = co_await asio::async_write(socket_, asio::buffer(request), kTuple);
    if (write_ec) co_return failed(write_ec);
    std::string response;
    std::size_t head_end = 0;
    while (head_end == 0) {
      constexpr std::size_t kChunk = 1024;
      if (response.size() >= ws::kMaxResponseHeadBytes) co_return failure(where, "the response head is too long");
      const std::size_t old_size = response.size();
      response.resize(old_size + kChunk);
      auto [ec, n] = co_await socket_.async_read_some(asio::buffer(response.data() + old_size, kChunk), kTuple);
      response.resize(old_size + n);
      if (ec) co_return failed(ec);
      head_end = ws::response_head_end(response);
    }
    const std::string_view bytes(response);
    if (auto checked = ws::check_upgrade_response(bytes.substr(0, head_end), key); !checked) {
      co_return failure(where, checked.error().message);
    }
    reader_.append(bytes.substr(head_end));  // the first frames may have come with the response
    open_ = true;
    co_return proto::Status{};
  }

  asio::awaitable<proto::Status> write(std::string_view text) override {
    if (!open_) co_return failure("write", "the WebSocket is closed");
    const std::string_view frame = data_writer_.frame(ws::Opcode::text, text, mask());
    if (auto ec = co_await send(frame)) co_return broken("write", ec);
    co_return proto::Status{};
  }

  asio::awaitable<proto::Result<std::string_view>> read() override {
    struct Reading {  // for close(), which must not read while this does
      bool& flag;
      explicit Reading(bool& f) : flag(f) { flag = true; }
      ~Reading() { flag = false; }
    } reading(reading_);
    for (;;) {
      const auto event = reader_.next();
      switch (event.kind) {
        case ws::FrameReader::Kind::text:
          co_return event.payload;
        case ws::FrameReader::Kind::ping:
          // The payload points into the reader's buffer, which nothing touches until the
          // pong is out: this coroutine is the only reader.
          if (open_) {
            const std::string_view pong = control_writer_.frame(ws::Opcode::pong, event.payload, mask());
            if (auto ec = co_await send(pong)) co_return broken("read", ec);
          }
          break;
        case ws::FrameReader::Kind::close: {
          const auto code = ws::FrameReader::close_code(event.payload);
          open_ = false;
          if (!close_sent_) {
            // Echo the code (RFC 6455, 5.5.1), then let the server end the TCP connection.
            close_sent_ = true;
            const std::array<char, 2> echo{static_cast<char>(code >> 8), static_cast<char>(code & 0xff)};
            const std::string_view reply = control_writer_.frame(
                ws::Opcode::close, code == 1005 ? std::string_view() : std::string_view(echo.data(), echo.size()),
                mask());
            co_await send(reply);
            error_code ignored;
            socket_.shutdown(tcp::socket::shutdown_send, ignored);
          }
          co_return failure("read", "the WebSocket was closed (code " + std::to_string(code) + ")");
        }
        case ws::FrameReader::Kind::error:
          abort();
          co_return failure("read", event.payload);
        case ws::FrameReader::Kind::need_more: {
          const auto space = reader_.prepare();
          auto [ec, n] = co_await socket_.async_read_some(asio::buffer(space.data(), space.size()), kTuple);
          if (ec) co_return broken("read", ec);
          reader_.commit(n);
          break;
        }
      }
    }
  }

  asio::awaitable<void> close() override {
    if (!open_) co_return;
    open_ = false;
    close_sent_ = true;
    const SocketDeadline deadline(socket_, kCloseTimeout);
    const std::array<char, 2> code{static_cast<char>(ws::kCloseNormal >> 8), static_cast<char>(ws::kCloseNormal & 0xff)};
    const std::string_view frame =
        close_writer_.frame(ws::Opcode::close, std::string_view(code.data(), code.size()), mask());
    if (auto ec = co_await send(frame)) {
      abort();
      co_return;
    }
    // A read in progress takes the server's close frame (and ends with it).
    if (reading_) co_return;
    for (;;) {
      const auto event = reader_.next();
      if (event.kind == ws::FrameReader::Kind::close || event.kind == ws::FrameReader::Kind::error) break;
      if (event.kind != ws::FrameReader::Kind::need_more) continue;  // messages and pings: dropped while closing
      const auto space = reader_.prepare();
      auto [ec, n] = co_await socket_.async_read_some(asio::buffer(space.data(), space.size()), kTuple);
      if (ec) break;
      reader_.commit(n);
    }
    abort();
  }

  void abort() override {
    open_ = false;
    error_code ignored;
    socket_.close(ignored);
  }

  bool is_open() const override { return open_; }

 private:
  tcp::socket socket_;
  ws::FrameReader reader_;
  ws::FrameWriter data_writer_;     // write()'s frames
  ws::FrameWriter control_writer_;  // the reader's pongs and its reply to a close
  ws::FrameWriter close_writer_;    // close()'s frame
  ws::Prng prng_;
  // Wakes the frames waiting in send() (it never expires; send() cancels it).
  asio::steady_timer write_done_;
  int write_waiters_ = 0;
  bool writing_ = false;
  bool reading_ = false;
  bool open_ = false;        // upgraded, and no close frame sent or received, nor failed
  bool close_sent_ = false;

  std::uint32_t mask() { return static_cast<std::uint32_t>(prng_.next()); }

  proto::Error broken(std::string what, const error_code& ec) {
    open_ = false;
    return unavailable(std::move(what), ec);
  }

  // Writes one whole frame, after any frame already being written. `frame` must stay
  // valid until this completes.
  asio::awaitable<error_code> send(std::string_view frame) {
    while (writing_) {
      ++write_waiters_;
      co_await write_done_.async_wait(kTuple);  // cancelled when the frame before is out
      --write_waiters_;
    }
    writing_ = true;
    auto [ec, n] = co_await asio::async_write(socket_, asio::buffer(frame.data(), frame.size()), kTuple);
    writing_ = false;
    if (write_waiters_ > 0) write_done_.cancel();
    co_return ec;
  }

};

using PlainHttp = BeastHttpConnection<tcp::socket>;

asio::awaitable<proto::Result<std::unique_ptr<WsConnection>>> open_plain_ws(const ServerTarget& target,
                                                                            const std::string& source_address) {
  auto connection = std::make_unique<PlainWsConnection>(co_await asio::this_coro::executor);
  auto status = co_await connection->connect(target, source_address);
  if (!status) co_return status.error();
  co_return std::unique_ptr<WsConnection>(std::move(connection));
}

asio::awaitable<proto::Result<std::unique_ptr<HttpConnection>>> open_plain_http(const ServerTarget& target,
                                                                                const std::string& source_address) {
  auto connection = std::make_unique<PlainHttp>(target, co_await asio::this_coro::executor);
  auto status = co_await connection->connect(source_address);
  if (!status) co_return status.error();
  co_return std::unique_ptr<HttpConnection>(std::move(connection));
}

}  // namespace parley::bench::detail
