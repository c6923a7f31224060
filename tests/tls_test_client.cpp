#include "tests/tls_test_client.hpp"

#include <algorithm>
#include <csignal>
#include <stdexcept>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>

namespace parley::test {

std::string patterned(std::size_t size, std::size_t from) {
  std::string out(size, '\0');
  for (std::size_t i = 0; i < size; ++i) out[i] = static_cast<char>('a' + ((from + i) * 7 + (from + i) / 251) % 26);
  return out;
}

::testing::AssertionResult same_bytes(const std::string& got, const std::string& want) {
  if (got == want) return ::testing::AssertionSuccess();
  const auto diff = std::mismatch(got.begin(), got.end(), want.begin(), want.end());
  return ::testing::AssertionFailure() << "got " << got.size() << " bytes, want " << want.size()
                                       << "; they differ from byte " << (diff.first - got.begin());
}

TlsTestClient::TlsTestClient(std::uint16_t port, const TlsClientOptions& options)
    : ctx_(SSL_CTX_new(TLS_client_method())), ssl_(nullptr) {
  if (ctx_ == nullptr) throw std::runtime_error("SSL_CTX_new");
  // OpenSSL's socket BIO sends with write(): an alert it sends after the client shut its
  // side down, or to a server that has gone, would otherwise kill the test with SIGPIPE.
  std::signal(SIGPIPE, SIG_IGN);
  // Sessions are taken with session(); none is cached here.
  SSL_CTX_set_session_cache_mode(ctx_, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
  if (options.max_version != 0) SSL_CTX_set_max_proto_version(ctx_, options.max_version);
  ssl_ = SSL_new(ctx_);
  if (ssl_ == nullptr) throw std::runtime_error("SSL_new");
  if (!options.ciphersuites.empty() && SSL_set_ciphersuites(ssl_, options.ciphersuites.c_str()) != 1) {
    throw std::runtime_error("SSL_set_ciphersuites " + options.ciphersuites);
  }
  if (options.resume != nullptr) SSL_set_session(ssl_, options.resume);
  if (options.max_fragment_length != 0 && SSL_set_tlsext_max_fragment_length(ssl_, options.max_fragment_length) != 1) {
    throw std::runtime_error("SSL_set_tlsext_max_fragment_length");
  }
  SSL_set_msg_callback(ssl_, [](int write, int, int type, const void* buffer, std::size_t length, SSL*, void* self) {
    if (write == 0 && type == SSL3_RT_HANDSHAKE && length > 0 &&
        *static_cast<const unsigned char*>(buffer) == SSL3_MT_KEY_UPDATE) {
      ++static_cast<TlsTestClient*>(self)->key_updates_received_;
    }
  });
  SSL_set_msg_callback_arg(ssl_, this);
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &options.receive_buffer, sizeof options.receive_buffer);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) throw std::runtime_error("connect");
  // Two socket BIOs on one descriptor, so that seal() can put another in for writing.
  SSL_set_bio(ssl_, BIO_new_socket(fd_, BIO_NOCLOSE), BIO_new_socket(fd_, BIO_NOCLOSE));
}

TlsTestClient::~TlsTestClient() {
  SSL_free(ssl_);
  SSL_CTX_free(ctx_);
  ::close(fd_);
}

bool TlsTestClient::handshake() { return SSL_connect(ssl_) == 1; }

bool TlsTestClient::write(const std::string& bytes) {
  std::size_t written = 0;
  return bytes.empty() || (SSL_write_ex(ssl_, bytes.data(), bytes.size(), &written) == 1 && written == bytes.size());
}

std::string TlsTestClient::read(std::size_t n) {
  std::string out;
  char chunk[16384];
  while (out.size() < n) {
    ERR_clear_error();
    const int got = SSL_read(ssl_, chunk, static_cast<int>(std::min(sizeof chunk, n - out.size())));
    if (got <= 0) {
      error_ = ERR_peek_last_error();
      break;
    }
    out.append(chunk, static_cast<std::size_t>(got));
  }
  return out;
}

int TlsTestClient::read_end() {
  char c;
  ERR_clear_error();
  const int got = SSL_read(ssl_, &c, 1);
  if (got > 0) return -1;
  error_ = ERR_peek_last_error();
  return SSL_get_error(ssl_, got);
}

bool TlsTestClient::key_update(int type) { return SSL_key_update(ssl_, type) == 1; }

bool TlsTestClient::key_update_now() {
  return SSL_key_update(ssl_, SSL_KEY_UPDATE_NOT_REQUESTED) == 1 && SSL_do_handshake(ssl_) == 1;
}

bool TlsTestClient::close_notify() { return SSL_shutdown(ssl_) >= 0; }

void TlsTestClient::leave() { ::shutdown(fd_, SHUT_WR); }

std::string TlsTestClient::seal(const std::string& bytes) {
  BIO* socket = SSL_get_wbio(ssl_);
  BIO_up_ref(socket);
  SSL_set0_wbio(ssl_, BIO_new(BIO_s_mem()));  // frees one reference of the socket BIO, not ours
  write(bytes);
  std::string out;
  char chunk[4096];
  int n;
  while ((n = BIO_read(SSL_get_wbio(ssl_), chunk, sizeof chunk)) > 0) out.append(chunk, static_cast<std::size_t>(n));
  SSL_set0_wbio(ssl_, socket);  // takes our reference back; frees the memory BIO
  return out;
}

bool TlsTestClient::send_raw(const std::string& bytes) {
  return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size());
}

std::string TlsTestClient::cipher() const { return SSL_CIPHER_get_name(SSL_get_current_cipher(ssl_)); }

}  // namespace parley::test
