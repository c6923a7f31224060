#pragma once

// The header of a WebSocket frame as the server sends one message: whole (FIN), text,
// unmasked, no extensions (RFC 6455, section 5.2). For the writes the session makes
// without Beast (session.ipp, write_directly); no Asio or Beast here.
#include <array>
#include <cstddef>
#include <cstdint>

namespace parley::server::net {

struct FrameHeader {
  std::array<unsigned char, 10> bytes{};
  std::size_t size = 0;
};

inline FrameHeader text_frame_header(std::uint64_t payload_bytes) {
  FrameHeader h;
  h.bytes[0] = 0x81;  // FIN, opcode 1 (text)
  if (payload_bytes < 126) {
    h.bytes[1] = static_cast<unsigned char>(payload_bytes);
    h.size = 2;
  } else if (payload_bytes <= 0xFFFF) {
    h.bytes[1] = 126;
    h.bytes[2] = static_cast<unsigned char>(payload_bytes >> 8);
    h.bytes[3] = static_cast<unsigned char>(payload_bytes);
    h.size = 4;
  } else {
    h.bytes[1] = 127;
    for (std::size_t i = 0; i < 8; ++i) h.bytes[2 + i] = static_cast<unsigned char>(payload_bytes >> (56 - 8 * i));
    h.size = 10;
  }
  return h;
}

}  // namespace parley::server::net
