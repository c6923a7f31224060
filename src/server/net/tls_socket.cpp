#include "server/net/tls_socket.hpp"

#include <cerrno>

#include <openssl/err.h>
#include <sys/socket.h>

#include "server/net/tls_handoff.hpp"
#include "server/net/tls_records.hpp"

namespace parley::server::net {
namespace {

// The BIO that joins an SSL to its connection's socket. Unlike OpenSSL's socket BIO it
// sends with MSG_NOSIGNAL (no SIGPIPE when the peer has gone) and looks the descriptor
// up at each call, so once the session closes its socket (a slow client, a timeout)
// OpenSSL can never touch a descriptor number that another connection has been given.
tcp::socket& socket_of(BIO* bio) { return *static_cast<tcp::socket*>(BIO_get_data(bio)); }

bool would_block(int error) { return error == EAGAIN || error == EWOULDBLOCK; }

// One send or receive for OpenSSL on the connection's socket, retried on EINTR; -1 with
// EBADF once the session has closed the socket.
template <class Call>
ssize_t socket_call(BIO* bio, Call call) {
  BIO_clear_retry_flags(bio);
  tcp::socket& socket = socket_of(bio);
  if (!socket.is_open()) {
    errno = EBADF;
    return -1;
  }
  ssize_t n;
  do {
    n = call(socket.native_handle());
  } while (n < 0 && errno == EINTR);
  return n;
}

int bio_write(BIO* bio, const char* data, int size) {
  ssize_t n = socket_call(bio, [&](int fd) { return ::send(fd, data, static_cast<std::size_t>(size), MSG_NOSIGNAL); });
  if (n < 0 && would_block(errno)) BIO_set_retry_write(bio);
  return static_cast<int>(n);
}

int bio_read(BIO* bio, char* data, int size) {
  ssize_t n = socket_call(bio, [&](int fd) { return ::recv(fd, data, static_cast<std::size_t>(size), 0); });
  if (n < 0 && would_block(errno)) BIO_set_retry_read(bio);
  if (n == 0) BIO_set_flags(bio, BIO_FLAGS_IN_EOF);  // OpenSSL asks with BIO_eof
  return static_cast<int>(n);
}

long bio_ctrl(BIO* bio, int command, long, void*) {
  switch (command) {
    case BIO_CTRL_FLUSH:
      return 1;
    case BIO_CTRL_EOF:
      return BIO_test_flags(bio, BIO_FLAGS_IN_EOF) != 0 ? 1 : 0;
    default:
      return 0;
  }
}

int bio_create(BIO* bio) {
  BIO_set_init(bio, 1);
  return 1;
}

}  // namespace

TlsContext::TlsContext()
    : context_(ssl::context::tls_server),
      bio_method_(BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "parley socket")) {
  if (bio_method_ == nullptr || BIO_meth_set_write(bio_method_, bio_write) != 1 ||
      BIO_meth_set_read(bio_method_, bio_read) != 1 || BIO_meth_set_ctrl(bio_method_, bio_ctrl) != 1 ||
      BIO_meth_set_create(bio_method_, bio_create) != 1) {
    BIO_meth_free(bio_method_);
    throw std::bad_alloc();
  }
  TlsHandoff::prepare(context_.native_handle());
}

TlsContext::~TlsContext() { BIO_meth_free(bio_method_); }

struct TlsSocket::Deadline {
  explicit Deadline(tcp::socket& s) : timer(s.get_executor()), socket(&s) {}
  asio::steady_timer timer;
  tcp::socket* socket;  // null once the TlsSocket is gone
  unsigned armed = 0;   // which expires_after the timer's wait belongs to
  bool expired = false;
};

TlsSocket::TlsSocket(tcp::socket socket, TlsContext& context)
    : socket_(std::move(socket)), handoff_(std::make_unique<TlsHandoff>()) {
  beast::error_code ignored;
  socket_.non_blocking(true, ignored);
  ssl_ = SSL_new(context.native_handle());
  if (ssl_ == nullptr) return;  // every operation fails (outcome() reports OpenSSL's error)
  BIO* bio = BIO_new(context.bio_method());
  if (bio == nullptr) {
    SSL_free(ssl_);
    ssl_ = nullptr;
    return;
  }
  BIO_set_data(bio, &socket_);
  SSL_set_bio(ssl_, bio, bio);  // one reference, for both directions
  // One record per SSL_write, retried with the same bytes wherever they are (Write::copy
  // moves with the operation).
  SSL_set_mode(ssl_, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  SSL_set_accept_state(ssl_);
  handoff_->watch(ssl_);  // the handoff stays put on the heap when the TlsSocket moves
}

TlsSocket::TlsSocket(TlsSocket&& other) noexcept
    : socket_(std::move(other.socket_)),
      ssl_(std::exchange(other.ssl_, nullptr)),
      handoff_(std::move(other.handoff_)),
      records_(std::move(other.records_)),
      deadline_(std::move(other.deadline_)),
      failed_(other.failed_),
      close_notified_(other.close_notified_) {
  if (ssl_ != nullptr) BIO_set_data(SSL_get_rbio(ssl_), &socket_);
  if (deadline_) deadline_->socket = &socket_;
}

TlsSocket::~TlsSocket() {
  expires_never();
  SSL_free(ssl_);  // sends nothing; the socket closes after
}

void TlsSocket::expires_after(std::chrono::steady_clock::duration after) {
  if (!deadline_) deadline_ = std::make_shared<Deadline>(socket_);
  Deadline& d = *deadline_;
  d.expired = false;
  const unsigned armed = ++d.armed;
  d.timer.expires_after(after);  // cancels the wait of an earlier deadline
  d.timer.async_wait([deadline = deadline_, armed](beast::error_code ec) {
    // A wait that completed just before the deadline was set again is stale.
    if (ec || armed != deadline->armed || deadline->socket == nullptr) return;
    deadline->expired = true;
    beast::error_code ignored;
    deadline->socket->cancel(ignored);  // outstanding waits end; the operations report timeout
  });
}

void TlsSocket::expires_never() {
  if (!deadline_) return;
  deadline_->socket = nullptr;
  deadline_->timer.cancel();
  deadline_.reset();
}

bool TlsSocket::usable() const { return (ssl_ != nullptr || records_ != nullptr) && socket_.is_open(); }

bool TlsSocket::timed_out() const { return deadline_ && deadline_->expired; }

bool TlsSocket::holds_unread_bytes() const {
  if (records_) return records_->holds_unread_bytes();
  return ssl_ != nullptr && SSL_has_pending(ssl_) == 1;
}

std::size_t TlsSocket::peek(asio::mutable_buffer buffer, beast::error_code& ec) {
  if (!usable()) {
    ec = asio::error::bad_descriptor;
    return 0;
  }
  if (records_) {
    const Attempt attempt = outcome(
        records_->peek(socket_.native_handle(), std::span(static_cast<std::uint8_t*>(buffer.data()), buffer.size())));
    ec = attempt.ec;
    return attempt.bytes;
  }
  ERR_clear_error();
  std::size_t n = 0;
  const int result = SSL_peek_ex(ssl_, buffer.data(), buffer.size(), &n);
  Attempt attempt = outcome(result, n, errno);
  // Wanting to write first (a TLS 1.3 key update to answer) is for a read to deal with.
  ec = attempt.want == Want::write ? beast::error_code(asio::error::in_progress) : attempt.ec;
  return attempt.bytes;
}

bool TlsSocket::take(asio::mutable_buffer buffer) {
  Attempt attempt = try_read(buffer);
  return attempt.want == Want::nothing && !attempt.ec && attempt.bytes == buffer.size();
}

void TlsSocket::shutdown(beast::error_code& ec) {
  Attempt attempt = try_shutdown();
  ec = attempt.ec;
}

TlsSocket::Attempt TlsSocket::try_handshake() {
  if (records_) return {};  // done already
  if (ssl_ == nullptr || !socket_.is_open()) return {Want::nothing, 0, asio::error::bad_descriptor};
  ERR_clear_error();
  const int result = SSL_do_handshake(ssl_);
  Attempt attempt = outcome(result, 0, errno);
  if (result == 1) end_handshake();
  return attempt;
}

void TlsSocket::end_handshake() {
  if (!handoff_) return;
  records_ = handoff_->take(ssl_);
  handoff_.reset();
  if (records_) {
    SSL_free(ssl_);  // sends nothing: the session lives on in the client's ticket
    ssl_ = nullptr;
  }
}

TlsSocket::Attempt TlsSocket::try_shutdown() {
  if (!usable()) return {Want::nothing, 0, asio::error::bad_descriptor};
  if (records_) return outcome(records_->send_close_notify(socket_.native_handle()));
  // Nothing to close before the handshake is done, nor after a failure (OpenSSL says not
  // to call SSL_shutdown then), nor twice. A retry after WANT_WRITE sends what is left.
  if (SSL_in_init(ssl_) || failed_ || close_notified_) return {};
  ERR_clear_error();
  const int result = SSL_shutdown(ssl_);
  // 0: our close_notify is out and the peer's has not come; we do not wait for it.
  Attempt attempt = outcome(result < 0 ? result : 1, 0, errno);
  if (attempt.want == Want::nothing) close_notified_ = true;
  return attempt;
}

TlsSocket::Attempt TlsSocket::try_read(asio::mutable_buffer buffer) {
  if (!usable()) return {Want::nothing, 0, asio::error::bad_descriptor};
  if (buffer.size() == 0) return {};
  if (records_) {
    return outcome(
        records_->read(socket_.native_handle(), std::span(static_cast<std::uint8_t*>(buffer.data()), buffer.size())));
  }
  ERR_clear_error();
  std::size_t n = 0;
  const int result = SSL_read_ex(ssl_, buffer.data(), buffer.size(), &n);
  return outcome(result, n, errno);
}

TlsSocket::Attempt TlsSocket::try_write(asio::const_buffer buffer) {
  if (!usable()) return {Want::nothing, 0, asio::error::bad_descriptor};
  if (buffer.size() == 0) return {};
  if (records_) {
    return outcome(records_->write(socket_.native_handle(),
                                   std::span(static_cast<const std::uint8_t*>(buffer.data()), buffer.size())));
  }
  ERR_clear_error();
  std::size_t n = 0;
  const int result = SSL_write_ex(ssl_, buffer.data(), buffer.size(), &n);
  return outcome(result, n, errno);
}

TlsSocket::Attempt TlsSocket::outcome(const TlsOutcome& result) {
  switch (result.kind) {
    case TlsOutcome::Kind::done:
      return {Want::nothing, result.bytes, {}};
    case TlsOutcome::Kind::want_read:
      return {Want::read, 0, {}};
    case TlsOutcome::Kind::want_write:
      return {Want::write, 0, {}};
    case TlsOutcome::Kind::eof:
      return {Want::nothing, 0, asio::error::eof};
    case TlsOutcome::Kind::tls_error:  // the codes OpenSSL itself would report
      return {Want::nothing, 0, beast::error_code(static_cast<int>(result.code), asio::error::get_ssl_category())};
    case TlsOutcome::Kind::system_error:
      return {Want::nothing, 0, beast::error_code(static_cast<int>(result.code), asio::error::get_system_category())};
  }
  return {Want::nothing, 0, asio::error::fault};
}

TlsSocket::Attempt TlsSocket::outcome(int result, std::size_t bytes, int saved_errno) {
  if (result > 0) return {Want::nothing, bytes, {}};
  const int error = SSL_get_error(ssl_, result);
  if (error == SSL_ERROR_SYSCALL || error == SSL_ERROR_SSL) failed_ = true;
  switch (error) {
    case SSL_ERROR_WANT_READ:
      return {Want::read, 0, {}};
    case SSL_ERROR_WANT_WRITE:
      return {Want::write, 0, {}};
    case SSL_ERROR_ZERO_RETURN:  // the peer's close_notify
      return {Want::nothing, 0, asio::error::eof};
    case SSL_ERROR_SYSCALL:
      if (const unsigned long e = ERR_get_error(); e != 0) {
        return {Want::nothing, 0, beast::error_code(static_cast<int>(e), asio::error::get_ssl_category())};
      }
      if (saved_errno != 0) {
        return {Want::nothing, 0, beast::error_code(saved_errno, asio::error::get_system_category())};
      }
      return {Want::nothing, 0, asio::error::eof};
    default: {
      const unsigned long e = ERR_get_error();
      // The peer closed the TCP connection without close_notify. HTTP requests carry
      // their length and WebSocket frames theirs, so nothing is lost that a truncation
      // could hide: an end like any other.
      if (ERR_GET_REASON(e) == SSL_R_UNEXPECTED_EOF_WHILE_READING) return {Want::nothing, 0, asio::error::eof};
      if (e == 0) return {Want::nothing, 0, asio::error::fault};
      return {Want::nothing, 0, beast::error_code(static_cast<int>(e), asio::error::get_ssl_category())};
    }
  }
}

void teardown(beast::role_type role, TlsSocket& stream, beast::error_code& ec) {
  stream.shutdown(ec);
  beast::error_code tcp_ec;
  beast::websocket::teardown(role, stream.next_layer(), tcp_ec);
  if (!ec) ec = tcp_ec;
}

}  // namespace parley::server::net
