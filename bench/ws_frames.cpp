#include "bench/ws_frames.hpp"

#include <algorithm>
#include <cstring>

#include <openssl/evp.h>

namespace parley::bench::ws {

namespace {

// Reads grow up to this much free space while they keep filling what they are given.
constexpr std::size_t kFirstReadSize = 4 * 1024;
constexpr std::size_t kMaxReadSize = 64 * 1024;
// An empty buffer larger than this (it held a large frame) is given back.
constexpr std::size_t kKeepCapacity = 4 * kMaxReadSize;

constexpr std::string_view kAcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return lower(x) == lower(y);
         });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Whether the comma-separated list `value` holds `token` (case-insensitive).
bool has_token(std::string_view value, std::string_view token) {
  while (!value.empty()) {
    const auto comma = value.find(',');
    if (iequals(trim(value.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

proto::Error handshake_error(std::string what) { return proto::make_error(proto::Errc::unavailable, std::move(what)); }

}  // namespace

std::uint64_t Prng::next() {
  std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::string base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');  // EVP_EncodeBlock writes a NUL
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string make_key(Prng& prng) {
  char raw[16];
  const std::uint64_t a = prng.next();
  const std::uint64_t b = prng.next();
  std::memcpy(raw, &a, 8);
  std::memcpy(raw + 8, &b, 8);
  return base64(std::string_view(raw, sizeof raw));
}

std::string accept_key(std::string_view key) {
  std::string input(key);
  input += kAcceptGuid;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(input.data(), input.size(), digest, &size, EVP_sha1(), nullptr) != 1) return {};
  return base64(std::string_view(reinterpret_cast<const char*>(digest), size));
}

std::string upgrade_request(std::string_view host, std::string_view path, std::string_view key) {
  std::string request;
  request.reserve(160 + host.size() + path.size());
  request += "GET ";
  request += path;
  request += " HTTP/1.1\r\nHost: ";
  request += host;
  request += "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ";
  request += key;
  request += "\r\nSec-WebSocket-Version: 13\r\n\r\n";
  return request;
}

std::size_t response_head_end(std::string_view bytes) {
  const auto at = bytes.find("\r\n\r\n");
  return at == std::string_view::npos ? 0 : at + 4;
}

proto::Status check_upgrade_response(std::string_view head, std::string_view key) {
  auto line_end = head.find("\r\n");
  if (line_end == std::string_view::npos) return handshake_error("no status line");
  const std::string_view status_line = head.substr(0, line_end);
  // "HTTP/1.1 101 Switching Protocols"
  if (status_line.size() < 12 || status_line.substr(0, 7) != "HTTP/1." || status_line[8] != ' ') {
    return handshake_error("not an HTTP response: " + std::string(status_line.substr(0, 64)));
  }
  if (status_line.substr(9, 3) != "101") {
    return handshake_error("the server refused the upgrade: " + std::string(status_line.substr(9, 64)));
  }
  bool upgrade = false;
  bool connection = false;
  std::string_view accept;
  head.remove_prefix(line_end + 2);
  while ((line_end = head.find("\r\n")) != std::string_view::npos && line_end > 0) {
    const std::string_view line = head.substr(0, line_end);
    head.remove_prefix(line_end + 2);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) return handshake_error("a header line without a colon");
    const std::string_view name = line.substr(0, colon);
    const std::string_view value = trim(line.substr(colon + 1));
    if (iequals(name, "upgrade")) {
      upgrade = iequals(value, "websocket");
    } else if (iequals(name, "connection")) {
      connection = has_token(value, "upgrade");
    } else if (iequals(name, "sec-websocket-accept")) {
      accept = value;
    }
  }
  if (!upgrade) return handshake_error("no \"Upgrade: websocket\" in the response");
  if (!connection) return handshake_error("no \"Connection: upgrade\" in the response");
  if (accept.empty()) return handshake_error("no Sec-WebSocket-Accept in the response");
  if (accept != accept_key(key)) return handshake_error("a wrong Sec-WebSocket-Accept: " + std::string(accept));
  return {};
}

void apply_mask(char* out, const char* in, std::size_t size, std::uint32_t mask) {
  std::uint64_t wide = mask;
  wide |= wide << 32;  // the key bytes twice, in memory order on either endianness
  std::size_t i = 0;
  for (; i + 8 <= size; i += 8) {
    std::uint64_t v;
    std::memcpy(&v, in + i, 8);
    v ^= wide;
    std::memcpy(out + i, &v, 8);
  }
  unsigned char key[8];
  std::memcpy(key, &wide, 8);
  for (; i < size; ++i) out[i] = static_cast<char>(in[i] ^ key[i % 8]);
}

std::string_view FrameWriter::frame(Opcode opcode, std::string_view payload, std::uint32_t mask) {
  const std::size_t length = payload.size();
  const std::size_t header = 2 + (length < 126 ? 0 : length <= 0xffff ? 2 : 8) + 4;
  const std::size_t size = header + length;
  if (size > capacity_) {
    capacity_ = std::max(size, capacity_ + capacity_ / 2);
    buffer_ = std::make_unique_for_overwrite<char[]>(capacity_);
  }
  auto* out = reinterpret_cast<unsigned char*>(buffer_.get());
  out[0] = static_cast<unsigned char>(0x80 | static_cast<unsigned>(opcode));
  std::size_t at = 2;
  if (length < 126) {
    out[1] = static_cast<unsigned char>(0x80 | length);
  } else if (length <= 0xffff) {
    out[1] = 0x80 | 126;
    out[2] = static_cast<unsigned char>(length >> 8);
    out[3] = static_cast<unsigned char>(length);
    at = 4;
  } else {
    out[1] = 0x80 | 127;
    for (int i = 0; i < 8; ++i) out[2 + i] = static_cast<unsigned char>(static_cast<std::uint64_t>(length) >> (56 - 8 * i));
    at = 10;
  }
  std::memcpy(out + at, &mask, 4);
  apply_mask(buffer_.get() + header, payload.data(), length, mask);
  return {buffer_.get(), size};
}

FrameReader::FrameReader(std::size_t max_message_bytes)
    : max_message_bytes_(max_message_bytes), read_size_(kFirstReadSize) {}

FrameReader::Event FrameReader::fail(std::string_view what) {
  error_ = what;
  return {Kind::error, error_};
}

FrameReader::Event FrameReader::next() {
  if (!error_.empty()) return {Kind::error, error_};
  for (;;) {
    const std::size_t available = end_ - begin_;
    if (available < 2) return {};
    const auto* p = reinterpret_cast<const unsigned char*>(buffer_.get() + begin_);
    const bool fin = (p[0] & 0x80) != 0;
    const unsigned opcode = p[0] & 0x0f;
    if ((p[0] & 0x70) != 0) return fail("a frame with a reserved bit set");
    if ((p[1] & 0x80) != 0) return fail("a masked frame from the server");
    std::uint64_t length = p[1] & 0x7f;
    std::size_t header = 2;
    if (length == 126) {
      header = 4;
      if (available < header) return {};
      length = static_cast<std::uint64_t>(p[2]) << 8 | p[3];
      if (length < 126) return fail("a frame length not in its shortest form");
    } else if (length == 127) {
      header = 10;
      if (available < header) return {};
      length = 0;
      for (int i = 0; i < 8; ++i) length = length << 8 | p[2 + i];
      if (length <= 0xffff) return fail("a frame length not in its shortest form");
    }
    switch (static_cast<Opcode>(opcode)) {
      case Opcode::close:
      case Opcode::ping:
      case Opcode::pong:
        if (!fin) return fail("a fragmented control frame");
        if (length > 125) return fail("a control frame over 125 bytes");
        break;
      case Opcode::text:
        if (in_fragments_) return fail("a text frame inside a fragmented message");
        if (length > max_message_bytes_) return fail("a message over the size limit");
        break;
      case Opcode::continuation:
        if (!in_fragments_) return fail("a continuation frame outside a fragmented message");
        if (length > max_message_bytes_ - fragments_.size()) return fail("a message over the size limit");
        break;
      case Opcode::binary:
        return fail("a binary message");
      default:
        return fail("a frame with an unknown opcode");
    }
    if (available - header < length) {
      frame_bytes_ = header + static_cast<std::size_t>(length);
      return {};
    }
    frame_bytes_ = 0;
    const std::string_view payload(buffer_.get() + begin_ + header, static_cast<std::size_t>(length));
    begin_ += header + payload.size();
    switch (static_cast<Opcode>(opcode)) {
      case Opcode::text:
        if (fin) return {Kind::text, payload};
        fragments_.assign(payload);
        in_fragments_ = true;
        break;
      case Opcode::continuation:
        fragments_.append(payload);
        if (fin) {
          in_fragments_ = false;
          return {Kind::text, fragments_};
        }
        break;
      case Opcode::ping:
        return {Kind::ping, payload};
      case Opcode::close:
        if (payload.size() == 1) return fail("a close frame with a 1-byte payload");
        return {Kind::close, payload};
      default:  // a pong: the generator never pings, so nothing waits for it
        break;
    }
  }
}

void FrameReader::reserve_free(std::size_t free) {
  if (capacity_ - end_ >= free) return;
  const std::size_t capacity = end_ + free;
  auto grown = std::make_unique_for_overwrite<char[]>(capacity);
  if (end_ > 0) std::memcpy(grown.get(), buffer_.get(), end_);
  buffer_ = std::move(grown);
  capacity_ = capacity;
}

std::span<char> FrameReader::prepare() {
  if (begin_ == end_) {
    begin_ = end_ = 0;
    if (capacity_ > kKeepCapacity) {
      buffer_.reset();
      capacity_ = 0;
    }
  } else if (begin_ > 0) {
    std::memmove(buffer_.get(), buffer_.get() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  std::size_t free = read_size_;
  if (frame_bytes_ > end_) free = std::max(free, frame_bytes_ - end_);
  reserve_free(free);
  prepared_ = capacity_ - end_;
  return {buffer_.get() + end_, prepared_};
}

void FrameReader::commit(std::size_t n) {
  end_ += std::min(n, prepared_);
  // A read that filled all the space may have left more behind: offer more next time.
  if (n >= prepared_ && read_size_ < kMaxReadSize) read_size_ = std::min(read_size_ * 2, kMaxReadSize);
  prepared_ = 0;
}

void FrameReader::append(std::string_view bytes) {
  if (bytes.empty()) return;
  if (begin_ > 0) {
    std::memmove(buffer_.get(), buffer_.get() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  reserve_free(bytes.size());
  std::memcpy(buffer_.get() + end_, bytes.data(), bytes.size());
  end_ += bytes.size();
}

std::uint16_t FrameReader::close_code(std::string_view close_payload) {
  if (close_payload.size() < 2) return 1005;
  return static_cast<std::uint16_t>(static_cast<unsigned char>(close_payload[0]) << 8 |
                                    static_cast<unsigned char>(close_payload[1]));
}

}  // namespace parley::bench::ws
