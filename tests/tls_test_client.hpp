#pragma once

// A blocking OpenSSL TLS client on a plain socket, for tests of the server's TLS layer
// from the other side: a real TLS implementation that is not ours. One thread at a time.
#include <cstddef>
#include <cstdint>
#include <string>

#include <openssl/ssl.h>

#include <gtest/gtest.h>

namespace parley::test {

// `size` bytes of a stream that is easy to check, from its byte `from` on.
std::string patterned(std::size_t size, std::size_t from = 0);

// Compares byte strings of any size without printing them whole.
::testing::AssertionResult same_bytes(const std::string& got, const std::string& want);

struct TlsClientOptions {
  std::string ciphersuites{};      // TLS 1.3 suites (SSL_set_ciphersuites); empty: OpenSSL's default
  int max_version = 0;             // e.g. TLS1_2_VERSION; 0: the highest
  SSL_SESSION* resume = nullptr;   // a session to resume (not taken over)
  int receive_buffer = 16 * 1024;  // small, so that a big write from the server fills the socket soon
  std::uint8_t max_fragment_length = 0;  // a TLSEXT_max_fragment_length_* to ask for (RFC 6066); 0: none
};

class TlsTestClient {
 public:
  // Connects to 127.0.0.1:port (the handshake is still to do). Throws if it cannot.
  explicit TlsTestClient(std::uint16_t port, const TlsClientOptions& options = {});
  ~TlsTestClient();
  TlsTestClient(const TlsTestClient&) = delete;
  TlsTestClient& operator=(const TlsTestClient&) = delete;

  bool handshake();
  // SSL_write of all of `bytes` (OpenSSL cuts records of at most 16 KiB).
  bool write(const std::string& bytes);
  // Reads exactly n bytes; fewer if the connection ends or fails (then error() says why).
  std::string read(std::size_t n);
  // Waits for the end and says how it came: SSL_ERROR_ZERO_RETURN after a close_notify.
  int read_end();
  // The OpenSSL error of the last read that failed (ERR_GET_REASON gives an alert the
  // server sent as SSL_AD_REASON_OFFSET + its number), 0 if none.
  unsigned long error() const { return error_; }

  // Sends a KeyUpdate (SSL_KEY_UPDATE_REQUESTED or SSL_KEY_UPDATE_NOT_REQUESTED) with
  // the next write.
  bool key_update(int type);
  // Sends a KeyUpdate (not requesting one back) at once, with no data.
  bool key_update_now();
  // Sends close_notify.
  bool close_notify();
  // Sends FIN, without close_notify (a close() with unread bytes would send RST instead).
  void leave();

  // The records SSL_write would send for `bytes`, without sending them.
  std::string seal(const std::string& bytes);
  // Bytes straight onto the socket.
  bool send_raw(const std::string& bytes);

  // KeyUpdate messages the server sent that this client has read.
  int key_updates_received() const { return key_updates_received_; }

  SSL* ssl() { return ssl_; }
  // The session to resume later (the caller frees it); after the tickets were read.
  SSL_SESSION* session() { return SSL_get1_session(ssl_); }
  bool resumed() const { return SSL_session_reused(ssl_) == 1; }
  std::string cipher() const;

 private:
  SSL_CTX* ctx_;
  SSL* ssl_;
  int fd_ = -1;
  unsigned long error_ = 0;
  int key_updates_received_ = 0;
};

}  // namespace parley::test
