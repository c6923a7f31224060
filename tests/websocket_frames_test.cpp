// WebSocket frames as a client may send them: several in one TCP segment, one split over
// many, control frames of the client's own, and pings over an idle connection; in the
// clear and over TLS. The server reads only when bytes are there and takes pongs off the
// socket (or, over TLS, off the decrypted stream) itself (src/server/net/websocket_idle.hpp),
// so each case is checked byte for byte.
#include <chrono>
#include <initializer_list>
#include <ostream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/ssl.h>

#include <gtest/gtest.h>

#include "tests/server_process.hpp"

namespace parley::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

struct Frame {
  int opcode = -1;  // -1: the connection ended or nothing came in time
  std::string payload;
};

enum class Transport { plain, tls };

void PrintTo(Transport transport, std::ostream* out) { *out << (transport == Transport::tls ? "tls" : "plain"); }

// A client socket that speaks WebSocket frames by hand, in the clear or over TLS. Over TLS
// OpenSSL works on memory buffers and the bytes on the wire are the test's to cut: each
// send_bytes() is one TLS record, and with `split` set every TCP write carries at most
// that many bytes of it.
class RawClient {
 public:
  // `prelude`: an HTTP request sent, and its answer read, before the upgrade. `early`:
  // bytes sent with the upgrade request, before the answer comes. `receive_buffer`: the
  // socket's receive buffer in bytes (0: the system's), which bounds what the server can
  // have under way to this client.
  explicit RawClient(std::uint16_t port, Transport transport = Transport::plain, const std::string& prelude = "",
                     const std::string& early = "", int receive_buffer = 0) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (receive_buffer > 0) ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) throw std::runtime_error("connect");
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (transport == Transport::tls) start_tls();
    const auto deadline = Clock::now() + 10s;
    if (!prelude.empty()) {
      send_bytes(prelude);
      while (buffer_.find("\r\n\r\n") == std::string::npos) {
        if (!fill(deadline)) throw std::runtime_error("no answer to the prelude");
      }
      const std::size_t length_at = buffer_.find("Content-Length: ");
      const std::size_t body = buffer_.find("\r\n\r\n") + 4;
      const std::size_t end = body + std::stoul(buffer_.substr(length_at + 16));
      while (buffer_.size() < end) {
        if (!fill(deadline)) throw std::runtime_error("no body in the answer to the prelude");
      }
      buffer_.erase(0, end);
    }
    send_bytes(
        "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n" +
        early);
    while (buffer_.find("\r\n\r\n") == std::string::npos) {
      if (!fill(deadline)) throw std::runtime_error("no upgrade answer");
    }
    const std::string head = buffer_.substr(0, buffer_.find("\r\n\r\n") + 4);
    buffer_.erase(0, head.size());
    if (head.find(" 101 ") == std::string::npos) throw std::runtime_error("no upgrade: " + head);
  }
  ~RawClient() {
    SSL_free(ssl_);
    SSL_CTX_free(ctx_);
    ::close(fd_);
  }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  // A masked client frame (FIN set), as RFC 6455 requires of clients.
  static std::string frame(int opcode, const std::string& payload) {
    std::string f(1, static_cast<char>(0x80 | opcode));
    if (payload.size() < 126) {
      f += static_cast<char>(0x80 | payload.size());
    } else if (payload.size() < 65536) {
      f += static_cast<char>(0x80 | 126);
      f += static_cast<char>(payload.size() >> 8);
      f += static_cast<char>(payload.size() & 0xFF);
    } else {
      f += static_cast<char>(0x80 | 127);
      for (int shift = 56; shift >= 0; shift -= 8) f += static_cast<char>((payload.size() >> shift) & 0xFF);
    }
    const char mask[4] = {0x11, 0x22, 0x33, 0x44};
    f.append(mask, 4);
    for (std::size_t i = 0; i < payload.size(); ++i) f += static_cast<char>(payload[i] ^ mask[i % 4]);
    return f;
  }
  static std::string text(const std::string& json) { return frame(0x1, json); }
  static std::string request(int id, const std::string& type, const std::string& data = "{}") {
    return text(R"({"id":)" + std::to_string(id) + R"(,"type":")" + type + R"(","data":)" + data + "}");
  }

  // Sends a TLS 1.3 KeyUpdate on its own, now (SSL_KEY_UPDATE_REQUESTED or _NOT_REQUESTED).
  void key_update(int type) {
    ASSERT_NE(ssl_, nullptr);
    ASSERT_EQ(SSL_key_update(ssl_, type), 1);
    ASSERT_EQ(SSL_do_handshake(ssl_), 1);
    flush();
  }

  // TCP writes of at most this many bytes from now on (0: as they come), a moment apart.
  void split(std::size_t bytes) { split_ = bytes; }

  void send_bytes(const std::string& bytes) {
    if (ssl_ == nullptr) return send_raw(bytes);
    ASSERT_EQ(SSL_write(ssl_, bytes.data(), static_cast<int>(bytes.size())), static_cast<int>(bytes.size()));
    flush();
  }

  // The next frame from the server (unmasked), or opcode -1 after `timeout` or at the end.
  Frame read(std::chrono::milliseconds timeout = 10s) {
    const auto deadline = Clock::now() + timeout;
    auto need = [&](std::size_t n) {
      while (buffer_.size() < n) {
        if (!fill(deadline)) return false;
      }
      return true;
    };
    if (!need(2)) return {};
    std::size_t len = static_cast<unsigned char>(buffer_[1]) & 0x7F;
    std::size_t at = 2;
    if (len == 126) {
      if (!need(4)) return {};
      len = (static_cast<unsigned char>(buffer_[2]) << 8) | static_cast<unsigned char>(buffer_[3]);
      at = 4;
    } else if (len == 127) {
      if (!need(10)) return {};
      len = 0;
      for (int i = 2; i < 10; ++i) len = (len << 8) | static_cast<unsigned char>(buffer_[i]);
      at = 10;
    }
    if (!need(at + len)) return {};
    Frame f{static_cast<unsigned char>(buffer_[0]) & 0x0F, buffer_.substr(at, len)};
    buffer_.erase(0, at + len);
    return f;
  }

  // The next text frame's content, answering pings on the way.
  std::string read_text(std::chrono::milliseconds timeout = 10s) {
    for (;;) {
      Frame f = read(timeout);
      if (f.opcode == 0x9) {
        send_bytes(frame(0xA, f.payload));
        continue;
      }
      return f.opcode == 0x1 ? f.payload : std::string();
    }
  }

 private:
  void start_tls() {
    ctx_ = SSL_CTX_new(TLS_client_method());
    ssl_ = SSL_new(ctx_);
    SSL_set_bio(ssl_, BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem()));
    SSL_set_connect_state(ssl_);
    const auto deadline = Clock::now() + 10s;
    for (;;) {
      const int r = SSL_do_handshake(ssl_);
      flush();
      if (r == 1) return;
      if (SSL_get_error(ssl_, r) != SSL_ERROR_WANT_READ || !receive_ciphertext(deadline)) {
        throw std::runtime_error("tls handshake failed");
      }
    }
  }

  // Sends what OpenSSL has written.
  void flush() {
    std::string out;
    char chunk[4096];
    int n;
    while ((n = BIO_read(SSL_get_wbio(ssl_), chunk, sizeof chunk)) > 0) out.append(chunk, static_cast<std::size_t>(n));
    send_raw(out);
  }

  void send_raw(const std::string& bytes) {
    const std::size_t piece = split_ == 0 ? bytes.size() : split_;
    for (std::size_t at = 0; at < bytes.size(); at += piece) {
      if (at > 0) std::this_thread::sleep_for(2ms);
      const std::size_t n = std::min(piece, bytes.size() - at);
      ASSERT_EQ(::send(fd_, bytes.data() + at, n, MSG_NOSIGNAL), static_cast<ssize_t>(n));
    }
  }

  // Waits until `deadline` for bytes from the socket; false when none came or it ended.
  bool receive(std::string& into, Clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    pollfd p{fd_, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char chunk[16384];
    ssize_t got = ::recv(fd_, chunk, sizeof chunk, 0);
    if (got <= 0) return false;
    into.append(chunk, static_cast<std::size_t>(got));
    return true;
  }

  bool receive_ciphertext(Clock::time_point deadline) {
    std::string in;
    if (!receive(in, deadline)) return false;
    BIO_write(SSL_get_rbio(ssl_), in.data(), static_cast<int>(in.size()));
    return true;
  }

  // Adds what comes next to buffer_; false when nothing came by `deadline` or it ended.
  bool fill(Clock::time_point deadline) {
    if (ssl_ == nullptr) return receive(buffer_, deadline);
    for (;;) {
      char chunk[16384];
      const int n = SSL_read(ssl_, chunk, sizeof chunk);
      if (n > 0) {
        buffer_.append(chunk, static_cast<std::size_t>(n));
        return true;
      }
      if (SSL_get_error(ssl_, n) != SSL_ERROR_WANT_READ || !receive_ciphertext(deadline)) return false;
    }
  }

  int fd_ = -1;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  std::size_t split_ = 0;
  std::string buffer_;  // received, decrypted, not yet taken
};

bool answers(const std::string& text, int id) {
  return text.find(R"("id":)" + std::to_string(id) + ",") != std::string::npos;
}

// Reads until every one of `ids` is answered (answers may share a frame); false if one
// is not within 10 s.
bool all_answered(RawClient& c, std::initializer_list<int> ids) {
  std::set<int> missing(ids);
  const auto deadline = Clock::now() + 10s;
  while (!missing.empty() && Clock::now() < deadline) {
    const std::string text =
        c.read_text(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()));
    if (text.empty()) return false;
    std::erase_if(missing, [&](int id) { return answers(text, id); });
  }
  return missing.empty();
}

class WebSocketFrames : public ::testing::TestWithParam<Transport> {
 protected:
  std::vector<std::string> args(std::vector<std::string> extra = {}) const {
    if (GetParam() == Transport::tls) extra.push_back("--tls-self-signed");
    return extra;
  }
};

TEST_P(WebSocketFrames, SeveralFramesInOneSegmentAreAllAnswered) {
  ServerProcess server(args());
  RawClient c(server.port(), GetParam());
  c.send_bytes(RawClient::request(1, "hello", R"({"versions":[1]})") + RawClient::request(2, "no_such_type") +
               RawClient::request(3, "no_such_type"));
  EXPECT_TRUE(all_answered(c, {1, 2, 3}));
}

TEST_P(WebSocketFrames, FramesSentWithTheUpgradeRequestAreRead) {
  ServerProcess server(args());
  RawClient c(server.port(), GetParam(), "",
              RawClient::request(1, "hello", R"({"versions":[1]})") + RawClient::request(2, "no_such_type"));
  EXPECT_TRUE(all_answered(c, {1, 2}));
}

// Beast keeps at most 1,536 bytes that came with the upgrade request. More can arrive
// that way only once the HTTP phase's buffer has grown (a request with long headers
// before): the server then closes, saying why, rather than drop them.
TEST_P(WebSocketFrames, TooManyBytesSentWithTheUpgradeRequestCloseWithAReason) {
  ServerProcess server(args());
  const std::string big_request = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + std::string(8000, 'x') +
                                  "\r\n\r\n";
  std::string early;
  for (int id = 1; id <= 40; ++id) early += RawClient::request(id, "no_such_type");
  ASSERT_GT(early.size(), 1536u);
  RawClient c(server.port(), GetParam(), big_request, early);
  Frame f = c.read();
  int texts = 0;
  while (f.opcode == 0x1) {
    ++texts;
    f = c.read();
  }
  ASSERT_EQ(f.opcode, 0x8) << texts << " answers came first";
  ASSERT_GE(f.payload.size(), 2u);
  EXPECT_EQ((static_cast<unsigned char>(f.payload[0]) << 8) | static_cast<unsigned char>(f.payload[1]), 1008);
  EXPECT_NE(f.payload.find("before the handshake"), std::string::npos) << f.payload;
}

TEST_P(WebSocketFrames, AFrameSentByteByByteIsRead) {
  ServerProcess server(args());
  RawClient c(server.port(), GetParam());
  const std::string bytes = RawClient::request(1, "hello", R"({"versions":[1]})");
  for (char b : bytes) {
    c.send_bytes(std::string(1, b));
    std::this_thread::sleep_for(2ms);
  }
  EXPECT_TRUE(all_answered(c, {1}));
}

TEST_P(WebSocketFrames, TheClientsOwnPingsAndPongsAreHandled) {
  ServerProcess server(args());
  RawClient c(server.port(), GetParam());
  c.send_bytes(RawClient::request(1, "hello", R"({"versions":[1]})"));
  EXPECT_TRUE(all_answered(c, {1}));
  // An unsolicited pong alone, then a request: RFC 6455 allows it, and it is ignored.
  c.send_bytes(RawClient::frame(0xA, "x"));
  std::this_thread::sleep_for(50ms);
  c.send_bytes(RawClient::request(2, "no_such_type"));
  EXPECT_TRUE(all_answered(c, {2}));
  // A pong and a request in one segment.
  c.send_bytes(RawClient::frame(0xA, "") + RawClient::request(3, "no_such_type"));
  EXPECT_TRUE(all_answered(c, {3}));
  // A pong split over two segments, then a request.
  const std::string pong = RawClient::frame(0xA, "split");
  c.send_bytes(pong.substr(0, 3));
  std::this_thread::sleep_for(50ms);
  c.send_bytes(pong.substr(3));
  std::this_thread::sleep_for(50ms);
  c.send_bytes(RawClient::request(4, "no_such_type"));
  EXPECT_TRUE(all_answered(c, {4}));
  // A ping is answered with a pong carrying its payload, and the connection goes on.
  c.send_bytes(RawClient::frame(0x9, "are you there"));
  Frame f = c.read();
  EXPECT_EQ(f.opcode, 0xA);
  EXPECT_EQ(f.payload, "are you there");
  c.send_bytes(RawClient::request(5, "no_such_type"));
  EXPECT_TRUE(all_answered(c, {5}));
}

TEST_P(WebSocketFrames, AnIdleClientThatAnswersPingsStaysAndOneThatDoesNotIsClosed) {
  ServerProcess server(args({"--idle-timeout-ms", "1000"}));  // a ping every 500 ms
  RawClient answering(server.port(), GetParam());
  RawClient silent(server.port(), GetParam());
  for (RawClient* c : {&answering, &silent}) {
    c->send_bytes(RawClient::request(1, "hello", R"({"versions":[1]})"));
    EXPECT_TRUE(all_answered(*c, {1}));
  }
  // Idle for several timeouts: one answers each ping, the other never reads.
  int pings = 0;
  const auto until = Clock::now() + 4s;
  while (Clock::now() < until) {
    Frame f = answering.read(100ms);
    if (f.opcode == 0x9) {
      ++pings;
      answering.send_bytes(RawClient::frame(0xA, f.payload));
    } else {
      ASSERT_EQ(f.opcode, -1) << "only pings come to an idle connection";
    }
  }
  EXPECT_GE(pings, 3);
  answering.send_bytes(RawClient::request(2, "no_such_type"));
  EXPECT_TRUE(all_answered(answering, {2}));
  // The silent one got a ping, then was closed: its reads end.
  Frame f = silent.read(1s);
  EXPECT_EQ(f.opcode, 0x9);
  while (f.opcode == 0x9) f = silent.read(5s);
  EXPECT_EQ(f.opcode, -1);
}

// A message of many TCP segments (and, over TLS, of several records) is read whole.
TEST_P(WebSocketFrames, AMessageOfManySegmentsIsRead) {
  ServerProcess server(args());
  RawClient c(server.port(), GetParam());
  c.send_bytes(RawClient::request(1, "hello", R"({"versions":[1]})"));
  EXPECT_TRUE(all_answered(c, {1}));
  const std::string padding(60'000, 'x');  // under the 64 KiB frame limit
  c.send_bytes(RawClient::request(2, "no_such_type", R"({"padding":")" + padding + R"("})"));
  EXPECT_TRUE(all_answered(c, {2}));
  // Then an answer to a request that came in a hurry behind it.
  c.send_bytes(RawClient::request(3, "no_such_type", R"({"padding":")" + padding + R"("})") +
               RawClient::request(4, "no_such_type"));
  EXPECT_TRUE(all_answered(c, {3, 4}));
}

// Over plain TCP the server frames its messages and writes them to the socket itself
// (session.ipp, write_directly). When the socket takes only part of one, the rest must
// follow before any frame of Beast's: a client that stops reading while answers pile up,
// then pings, reads whole frames only, with the pong between two of them.
TEST_P(WebSocketFrames, APingWhileTheServerWaitsForRoomIsAnsweredBetweenWholeFrames) {
  ServerProcess server(args({"--max-send-queue-bytes", "268435456"}));
  RawClient c(server.port(), GetParam(), "", "", 4096);
  c.send_bytes(RawClient::request(1, "hello", R"({"versions":[1]})"));
  ASSERT_TRUE(all_answered(c, {1}));
  // ~5 MB of answers of ~60 KB each (an unknown type is named in its error) while the
  // client reads nothing and keeps a small receive buffer: writes go out in part.
  const std::string type(60'000, 't');
  int last_id = 1;
  for (int frame = 0; frame < 80; ++frame) {
    c.send_bytes(RawClient::text(R"({"id":)" + std::to_string(++last_id) + R"(,"type":")" + type + R"(","data":{}})"));
  }
  std::this_thread::sleep_for(300ms);  // the server's writes fill the sockets
  c.send_bytes(RawClient::frame(0x9, "mid-write"));
  std::this_thread::sleep_for(100ms);
  std::set<int> missing;
  for (int id = 2; id <= last_id; ++id) missing.insert(id);
  int pongs = 0;
  while (!missing.empty()) {
    Frame f = c.read();
    ASSERT_TRUE(f.opcode == 0x1 || f.opcode == 0xA) << "opcode " << f.opcode << " with " << missing.size()
                                                    << " answers to go";
    if (f.opcode == 0xA) {
      EXPECT_EQ(f.payload, "mid-write");
      ++pongs;
      continue;
    }
    // Answers share a frame when they queue together, one per line, each whole.
    std::size_t at = 0;
    while (at < f.payload.size()) {
      std::size_t end = f.payload.find('\n', at);
      if (end == std::string::npos) end = f.payload.size();
      const std::string line = f.payload.substr(at, end - at);
      const std::size_t id_at = line.find(R"("id":)");
      ASSERT_NE(id_at, std::string::npos) << line.substr(0, 80);
      ASSERT_NE(line.find(type), std::string::npos) << line.substr(0, 80);
      missing.erase(std::stoi(line.substr(id_at + 5)));
      at = end + 1;
    }
  }
  if (pongs == 0) {
    Frame f = c.read();
    EXPECT_EQ(f.opcode, 0xA);
    EXPECT_EQ(f.payload, "mid-write");
    ++pongs;
  }
  EXPECT_EQ(pongs, 1);
}

INSTANTIATE_TEST_SUITE_P(Transports, WebSocketFrames, ::testing::Values(Transport::plain, Transport::tls),
                         [](const auto& test) { return test.param == Transport::tls ? "Tls" : "Plain"; });

// TLS records cut across TCP segments: the server reads what it can decrypt and waits for
// the rest without losing the part it holds.
TEST(WebSocketFramesOverTls, RecordsCutIntoSingleBytesAreRead) {
  ServerProcess server({"--tls-self-signed", "--idle-timeout-ms", "1000"});
  RawClient c(server.port(), Transport::tls);
  c.split(1);
  c.send_bytes(RawClient::request(1, "hello", R"({"versions":[1]})"));
  EXPECT_TRUE(all_answered(c, {1}));
  // Pongs cut the same way, while the server pings: the connection stays.
  const auto until = Clock::now() + 3s;
  int pings = 0;
  while (Clock::now() < until) {
    Frame f = c.read(100ms);
    if (f.opcode == 0x9) {
      ++pings;
      c.send_bytes(RawClient::frame(0xA, f.payload));
    }
  }
  EXPECT_GE(pings, 2);
  c.send_bytes(RawClient::request(2, "no_such_type") + RawClient::request(3, "no_such_type"));
  EXPECT_TRUE(all_answered(c, {2, 3}));
}

// KeyUpdates from the client, alone while the connection is idle (the server takes them
// off the socket while it looks for a pong) and just before a request: the server reads on
// with the client's next key and, when asked, updates its own before its next frame.
TEST(WebSocketFramesOverTls, KeyUpdatesFromTheClientAreFollowed) {
  ServerProcess server({"--tls-self-signed", "--idle-timeout-ms", "1000"});  // a ping every 500 ms
  RawClient c(server.port(), Transport::tls);
  c.send_bytes(RawClient::request(1, "hello", R"({"versions":[1]})"));
  EXPECT_TRUE(all_answered(c, {1}));
  c.key_update(SSL_KEY_UPDATE_REQUESTED);
  std::this_thread::sleep_for(100ms);
  c.send_bytes(RawClient::request(2, "no_such_type"));
  EXPECT_TRUE(all_answered(c, {2}));
  c.key_update(SSL_KEY_UPDATE_NOT_REQUESTED);
  c.send_bytes(RawClient::request(3, "no_such_type"));
  EXPECT_TRUE(all_answered(c, {3}));
  // Idle through pings, with a KeyUpdate in between: the connection stays.
  int pings = 0;
  const auto until = Clock::now() + 2s;
  while (Clock::now() < until) {
    Frame f = c.read(100ms);
    if (f.opcode == 0x9) {
      if (++pings == 1) c.key_update(SSL_KEY_UPDATE_REQUESTED);
      c.send_bytes(RawClient::frame(0xA, f.payload));
    }
  }
  EXPECT_GE(pings, 2);
  c.send_bytes(RawClient::request(4, "no_such_type"));
  EXPECT_TRUE(all_answered(c, {4}));
}

// Many requests in one TLS record, each in a frame of its own.
TEST(WebSocketFramesOverTls, ManyFramesInOneRecordAreAllAnswered) {
  ServerProcess server({"--tls-self-signed"});
  RawClient c(server.port(), Transport::tls);
  std::string record = RawClient::request(1, "hello", R"({"versions":[1]})");
  for (int id = 2; id <= 40; ++id) record += RawClient::request(id, "ping");
  c.send_bytes(record);
  std::set<int> missing;
  for (int id = 1; id <= 40; ++id) missing.insert(id);
  const auto deadline = Clock::now() + 20s;
  while (!missing.empty() && Clock::now() < deadline) {
    const std::string text = c.read_text(5s);
    ASSERT_FALSE(text.empty()) << missing.size() << " requests unanswered";
    std::erase_if(missing, [&](int id) { return answers(text, id); });
  }
  EXPECT_TRUE(missing.empty());
}

}  // namespace
}  // namespace parley::test
