#pragma once

// The server's TLS stream: OpenSSL for the handshake (and for TLS 1.2 connections
// throughout), working straight on a non-blocking TCP socket; for TLS 1.3, a record
// layer of our own after the handshake.
//
// Asio's ssl::stream (and Beast's ssl_stream over it) runs OpenSSL against memory BIOs
// and keeps two 17 KiB buffers per stream for them, for the stream's whole life: an idle
// wss:// connection cost ~47 KiB. Here OpenSSL reads and writes the socket itself through
// a small BIO, and with SSL_MODE_RELEASE_BUFFERS frees its record buffers whenever it has
// nothing half read or half written. An operation tries the OpenSSL call at once; when
// OpenSSL wants the socket readable or writable it waits for that (async_wait) and tries
// again, so a waiting operation holds no buffer either.
//
// What OpenSSL 3.0 still holds per connection while its `SSL` object lives is ~14.5 KiB
// (the SSL object 7.6 KB, cipher contexts ~2.3 KB, the session 0.9 KB), most of an idle
// wss:// connection. So a TLS 1.3 connection with one of the suites 0x1301, 0x1302 or
// 0x1303 is handed off when its handshake completes (tls_handoff.hpp: the traffic secrets
// from the key log callback, our write sequence number from the message callback): the
// `SSL` object is freed and our own record layer (tls_records.hpp, built on OpenSSL's EVP
// AEADs and HKDF) carries the connection, holding ~0.3 KiB while idle. TLS 1.2
// connections and any other suite stay on OpenSSL as before. The calls below behave the
// same either way.
//
// TlsSocket models Beast's AsyncStream (get_executor, async_read_some, async_write_some)
// and carries what Beast's WebSocket needs besides: next_layer() (so get_lowest_layer
// reaches the tcp::socket) and teardown/async_teardown, found by argument-dependent lookup.
#include <chrono>
#include <cstddef>
#include <memory>
#include <utility>

#include <openssl/ssl.h>

#include "server/net/net.hpp"

namespace parley::server::net {

class TlsHandoff;
class TlsRecords;
struct TlsOutcome;

// What the TLS connections of a server share: the OpenSSL context (certificate, key,
// options; its key log callback serves the TLS 1.3 handoff) and the BIO method that
// joins a connection's SSL to its socket. Must outlive every TlsSocket made with it. Not
// copyable; thread-safe once set up.
class TlsContext {
 public:
  TlsContext();
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  // For loading the certificate and key and setting options before the first connection.
  ssl::context& context() { return context_; }
  SSL_CTX* native_handle() { return context_.native_handle(); }
  const BIO_METHOD* bio_method() const { return bio_method_; }

 private:
  ssl::context context_;
  BIO_METHOD* bio_method_;
};

// One server-side TLS connection. Not thread-safe: every call and every completion is on
// the socket's executor, which must be one thread (an io_context run by one thread, as
// the server's are). At most one read (or handshake) and one write (or shutdown) may be
// outstanding, as for any Asio stream; a read and a write may be outstanding together.
// The socket is set non-blocking. The TlsContext must outlive it. Movable while no
// operation is outstanding.
class TlsSocket {
 public:
  using executor_type = tcp::socket::executor_type;
  using next_layer_type = tcp::socket;

  // Starts as the server end of a TLS connection on `socket` (the handshake is still to do).
  TlsSocket(tcp::socket socket, TlsContext& context);
  ~TlsSocket();
  TlsSocket(TlsSocket&& other) noexcept;
  TlsSocket& operator=(TlsSocket&&) = delete;
  TlsSocket(const TlsSocket&) = delete;
  TlsSocket& operator=(const TlsSocket&) = delete;

  executor_type get_executor() noexcept { return socket_.get_executor(); }
  tcp::socket& next_layer() noexcept { return socket_; }

  // A deadline for the operations outstanding now and later, like beast::tcp_stream's:
  // when it passes they complete with beast::error::timeout, and so does every later
  // one until the deadline is set again. expires_never() drops it and its timer.
  void expires_after(std::chrono::steady_clock::duration after);
  void expires_never();

  // Whether the TLS layer holds bytes it has read off the socket and not yet handed out
  // (decrypted data, or part of a record): then a read must start without waiting for
  // the socket, which will not signal them again.
  bool holds_unread_bytes() const;

  // Decrypted application bytes that are there now, without waiting and without taking
  // them (like SSL_peek: from one record at most): the number of bytes copied, 0 when
  // none are there yet; an error when the connection failed or ended, or OpenSSL would
  // first have to write.
  std::size_t peek(asio::mutable_buffer buffer, beast::error_code& ec);
  // Takes `buffer.size()` bytes that peek() showed: true when it got them all.
  bool take(asio::mutable_buffer buffer);

  // Whether the handshake handed the connection to our TLS 1.3 record layer (OpenSSL's
  // `SSL` object is gone), rather than leaving it with OpenSSL.
  bool handed_off() const noexcept { return records_ != nullptr; }

  // Completion signature void(error_code).
  template <class Token>
  auto async_handshake(Token&& token) {
    return async_run<Handshake>(Handshake{}, std::forward<Token>(token));
  }

  // Sends close_notify; does not wait for the peer's (the caller closes the socket next).
  // Completion signature void(error_code).
  template <class Token>
  auto async_shutdown(Token&& token) {
    return async_run<Shutdown>(Shutdown{}, std::forward<Token>(token));
  }

  // Reads into the first non-empty buffer. Completion signature void(error_code, std::size_t).
  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    return async_run<Read>(Read{first_buffer<asio::mutable_buffer>(buffers)}, std::forward<Token>(token));
  }

  // Writes one TLS record: the first buffer if it is the only one or big enough, else up
  // to a record's worth of the buffers copied into one (one small buffer per record would
  // cost a record's overhead each). Completes once the whole record is on the socket.
  // Completion signature void(error_code, std::size_t).
  template <class ConstBuffers, class Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    return async_run<Write>(Write::from(buffers), std::forward<Token>(token));
  }

  // Sends close_notify without waiting (for Beast's synchronous teardown).
  void shutdown(beast::error_code& ec);

 private:
  enum class Want { nothing, read, write };
  // The outcome of one OpenSSL call that did not wait.
  struct Attempt {
    Want want = Want::nothing;
    std::size_t bytes = 0;
    beast::error_code ec;
  };
  struct Deadline;

  // The calls an operation repeats until OpenSSL wants nothing more from the socket.
  struct Handshake {
    static constexpr bool kBytes = false;
    Attempt operator()(TlsSocket& s) { return s.try_handshake(); }
  };
  struct Shutdown {
    static constexpr bool kBytes = false;
    Attempt operator()(TlsSocket& s) { return s.try_shutdown(); }
  };
  struct Read {
    static constexpr bool kBytes = true;
    asio::mutable_buffer buffer;
    Attempt operator()(TlsSocket& s) { return s.try_read(buffer); }
  };
  struct Write {
    static constexpr bool kBytes = true;
    // A retried write passes the same bytes (OpenSSL wants it; the record layer has
    // sealed them already): they stay here until done.
    asio::const_buffer buffer;
    std::unique_ptr<char[]> copy;

    template <class ConstBuffers>
    static Write from(const ConstBuffers& buffers) {
      Write w;
      const std::size_t total = asio::buffer_size(buffers);
      const auto first = first_buffer<asio::const_buffer>(buffers);
      if (first.size() == total || first.size() >= kMaxRecord) {
        w.buffer = first;
      } else {
        const std::size_t size = std::min(total, kMaxRecord);
        w.copy = std::make_unique_for_overwrite<char[]>(size);
        w.buffer = asio::buffer(w.copy.get(), asio::buffer_copy(asio::buffer(w.copy.get(), size), buffers));
      }
      return w;
    }
    Attempt operator()(TlsSocket& s) { return s.try_write(buffer); }
  };

  // Runs an Action until done, waiting on the socket when OpenSSL wants it. A result
  // that comes without any wait is posted, never handed over inside the initiating call.
  template <class Action>
  class Op {
   public:
    Op(TlsSocket& socket, Action action) : socket_(&socket), action_(std::move(action)) {}

    template <class Self>
    void operator()(Self& self, beast::error_code ec = {}) {
      if (posted_) return complete(self, result_);
      if (waited_ && ec) {
        return finish(self, {Want::nothing, 0, socket_->timed_out() ? beast::error::timeout : ec});
      }
      if (socket_->timed_out()) return finish(self, {Want::nothing, 0, beast::error::timeout});
      Attempt attempt = action_(*socket_);
      if (attempt.want == Want::nothing) return finish(self, std::move(attempt));
      waited_ = true;
      socket_->socket_.async_wait(attempt.want == Want::read ? tcp::socket::wait_read : tcp::socket::wait_write,
                                  std::move(self));
    }

   private:
    template <class Self>
    void finish(Self& self, Attempt attempt) {
      if (waited_) return complete(self, attempt);
      result_ = std::move(attempt);
      posted_ = true;
      auto executor = socket_->get_executor();
      asio::post(executor, std::move(self));
    }

    template <class Self>
    void complete(Self& self, const Attempt& attempt) {
      if constexpr (Action::kBytes) {
        self.complete(attempt.ec, attempt.bytes);
      } else {
        self.complete(attempt.ec);
      }
    }

    TlsSocket* socket_;
    Action action_;
    bool waited_ = false;
    bool posted_ = false;
    Attempt result_;
  };

  template <class Action, class Token>
  auto async_run(Action action, Token&& token) {
    using Signature = std::conditional_t<Action::kBytes, void(beast::error_code, std::size_t), void(beast::error_code)>;
    return asio::async_compose<Token, Signature>(Op<Action>(*this, std::move(action)), token, socket_);
  }

  template <class Buffer, class Buffers>
  static Buffer first_buffer(const Buffers& buffers) {
    for (auto it = asio::buffer_sequence_begin(buffers); it != asio::buffer_sequence_end(buffers); ++it) {
      const Buffer buffer = *it;
      if (buffer.size() > 0) return buffer;
    }
    return {};
  }

  Attempt try_handshake();
  Attempt try_shutdown();
  Attempt try_read(asio::mutable_buffer buffer);
  Attempt try_write(asio::const_buffer buffer);
  // After the handshake: hands the connection to the record layer if it can.
  void end_handshake();
  // The outcome of an OpenSSL call that returned `result`, with the errno it left.
  Attempt outcome(int result, std::size_t bytes, int saved_errno);
  // The outcome of a record layer call.
  static Attempt outcome(const TlsOutcome& result);
  bool timed_out() const;
  // Whether there is a TLS layer (OpenSSL's or ours) and a socket for it to work on.
  bool usable() const;

  // The largest TLS record's plaintext.
  static constexpr std::size_t kMaxRecord = 16 * 1024;

  tcp::socket socket_;
  // Owned; its BIO points at socket_. Null after a handoff (or if out of memory).
  SSL* ssl_ = nullptr;
  std::unique_ptr<TlsHandoff> handoff_;  // while the handshake runs
  std::unique_ptr<TlsRecords> records_;  // after a handoff: the connection's TLS
  std::shared_ptr<Deadline> deadline_;   // while a deadline is set
  bool failed_ = false;                  // OpenSSL reported a failure: no more close_notify
  bool close_notified_ = false;          // our close_notify is out (OpenSSL's path)
};

// Beast's WebSocket tears the stream down with these when it closes: close_notify, then
// what it does for a TCP socket (shut down sending, read to the end, close).
void teardown(beast::role_type role, TlsSocket& stream, beast::error_code& ec);

// close_notify, then the TCP teardown; completes with the latter's result.
class TlsTeardownOp {
 public:
  TlsTeardownOp(TlsSocket& stream, beast::role_type role) : stream_(stream), role_(role) {}

  template <class Self>
  void operator()(Self& self, beast::error_code ec = {}) {
    switch (step_++) {
      case 0:
        return stream_.async_shutdown(std::move(self));
      case 1: {  // a failed close_notify (the peer is gone, say) still leaves the socket to close
        using websocket::async_teardown;
        return async_teardown(role_, stream_.next_layer(), std::move(self));
      }
      default:
        return self.complete(ec);
    }
  }

 private:
  TlsSocket& stream_;
  beast::role_type role_;
  int step_ = 0;
};

template <class Handler>
void async_teardown(beast::role_type role, TlsSocket& stream, Handler&& handler) {
  asio::async_compose<Handler, void(beast::error_code)>(TlsTeardownOp(stream, role), handler, stream);
}

}  // namespace parley::server::net
