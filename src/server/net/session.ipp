// The HTTP and WebSocket session, written once for any stream type. Included by
// session_plain.cpp and session_tls.cpp, which each instantiate it for one stream type:
// Beast coroutines are expensive to compile, so each stream type gets its own file.
#pragma once

#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <optional>
#include <vector>

#include <boost/json/serialize.hpp>
#include <spdlog/spdlog.h>

#include "proto/codec.hpp"
#include "proto/messages.hpp"
#include "server/net/frame_header.hpp"
#include "server/net/shared_state.hpp"
#include "server/net/tls_socket.hpp"
#include "server/net/websocket_idle.hpp"
#include "server/token_bucket.hpp"

namespace parley::server::net {

inline std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

inline std::chrono::milliseconds ms(std::int64_t value) { return std::chrono::milliseconds(value); }

inline proto::ParseLimits parse_limits(const Config& c) {
  return proto::ParseLimits{static_cast<std::size_t>(c.max_frame_bytes), c.max_json_depth};
}

inline proto::Error rate_limited(const TokenBucket& bucket) {
  auto error = proto::make_error(proto::Errc::rate_limited, "too many requests; slow down");
  error.retry_after_ms = bucket.wait_ms();
  return error;
}

// Opening and closing a stream differ between plain TCP and TLS.
inline awaitable<bool> handshake(beast::tcp_stream&, const Config&) { co_return true; }

inline awaitable<bool> handshake(TlsSocket& stream, const Config& c) {
  stream.expires_after(std::chrono::milliseconds(c.handshake_timeout_ms));
  auto [ec] = co_await stream.async_handshake(use_tuple);
  if (ec) spdlog::debug("tls handshake failed error=\"{}\"", ec.message());
  co_return !ec;
}

inline awaitable<void> shutdown_stream(beast::tcp_stream& stream) {
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  co_return;
}

// close_notify, then as for plain TCP.
inline awaitable<void> shutdown_stream(TlsSocket& stream) {
  stream.expires_after(std::chrono::seconds(2));
  co_await stream.async_shutdown(use_tuple);
  beast::error_code ec;
  stream.next_layer().shutdown(tcp::socket::shutdown_send, ec);
}

// The HTTP phase's deadline for what it reads and writes next.
inline void expires_after(beast::tcp_stream& stream, std::chrono::milliseconds after) { stream.expires_after(after); }
inline void expires_after(TlsSocket& stream, std::chrono::milliseconds after) { stream.expires_after(after); }

// The layer a WebSocket runs on after the upgrade. A plain connection drops its
// tcp_stream: the WebSocket keeps its own timeouts, and the tcp_stream's timer and shared
// state would cost ~0.5 KiB per idle connection. TLS keeps its stream (and drops the
// deadline's timer when the session starts: disarm_stream_timer).
inline tcp::socket websocket_layer(beast::tcp_stream&& stream) { return stream.release_socket(); }
inline TlsSocket websocket_layer(TlsSocket&& stream) { return std::move(stream); }

inline tcp::socket& raw_socket(tcp::socket& socket) { return socket; }

// The HTTP phase's deadline; the WebSocket's own timeouts replace it.
inline void disarm_stream_timer(tcp::socket&) {}
inline void disarm_stream_timer(TlsSocket& stream) { stream.expires_never(); }

inline void log_session_end(std::exception_ptr error) {
  if (!error) return;
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    spdlog::error("session failed error=\"{}\"", e.what());
  }
}


// One WebSocket connection. The read loop and the writer run on the stream's strand;
// other threads reach it only through send() and close(), which post to that strand.
template <class Stream>
class WebSocketSession final : public Connection, public std::enable_shared_from_this<WebSocketSession<Stream>> {
 public:
  // `slot` holds the connection's place in its address's count for as long as it lives.
  WebSocketSession(std::shared_ptr<SharedState> state, Stream stream,
                   std::shared_ptr<SharedState::AddressSlot> slot)
      : state_(std::move(state)),
        slot_(std::move(slot)),
        ws_(std::move(stream)),
        id_(state_->next_connection_id()),
        bucket_(state_->config.max_requests_per_second, state_->config.request_burst) {
    ctx_.peer_address = slot_->address();
  }

  // Runs the session in a coroutine of its own, so that the HTTP coroutine that read the
  // upgrade request ends and frees its frame and buffers (some KiB per idle connection).
  // `early`: what the client sent after its upgrade request without waiting for the
  // answer, read into the HTTP phase's buffer; it is the start of the first frames.
  void start(http::request<http::string_body> upgrade, std::string_view early) {
    upgrade_ = std::make_unique<Upgrade>(Upgrade{std::move(upgrade), std::string(early)});
    auto executor = ws_.get_executor();
    asio::co_spawn(executor, run(this->shared_from_this()), log_session_end);
  }

  std::uint64_t id() const override { return id_; }

  void send(std::shared_ptr<const std::string> frame) override {
    on_strand([self = this->shared_from_this(), frame = std::move(frame)]() mutable { self->enqueue(std::move(frame)); });
  }

  void close(int code, std::string reason) override {
    asio::post(ws_.get_executor(), [self = this->shared_from_this(), code, reason = std::move(reason)]() mutable {
      self->begin_close(code, std::move(reason));
    });
  }

  awaitable<void> run(std::shared_ptr<WebSocketSession> self) {
    const Config& c = state_->config;
    disarm_stream_timer(ws_.next_layer());
    websocket::stream_base::timeout timeouts{ms(c.handshake_timeout_ms), ms(c.idle_timeout_ms), true};
    ws_.set_option(timeouts);
    ws_.read_message_max(static_cast<std::size_t>(c.hard_max_frame_bytes));
    ws_.auto_fragment(false);  // a message goes out as one frame, in one write
    ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& res) {
      res.set(http::field::server, std::string("parleyd/") + PARLEY_VERSION);
    }));
    auto [ec] = co_await ws_.async_accept(upgrade_->request, use_tuple);
    const bool kept = put_back(ws_, upgrade_->early);
    upgrade_.reset();
    if (ec) co_return;
    ctx_.connection = this->shared_from_this();
    state_->track(id_, this->weak_from_this());
    // The server may have begun stopping while this handshake was under way.
    if (state_->stopping) begin_close(close_code::kRestart, "server shutting down");
    if (!kept) begin_close(close_code::kPolicy, "over 1,536 bytes sent before the handshake's answer");
    beast::error_code ignored;
    raw_socket(beast::get_lowest_layer(ws_)).non_blocking(true, ignored);  // for take_pong's peek
    co_await read_loop(std::move(self));
  }

 private:
  // Waits until the client sends something, then reads again in a new coroutine: an
  // idle connection holds no read and no coroutine frame.
  void await_readable(std::shared_ptr<WebSocketSession> self) {
    auto& socket = raw_socket(beast::get_lowest_layer(ws_));
    socket.async_wait(tcp::socket::wait_read, [self = std::move(self)](beast::error_code) mutable {
      // On an error too: the read that follows reports it and ends the session.
      self->readable_ = true;
      auto executor = self->ws_.get_executor();
      asio::co_spawn(executor, self->read_loop(self), log_session_end);
    });
  }

  // Whether the loop reads next or waits for the socket. It reads what Beast (or, over
  // TLS, OpenSSL) holds; when they hold nothing it waits (the wait ends at once if bytes
  // are already there). After the wait, a pong is taken off the socket here rather than
  // by a Beast read.
  bool should_wait() {
    if (holds_unread_bytes(ws_)) return false;
    if (!std::exchange(readable_, false)) return true;
    if (!ping_outstanding(ws_)) return false;
    for (;;) {
      const Peeked peeked = take_pong(ws_);
      if (peeked == Peeked::nothing) return true;
      if (peeked == Peeked::other) return false;
    }
  }

  // Runs `work` on this connection's thread: with the thread's SendBatch if it has one,
  // else posted now.
  template <class Work>
  void on_strand(Work&& work) {
    if (SendBatch* batch = SendBatch::current()) {
      batch->add(&io_context(), &post_to_io_context, std::function<void()>(std::forward<Work>(work)));
    } else {
      asio::post(ws_.get_executor(), std::forward<Work>(work));
    }
  }

  asio::io_context& io_context() {
    // Sessions run on an io_context of their own thread (server.cpp).
    return ws_.get_executor().template target<asio::io_context::executor_type>()->context();
  }

  static void post_to_io_context(void* target, std::function<void()> work) {
    asio::post(*static_cast<asio::io_context*>(target), std::move(work));
  }

  // After the last read: the connection leaves the server's tables.
  void finish() {
    state_->untrack(id_);
    state_->dispatcher.disconnected(ctx_);
    ctx_.connection.reset();  // breaks the cycle session -> context -> session
  }

  // Reads one message into message_, keeping at most max_frame_bytes of it. Returns
  // false when the connection is done. Reads start only when bytes are there.
  awaitable<bool> read_message(bool& oversize) {
    const auto limit = static_cast<std::size_t>(state_->config.max_frame_bytes);
    message_.clear();
    oversize = false;
    bool first = true;
    do {
      // The rest of a message is mostly in Beast's buffer already and goes straight into
      // message_, 16 KiB at a time.
      const std::size_t start = message_.size();
      const std::size_t room = first ? kFirstRead : 16 * 1024;
      message_.resize(start + room);
      asio::mutable_buffer buffer(message_.data() + start, room);
      auto [ec, n] = co_await ws_.async_read_some(buffer, use_tuple);
      message_.resize(start + n);
      if (ec) {
        if (ec != websocket::error::closed && ec != asio::error::operation_aborted && ec != asio::error::eof &&
            ec != beast::error::timeout) {
          spdlog::debug("connection={} read ended error=\"{}\"", id_, ec.message());
        }
        co_return false;
      }
      first = false;
      if (message_.size() > limit) {
        oversize = true;  // keep reading to the end of the message, discarding it
        message_.clear();
      }
    } while (!ws_.is_message_done());
    co_return true;
  }

  // An idle connection holds no message buffer.
  void release_buffer() { std::string().swap(message_); }

  // Takes one token of the request budget; a refusal is answered rate_limited (with the
  // request's id, so the client can match it: `text` is the request, empty for a frame
  // that holds none), and too many in a row close the connection.
  bool admit(std::string_view text = {}) {
    if (bucket_.take(now_ms())) {
      refusals_ = 0;
      return true;
    }
    if (++refusals_ > state_->config.max_rate_refusals) {
      begin_close(close_code::kPolicy, "too many requests");
      return false;
    }
    proto::RequestId id = nullptr;
    if (!text.empty()) {
      auto parsed = proto::parse_request(text, parse_limits(state_->config));
      id = parsed.request ? std::move(parsed.request->id) : std::move(parsed.id);
    }
    reply(proto::error_response(std::move(id), rate_limited(bucket_)));
    return false;
  }

  // Reads and handles messages until the connection goes quiet (then await_readable
  // starts it again) or ends.
  awaitable<void> read_loop(std::shared_ptr<WebSocketSession> self) {
    const Config& c = state_->config;
    for (;;) {
      if (should_wait()) {
        await_readable(std::move(self));
        co_return;
      }
      bool oversize = false;
      if (!co_await read_message(oversize)) {
        finish();
        co_return;
      }
      if (closing_) continue;  // draining until the close handshake completes
      if (oversize) {
        release_buffer();
        if (admit()) {
          reply(proto::error_response(nullptr, proto::make_error(proto::Errc::too_large,
                                                                 "message is over the limit of " +
                                                                     std::to_string(c.max_frame_bytes) + " bytes")));
        }
        continue;
      }
      if (!ws_.got_text()) {
        release_buffer();
        if (admit()) {
          reply(proto::error_response(nullptr, proto::make_error(proto::Errc::bad_request,
                                                                 "binary frames are not accepted; send JSON text")));
        }
        continue;
      }
      // A frame holds one or more requests, one per line (docs/protocol.md, "Transport").
      const std::string text = std::move(message_);
      release_buffer();
      std::string_view rest = text;
      do {
        auto end = rest.find('\n');
        std::string_view line = rest.substr(0, end);
        rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
        if (line.empty() && !rest.empty()) continue;
        if (admit(line)) co_await handle_request(line);
      } while (!rest.empty() && !closing_);
    }
  }

  // Requests that change the connection's state, and every request before login, run
  // alone; the others are started at once, several at a time, and answered in order.
  awaitable<void> handle_request(std::string_view text) {
    auto parsed = proto::parse_request(text, parse_limits(state_->config));
    if (!parsed.request) {
      reply(proto::error_response(std::move(parsed.id), parsed.request.error()));
      co_return;
    }
    const HandlerInfo* info = state_->dispatcher.info(parsed.request->type);
    if (info == nullptr || info->changes_state || !ctx_.session) {
      co_await run_alone(std::move(*parsed.request));
      co_return;
    }
    auto slot = open_slot();
    if (info->runs_inline) {
      state_->dispatcher.handle_async(ctx_, std::move(*parsed.request), answer_later(slot, nullptr));
      apply_close_after(ctx_);
    } else {
      // A copy, so that this request's handler and later requests do not share state.
      auto ctx = std::make_shared<RequestContext>(ctx_);
      asio::post(state_->workers, [self = this->shared_from_this(), ctx, slot,
                                   request = std::move(*parsed.request)]() mutable {
        self->state_->dispatcher.handle_async(*ctx, std::move(request), self->answer_later(slot, ctx));
      });
    }
    while (in_flight_ >= kMaxPipelined) co_await wait_for_answers();
  }

  awaitable<void> run_alone(proto::Request request) {
    while (in_flight_ > 0) co_await wait_for_answers();
    auto work = [this, &request] { return state_->dispatcher.handle(ctx_, std::move(request)); };
    auto response = co_await run_on_workers(*state_, work);
    reply(response);
    apply_close_after(ctx_);
  }

  // A place in the order of answers, filled later by answer_later's callback.
  std::uint64_t open_slot() {
    answers_.emplace_back();
    ++in_flight_;
    return first_slot_ + answers_.size() - 1;
  }

  // The answer for `slot`, from any thread. `ctx` is the request's own copy, if it has one.
  Dispatcher::Done answer_later(std::uint64_t slot, std::shared_ptr<RequestContext> ctx) {
    return [self = this->shared_from_this(), slot, ctx = std::move(ctx)](proto::Response response) mutable {
      self->on_strand([self, slot, ctx = std::move(ctx), response = std::move(response)]() {
        self->fill(slot, proto::serialize(response));
        if (ctx) self->apply_close_after(*ctx);
      });
    };
  }

  // On the strand: sends every answer that is now next in line.
  void fill(std::uint64_t slot, std::string frame) {
    answers_[slot - first_slot_] = std::move(frame);
    std::size_t ready = 0;
    while (ready < answers_.size() && answers_[ready]) {
      enqueue(std::make_shared<const std::string>(std::move(*answers_[ready])));
      ++ready;
    }
    answers_.erase(answers_.begin(), answers_.begin() + static_cast<std::ptrdiff_t>(ready));
    first_slot_ += ready;
    if (answers_.empty()) answers_ = {};  // an idle connection holds no capacity
    --in_flight_;
    if (waiter_) waiter_->cancel();
  }

  awaitable<void> wait_for_answers() {
    if (!waiter_) waiter_ = std::make_unique<asio::steady_timer>(ws_.get_executor());
    waiter_->expires_at(asio::steady_timer::time_point::max());
    co_await waiter_->async_wait(use_tuple);
  }

  void apply_close_after(RequestContext& ctx) {
    if (!ctx.close_after) return;
    auto after = std::move(*ctx.close_after);
    ctx.close_after.reset();
    if (after.farewell) enqueue(after.farewell);
    begin_close(after.code, std::move(after.reason));
  }

  // An answer that is ready now: it still waits for earlier requests' answers.
  void reply(const proto::Response& response) {
    if (answers_.empty()) {
      enqueue(std::make_shared<const std::string>(proto::serialize(response)));
    } else {
      answers_.emplace_back(proto::serialize(response));
    }
  }

  // On the strand.
  void enqueue(std::shared_ptr<const std::string> frame) {
    if (closing_ || broken_) return;
    if (queued_bytes_ + frame->size() > static_cast<std::size_t>(state_->config.max_send_queue_bytes)) {
      // The client is not reading: a close frame would queue behind the rest, so drop
      // the connection instead of holding more memory for it.
      spdlog::warn("connection={} dropped: slow client, send queue over {} bytes", id_,
                   state_->config.max_send_queue_bytes);
      broken_ = true;
      queue_ = {};
      queued_bytes_ = 0;
      beast::error_code ec;
      raw_socket(beast::get_lowest_layer(ws_)).close(ec);
      return;
    }
    queued_bytes_ += frame->size();
    queue_.push_back(std::move(frame));
    start_writer();
  }

  // On the strand.
  void begin_close(int code, std::string reason) {
    if (closing_ || broken_) return;
    websocket::close_reason close_reason(static_cast<std::uint16_t>(code));
    close_reason.reason = reason.substr(0, close_reason.reason.max_size());
    closing_ = close_reason;
    start_writer();
  }

  // The writer starts once the handler that queued the frame is done, so that the frames
  // the same handler queues next (a batch's answers and events) go out with it, joined.
  void start_writer() {
    if (writing_) return;
    writing_ = std::make_unique<Writing>();
    asio::post(ws_.get_executor(), [self = this->shared_from_this()] { self->write_next(); });
  }

  // The one writer, on the strand: sends what is queued, then performs a requested close.
  // Frames queued together go out as one WebSocket message, joined by newlines, without
  // copying. A chain of completion handlers rather than a coroutine: a group message
  // starts a write on hundreds of connections, and spawning a coroutine for each cost
  // about a tenth of the server's time in W3.
  void write_next() {
    while (!queue_.empty() && !broken_) {
      take_in_flight();
      switch (write_directly()) {
        case Direct::written:
          account_written({});
          continue;
        case Direct::failed:
          account_written(asio::error::broken_pipe);
          continue;
        case Direct::under_way:
          return;
        case Direct::not_now:
          break;
      }
      ws_.text(true);
      auto on_written = [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
        self->written(ec);
      };
      if (writing_->buffers.size() == 1) {
        ws_.async_write(writing_->buffers.front(), std::move(on_written));
      } else {
        ws_.async_write(writing_->buffers, std::move(on_written));
      }
      return;
    }
    queue_ = {};  // drained (or dropped if broken_): an idle connection holds no capacity
    if (broken_) queued_bytes_ = 0;
    if (closing_ && !broken_ && !close_sent_) {
      close_sent_ = true;
      writing_->frames = {};
      writing_->buffers = {};
      ws_.async_close(*closing_, [self = this->shared_from_this()](beast::error_code) { self->writing_.reset(); });
      return;
    }
    writing_.reset();
  }

  enum class Direct { written, failed, under_way, not_now };

  // Over plain TCP the message in flight goes out in one sendmsg of its own, framed here,
  // rather than through a Beast write: in W3 (a group message to 1,000 members) Beast's
  // write operation, Asio's and their executors were a third of the server's own CPU.
  // Beast still writes its own frames (pongs, pings, the close); this steps aside while
  // it does (not_now: Beast's write queues behind them), and holds them back while the
  // rest of a frame that went out only in part follows (under_way).
  Direct write_directly() {
    if constexpr (!std::is_same_v<Stream, tcp::socket>) {
      return Direct::not_now;
    } else {
      auto& w = *writing_;
      constexpr std::size_t kMaxIov = 64;
      if (!ws_.is_open() || beast_writes(ws_) || w.buffers.size() + 1 > kMaxIov) return Direct::not_now;
      std::size_t payload = 0;
      for (const auto& b : w.buffers) payload += b.size();
      w.header = text_frame_header(payload);
      std::array<iovec, kMaxIov> iov{};
      iov[0] = {w.header.bytes.data(), w.header.size};
      for (std::size_t i = 0; i < w.buffers.size(); ++i) {
        iov[i + 1] = {const_cast<void*>(w.buffers[i].data()), w.buffers[i].size()};
      }
      msghdr message{};
      message.msg_iov = iov.data();
      message.msg_iovlen = w.buffers.size() + 1;
      auto& socket = raw_socket(beast::get_lowest_layer(ws_));
      const ssize_t sent = ::sendmsg(socket.native_handle(), &message, MSG_DONTWAIT | MSG_NOSIGNAL);
      if (sent < 0) {
        // Nothing went out: a full socket is Beast's to wait for.
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? Direct::not_now : Direct::failed;
      }
      if (static_cast<std::size_t>(sent) == w.header.size + payload) return Direct::written;
      w.buffers = rest_after(static_cast<std::size_t>(sent));
      hold_writes(ws_);
      asio::async_write(socket, w.buffers, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
        release_writes(self->ws_);
        self->written(ec);
      });
      return Direct::under_way;
    }
  }

  // What is left of the writer's header and buffers once `sent` bytes of them went out.
  std::vector<asio::const_buffer> rest_after(std::size_t sent) const {
    const auto& w = *writing_;
    std::vector<asio::const_buffer> rest;
    auto keep = [&](const void* data, std::size_t size) {
      if (sent >= size) {
        sent -= size;
        return;
      }
      rest.emplace_back(static_cast<const char*>(data) + sent, size - sent);
      sent = 0;
    };
    keep(w.header.bytes.data(), w.header.size);
    for (const auto& b : w.buffers) keep(b.data(), b.size());
    return rest;
  }

  // Moves the frames of the next message from the queue into the writer's frames (which
  // keep them alive while written) and points its buffers at them.
  void take_in_flight() {
    static const char newline = '\n';
    auto& frames = writing_->frames;
    auto& buffers = writing_->buffers;
    frames.clear();
    buffers.clear();
    std::size_t bytes = 0;
    std::size_t taken = 0;
    for (; taken < queue_.size(); ++taken) {
      const auto& frame = queue_[taken];
      if (taken > 0 && bytes + 1 + frame->size() > kMaxJoinedBytes) break;
      if (taken > 0) buffers.emplace_back(&newline, 1);
      buffers.emplace_back(frame->data(), frame->size());
      bytes += frame->size() + 1;
    }
    frames.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.begin() + static_cast<std::ptrdiff_t>(taken)));
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(taken));
  }

  void written(beast::error_code ec) {
    account_written(ec);
    write_next();
  }

  void account_written(beast::error_code ec) {
    // A slow client's drop (enqueue) zeroed the count while this write was under way.
    if (!broken_) {
      for (const auto& frame : writing_->frames) queued_bytes_ -= frame->size();
    }
    if (ec) broken_ = true;
  }

  // Requests of one connection being handled at once; past this, reading waits.
  static constexpr std::size_t kMaxPipelined = 64;
  // Frames joined into one WebSocket message stop growing at this size.
  static constexpr std::size_t kMaxJoinedBytes = 64 * 1024;

  std::shared_ptr<SharedState> state_;
  std::shared_ptr<SharedState::AddressSlot> slot_;
  struct Upgrade {
    http::request<http::string_body> request;
    std::string early;
  };
  std::unique_ptr<Upgrade> upgrade_;  // until the handshake is done
  websocket::stream<Stream, false> ws_;  // no permessage-deflate state
  std::uint64_t id_;
  TokenBucket bucket_;
  int refusals_ = 0;  // requests refused in a row by the rate limit
  RequestContext ctx_;
  std::string message_;  // the message being read
  bool readable_ = false;  // the socket became readable since the last read began
  static constexpr std::size_t kFirstRead = 4 * 1024;

  // Pipelining, on the strand: answers in request order from first_slot_ on (empty while
  // the handler runs), and a timer that wakes the reader when an answer comes. Vectors,
  // not deques: a std::deque allocates ~0.6 KiB when constructed, even while empty.
  std::vector<std::optional<std::string>> answers_;
  std::uint64_t first_slot_ = 0;
  std::size_t in_flight_ = 0;
  std::unique_ptr<asio::steady_timer> waiter_;

  // Writer state, on the strand.
  std::vector<std::shared_ptr<const std::string>> queue_;
  // What the writer holds while it writes; null while it does not, so that an idle
  // connection costs a pointer here rather than two vectors.
  struct Writing {
    std::vector<std::shared_ptr<const std::string>> frames;  // the frames being written
    std::vector<asio::const_buffer> buffers;                 // pointing into frames
    FrameHeader header;                                      // of a direct write
  };
  std::unique_ptr<Writing> writing_;
  std::size_t queued_bytes_ = 0;  // of queue_ and the frames being written
  bool broken_ = false;
  bool close_sent_ = false;
  std::optional<websocket::close_reason> closing_;
};

using HttpResponse = http::response<http::string_body>;

inline HttpResponse json_response(const http::request<http::string_body>& req, http::status status, std::string body) {
  HttpResponse res{status, req.version()};
  res.set(http::field::server, std::string("parleyd/") + PARLEY_VERSION);
  res.set(http::field::content_type, "application/json");
  res.set(http::field::cache_control, "no-store");
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

inline HttpResponse error_http(const http::request<http::string_body>& req, proto::Error error) {
  auto status = static_cast<http::status>(proto::http_status(error.code));
  auto res = json_response(req, status, proto::serialize_http_body(proto::error_response(nullptr, error)));
  if (error.retry_after_ms > 0) res.set(http::field::retry_after, std::to_string((error.retry_after_ms + 999) / 1000));
  return res;
}

inline std::string_view bearer_token(const http::request<http::string_body>& req) {
  auto header = req[http::field::authorization];
  constexpr std::string_view prefix = "Bearer ";
  if (header.size() <= prefix.size() || header.substr(0, prefix.size()) != prefix) return {};
  return std::string_view(header.data() + prefix.size(), header.size() - prefix.size());
}

// A file of the web client, or 304 when the browser's copy (If-None-Match) is current.
inline HttpResponse web_file_response(const http::request<http::string_body>& req, const WebFile& file) {
  bool current = req[http::field::if_none_match] == file.etag;
  HttpResponse res{current ? http::status::not_modified : http::status::ok, req.version()};
  res.set(http::field::server, std::string("parleyd/") + PARLEY_VERSION);
  res.set(http::field::etag, file.etag);
  res.set(http::field::cache_control, file.cache_control);
  res.set("Content-Security-Policy", WebFiles::kContentSecurityPolicy);
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Referrer-Policy", "no-referrer");
  res.keep_alive(req.keep_alive());
  if (!current) {
    res.set(http::field::content_type, file.content_type);
    res.content_length(file.body.size());
    if (req.method() == http::verb::get) res.body() = file.body;
  }
  return res;
}

// Answers one plain HTTP request: health, readiness, the web client's files and the
// /api/v1/TYPE requests.
inline awaitable<HttpResponse> handle_http(SharedState& state, const http::request<http::string_body>& req,
                                           const std::string& peer) {
  std::string_view target(req.target().data(), req.target().size());
  if (auto q = target.find('?'); q != std::string_view::npos) target = target.substr(0, q);
  if (req.method() == http::verb::get && target == "/healthz") {
    co_return json_response(req, http::status::ok, R"({"status":"ok"})");
  }
  if (req.method() == http::verb::get && target == "/readyz") {
    if (state.stopping) co_return json_response(req, http::status::service_unavailable, R"({"status":"stopping"})");
    co_return json_response(req, http::status::ok, R"({"status":"ready"})");
  }
  constexpr std::string_view api = "/api/v1/";
  bool reads = req.method() == http::verb::get || req.method() == http::verb::head;
  if (reads && state.web != nullptr && target.substr(0, api.size()) != api) {
    if (const WebFile* file = state.web->find(target)) co_return web_file_response(req, *file);
  }
  if (target.substr(0, api.size()) != api) {
    co_return error_http(req, proto::make_error(proto::Errc::not_found, "no such path"));
  }
  if (req.method() != http::verb::post) {
    auto res = error_http(req, proto::make_error(proto::Errc::bad_request, "use POST for " + std::string(target)));
    res.result(http::status::method_not_allowed);
    res.set(http::field::allow, "POST");
    co_return res;
  }
  boost::json::object data;
  if (!req.body().empty()) {
    auto parsed = proto::parse_object(req.body(), parse_limits(state.config));
    if (!parsed) co_return error_http(req, parsed.error());
    data = std::move(*parsed);
  }
  proto::Request request{nullptr, std::string(target.substr(api.size())), std::move(data)};
  std::string token(bearer_token(req));
  auto work = [&state, &peer, &token, &request] {
    RequestContext ctx;
    ctx.peer_address = peer;
    if (!token.empty()) {
      if (auto s = state.dispatcher.authenticate_http(ctx, token); !s) return proto::error_response(nullptr, s.error());
    }
    return state.dispatcher.handle(ctx, std::move(request));
  };
  auto response = co_await run_on_workers(state, work);
  if (!response.ok) co_return error_http(req, response.error);
  co_return json_response(req, http::status::ok, proto::serialize_http_body(response));
}

// Serves one connection: HTTP requests until it upgrades to a WebSocket or closes.
template <class Stream>
awaitable<void> serve_http(std::shared_ptr<SharedState> state, Stream stream,
                           std::shared_ptr<SharedState::AddressSlot> slot) {
  const Config& c = state->config;
  const std::string& peer = slot->address();
  if (!co_await handshake(stream, c)) co_return;
  beast::flat_buffer buffer;
  TokenBucket bucket(c.max_requests_per_second, c.request_burst);
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(16 * 1024);
    parser.body_limit(static_cast<std::uint64_t>(c.max_frame_bytes));
    expires_after(stream, ms(c.idle_timeout_ms));
    auto [ec, n] = co_await http::async_read(stream, buffer, parser, use_tuple);
    if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::operation_aborted) break;
    if (ec) {
      // The request is unreadable: answer once, then close, since the stream is out of step.
      const http::request<http::string_body> blank{http::verb::get, "/", 11};
      auto error = ec == http::error::body_limit
                       ? proto::make_error(proto::Errc::too_large, "request body is over the limit of " +
                                                                       std::to_string(c.max_frame_bytes) + " bytes")
                       : proto::make_error(proto::Errc::bad_request, "malformed HTTP request: " + ec.message());
      auto res = error_http(blank, error);
      res.keep_alive(false);
      co_await http::async_write(stream, res, use_tuple);
      break;
    }
    auto req = parser.release();
    if (websocket::is_upgrade(req)) {
      if (req.target() != "/ws") {
        auto res = error_http(req, proto::make_error(proto::Errc::not_found, "the WebSocket endpoint is /ws"));
        res.keep_alive(false);
        co_await http::async_write(stream, res, use_tuple);
        break;
      }
      using Layer = decltype(websocket_layer(std::move(stream)));
      std::make_shared<WebSocketSession<Layer>>(state, websocket_layer(std::move(stream)), slot)->start(std::move(req), std::string_view(static_cast<const char*>(buffer.data().data()), buffer.size()));
      co_return;
    }
    // No co_await inside a conditional expression: g++ 12 miscompiles temporaries there.
    HttpResponse res;
    if (bucket.take(now_ms())) {
      res = co_await handle_http(*state, req, peer);
    } else {
      res = error_http(req, rate_limited(bucket));
    }
    if (state->stopping) res.keep_alive(false);
    bool keep_alive = res.keep_alive();
    auto [write_ec, written] = co_await http::async_write(stream, res, use_tuple);
    if (write_ec || !keep_alive) break;
  }
  co_await shutdown_stream(stream);
}

}  // namespace parley::server::net
