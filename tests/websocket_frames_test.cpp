// WebSocket frames as a client may send them: several in one TCP segment, one split over
// many, control frames of the client's own, and pings over an idle connection. The
// server reads a plain connection only when bytes are there and takes pongs off the
// socket itself (src/server/net/websocket_idle.hpp), so each case is checked byte for byte.
#include <chrono>
#include <string>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "tests/server_process.hpp"

namespace parley::test {
namespace {

using namespace std::chrono_literals;

struct Frame {
  int opcode = -1;  // -1: the connection ended or nothing came in time
  std::string payload;
};

// A client socket that speaks WebSocket frames by hand.
class RawClient {
 public:
  explicit RawClient(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) throw std::runtime_error("connect");
    send_bytes("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    std::string head;
    char ch;
    while (head.find("\r\n\r\n") == std::string::npos && ::recv(fd_, &ch, 1, 0) == 1) head.push_back(ch);
    if (head.find(" 101 ") == std::string::npos) throw std::runtime_error("no upgrade: " + head);
  }
  ~RawClient() { ::close(fd_); }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  // A masked client frame (FIN set), as RFC 6455 requires of clients.
  static std::string frame(int opcode, const std::string& payload) {
    std::string f(1, static_cast<char>(0x80 | opcode));
    if (payload.size() < 126) {
      f += static_cast<char>(0x80 | payload.size());
    } else {
      f += static_cast<char>(0x80 | 126);
      f += static_cast<char>(payload.size() >> 8);
      f += static_cast<char>(payload.size() & 0xFF);
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

  void send_bytes(const std::string& bytes) { ASSERT_EQ(::send(fd_, bytes.data(), bytes.size(), 0), static_cast<ssize_t>(bytes.size())); }

  // The next frame from the server (unmasked), or opcode -1 after `timeout` or at the end.
  Frame read(std::chrono::milliseconds timeout = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    auto need = [&](std::size_t n) {
      while (buffer_.size() < n) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        pollfd p{fd_, POLLIN, 0};
        if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
        char chunk[4096];
        ssize_t got = ::recv(fd_, chunk, sizeof chunk, 0);
        if (got <= 0) return false;
        buffer_.append(chunk, static_cast<std::size_t>(got));
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
  int fd_ = -1;
  std::string buffer_;
};

bool answers(const std::string& text, int id) { return text.find(R"("id":)" + std::to_string(id) + ",") != std::string::npos; }

TEST(WebSocketFrames, SeveralFramesInOneSegmentAreAllAnswered) {
  ServerProcess server;
  RawClient c(server.port());
  c.send_bytes(RawClient::request(1, "hello", R"({"versions":[1]})") + RawClient::request(2, "no_such_type") +
               RawClient::request(3, "no_such_type"));
  EXPECT_TRUE(answers(c.read_text(), 1));
  EXPECT_TRUE(answers(c.read_text(), 2));
  EXPECT_TRUE(answers(c.read_text(), 3));
}

TEST(WebSocketFrames, AFrameSentByteByByteIsRead) {
  ServerProcess server;
  RawClient c(server.port());
  const std::string bytes = RawClient::request(1, "hello", R"({"versions":[1]})");
  for (char b : bytes) {
    c.send_bytes(std::string(1, b));
    std::this_thread::sleep_for(2ms);
  }
  EXPECT_TRUE(answers(c.read_text(), 1));
}

TEST(WebSocketFrames, TheClientsOwnPingsAndPongsAreHandled) {
  ServerProcess server;
  RawClient c(server.port());
  c.send_bytes(RawClient::request(1, "hello", R"({"versions":[1]})"));
  EXPECT_TRUE(answers(c.read_text(), 1));
  // An unsolicited pong alone, then a request: RFC 6455 allows it, and it is ignored.
  c.send_bytes(RawClient::frame(0xA, "x"));
  std::this_thread::sleep_for(50ms);
  c.send_bytes(RawClient::request(2, "no_such_type"));
  EXPECT_TRUE(answers(c.read_text(), 2));
  // A pong and a request in one segment.
  c.send_bytes(RawClient::frame(0xA, "") + RawClient::request(3, "no_such_type"));
  EXPECT_TRUE(answers(c.read_text(), 3));
  // A pong split over two segments, then a request.
  const std::string pong = RawClient::frame(0xA, "split");
  c.send_bytes(pong.substr(0, 3));
  std::this_thread::sleep_for(50ms);
  c.send_bytes(pong.substr(3));
  std::this_thread::sleep_for(50ms);
  c.send_bytes(RawClient::request(4, "no_such_type"));
  EXPECT_TRUE(answers(c.read_text(), 4));
  // A ping is answered with a pong carrying its payload, and the connection goes on.
  c.send_bytes(RawClient::frame(0x9, "are you there"));
  Frame f = c.read();
  EXPECT_EQ(f.opcode, 0xA);
  EXPECT_EQ(f.payload, "are you there");
  c.send_bytes(RawClient::request(5, "no_such_type"));
  EXPECT_TRUE(answers(c.read_text(), 5));
}

TEST(WebSocketFrames, AnIdleClientThatAnswersPingsStaysAndOneThatDoesNotIsClosed) {
  ServerProcess server({"--idle-timeout-ms", "1000"});  // a ping every 500 ms
  RawClient answering(server.port());
  RawClient silent(server.port());
  for (RawClient* c : {&answering, &silent}) {
    c->send_bytes(RawClient::request(1, "hello", R"({"versions":[1]})"));
    EXPECT_TRUE(answers(c->read_text(), 1));
  }
  // Idle for several timeouts: one answers each ping, the other never reads.
  int pings = 0;
  const auto until = std::chrono::steady_clock::now() + 4s;
  while (std::chrono::steady_clock::now() < until) {
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
  EXPECT_TRUE(answers(answering.read_text(), 2));
  // The silent one got a ping, then was closed: its reads end.
  Frame f = silent.read(1s);
  EXPECT_EQ(f.opcode, 0x9);
  while (f.opcode == 0x9) f = silent.read(5s);
  EXPECT_EQ(f.opcode, -1);
}

}  // namespace
}  // namespace parley::test
