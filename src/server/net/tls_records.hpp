#pragma once

// A TLS 1.3 record layer (RFC 8446, sections 5 and 7) for a connection whose handshake
// OpenSSL has done: it protects and opens application-data records with the traffic
// secrets the handshake produced, so the connection no longer needs OpenSSL's `SSL`
// object (~14.5 KiB per connection in OpenSSL 3.0; tls_handoff.hpp does the handoff).
//
// Built from library primitives only: the AEADs are OpenSSL's EVP ciphers (AES-128-GCM,
// AES-256-GCM, ChaCha20-Poly1305), the key schedule is EVP_KDF HKDF (HKDF-Expand-Label).
// What it holds is small: per direction the traffic secret, key, IV and sequence number
// (inline, under 250 bytes in all). A read buffer exists only while a record is partly
// read or decrypted bytes wait to be handed out; a write buffer only while a record is
// partly sent. Cipher contexts are not held at all: each I/O thread keeps one per suite
// and direction and keys it again for every record (so a thread's contexts keep the key
// schedule of the last record they sealed or opened, as OpenSSL's own contexts would).
//
// Every call works on a non-blocking socket descriptor passed in by the caller (looked up
// at each call, so a closed socket's number is never used) and never waits: it reports
// want_read or want_write instead, and the caller waits for the socket and calls again.
// No Asio or Beast here.
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

namespace parley::server::net {

// The outcome of one call that did not wait.
struct TlsOutcome {
  enum class Kind : std::uint8_t {
    done,          // `bytes` read or written (0 for calls that move no bytes)
    want_read,     // call again once the socket is readable
    want_write,    // call again once the socket is writable
    eof,           // the peer's close_notify, or the TCP connection ended
    tls_error,     // `code` is an OpenSSL error code (ERR_PACK(ERR_LIB_SSL, 0, SSL_R_...))
    system_error,  // `code` is an errno
  };
  Kind kind = Kind::done;
  unsigned long code = 0;
  std::size_t bytes = 0;
};

// One TLS 1.3 connection's record protection after the handshake, for either role. Not
// thread-safe: one call at a time (any thread; the per-thread cipher contexts carry no
// state from one record to the next that a record depends on). A read and a write (or close) may be under way together,
// each repeated after want_read or want_write; not two reads, nor two writes.
class TlsRecords {
  struct Key {
    explicit Key() = default;
  };  // only create() makes one
  struct Suite;

 public:
  struct Options {
    // Our records under one key before we update it (KeyUpdate): RFC 8446, 5.5 allows
    // AES-GCM about 2^24.5 full-size records per key.
    std::uint64_t records_per_key = std::uint64_t{1} << 24;
  };

  // Where the handshake left the connection.
  struct Start {
    std::uint16_t suite = 0;                     // 0x1301, 0x1302 or 0x1303
    std::span<const std::uint8_t> read_secret;   // the peer's application traffic secret
    std::span<const std::uint8_t> write_secret;  // ours; both Hash.length bytes
    std::uint64_t read_sequence = 0;             // records already protected with them
    std::uint64_t write_sequence = 0;
  };

  // Whether `suite` (a TLS 1.3 cipher suite identifier) is one this layer carries.
  static bool carries(std::uint16_t suite);

  // The record layer for a connection where `start` leaves it; null if the suite is not
  // carried, a secret has the wrong length, or OpenSSL fails. Copies the secrets (the
  // caller wipes its own copies).
  static std::unique_ptr<TlsRecords> create(const Start& start, const Options& options);
  static std::unique_ptr<TlsRecords> create(const Start& start) { return create(start, Options{}); }

  // By create() only.
  TlsRecords(Key, const Suite& suite, const Options& options);
  // Wipes the secrets and keys.
  ~TlsRecords();
  TlsRecords(const TlsRecords&) = delete;
  TlsRecords& operator=(const TlsRecords&) = delete;

  // Reads application data into `out` (from as many whole records as are there, reading
  // the socket only if none is). A KeyUpdate from the peer is applied as it comes; an
  // answer it asks for goes out before our next application data.
  TlsOutcome read(int fd, std::span<std::uint8_t> out);
  // Like read() but leaves the bytes to read later; copies from one record at most.
  // Reads and decrypts what the socket holds now: want_read when no data is there yet.
  TlsOutcome peek(int fd, std::span<std::uint8_t> out);

  // Sends one record carrying the first 16 KiB (at most) of `data`. done reports the
  // plaintext bytes only once the whole record is on the socket; after want_write the
  // record is kept, and the next write() (or send_close_notify()) sends the rest first:
  // the retry must pass the same bytes, as with SSL_write.
  TlsOutcome write(int fd, std::span<const std::uint8_t> data);

  // Sends our close_notify (after what is left of a half-sent record); later writes
  // fail. Does not wait for the peer's. done at once after a failure, or when sent already.
  TlsOutcome send_close_notify(int fd);

  // Whether bytes read off the socket wait here: decrypted data, or part of a record.
  bool holds_unread_bytes() const { return plain_size_ > 0 || raw_end_ > raw_begin_; }
  // Heap bytes held for records now (0 when idle).
  std::size_t buffered_bytes() const;
  // Whether the connection failed (every call now reports the failure).
  bool failed() const { return failed_; }

 private:
  // One direction's protection.
  struct Direction {
    std::array<std::uint8_t, 48> secret{};
    std::array<std::uint8_t, 32> key{};
    std::array<std::uint8_t, 12> iv{};
    std::uint64_t sequence = 0;
  };
  // What one step of reading found.
  enum class Step { record, want_read, end, failed };
  enum class Opened { ok, forged, broken };

  static const Suite* find_suite(std::uint16_t id);
  bool set_secret(Direction& direction, std::span<const std::uint8_t> secret);
  bool update_secret(Direction& direction);
  // Protects `content` as a record of inner type `type`, written at `out`.
  bool seal(std::uint8_t type, std::span<const std::uint8_t> content, std::uint8_t* out);
  // Opens the record whose header is at `record`, in place: forged if it does not
  // authenticate, broken if OpenSSL fails.
  Opened open(std::uint8_t* record, std::size_t length);

  TlsOutcome receive(int fd, std::span<std::uint8_t> out, bool consume);
  Step next_record(int fd, bool may_receive);
  Step receive_bytes(int fd);
  Step open_record(int fd, std::uint8_t* record, std::size_t length);
  // Counts a record that brought no application data (an empty one, a KeyUpdate, a
  // user_canceled alert): false past kMaxRecordsWithoutData in a row. Each costs work
  // (a KeyUpdate three key derivations) and a read goes on until data comes, so a peer
  // sending only these would hold the thread: OpenSSL, BoringSSL and rustls cut such a
  // peer off at 32 too.
  bool count_record_without_data();
  static constexpr std::uint8_t kMaxRecordsWithoutData = 32;
  void release_read_buffer();
  TlsOutcome flush(int fd);
  // Fails the connection: sends `alert` (when >= 0 and nothing is half sent), then
  // every call reports `reason`.
  Step fail(int fd, int alert, int reason);
  Step fail_system(int error);
  Step fail_with(TlsOutcome error);
  void wipe();
  TlsOutcome outcome(Step step) const;

  const Suite* suite_;
  std::uint64_t records_per_key_;
  Direction read_;
  Direction write_;

  // Read buffer: raw bytes of records not yet opened in [raw_begin_, raw_end_), and the
  // decrypted data of the record opened last, not yet handed out, in plain_*.
  std::unique_ptr<std::uint8_t[]> read_buffer_;
  std::uint32_t raw_begin_ = 0;
  std::uint32_t raw_end_ = 0;
  std::uint32_t plain_begin_ = 0;
  std::uint32_t plain_size_ = 0;

  // Write buffer: protected records not yet all sent, and the plaintext they carry.
  std::unique_ptr<std::uint8_t[]> write_buffer_;
  std::uint32_t write_begin_ = 0;
  std::uint32_t write_end_ = 0;
  std::uint32_t write_plain_ = 0;

  std::uint8_t records_without_data_ = 0;  // in a row, from the peer
  bool key_update_due_ = false;  // the peer asked for one, or ours are at the limit
  bool received_end_ = false;    // close_notify or the TCP end came: reads report eof
  bool close_sent_ = false;      // our close_notify (or a fatal alert) is sealed: no more writes
  bool failed_ = false;
  TlsOutcome error_;  // while failed_
};

}  // namespace parley::server::net
