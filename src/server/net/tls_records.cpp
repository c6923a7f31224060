#include "server/net/tls_records.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string_view>
#include <utility>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/ssl.h>
#include <sys/socket.h>

namespace parley::server::net {

struct TlsRecords::Suite {
  int index;  // of the per-thread cipher contexts
  std::uint16_t id;
  const char* cipher;
  const char* digest;
  std::size_t key_size;
  std::size_t hash_size;  // = the traffic secrets' size
};

namespace {

// Sizes from RFC 8446, section 5.
constexpr std::size_t kHeader = 5;
constexpr std::size_t kTag = 16;  // all three AEADs
constexpr std::size_t kNonce = 12;
constexpr std::size_t kMaxPlaintext = 16384;                 // 2^14 (5.1)
constexpr std::size_t kMaxInner = kMaxPlaintext + 1;         // content, type and padding (5.4)
constexpr std::size_t kMaxCiphertext = kMaxPlaintext + 256;  // 5.2
constexpr std::size_t kReadCapacity = kHeader + kMaxCiphertext;
constexpr std::size_t sealed_size(std::size_t content) { return kHeader + content + 1 + kTag; }

static_assert(kReadCapacity <= UINT32_MAX && sealed_size(5) + sealed_size(kMaxPlaintext) <= UINT32_MAX);

constexpr std::array<std::uint8_t, 5> kKeyUpdateNotRequested{SSL3_MT_KEY_UPDATE, 0, 0, 1, SSL_KEY_UPDATE_NOT_REQUESTED};
constexpr std::array<std::uint8_t, 2> kCloseNotify{SSL3_AL_WARNING, SSL_AD_CLOSE_NOTIFY};

bool would_block(int error) { return error == EAGAIN || error == EWOULDBLOCK; }

TlsOutcome tls_error(unsigned long reason) {
  return {TlsOutcome::Kind::tls_error, ERR_PACK(ERR_LIB_SSL, 0, reason), 0};
}

// This thread's AEAD contexts, one per suite and direction, made on first use and keyed
// again for each record. A context per connection would cost about 1 KiB each, and
// keying one (an AES key schedule, or none for ChaCha20) is cheap next to the record.
// The server's network threads each run one io_context, so one thread's connections
// take turns with them. Freed when the thread ends.
EVP_CIPHER_CTX* cipher_context(int suite_index, const char* cipher_name, bool encrypt) {
  struct Contexts {
    std::array<EVP_CIPHER_CTX*, 6> all{};
    Contexts() = default;
    Contexts(const Contexts&) = delete;
    Contexts& operator=(const Contexts&) = delete;
    ~Contexts() {
      for (EVP_CIPHER_CTX* ctx : all) EVP_CIPHER_CTX_free(ctx);
    }
  };
  thread_local Contexts contexts;
  EVP_CIPHER_CTX*& slot = contexts.all.at(static_cast<std::size_t>(suite_index * 2 + (encrypt ? 1 : 0)));
  if (slot == nullptr) {
    EVP_CIPHER* cipher = EVP_CIPHER_fetch(nullptr, cipher_name, nullptr);
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    if (cipher != nullptr && ctx != nullptr &&
        EVP_CipherInit_ex2(ctx, cipher, nullptr, nullptr, encrypt ? 1 : 0, nullptr) == 1 &&
        EVP_CIPHER_CTX_get_iv_length(ctx) == static_cast<int>(kNonce)) {  // the tag is 16 bytes for all three
      slot = std::exchange(ctx, nullptr);
    }
    EVP_CIPHER_CTX_free(ctx);
    EVP_CIPHER_free(cipher);  // the context holds its own reference
  }
  return slot;
}

// The per-record nonce: the IV XOR the 64-bit sequence number, left-padded (5.3).
std::array<std::uint8_t, kNonce> nonce(const std::array<std::uint8_t, 12>& iv, std::uint64_t sequence) {
  std::array<std::uint8_t, kNonce> result = iv;
  for (std::size_t i = 0; i < 8; ++i) result[kNonce - 1 - i] ^= static_cast<std::uint8_t>(sequence >> (8 * i));
  return result;
}

struct Kdf {
  Kdf() : kdf(EVP_KDF_fetch(nullptr, "HKDF", nullptr)) {}
  ~Kdf() { EVP_KDF_free(kdf); }
  Kdf(const Kdf&) = delete;
  Kdf& operator=(const Kdf&) = delete;
  EVP_KDF* kdf;
};

// HKDF-Expand-Label(secret, label, "", out.size()) (RFC 8446, 7.1).
bool expand_label(const Kdf& kdf, const char* digest, std::span<const std::uint8_t> secret, std::string_view label,
                  std::span<std::uint8_t> out) {
  // struct { uint16 length; opaque label<7..255> = "tls13 " + label; opaque context<0..255> = ""; }
  constexpr std::string_view prefix = "tls13 ";
  std::array<std::uint8_t, 2 + 1 + 32 + 1> info{};
  if (kdf.kdf == nullptr || prefix.size() + label.size() > 32) return false;
  std::size_t n = 0;
  info[n++] = static_cast<std::uint8_t>(out.size() >> 8);
  info[n++] = static_cast<std::uint8_t>(out.size());
  info[n++] = static_cast<std::uint8_t>(prefix.size() + label.size());
  n = static_cast<std::size_t>(std::copy(prefix.begin(), prefix.end(), info.begin() + static_cast<std::ptrdiff_t>(n)) -
                               info.begin());
  n = static_cast<std::size_t>(std::copy(label.begin(), label.end(), info.begin() + static_cast<std::ptrdiff_t>(n)) -
                               info.begin());
  info[n++] = 0;  // no context
  EVP_KDF_CTX* ctx = EVP_KDF_CTX_new(kdf.kdf);
  int mode = EVP_KDF_HKDF_MODE_EXPAND_ONLY;
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode),
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, const_cast<char*>(digest), 0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, const_cast<std::uint8_t*>(secret.data()), secret.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info.data(), n),
      OSSL_PARAM_construct_end(),
  };
  const bool ok = ctx != nullptr && EVP_KDF_derive(ctx, out.data(), out.size(), params) == 1;
  EVP_KDF_CTX_free(ctx);  // clears the key it copied
  return ok;
}

}  // namespace

const TlsRecords::Suite* TlsRecords::find_suite(std::uint16_t id) {
  static constexpr Suite kSuites[] = {
      {0, 0x1301, "AES-128-GCM", "SHA256", 16, 32},        // TLS_AES_128_GCM_SHA256
      {1, 0x1302, "AES-256-GCM", "SHA384", 32, 48},        // TLS_AES_256_GCM_SHA384
      {2, 0x1303, "ChaCha20-Poly1305", "SHA256", 32, 32},  // TLS_CHACHA20_POLY1305_SHA256
  };
  for (const Suite& suite : kSuites) {
    if (suite.id == id) return &suite;
  }
  return nullptr;
}

bool TlsRecords::carries(std::uint16_t suite) { return find_suite(suite) != nullptr; }

std::unique_ptr<TlsRecords> TlsRecords::create(const Start& start, const Options& options) {
  const Suite* suite = find_suite(start.suite);
  if (suite == nullptr || start.read_secret.size() != suite->hash_size ||
      start.write_secret.size() != suite->hash_size) {
    return nullptr;
  }
  auto records = std::make_unique<TlsRecords>(Key{}, *suite, options);
  if (!records->set_secret(records->read_, start.read_secret) ||
      !records->set_secret(records->write_, start.write_secret)) {
    return nullptr;
  }
  records->read_.sequence = start.read_sequence;
  records->write_.sequence = start.write_sequence;
  return records;
}

TlsRecords::TlsRecords(Key, const Suite& suite, const Options& options)
    : suite_(&suite),
      // Our KeyUpdate takes one more sequence number; far from the wrap either way.
      records_per_key_(std::clamp<std::uint64_t>(options.records_per_key, 1, std::uint64_t{1} << 62)) {}

TlsRecords::~TlsRecords() { wipe(); }

// What an idle handed-off connection keeps of TLS (tls_socket.hpp, docs/architecture.md).
static_assert(sizeof(TlsRecords) <= 320);

void TlsRecords::wipe() {
  OPENSSL_cleanse(&read_, sizeof read_);
  OPENSSL_cleanse(&write_, sizeof write_);
}

std::size_t TlsRecords::buffered_bytes() const {
  return (read_buffer_ ? kReadCapacity : 0) + (write_buffer_ ? write_end_ : 0);
}

// The traffic keys of a secret (RFC 8446, 7.3); the sequence starts again at 0.
bool TlsRecords::set_secret(Direction& direction, std::span<const std::uint8_t> secret) {
  const Kdf kdf;
  if (secret.size() != suite_->hash_size || secret.size() > direction.secret.size() ||
      suite_->key_size > direction.key.size()) {
    return false;
  }
  std::copy(secret.begin(), secret.end(), direction.secret.begin());
  direction.sequence = 0;
  return expand_label(kdf, suite_->digest, secret, "key", std::span(direction.key).first(suite_->key_size)) &&
         expand_label(kdf, suite_->digest, secret, "iv", direction.iv);
}

// application_traffic_secret_N+1 = HKDF-Expand-Label(application_traffic_secret_N,
// "traffic upd", "", Hash.length) (7.2).
bool TlsRecords::update_secret(Direction& direction) {
  std::array<std::uint8_t, sizeof(Direction::secret)> next{};
  const auto size = suite_->hash_size;
  const bool ok = expand_label(Kdf(), suite_->digest, std::span(direction.secret).first(size), "traffic upd",
                               std::span(next).first(size)) &&
                  set_secret(direction, std::span(next).first(size));
  OPENSSL_cleanse(next.data(), next.size());
  return ok;
}

bool TlsRecords::seal(std::uint8_t type, std::span<const std::uint8_t> content, std::uint8_t* out) {
  const std::size_t inner = content.size() + 1;  // no padding
  const std::size_t length = inner + kTag;
  out[0] = SSL3_RT_APPLICATION_DATA;  // the outer type of every protected record (5.2)
  out[1] = 0x03;
  out[2] = 0x03;
  out[3] = static_cast<std::uint8_t>(length >> 8);
  out[4] = static_cast<std::uint8_t>(length);
  std::uint8_t* body = out + kHeader;
  if (!content.empty()) std::memcpy(body, content.data(), content.size());
  body[content.size()] = type;
  // A sequence number is used once: it moves on even when sealing fails (which fails
  // the connection), and the last one is never used, so it cannot wrap to a used one.
  if (write_.sequence == UINT64_MAX) return false;
  const auto iv = nonce(write_.iv, write_.sequence++);
  EVP_CIPHER_CTX* ctx = cipher_context(suite_->index, suite_->cipher, true);
  int n = 0;
  int last = 0;
  return ctx != nullptr && EVP_CipherInit_ex2(ctx, nullptr, write_.key.data(), iv.data(), 1, nullptr) == 1 &&
         EVP_CipherUpdate(ctx, nullptr, &n, out, kHeader) == 1 &&  // the header is the additional data
         EVP_CipherUpdate(ctx, body, &n, body, static_cast<int>(inner)) == 1 &&
         EVP_CipherFinal_ex(ctx, body + n, &last) == 1 && static_cast<std::size_t>(n + last) == inner &&
         EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, kTag, body + inner) == 1;
}

TlsRecords::Opened TlsRecords::open(std::uint8_t* record, std::size_t length) {
  if (length < 1 + kTag) return Opened::forged;  // no room for the tag and the content type
  EVP_CIPHER_CTX* ctx = cipher_context(suite_->index, suite_->cipher, false);
  if (ctx == nullptr || read_.sequence == UINT64_MAX) return Opened::broken;
  std::uint8_t* body = record + kHeader;
  const std::size_t inner = length - kTag;
  const auto iv = nonce(read_.iv, read_.sequence);
  int n = 0;
  int last = 0;
  const bool ok = EVP_CipherInit_ex2(ctx, nullptr, read_.key.data(), iv.data(), 0, nullptr) == 1 &&
                  EVP_CipherUpdate(ctx, nullptr, &n, record, kHeader) == 1 &&
                  EVP_CipherUpdate(ctx, body, &n, body, static_cast<int>(inner)) == 1 &&
                  EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, kTag, body + inner) == 1 &&
                  EVP_CipherFinal_ex(ctx, body + n, &last) == 1;
  if (!ok) return Opened::forged;
  ++read_.sequence;
  return Opened::ok;
}

TlsOutcome TlsRecords::read(int fd, std::span<std::uint8_t> out) { return receive(fd, out, true); }

TlsOutcome TlsRecords::peek(int fd, std::span<std::uint8_t> out) { return receive(fd, out, false); }

TlsOutcome TlsRecords::receive(int fd, std::span<std::uint8_t> out, bool consume) {
  if (failed_) return error_;
  if (out.empty()) return {};
  std::size_t copied = 0;
  Step step = Step::record;
  for (;;) {
    if (plain_size_ > 0) {
      const std::size_t n = std::min<std::size_t>(plain_size_, out.size() - copied);
      std::memcpy(out.data() + copied, read_buffer_.get() + plain_begin_, n);
      copied += n;
      if (!consume) break;
      plain_begin_ += static_cast<std::uint32_t>(n);
      plain_size_ -= static_cast<std::uint32_t>(n);
      if (copied == out.size()) break;
    }
    // The record opened last is all handed out: on to the next, reading the socket only
    // while nothing has been found (then a read returns what is there without a wait).
    step = next_record(fd, copied == 0);
    if (step != Step::record) break;
  }
  release_read_buffer();
  // An end or a failure after some data stays for the next call.
  if (copied > 0) return {TlsOutcome::Kind::done, 0, copied};
  return outcome(step);
}

TlsRecords::Step TlsRecords::next_record(int fd, bool may_receive) {
  for (;;) {
    if (failed_) return Step::failed;
    if (received_end_) return Step::end;
    const std::size_t held = raw_end_ - raw_begin_;
    if (held >= kHeader) {
      std::uint8_t* record = read_buffer_.get() + raw_begin_;
      const std::size_t length = (std::size_t{record[3]} << 8) | record[4];
      // After the handshake every record is protected and says application_data outside
      // (5.2): a change_cipher_spec or a plaintext record now is refused. The version
      // bytes are ignored (5.1) and authenticated as part of the additional data.
      if (record[0] != SSL3_RT_APPLICATION_DATA) return fail(fd, SSL_AD_UNEXPECTED_MESSAGE, SSL_R_BAD_RECORD_TYPE);
      if (length > kMaxCiphertext) return fail(fd, SSL_AD_RECORD_OVERFLOW, SSL_R_ENCRYPTED_LENGTH_TOO_LONG);
      if (held >= kHeader + length) {
        raw_begin_ += static_cast<std::uint32_t>(kHeader + length);
        return open_record(fd, record, length);
      }
    }
    if (!may_receive) return Step::want_read;
    if (const Step step = receive_bytes(fd); step != Step::record) return step;
  }
}

TlsRecords::Step TlsRecords::receive_bytes(int fd) {
  // Only while no decrypted bytes wait (they would be moved or overwritten).
  if (plain_size_ != 0) return fail(fd, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
  if (!read_buffer_) {
    read_buffer_ = std::make_unique_for_overwrite<std::uint8_t[]>(kReadCapacity);
    raw_begin_ = raw_end_ = 0;
  } else if (raw_begin_ > 0) {
    // What is left is part of one record: to the front, so that all of it fits behind.
    std::memmove(read_buffer_.get(), read_buffer_.get() + raw_begin_, raw_end_ - raw_begin_);
    raw_end_ -= raw_begin_;
    raw_begin_ = 0;
  }
  ssize_t n;
  do {
    n = ::recv(fd, read_buffer_.get() + raw_end_, kReadCapacity - raw_end_, MSG_DONTWAIT);
  } while (n < 0 && errno == EINTR);
  if (n > 0) {
    raw_end_ += static_cast<std::uint32_t>(n);
    return Step::record;
  }
  if (n == 0) {
    // The peer ended the TCP connection without close_notify, between records or inside
    // one. Nothing unauthenticated is ever handed out, and HTTP requests and WebSocket
    // frames carry their lengths, so nothing is lost that a truncation could hide: an
    // end like any other, as on the OpenSSL path (tls_socket.cpp).
    received_end_ = true;
    raw_begin_ = raw_end_ = 0;
    return Step::end;
  }
  if (would_block(errno)) return Step::want_read;
  return fail_system(errno);
}

TlsRecords::Step TlsRecords::open_record(int fd, std::uint8_t* record, std::size_t length) {
  switch (open(record, length)) {
    case Opened::ok:
      break;
    case Opened::forged:
      return fail(fd, SSL_AD_BAD_RECORD_MAC, SSL_R_DECRYPTION_FAILED_OR_BAD_RECORD_MAC);
    case Opened::broken:
      return fail(fd, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
  }
  std::uint8_t* inner = record + kHeader;
  std::size_t size = length - kTag;
  if (size > kMaxInner) return fail(fd, SSL_AD_RECORD_OVERFLOW, SSL_R_DATA_LENGTH_TOO_LONG);
  // The content type is the last non-zero byte; the zeros after it are padding (5.4).
  while (size > 0 && inner[size - 1] == 0) --size;
  if (size == 0) return fail(fd, SSL_AD_UNEXPECTED_MESSAGE, SSL_R_BAD_RECORD_TYPE);
  const std::uint8_t type = inner[--size];
  switch (type) {
    case SSL3_RT_APPLICATION_DATA:  // possibly empty
      if (size == 0 && !count_record_without_data()) {
        return fail(fd, SSL_AD_UNEXPECTED_MESSAGE, SSL_R_RECORD_TOO_SMALL);
      }
      if (size > 0) records_without_data_ = 0;
      plain_begin_ = static_cast<std::uint32_t>(inner - read_buffer_.get());
      plain_size_ = static_cast<std::uint32_t>(size);
      return Step::record;
    case SSL3_RT_ALERT:
      // One whole alert per record (6).
      if (size != 2) return fail(fd, SSL_AD_DECODE_ERROR, SSL_R_INVALID_ALERT);
      if (inner[1] == SSL_AD_CLOSE_NOTIFY) {
        received_end_ = true;  // what follows it is ignored (6.1)
        raw_begin_ = raw_end_;
        return Step::end;
      }
      // user_canceled is to be followed by close_notify (6.1): passed over, as OpenSSL does.
      if (inner[1] == SSL_AD_USER_CANCELLED) {
        if (!count_record_without_data()) return fail(fd, SSL_AD_UNEXPECTED_MESSAGE, SSL_R_RECORD_TOO_SMALL);
        return Step::record;
      }
      // Any other alert ends the connection (6.2). No alert goes back.
      return fail(fd, -1, SSL_AD_REASON_OFFSET + inner[1]);
    case SSL3_RT_HANDSHAKE:
      // After the handshake the peer may send only KeyUpdate (we ask for no
      // post-handshake authentication and a server is sent no tickets), and it must end
      // its record since the keys change after it (5.1). Anything else, and a message
      // split over records, which we do not join, is unexpected.
      if (size != kKeyUpdateNotRequested.size() || inner[0] != SSL3_MT_KEY_UPDATE || inner[1] != 0 || inner[2] != 0 ||
          inner[3] != 1) {
        return fail(fd, SSL_AD_UNEXPECTED_MESSAGE, SSL_R_UNEXPECTED_MESSAGE);
      }
      if (inner[4] != SSL_KEY_UPDATE_NOT_REQUESTED && inner[4] != SSL_KEY_UPDATE_REQUESTED) {
        return fail(fd, SSL_AD_ILLEGAL_PARAMETER, SSL_R_BAD_KEY_UPDATE);
      }
      if (!count_record_without_data()) return fail(fd, SSL_AD_UNEXPECTED_MESSAGE, SSL_R_TOO_MANY_KEY_UPDATES);
      if (!update_secret(read_)) return fail(fd, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
      // Our answer goes before our next application data (4.6.3); several requests
      // while we are silent get one answer.
      if (inner[4] == SSL_KEY_UPDATE_REQUESTED) key_update_due_ = true;
      return Step::record;
    default:  // change_cipher_spec inside a protected record included
      return fail(fd, SSL_AD_UNEXPECTED_MESSAGE, SSL_R_UNEXPECTED_RECORD);
  }
}

bool TlsRecords::count_record_without_data() { return ++records_without_data_ <= kMaxRecordsWithoutData; }

void TlsRecords::release_read_buffer() {
  if (plain_size_ > 0 || raw_end_ > raw_begin_) return;
  read_buffer_.reset();
  raw_begin_ = raw_end_ = plain_begin_ = 0;
}

TlsOutcome TlsRecords::write(int fd, std::span<const std::uint8_t> data) {
  if (failed_) return error_;
  if (write_begin_ < write_end_) {
    // The rest of the record that an earlier call sealed: the same bytes are being written again.
    if (const TlsOutcome sent = flush(fd); sent.kind != TlsOutcome::Kind::done) return sent;
    if (const std::uint32_t carried = std::exchange(write_plain_, 0); carried > 0) {
      return {TlsOutcome::Kind::done, 0, carried};
    }
  }
  if (close_sent_) return tls_error(SSL_R_PROTOCOL_IS_SHUTDOWN);
  if (data.empty()) return {};
  const std::size_t n = std::min(data.size(), kMaxPlaintext);
  if (write_.sequence >= records_per_key_) key_update_due_ = true;
  const std::size_t update_size = key_update_due_ ? sealed_size(kKeyUpdateNotRequested.size()) : 0;
  const std::size_t size = update_size + sealed_size(n);
  write_buffer_ = std::make_unique_for_overwrite<std::uint8_t[]>(size);
  if (key_update_due_) {
    // Our KeyUpdate under the old key, then the data under the new one (4.6.3).
    if (!seal(SSL3_RT_HANDSHAKE, kKeyUpdateNotRequested, write_buffer_.get()) || !update_secret(write_)) {
      return outcome(fail(fd, -1, ERR_R_INTERNAL_ERROR));
    }
    key_update_due_ = false;
  }
  if (!seal(SSL3_RT_APPLICATION_DATA, data.first(n), write_buffer_.get() + update_size)) {
    return outcome(fail(fd, -1, ERR_R_INTERNAL_ERROR));
  }
  write_begin_ = 0;
  write_end_ = static_cast<std::uint32_t>(size);
  write_plain_ = static_cast<std::uint32_t>(n);
  if (const TlsOutcome sent = flush(fd); sent.kind != TlsOutcome::Kind::done) return sent;
  return {TlsOutcome::Kind::done, 0, std::exchange(write_plain_, 0)};
}

TlsOutcome TlsRecords::send_close_notify(int fd) {
  if (failed_) return {};
  if (write_begin_ < write_end_) {
    if (const TlsOutcome sent = flush(fd); sent.kind != TlsOutcome::Kind::done) return sent;
    write_plain_ = 0;  // a record of a write given up half way: out now, and nobody waits for its count
  }
  if (close_sent_) return {};
  write_buffer_ = std::make_unique_for_overwrite<std::uint8_t[]>(sealed_size(kCloseNotify.size()));
  if (!seal(SSL3_RT_ALERT, kCloseNotify, write_buffer_.get())) return outcome(fail(fd, -1, ERR_R_INTERNAL_ERROR));
  close_sent_ = true;
  write_begin_ = 0;
  write_end_ = static_cast<std::uint32_t>(sealed_size(kCloseNotify.size()));
  return flush(fd);
}

TlsOutcome TlsRecords::flush(int fd) {
  while (write_begin_ < write_end_) {
    const ssize_t n =
        ::send(fd, write_buffer_.get() + write_begin_, write_end_ - write_begin_, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      write_begin_ += static_cast<std::uint32_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n == 0 || would_block(errno)) {
      return {TlsOutcome::Kind::want_write, 0, 0};
    } else {
      return outcome(fail_system(errno));
    }
  }
  write_buffer_.reset();
  write_begin_ = write_end_ = 0;
  return {};
}

TlsRecords::Step TlsRecords::fail(int fd, int alert, int reason) {
  // The alert is best effort: sent only if no record is half sent (it would cut into
  // it), and without waiting.
  if (alert >= 0 && !close_sent_ && write_begin_ == write_end_) {
    const std::array<std::uint8_t, 2> content{SSL3_AL_FATAL, static_cast<std::uint8_t>(alert)};
    std::array<std::uint8_t, sealed_size(content.size())> record;
    if (seal(SSL3_RT_ALERT, content, record.data())) {
      [[maybe_unused]] const ssize_t ignored = ::send(fd, record.data(), record.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    }
  }
  return fail_with(tls_error(static_cast<unsigned long>(reason)));
}

TlsRecords::Step TlsRecords::fail_system(int error_number) {
  return fail_with({TlsOutcome::Kind::system_error, static_cast<unsigned long>(error_number), 0});
}

TlsRecords::Step TlsRecords::fail_with(TlsOutcome error) {
  error_ = error;
  failed_ = true;
  close_sent_ = true;  // nothing more goes out
  wipe();
  read_buffer_.reset();
  raw_begin_ = raw_end_ = plain_begin_ = plain_size_ = 0;
  write_buffer_.reset();
  write_begin_ = write_end_ = write_plain_ = 0;
  return Step::failed;
}

TlsOutcome TlsRecords::outcome(Step step) const {
  switch (step) {
    case Step::record:
      return {};
    case Step::want_read:
      return {TlsOutcome::Kind::want_read, 0, 0};
    case Step::end:
      return {TlsOutcome::Kind::eof, 0, 0};
    case Step::failed:
      break;
  }
  return error_;
}

}  // namespace parley::server::net
