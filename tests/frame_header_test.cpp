// The frame header of the server's direct writes (src/server/net/frame_header.hpp),
// against RFC 6455's three length forms at their edges.
#include <string>

#include <gtest/gtest.h>

#include "server/net/frame_header.hpp"

namespace parley::server::net {
namespace {

std::string bytes_of(const FrameHeader& h) { return {reinterpret_cast<const char*>(h.bytes.data()), h.size}; }

TEST(FrameHeader, ShortLengthsFitTheSecondByte) {
  EXPECT_EQ(bytes_of(text_frame_header(0)), std::string("\x81\x00", 2));
  EXPECT_EQ(bytes_of(text_frame_header(125)), std::string("\x81\x7d", 2));
}

TEST(FrameHeader, LengthsUpTo65535TakeTwoMoreBytes) {
  EXPECT_EQ(bytes_of(text_frame_header(126)), std::string("\x81\x7e\x00\x7e", 4));
  EXPECT_EQ(bytes_of(text_frame_header(65535)), std::string("\x81\x7e\xff\xff", 4));
}

TEST(FrameHeader, LongerLengthsTakeEightMoreBytes) {
  EXPECT_EQ(bytes_of(text_frame_header(65536)), std::string("\x81\x7f\x00\x00\x00\x00\x00\x01\x00\x00", 10));
  EXPECT_EQ(bytes_of(text_frame_header(0x0102030405060708ULL)), std::string("\x81\x7f\x01\x02\x03\x04\x05\x06\x07\x08", 10));
}

}  // namespace
}  // namespace parley::server::net
