#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "proto/errors.hpp"

// The client side of RFC 6455 as the generator speaks it over plain TCP: the opening
// handshake's request and the check of its response, masked frames to send, and the
// server's frames parsed out of one byte buffer. Pure values, no I/O and no Asio (the
// socket side is in transport_plain.cpp). Not thread-safe; each object may be used on any
// one thread.
//
// What is not supported, because the server never sends it: extensions (a frame with a
// reserved bit set is an error), binary messages (an error). Text is not checked for
// UTF-8 here: every message the generator looks at goes through Boost.JSON, which does.
namespace parley::bench::ws {

// The largest message read() takes, as the Beast connection had (read_message_max).
inline constexpr std::size_t kMaxMessageBytes = 16 * 1024 * 1024;
// The longest response head (status line and headers) the handshake reads.
inline constexpr std::size_t kMaxResponseHeadBytes = 8 * 1024;

enum class Opcode : std::uint8_t { continuation = 0, text = 1, binary = 2, close = 8, ping = 9, pong = 10 };

// Close codes (RFC 6455, 7.4.1) the generator sends.
inline constexpr std::uint16_t kCloseNormal = 1000;

// A cheap generator (splitmix64) for mask keys and the handshake's key. Masks only need
// to be unpredictable to intermediaries, not secret; seed it from std::random_device.
class Prng {
 public:
  explicit Prng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next();

 private:
  std::uint64_t state_;
};

// Base64 (RFC 4648, with padding) of `bytes`.
std::string base64(std::string_view bytes);

// A Sec-WebSocket-Key: 16 random bytes, in base64.
std::string make_key(Prng& prng);

// The Sec-WebSocket-Accept the server must answer `key` with: base64(SHA-1(key + GUID)).
std::string accept_key(std::string_view key);

// The GET request that asks `host` (the Host header, "address:port") to upgrade `path`.
std::string upgrade_request(std::string_view host, std::string_view path, std::string_view key);

// Where the response head ends in `bytes` (the offset just past "\r\n\r\n"), or 0 while
// it is not all there.
std::size_t response_head_end(std::string_view bytes);

// Checks the response head (up to and including "\r\n\r\n") to the request made with
// `key`: status 101, "Upgrade: websocket", "Connection: upgrade" and the right
// Sec-WebSocket-Accept. Fails with `unavailable`, saying what was wrong.
proto::Status check_upgrade_response(std::string_view head, std::string_view key);

// Client frames: masked, never fragmented. Keeps one buffer, reused from frame to frame.
class FrameWriter {
 public:
  FrameWriter() = default;
  FrameWriter(const FrameWriter&) = delete;
  FrameWriter& operator=(const FrameWriter&) = delete;

  // The whole frame (header, then `payload` masked with `mask`): FIN set, one frame.
  // Valid until the next call; allocates only when the buffer must grow.
  std::string_view frame(Opcode opcode, std::string_view payload, std::uint32_t mask);

 private:
  std::unique_ptr<char[]> buffer_;
  std::size_t capacity_ = 0;
};

// The largest header frame() writes: 2 bytes, 8 of extended length, 4 of mask key.
inline constexpr std::size_t kMaxClientHeaderBytes = 14;

// Applies `mask` to the `size` bytes of a payload at `in`, writing them to `out` (which
// may be `in`). The mask's key bytes are its 4 bytes in memory order, which is how
// FrameWriter puts them in the header.
void apply_mask(char* out, const char* in, std::size_t size, std::uint32_t mask);

// The server's frames, parsed out of one buffer that the socket reads into. A whole
// unfragmented message comes back as a view into that buffer, without a copy; fragmented
// messages are put together in a second buffer. Pongs are skipped. After an error, the
// reader stays failed.
//
// Use: loop on next(); on `need_more`, read into prepare() and commit() what came.
class FrameReader {
 public:
  explicit FrameReader(std::size_t max_message_bytes = kMaxMessageBytes);
  FrameReader(const FrameReader&) = delete;
  FrameReader& operator=(const FrameReader&) = delete;

  enum class Kind : std::uint8_t {
    need_more,  // no whole message or control frame is buffered
    text,       // payload: the message
    ping,       // payload: the ping's, to send back in a pong
    close,      // payload: the close frame's (empty, or a code and a reason)
    error,      // payload: what was wrong (a protocol error, or a message over the limit)
  };
  struct Event {
    Kind kind = Kind::need_more;
    std::string_view payload;
  };

  // The next event. The payload stays valid until the next call to next(), prepare()
  // or append().
  Event next();

  // Free space at the end of the buffer to read into, at least 1 byte: the leftover of
  // the last read is moved to the front first; the space grows while reads fill it (up
  // to 64 KiB), and to hold the whole frame being read when that is larger.
  std::span<char> prepare();
  // Marks `n` bytes of the space prepare() gave as read.
  void commit(std::size_t n);
  // Copies `bytes` to the end of the buffer (what came after the handshake's response).
  void append(std::string_view bytes);

  // The code in a close frame's payload, or 1005 ("no status received") when it has none.
  static std::uint16_t close_code(std::string_view close_payload);

  std::size_t buffered() const { return end_ - begin_; }
  std::size_t capacity() const { return capacity_; }

 private:
  Event fail(std::string_view what);
  void reserve_free(std::size_t free);

  const std::size_t max_message_bytes_;
  std::unique_ptr<char[]> buffer_;
  std::size_t capacity_ = 0;
  std::size_t begin_ = 0;          // the first byte not yet parsed
  std::size_t end_ = 0;            // the end of the bytes read
  std::size_t frame_bytes_ = 0;    // the size of the frame at begin_ when it is not all there, else 0
  std::size_t read_size_;          // how much free space prepare() offers at least
  std::size_t prepared_ = 0;       // the size of the space prepare() gave last
  std::string fragments_;          // the fragmented message being put together
  bool in_fragments_ = false;
  std::string_view error_;         // set once failed
};

}  // namespace parley::bench::ws
