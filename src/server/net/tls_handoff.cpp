#include "server/net/tls_handoff.hpp"

#include <new>
#include <string_view>

#include <openssl/crypto.h>

namespace parley::server::net {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The next space-separated field of a key log line.
std::string_view next_field(std::string_view& line) {
  const std::size_t end = line.find(' ');
  const std::string_view field = line.substr(0, end);
  line = end == std::string_view::npos ? std::string_view{} : line.substr(end + 1);
  return field;
}

// An ex_data slot of our own for the TlsHandoff watching an SSL: the app data slot
// (index 0) is also Asio's, for its verify callback.
int handoff_index() {
  static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

}  // namespace

void TlsHandoff::prepare(SSL_CTX* context) {
  if (handoff_index() < 0) throw std::bad_alloc();
  SSL_CTX_set_keylog_callback(context, &TlsHandoff::on_key_log);
}

TlsHandoff::~TlsHandoff() { wipe(); }

void TlsHandoff::wipe() {
  OPENSSL_cleanse(&client_, sizeof client_);
  OPENSSL_cleanse(&server_, sizeof server_);
}

void TlsHandoff::watch(SSL* ssl) {
  SSL_set_ex_data(ssl, handoff_index(), this);
  SSL_set_msg_callback(ssl, &TlsHandoff::on_message);
  SSL_set_msg_callback_arg(ssl, this);
}

// A line is "LABEL <client random, hex> <secret, hex>" (the NSS key log format).
void TlsHandoff::on_key_log(const SSL* ssl, const char* line) {
  auto* self = static_cast<TlsHandoff*>(SSL_get_ex_data(ssl, handoff_index()));
  if (self == nullptr || line == nullptr) return;
  std::string_view rest(line);
  const std::string_view label = next_field(rest);
  Secret* secret = label == "CLIENT_TRAFFIC_SECRET_0"   ? &self->client_
                   : label == "SERVER_TRAFFIC_SECRET_0" ? &self->server_
                                                        : nullptr;
  if (secret == nullptr) return;  // handshake and exporter secrets, TLS 1.2's CLIENT_RANDOM
  next_field(rest);               // the client random
  const std::string_view hex = next_field(rest);
  if (hex.empty() || hex.size() % 2 != 0 || hex.size() / 2 > secret->bytes.size()) {
    self->unusable_ = true;
    return;
  }
  for (std::size_t i = 0; i < hex.size() / 2; ++i) {
    const int high = hex_digit(hex[2 * i]);
    const int low = hex_digit(hex[2 * i + 1]);
    if (high < 0 || low < 0) {
      self->unusable_ = true;
      return;
    }
    secret->bytes[i] = static_cast<std::uint8_t>(high << 4 | low);
  }
  secret->size = hex.size() / 2;
}

void TlsHandoff::on_message(int write, int, int content_type, const void* buffer, std::size_t length, SSL*,
                            void* self_pointer) {
  auto* self = static_cast<TlsHandoff*>(self_pointer);
  if (self == nullptr || write == 0) return;
  if (content_type == SSL3_RT_HEADER) {
    // OpenSSL reports a record's header as it seals the record (before the message it
    // carries), once, even when the socket takes it only later.
    if (self->finished_sent_) ++self->records_after_finished_;
  } else if (content_type == SSL3_RT_HANDSHAKE && length > 0 &&
             *static_cast<const unsigned char*>(buffer) == SSL3_MT_FINISHED) {
    self->finished_sent_ = true;
  }
}

std::unique_ptr<TlsRecords> TlsHandoff::take(SSL* ssl, const TlsRecords::Options& options) {
  SSL_set_msg_callback(ssl, nullptr);
  SSL_set_msg_callback_arg(ssl, nullptr);
  SSL_set_ex_data(ssl, handoff_index(), nullptr);
  std::unique_ptr<TlsRecords> records;
  const SSL_CIPHER* cipher = SSL_get_current_cipher(ssl);
  const bool ready = !unusable_ && finished_sent_ && client_.size > 0 && server_.size > 0 && SSL_is_server(ssl) == 1 &&
                     SSL_is_init_finished(ssl) == 1 && SSL_version(ssl) == TLS1_3_VERSION && cipher != nullptr &&
                     TlsRecords::carries(SSL_CIPHER_get_protocol_id(cipher)) &&
                     // Nothing read past the client's Finished: its next record is its first
                     // under the new key, sequence 0.
                     SSL_has_pending(ssl) == 0 &&
                     // Early data would be the application's to read from OpenSSL first.
                     SSL_get_early_data_status(ssl) != SSL_EARLY_DATA_ACCEPTED &&
                     // A client's smaller record limit (RFC 6066 max_fragment_length), which
                     // OpenSSL keeps to and the record layer does not.
                     SSL_SESSION_get_max_fragment_length(SSL_get0_session(ssl)) == TLSEXT_max_fragment_length_DISABLED;
  if (ready) {
    records = TlsRecords::create(
        {
            .suite = SSL_CIPHER_get_protocol_id(cipher),
            .read_secret = std::span(client_.bytes).first(client_.size),
            .write_secret = std::span(server_.bytes).first(server_.size),
            .read_sequence = 0,
            .write_sequence = records_after_finished_,
        },
        options);
  }
  wipe();
  return records;
}

}  // namespace parley::server::net
