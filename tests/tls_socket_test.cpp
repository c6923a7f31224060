// TlsSocket against a blocking OpenSSL client on a thread of its own: what the server's
// sessions rely on, including the cases the integration tests cannot force (a socket
// that stops taking bytes, a read and a write outstanding together, deadlines).
#include <atomic>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/ssl.h>

#include <gtest/gtest.h>

#include "server/net/tls_files.hpp"
#include "server/net/tls_socket.hpp"

namespace parley::server::net {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

// The bytes at `offset` of a stream that is easy to check.
char pattern(std::size_t offset) { return static_cast<char>('a' + (offset * 7 + offset / 251) % 26); }

// A blocking TLS client on a plain socket.
class Client {
 public:
  explicit Client(std::uint16_t port) : ctx_(SSL_CTX_new(TLS_client_method())), ssl_(SSL_new(ctx_)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int small = 16 * 1024;  // so that a big write from the server fills the socket soon
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) throw std::runtime_error("connect");
    SSL_set_fd(ssl_, fd_);
  }
  ~Client() {
    SSL_free(ssl_);
    SSL_CTX_free(ctx_);
    ::close(fd_);
  }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  bool handshake() { return SSL_connect(ssl_) == 1; }
  bool write(const std::string& bytes) {
    return SSL_write(ssl_, bytes.data(), static_cast<int>(bytes.size())) == static_cast<int>(bytes.size());
  }
  // Reads exactly n bytes; fewer if the connection ends.
  std::string read(std::size_t n) {
    std::string out;
    char chunk[16384];
    while (out.size() < n) {
      const int got = SSL_read(ssl_, chunk, static_cast<int>(std::min(sizeof chunk, n - out.size())));
      if (got <= 0) break;
      out.append(chunk, static_cast<std::size_t>(got));
    }
    return out;
  }
  // Waits for the end and says how it came: SSL_ERROR_ZERO_RETURN after a close_notify.
  int read_end() {
    char c;
    const int got = SSL_read(ssl_, &c, 1);
    return got > 0 ? -1 : SSL_get_error(ssl_, got);
  }
  // Sends FIN, without close_notify (a close() with unread bytes would send RST instead).
  void leave() { ::shutdown(fd_, SHUT_WR); }

 private:
  SSL_CTX* ctx_;
  SSL* ssl_;
  int fd_ = -1;
};

class TlsSocketTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("parley-tls-socket-test-" + std::to_string(::getpid()));
    auto files = ensure_self_signed(dir_.string());
    ASSERT_TRUE(files) << files.error().message;
    beast::error_code ec;
    tls_.context().use_certificate_chain_file(files->cert, ec);
    ASSERT_FALSE(ec) << ec.message();
    tls_.context().use_private_key_file(files->key, ssl::context::pem, ec);
    ASSERT_FALSE(ec) << ec.message();
    SSL_CTX_set_mode(tls_.native_handle(), SSL_MODE_RELEASE_BUFFERS);
    acceptor_.open(tcp::v4());
    acceptor_.bind(tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    acceptor_.listen();
  }
  void TearDown() override {
    if (client_thread_.joinable()) client_thread_.join();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // Connects a client that runs `script` on its own thread and then waits for the server
  // to close; accepts it and completes the handshake on the server side.
  template <class Script>
  std::unique_ptr<TlsSocket> connect(Script script) {
    const auto port = acceptor_.local_endpoint().port();
    client_thread_ = std::thread([port, script]() mutable {
      Client client(port);
      if (!client.handshake()) return;
      script(client);
      client.read_end();
    });
    tcp::socket socket(ioc_);
    acceptor_.accept(socket);
    int small = 16 * 1024;
    ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
    auto stream = std::make_unique<TlsSocket>(std::move(socket), tls_);
    beast::error_code result = asio::error::would_block;
    stream->async_handshake([&](beast::error_code ec) { result = ec; });
    run();
    EXPECT_FALSE(result) << result.message();
    return stream;
  }

  void run() {
    ioc_.restart();
    ioc_.run_for(10s);
  }

  // Closes the server's end and waits for the client to finish.
  void finish(std::unique_ptr<TlsSocket>& stream) {
    stream.reset();
    client_thread_.join();
  }

  fs::path dir_;
  TlsContext tls_;
  asio::io_context ioc_;
  tcp::acceptor acceptor_{ioc_};
  std::thread client_thread_;
};

TEST_F(TlsSocketTest, AReadAndAWriteOutstandingTogetherBothComplete) {
  constexpr std::size_t kBig = 4 * 1024 * 1024;
  std::atomic<bool> client_ok{false};
  auto stream = connect([&](Client& c) {
    std::this_thread::sleep_for(300ms);  // the server's write fills the socket and waits
    const std::string got = c.read(kBig);
    bool same = got.size() == kBig;
    for (std::size_t i = 0; same && i < kBig; ++i) same = got[i] == pattern(i);
    client_ok = same && c.write("done");
  });
  std::string big(kBig, '\0');
  for (std::size_t i = 0; i < kBig; ++i) big[i] = pattern(i);
  char buffer[64];
  beast::error_code read_ec = asio::error::would_block, write_ec = asio::error::would_block;
  std::size_t read_n = 0, written = 0;
  stream->async_read_some(asio::buffer(buffer), [&](beast::error_code ec, std::size_t n) {
    read_ec = ec;
    read_n = n;
  });
  // Several buffers, as Beast writes a frame header and its payload.
  const std::array<asio::const_buffer, 3> pieces{asio::buffer(big.data(), 10), asio::buffer(big.data() + 10, 5),
                                                 asio::buffer(big.data() + 15, kBig - 15)};
  asio::async_write(*stream, pieces, [&](beast::error_code ec, std::size_t n) {
    write_ec = ec;
    written = n;
  });
  run();
  EXPECT_FALSE(write_ec) << write_ec.message();
  EXPECT_EQ(written, kBig);
  EXPECT_FALSE(read_ec) << read_ec.message();
  EXPECT_EQ(std::string(buffer, read_n), "done");
  finish(stream);
  EXPECT_TRUE(client_ok);
}

TEST_F(TlsSocketTest, SmallBuffersGoOutInOneRecord) {
  std::string got;
  auto stream = connect([&](Client& c) { got = c.read(12); });
  const std::array<asio::const_buffer, 4> pieces{asio::buffer("ab", 2), asio::buffer("cdef", 4), asio::buffer("g", 1),
                                                 asio::buffer("hijkl", 5)};
  std::size_t first = 0;
  stream->async_write_some(pieces, [&](beast::error_code, std::size_t n) { first = n; });
  run();
  EXPECT_EQ(first, 12u);  // one write_some took them all
  finish(stream);
  EXPECT_EQ(got, "abcdefghijkl");
}

TEST_F(TlsSocketTest, HoldsUnreadBytesUntilTheyAreAllRead) {
  auto stream = connect([](Client& c) { c.write(std::string(1000, 'x')); });
  EXPECT_FALSE(stream->holds_unread_bytes());
  char buffer[2000];
  std::size_t got = 0;
  stream->async_read_some(asio::buffer(buffer, 100), [&](beast::error_code, std::size_t n) { got = n; });
  run();
  EXPECT_EQ(got, 100u);
  EXPECT_TRUE(stream->holds_unread_bytes());  // the socket will not say so again
  stream->async_read_some(asio::buffer(buffer), [&](beast::error_code, std::size_t n) { got = n; });
  run();
  EXPECT_EQ(got, 900u);
  EXPECT_FALSE(stream->holds_unread_bytes());
}

TEST_F(TlsSocketTest, PeekShowsWithoutTakingAndTakeTakes) {
  auto stream = connect([](Client& c) { c.write("hello world"); });
  std::this_thread::sleep_for(100ms);
  char buffer[64];
  beast::error_code ec;
  std::size_t n = 0;
  for (int i = 0; i < 50 && n == 0; ++i) {
    n = stream->peek(asio::buffer(buffer), ec);
    if (n == 0) std::this_thread::sleep_for(20ms);
  }
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(std::string(buffer, n), "hello world");
  EXPECT_TRUE(stream->take(asio::buffer(buffer, 6)));
  n = stream->peek(asio::buffer(buffer), ec);
  EXPECT_EQ(std::string(buffer, n), "world");
}

TEST_F(TlsSocketTest, ADeadlineEndsAWaitingReadWithTimeout) {
  auto stream = connect([](Client&) {});
  stream->expires_after(100ms);
  char buffer[16];
  beast::error_code ec;
  stream->async_read_some(asio::buffer(buffer), [&](beast::error_code e, std::size_t) { ec = e; });
  const auto start = std::chrono::steady_clock::now();
  run();
  EXPECT_EQ(ec, beast::error::timeout);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 90ms);
  // Later operations fail too, until the deadline is set again.
  stream->async_read_some(asio::buffer(buffer), [&](beast::error_code e, std::size_t) { ec = e; });
  run();
  EXPECT_EQ(ec, beast::error::timeout);
  stream->expires_never();
}

TEST_F(TlsSocketTest, TeardownSendsCloseNotifyAndClosesTheSocket) {
  int end = 0;
  auto stream = connect([&](Client& c) {
    end = c.read_end();
    c.leave();
  });
  beast::error_code ec = asio::error::would_block;
  async_teardown(beast::role_type::server, *stream, [&](beast::error_code e) { ec = e; });
  run();
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_FALSE(stream->next_layer().is_open());
  finish(stream);
  EXPECT_EQ(end, SSL_ERROR_ZERO_RETURN);
}

TEST_F(TlsSocketTest, APeerThatLeavesWithoutCloseNotifyReadsAsTheEnd) {
  auto stream = connect([](Client& c) {
    std::this_thread::sleep_for(200ms);  // the server's handshake is done
    c.leave();
  });
  char buffer[16];
  beast::error_code ec;
  stream->async_read_some(asio::buffer(buffer), [&](beast::error_code e, std::size_t) { ec = e; });
  run();
  EXPECT_EQ(ec, asio::error::eof);
}

// After the session closes the socket (a slow client), OpenSSL must not reach the old
// descriptor number: another connection may have it by now.
TEST_F(TlsSocketTest, AClosedSocketFailsWithoutTouchingItsOldDescriptor) {
  auto stream = connect([](Client&) {});
  stream->next_layer().close();
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);  // likely to get the closed descriptor's number
  char buffer[16];
  beast::error_code read_ec, write_ec;
  stream->async_read_some(asio::buffer(buffer), [&](beast::error_code e, std::size_t) { read_ec = e; });
  stream->async_write_some(asio::buffer("x", 1), [&](beast::error_code e, std::size_t) { write_ec = e; });
  run();
  EXPECT_EQ(read_ec, asio::error::bad_descriptor);
  EXPECT_EQ(write_ec, asio::error::bad_descriptor);
  ::close(pipe_fds[0]);
  ::close(pipe_fds[1]);
}

}  // namespace
}  // namespace parley::server::net
