#pragma once

// Takes a TLS 1.3 connection from OpenSSL right after its handshake and hands it to our
// record layer (tls_records.hpp), so that the connection's `SSL` object can be freed.
//
// OpenSSL 3.0 has no call that gives the traffic secrets or the sequence numbers, so the
// handoff watches the handshake for them:
//  - The secrets come from the key log callback (SSL_CTX_set_keylog_callback), which
//    hands each secret to the application as OpenSSL derives it: CLIENT_TRAFFIC_SECRET_0
//    and SERVER_TRAFFIC_SECRET_0 are the first application traffic secrets. They are
//    kept here only until take(), then wiped (OPENSSL_cleanse).
//  - Our (the server's) write sequence number: the message callback reports every
//    record OpenSSL writes (SSL3_RT_HEADER) and every handshake message. The records
//    written after our Finished are the first under the server's application key (the
//    NewSessionTickets that SSL_do_handshake sends: two after a full handshake and one
//    after a resumption, by default), so their count is our next sequence number.
//  - The client's sequence number is 0: the handoff is made as SSL_do_handshake returns
//    1, right after the client's Finished, before any application data; and with
//    read_ahead off (the default) OpenSSL reads the socket exactly to the end of that
//    record. take() checks SSL_has_pending() == 0 and refuses the handoff otherwise.
// A wrong count would make the peer's first decryption fail, so every test that reads
// from a handed-off connection with a real OpenSSL client checks it.
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>

#include <openssl/ssl.h>

#include "server/net/tls_records.hpp"

namespace parley::server::net {

// Watches one server connection's handshake. Not thread-safe (the connection's thread).
class TlsHandoff {
 public:
  // Installs the key log callback on a server context; once, before its first connection.
  static void prepare(SSL_CTX* context);

  TlsHandoff() = default;
  ~TlsHandoff();  // wipes the secrets
  TlsHandoff(const TlsHandoff&) = delete;
  TlsHandoff& operator=(const TlsHandoff&) = delete;

  // Watches `ssl` (a server connection of a prepared context, before its handshake): its
  // ex_data slot and message callback point here until take(), so this object must stay
  // where it is and outlive the watching (or the SSL).
  void watch(SSL* ssl);

  // Once SSL_do_handshake(ssl) has returned 1: the record layer that carries the
  // connection from here on, or null when it stays with OpenSSL (not TLS 1.3, a suite
  // the record layer does not carry, or a check failed). Stops watching either way.
  std::unique_ptr<TlsRecords> take(SSL* ssl, const TlsRecords::Options& options = {});

  // Records OpenSSL wrote after our Finished: the sequence number take() starts from.
  std::uint64_t records_after_finished() const { return records_after_finished_; }

 private:
  struct Secret {
    std::array<std::uint8_t, 48> bytes{};  // SHA-384's size at most
    std::size_t size = 0;
  };

  static void on_key_log(const SSL* ssl, const char* line);
  static void on_message(int write, int version, int content_type, const void* buffer, std::size_t length, SSL* ssl,
                         void* self);
  void wipe();

  Secret client_;
  Secret server_;
  std::uint64_t records_after_finished_ = 0;
  bool finished_sent_ = false;
  bool unusable_ = false;  // a key log line we could not read
};

}  // namespace parley::server::net
