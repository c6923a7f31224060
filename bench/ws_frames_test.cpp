#include "bench/ws_frames.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace parley::bench::ws {
namespace {

using Kind = FrameReader::Kind;

// A server frame, encoded here independently of the code under test.
std::string server_frame(Opcode opcode, std::string_view payload, bool fin = true) {
  std::string out;
  out += static_cast<char>((fin ? 0x80 : 0) | static_cast<int>(opcode));
  const std::uint64_t n = payload.size();
  if (n < 126) {
    out += static_cast<char>(n);
  } else if (n <= 0xffff) {
    out += static_cast<char>(126);
    out += static_cast<char>(n >> 8);
    out += static_cast<char>(n & 0xff);
  } else {
    out += static_cast<char>(127);
    for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((n >> shift) & 0xff);
  }
  out += payload;
  return out;
}

// A client frame taken apart: the header's fields and the payload, unmasked.
struct ClientFrame {
  bool fin = false;
  int opcode = -1;
  bool masked = false;
  std::size_t header = 0;
  std::string payload;
};

ClientFrame decode_client_frame(std::string_view frame) {
  ClientFrame out;
  const auto byte = [&frame](std::size_t i) { return static_cast<unsigned char>(frame.at(i)); };
  out.fin = (byte(0) & 0x80) != 0;
  out.opcode = byte(0) & 0x0f;
  out.masked = (byte(1) & 0x80) != 0;
  std::uint64_t n = byte(1) & 0x7f;
  std::size_t at = 2;
  if (n == 126) {
    n = static_cast<std::uint64_t>(byte(2)) << 8 | byte(3);
    at = 4;
  } else if (n == 127) {
    n = 0;
    for (int i = 0; i < 8; ++i) n = n << 8 | byte(2 + i);
    at = 10;
  }
  unsigned char key[4] = {};
  if (out.masked) {
    for (int i = 0; i < 4; ++i) key[i] = byte(at + i);
    at += 4;
  }
  out.header = at;
  EXPECT_EQ(frame.size(), at + n);
  for (std::size_t i = 0; i < n && at + i < frame.size(); ++i) out.payload += static_cast<char>(byte(at + i) ^ key[i % 4]);
  return out;
}

std::string filler(std::size_t n) {
  std::string s(n, ' ');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + i % 26);
  return s;
}

// Feeds `bytes` to the reader the way the socket does: through prepare() and commit().
void feed(FrameReader& reader, std::string_view bytes) {
  while (!bytes.empty()) {
    auto space = reader.prepare();
    ASSERT_FALSE(space.empty());
    const std::size_t n = std::min(space.size(), bytes.size());
    std::memcpy(space.data(), bytes.data(), n);
    reader.commit(n);
    bytes.remove_prefix(n);
  }
}

using Events = std::vector<std::pair<Kind, std::string>>;

// Every event until the reader needs more bytes, or up to and including an error.
Events drain(FrameReader& reader) {
  Events events;
  for (;;) {
    const auto event = reader.next();
    if (event.kind == Kind::need_more) return events;
    events.emplace_back(event.kind, std::string(event.payload));
    if (event.kind == Kind::error) return events;
  }
}

Events read_all(std::string_view bytes, std::size_t max_message = kMaxMessageBytes) {
  FrameReader reader(max_message);
  feed(reader, bytes);
  return drain(reader);
}

// What a fresh reader makes of `stream` given in two reads, cut at `split`.
Events read_in_two(std::string_view stream, std::size_t split) {
  FrameReader reader;
  feed(reader, stream.substr(0, split));
  Events events = drain(reader);
  feed(reader, stream.substr(split));
  for (auto& e : drain(reader)) events.push_back(std::move(e));
  return events;
}

TEST(WsHandshake, AcceptKeyIsTheExampleOfRfc6455) {
  EXPECT_EQ(accept_key("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST(WsHandshake, Base64MatchesRfc4648) {
  EXPECT_EQ(base64(""), "");
  EXPECT_EQ(base64("f"), "Zg==");
  EXPECT_EQ(base64("fo"), "Zm8=");
  EXPECT_EQ(base64("foo"), "Zm9v");
  EXPECT_EQ(base64("foob"), "Zm9vYg==");
  EXPECT_EQ(base64("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64(std::string("\xff\xfe\x00", 3)), "//4A");
}

TEST(WsHandshake, KeysAreSixteenRandomBytesInBase64) {
  Prng prng(42);
  const std::string a = make_key(prng);
  const std::string b = make_key(prng);
  EXPECT_EQ(a.size(), 24u);
  EXPECT_EQ(a.substr(22), "==");
  EXPECT_NE(a, b);
}

TEST(WsHandshake, RequestAsksForTheUpgrade) {
  const std::string request = upgrade_request("127.0.0.1:8080", "/ws", "dGhlIHNhbXBsZSBub25jZQ==");
  EXPECT_EQ(request,
            "GET /ws HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
}

constexpr std::string_view kKey = "dGhlIHNhbXBsZSBub25jZQ==";

TEST(WsHandshake, AcceptsTheRightResponse) {
  const std::string head =
      "HTTP/1.1 101 Switching Protocols\r\nupgrade: WebSocket\r\nConnection: keep-alive, Upgrade\r\n"
      "Server: x\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";
  EXPECT_TRUE(check_upgrade_response(head, kKey));
}

TEST(WsHandshake, RefusesWrongResponses) {
  const std::string upgrade = "Upgrade: websocket\r\n";
  const std::string connection = "Connection: Upgrade\r\n";
  const std::string accept = "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n";
  const std::string ok = "HTTP/1.1 101 Switching Protocols\r\n";
  EXPECT_FALSE(check_upgrade_response("HTTP/1.1 400 Bad Request\r\n" + upgrade + connection + accept + "\r\n", kKey));
  EXPECT_FALSE(check_upgrade_response(ok + connection + accept + "\r\n", kKey));
  EXPECT_FALSE(check_upgrade_response(ok + upgrade + accept + "\r\n", kKey));
  EXPECT_FALSE(check_upgrade_response(ok + upgrade + connection + "\r\n", kKey));
  EXPECT_FALSE(check_upgrade_response(
      ok + upgrade + connection + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOp=\r\n\r\n", kKey));
  EXPECT_FALSE(check_upgrade_response("SSH-2.0-OpenSSH_9.2\r\n\r\n", kKey));
  auto refused = check_upgrade_response("HTTP/1.1 403 Forbidden\r\n\r\n", kKey);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, proto::Errc::unavailable);
  EXPECT_NE(refused.error().message.find("403"), std::string::npos) << refused.error().message;
}

TEST(WsHandshake, FindsTheEndOfTheHeadBeforeTheFirstFrames) {
  EXPECT_EQ(response_head_end("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"), 0u);
  const std::string head = "HTTP/1.1 101 Switching Protocols\r\n\r\n";
  EXPECT_EQ(response_head_end(head + "\x81\x02hi"), head.size());
}

TEST(WsFrameWriter, WritesOneMaskedTextFrameForEachLength) {
  FrameWriter writer;
  for (const std::size_t n : {0u, 1u, 7u, 125u, 126u, 65535u, 65536u, 100000u}) {
    const std::string payload = filler(n);
    const std::string frame(writer.frame(Opcode::text, payload, 0x9a3c51e7));
    const auto decoded = decode_client_frame(frame);
    EXPECT_TRUE(decoded.fin) << n;
    EXPECT_EQ(decoded.opcode, 1) << n;
    EXPECT_TRUE(decoded.masked) << n;
    EXPECT_EQ(decoded.header, n < 126 ? 6u : n <= 65535 ? 8u : 14u) << n;
    EXPECT_EQ(decoded.payload, payload) << n;
    if (n > 0) {
      EXPECT_NE(frame.substr(decoded.header), payload) << n;  // it is masked
    }
  }
}

TEST(WsFrameWriter, WritesControlFrames) {
  FrameWriter writer;
  const auto pong = decode_client_frame(writer.frame(Opcode::pong, "abc", 1));
  EXPECT_EQ(pong.opcode, 10);
  EXPECT_EQ(pong.payload, "abc");
  const auto close = decode_client_frame(writer.frame(Opcode::close, std::string_view("\x03\xe8", 2), 0xffffffff));
  EXPECT_EQ(close.opcode, 8);
  EXPECT_EQ(FrameReader::close_code(close.payload), 1000);
}

TEST(WsFrameWriter, MaskingTwiceGivesThePayloadBack) {
  const std::string payload = filler(37);
  std::string masked(payload.size(), '\0');
  apply_mask(masked.data(), payload.data(), payload.size(), 0x01020304);
  EXPECT_NE(masked, payload);
  apply_mask(masked.data(), masked.data(), masked.size(), 0x01020304);
  EXPECT_EQ(masked, payload);
}

TEST(WsFrameReader, ReadsTextOfEachLength) {
  for (const std::size_t n : {0u, 1u, 125u, 126u, 65535u, 65536u, 200000u}) {
    const std::string payload = filler(n);
    const auto events = read_all(server_frame(Opcode::text, payload));
    ASSERT_EQ(events.size(), 1u) << n;
    EXPECT_EQ(events[0].first, Kind::text) << n;
    EXPECT_EQ(events[0].second, payload) << n;
  }
}

TEST(WsFrameReader, AWholeMessageIsAViewIntoTheReadBuffer) {
  FrameReader reader;
  auto space = reader.prepare();
  const std::string frame = server_frame(Opcode::text, "hello");
  ASSERT_GE(space.size(), frame.size());
  std::memcpy(space.data(), frame.data(), frame.size());
  reader.commit(frame.size());
  const auto event = reader.next();
  ASSERT_EQ(event.kind, Kind::text);
  EXPECT_EQ(event.payload, "hello");
  EXPECT_EQ(event.payload.data(), space.data() + 2);
}

TEST(WsFrameReader, PutsFragmentedTextTogether) {
  const auto events = read_all(server_frame(Opcode::text, "Hel", false) + server_frame(Opcode::continuation, "lo, ", false) +
                               server_frame(Opcode::continuation, "world") + server_frame(Opcode::text, "next"));
  EXPECT_EQ(events, (Events{{Kind::text, "Hello, world"}, {Kind::text, "next"}}));
}

TEST(WsFrameReader, APingInTheMiddleOfAFragmentedMessageComesFirst) {
  const auto events = read_all(server_frame(Opcode::text, "ab", false) + server_frame(Opcode::ping, "p1") +
                               server_frame(Opcode::pong, "ignored") + server_frame(Opcode::continuation, "cd"));
  EXPECT_EQ(events, (Events{{Kind::ping, "p1"}, {Kind::text, "abcd"}}));
}

TEST(WsFrameReader, SkipsPongs) {
  EXPECT_EQ(read_all(server_frame(Opcode::pong, "x") + server_frame(Opcode::text, "t")), (Events{{Kind::text, "t"}}));
}

TEST(WsFrameReader, ReadsCloseFrames) {
  const auto events = read_all(server_frame(Opcode::close, std::string("\x03\xe9going", 7)));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].first, Kind::close);
  EXPECT_EQ(FrameReader::close_code(events[0].second), 1001);
  const auto empty = read_all(server_frame(Opcode::close, ""));
  ASSERT_EQ(empty.size(), 1u);
  EXPECT_EQ(empty[0].first, Kind::close);
  EXPECT_EQ(FrameReader::close_code(empty[0].second), 1005);
  EXPECT_EQ(read_all(server_frame(Opcode::close, "x")).at(0).first, Kind::error);
}

TEST(WsFrameReader, RefusesAMaskedServerFrameAndStaysFailed) {
  std::string frame = "\x81\x85" + std::string("\x01\x02\x03\x04", 4) + "hello";
  FrameReader reader;
  feed(reader, server_frame(Opcode::text, "before") + frame + server_frame(Opcode::text, "after"));
  EXPECT_EQ(reader.next().payload, "before");
  EXPECT_EQ(reader.next().kind, Kind::error);
  const auto again = reader.next();
  EXPECT_EQ(again.kind, Kind::error);
  EXPECT_EQ(again.payload, "a masked frame from the server");
}

TEST(WsFrameReader, RefusesWhatTheServerNeverSends) {
  const auto first_kind = [](const std::string& bytes) {
    const auto events = read_all(bytes);
    return events.empty() ? Kind::need_more : events.back().first;
  };
  EXPECT_EQ(first_kind(server_frame(Opcode::binary, "b")), Kind::error);
  EXPECT_EQ(first_kind("\xc1\x01x"), Kind::error);                                   // RSV1: no extension was agreed
  EXPECT_EQ(first_kind("\x83\x01x"), Kind::error);                                   // opcode 3 is reserved
  EXPECT_EQ(first_kind(server_frame(Opcode::continuation, "c")), Kind::error);       // nothing to continue
  EXPECT_EQ(first_kind(server_frame(Opcode::text, "a", false) + server_frame(Opcode::text, "b")), Kind::error);
  EXPECT_EQ(first_kind(server_frame(Opcode::ping, "p", false)), Kind::error);        // a fragmented control frame
  EXPECT_EQ(first_kind(server_frame(Opcode::ping, filler(126))), Kind::error);       // a control frame over 125
  EXPECT_EQ(first_kind(std::string("\x81\x7e\x00\x05hello", 9)), Kind::error);       // 16-bit length under 126
  EXPECT_EQ(first_kind(std::string("\x81\x7f\x00\x00\x00\x00\x00\x00\x00\x05hello", 15)), Kind::error);
  EXPECT_EQ(first_kind(std::string("\x81\x7f\x80\x00\x00\x00\x00\x00\x00\x00", 10)), Kind::error);  // 2^63
}

TEST(WsFrameReader, RefusesAMessageOverTheLimitBeforeItsPayloadArrives) {
  EXPECT_EQ(read_all(server_frame(Opcode::text, filler(1000)), 1000), (Events{{Kind::text, filler(1000)}}));
  // Only the header of a larger frame: refused at once, nothing waits for the payload.
  const std::string big = server_frame(Opcode::text, filler(1001));
  EXPECT_EQ(read_all(big.substr(0, 4), 1000).at(0).first, Kind::error);
  // In fragments that are each small enough.
  const auto fragments = read_all(server_frame(Opcode::text, filler(600), false) +
                                      server_frame(Opcode::continuation, filler(401)),
                                  1000);
  EXPECT_EQ(fragments.at(0).first, Kind::error);
  // The default limit: 16 MiB.
  std::string header = "\x81\x7f";
  const std::uint64_t n = kMaxMessageBytes + 1;
  for (int shift = 56; shift >= 0; shift -= 8) header += static_cast<char>((n >> shift) & 0xff);
  const auto events = read_all(header);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].first, Kind::error);
  EXPECT_EQ(events[0].second, "a message over the size limit");
}

// One stream with each kind of frame, and the events it must give.
std::string mixed_stream() {
  return server_frame(Opcode::text, "first") + server_frame(Opcode::text, filler(300)) +
         server_frame(Opcode::text, "frag", false) + server_frame(Opcode::ping, "ping!") +
         server_frame(Opcode::continuation, "men", false) + server_frame(Opcode::pong, "") +
         server_frame(Opcode::continuation, "ted") + server_frame(Opcode::text, "") +
         server_frame(Opcode::close, std::string("\x03\xe8", 2));
}
const Events kMixedEvents{{Kind::text, "first"}, {Kind::text, filler(300)}, {Kind::ping, "ping!"},
                          {Kind::text, "fragmented"},   {Kind::text, ""},          {Kind::close, std::string("\x03\xe8", 2)}};

TEST(WsFrameReader, GivesTheSameEventsWhereverTheBytesAreSplit) {
  const std::string stream = mixed_stream();
  ASSERT_EQ(read_all(stream), kMixedEvents);
  for (std::size_t split = 0; split <= stream.size(); ++split) {
    ASSERT_EQ(read_in_two(stream, split), kMixedEvents) << "split at " << split;
  }
}

TEST(WsFrameReader, GivesTheSameEventsReadOneByteAtATime) {
  const std::string stream = mixed_stream();
  FrameReader reader;
  Events events;
  for (const char c : stream) {
    feed(reader, std::string_view(&c, 1));
    for (auto& e : drain(reader)) events.push_back(std::move(e));
  }
  EXPECT_EQ(events, kMixedEvents);
}

TEST(WsFrameReader, ALargeFrameSplitInItsHeaderOrPayload) {
  const std::string payload = filler(70000);
  const std::string stream = server_frame(Opcode::text, payload) + server_frame(Opcode::text, "tail");
  const Events expected{{Kind::text, payload}, {Kind::text, "tail"}};
  std::vector<std::size_t> splits;
  for (std::size_t i = 0; i <= 16; ++i) splits.push_back(i);
  for (const std::size_t i : {4096u, 65536u, 70009u, 70010u, 70011u, 70013u}) splits.push_back(i);
  for (const std::size_t split : splits) {
    ASSERT_EQ(read_in_two(stream, split), expected) << "split at " << split;
  }
}

TEST(WsFrameReader, ReadSpaceGrowsWhileReadsFillItAndHoldsALargeFrame) {
  FrameReader reader;
  const std::size_t first = reader.prepare().size();
  EXPECT_GE(first, 1024u);
  reader.commit(first);  // a full read: more may be waiting
  EXPECT_GT(reader.prepare().size(), first);
  FrameReader large;
  feed(large, server_frame(Opcode::text, filler(300000)).substr(0, 10));
  EXPECT_EQ(large.next().kind, Kind::need_more);
  EXPECT_GE(large.prepare().size(), 300000u);
}

TEST(WsFrameReader, TakesTheBytesThatCameWithTheHandshake) {
  FrameReader reader;
  const std::string stream = server_frame(Opcode::text, "one") + server_frame(Opcode::text, "two");
  reader.append(std::string_view(stream).substr(0, 7));
  EXPECT_EQ(drain(reader), (Events{{Kind::text, "one"}}));
  feed(reader, std::string_view(stream).substr(7));
  EXPECT_EQ(drain(reader), (Events{{Kind::text, "two"}}));
  EXPECT_EQ(reader.buffered(), 0u);
}

}  // namespace
}  // namespace parley::bench::ws
