// TlsSocket against a blocking OpenSSL client on a thread of its own: what the server's
// sessions rely on, including the cases the integration tests cannot force (a socket
// that stops taking bytes, a read and a write outstanding together, deadlines), over
// TLS 1.2 (OpenSSL throughout) and TLS 1.3 (handed off to our record layer after the
// handshake), and what the handoff must get right: the sequence numbers (a wrong one
// fails the client's first decryption), each suite, resumption, KeyUpdate, and records
// that must fail the connection.
#include <array>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <ostream>
#include <string>
#include <thread>

#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <gtest/gtest.h>

#include "server/net/tls_files.hpp"
#include "server/net/tls_socket.hpp"
#include "tests/tls_test_client.hpp"

namespace parley::server::net {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using test::patterned;
using test::same_bytes;
using test::TlsClientOptions;
using test::TlsTestClient;

// The OpenSSL reason of an error the server's stream reported.
int ssl_reason(const beast::error_code& ec) {
  return ec.category() == asio::error::get_ssl_category() ? ERR_GET_REASON(static_cast<unsigned long>(ec.value())) : 0;
}

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
  std::unique_ptr<TlsSocket> connect(Script script, TlsClientOptions options = {}) {
    const auto port = acceptor_.local_endpoint().port();
    client_thread_ = std::thread([port, script, options]() mutable {
      TlsTestClient client(port, options);
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

  // Reads exactly n bytes (fewer after an error, which `ec` then holds).
  std::string read(TlsSocket& stream, std::size_t n, beast::error_code& ec) {
    std::string out(n, '\0');
    std::size_t got = 0;
    ec = asio::error::would_block;
    asio::async_read(stream, asio::buffer(out), [&](beast::error_code e, std::size_t k) {
      ec = e;
      got = k;
    });
    run();
    out.resize(got);
    return out;
  }
  std::string read(TlsSocket& stream, std::size_t n) {
    beast::error_code ec;
    std::string out = read(stream, n, ec);
    EXPECT_FALSE(ec) << ec.message();
    return out;
  }

  beast::error_code write(TlsSocket& stream, const std::string& bytes) {
    beast::error_code ec = asio::error::would_block;
    asio::async_write(stream, asio::buffer(bytes), [&](beast::error_code e, std::size_t) { ec = e; });
    run();
    return ec;
  }

  // What one read_some gets: bytes, or the error.
  beast::error_code read_some(TlsSocket& stream, std::string* got = nullptr) {
    char buffer[256];
    beast::error_code ec = asio::error::would_block;
    std::size_t n = 0;
    stream.async_read_some(asio::buffer(buffer), [&](beast::error_code e, std::size_t k) {
      ec = e;
      n = k;
    });
    run();
    if (got != nullptr) got->assign(buffer, n);
    return ec;
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

// The stream's calls behave the same whether OpenSSL carries the connection (TLS 1.2)
// or our record layer does (TLS 1.3, handed off after the handshake).
enum class Version { tls12, tls13 };

void PrintTo(Version version, std::ostream* out) { *out << (version == Version::tls12 ? "TLS 1.2" : "TLS 1.3"); }

class TlsSocketVersions : public TlsSocketTest, public ::testing::WithParamInterface<Version> {
 protected:
  template <class Script>
  std::unique_ptr<TlsSocket> connect(Script script) {
    TlsClientOptions options;
    if (GetParam() == Version::tls12) options.max_version = TLS1_2_VERSION;
    auto stream = TlsSocketTest::connect(std::move(script), options);
    EXPECT_EQ(stream->handed_off(), GetParam() == Version::tls13);
    return stream;
  }
};

INSTANTIATE_TEST_SUITE_P(Versions, TlsSocketVersions, ::testing::Values(Version::tls12, Version::tls13),
                         [](const auto& test) { return test.param == Version::tls12 ? "Tls12" : "Tls13"; });

TEST_P(TlsSocketVersions, AReadAndAWriteOutstandingTogetherBothComplete) {
  constexpr std::size_t kBig = 4 * 1024 * 1024;
  std::atomic<bool> client_ok{false};
  auto stream = connect([&](TlsTestClient& c) {
    std::this_thread::sleep_for(300ms);  // the server's write fills the socket and waits
    client_ok = c.read(kBig) == patterned(kBig) && c.write("done");
  });
  const std::string big = patterned(kBig);
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

TEST_P(TlsSocketVersions, SmallBuffersGoOutInOneRecord) {
  std::string got;
  auto stream = connect([&](TlsTestClient& c) { got = c.read(12); });
  const std::array<asio::const_buffer, 4> pieces{asio::buffer("ab", 2), asio::buffer("cdef", 4), asio::buffer("g", 1),
                                                 asio::buffer("hijkl", 5)};
  std::size_t first = 0;
  stream->async_write_some(pieces, [&](beast::error_code, std::size_t n) { first = n; });
  run();
  EXPECT_EQ(first, 12u);  // one write_some took them all
  finish(stream);
  EXPECT_EQ(got, "abcdefghijkl");
}

TEST_P(TlsSocketVersions, HoldsUnreadBytesUntilTheyAreAllRead) {
  auto stream = connect([](TlsTestClient& c) { c.write(std::string(1000, 'x')); });
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

TEST_P(TlsSocketVersions, PeekShowsWithoutTakingAndTakeTakes) {
  auto stream = connect([](TlsTestClient& c) { c.write("hello world"); });
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
  EXPECT_TRUE(stream->holds_unread_bytes());
  EXPECT_TRUE(stream->take(asio::buffer(buffer, 6)));
  n = stream->peek(asio::buffer(buffer), ec);
  EXPECT_EQ(std::string(buffer, n), "world");
  EXPECT_TRUE(stream->take(asio::buffer(buffer, 5)));
  EXPECT_FALSE(stream->holds_unread_bytes());
  // Nothing more there: peek says so without waiting.
  n = stream->peek(asio::buffer(buffer), ec);
  EXPECT_EQ(n, 0u);
  EXPECT_FALSE(ec) << ec.message();
}

TEST_P(TlsSocketVersions, ADeadlineEndsAWaitingReadWithTimeout) {
  auto stream = connect([](TlsTestClient&) {});
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

TEST_P(TlsSocketVersions, TeardownSendsCloseNotifyAndClosesTheSocket) {
  int end = 0;
  auto stream = connect([&](TlsTestClient& c) {
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

TEST_P(TlsSocketVersions, ShutdownSendsCloseNotifyAfterData) {
  std::string got;
  int end = 0;
  auto stream = connect([&](TlsTestClient& c) {
    got = c.read(5);
    end = c.read_end();
  });
  EXPECT_FALSE(write(*stream, "bye!!"));
  beast::error_code ec = asio::error::would_block;
  stream->async_shutdown([&](beast::error_code e) { ec = e; });
  run();
  EXPECT_FALSE(ec) << ec.message();
  // Writing after our close_notify fails.
  EXPECT_TRUE(write(*stream, "more"));
  finish(stream);
  EXPECT_EQ(got, "bye!!");
  EXPECT_EQ(end, SSL_ERROR_ZERO_RETURN);
}

TEST_P(TlsSocketVersions, CloseNotifyFromTheClientReadsAsTheEnd) {
  auto stream = connect([](TlsTestClient& c) {
    c.write("last words");
    c.close_notify();
  });
  EXPECT_EQ(read(*stream, 10), "last words");
  EXPECT_EQ(read_some(*stream), asio::error::eof);
  EXPECT_EQ(read_some(*stream), asio::error::eof);  // and again
  EXPECT_FALSE(stream->holds_unread_bytes());
}

TEST_P(TlsSocketVersions, APeerThatLeavesWithoutCloseNotifyReadsAsTheEnd) {
  auto stream = connect([](TlsTestClient& c) {
    std::this_thread::sleep_for(200ms);  // the server's handshake is done
    c.leave();
  });
  EXPECT_EQ(read_some(*stream), asio::error::eof);
}

// After the session closes the socket (a slow client), the TLS layer must not reach the
// old descriptor number: another connection may have it by now.
TEST_P(TlsSocketVersions, AClosedSocketFailsWithoutTouchingItsOldDescriptor) {
  auto stream = connect([](TlsTestClient&) {});
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
  beast::error_code peek_ec;
  stream->peek(asio::buffer(buffer), peek_ec);
  EXPECT_EQ(peek_ec, asio::error::bad_descriptor);
  EXPECT_FALSE(stream->take(asio::buffer(buffer, 1)));
  ::close(pipe_fds[0]);
  ::close(pipe_fds[1]);
}

// Each suite the record layer carries, against OpenSSL: messages of many records both
// ways, and many small ones (one record each).
class TlsSocketSuites : public TlsSocketTest, public ::testing::WithParamInterface<const char*> {};

INSTANTIATE_TEST_SUITE_P(Suites, TlsSocketSuites,
                         ::testing::Values("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
                                           "TLS_CHACHA20_POLY1305_SHA256"),
                         [](const auto& test) { return std::string(test.param); });

TEST_P(TlsSocketSuites, DataGoesBothWaysInBigAndSmallRecords) {
  constexpr std::size_t kBig = 100 * 1000;
  constexpr int kSmall = 300;
  std::string small;  // kSmall messages of 1 to 40 bytes
  for (int i = 0; i < kSmall; ++i) small += patterned(1 + i % 40, small.size());
  std::string cipher;
  std::atomic<bool> client_ok{false};
  auto stream = TlsSocketTest::connect(
      [&](TlsTestClient& c) {
        cipher = c.cipher();
        bool ok = c.write(patterned(kBig)) && c.read(kBig) == patterned(kBig, 1);
        for (std::size_t at = 0, i = 0; ok && at < small.size(); at += 1 + i % 40, ++i) {
          ok = c.write(small.substr(at, 1 + i % 40));
        }
        client_ok = ok && c.read(small.size()) == small;
      },
      {.ciphersuites = GetParam()});
  EXPECT_TRUE(stream->handed_off());
  EXPECT_TRUE(same_bytes(read(*stream, kBig), patterned(kBig)));
  EXPECT_FALSE(write(*stream, patterned(kBig, 1)));
  EXPECT_TRUE(same_bytes(read(*stream, small.size()), small));
  for (std::size_t at = 0, i = 0; at < small.size(); at += 1 + i % 40, ++i) {
    ASSERT_FALSE(write(*stream, small.substr(at, 1 + i % 40)));
  }
  finish(stream);
  EXPECT_EQ(cipher, GetParam());
  EXPECT_TRUE(client_ok);
}

// The server's first sequence number after the handoff is the number of tickets OpenSSL
// sent after its Finished: the client's first decryption fails if it is wrong.
class TlsSocketTickets : public TlsSocketTest, public ::testing::WithParamInterface<int> {};

INSTANTIATE_TEST_SUITE_P(Tickets, TlsSocketTickets, ::testing::Values(0, 1, 2, 5));

TEST_P(TlsSocketTickets, TheServersFirstRecordDecryptsWhateverTheTicketCount) {
  SSL_CTX_set_num_tickets(tls_.native_handle(), static_cast<std::size_t>(GetParam()));
  std::string got;
  auto stream = connect([&](TlsTestClient& c) { got = c.read(5); });
  EXPECT_TRUE(stream->handed_off());
  EXPECT_FALSE(write(*stream, "hello"));
  finish(stream);
  EXPECT_EQ(got, "hello");
}

// A ticket from a handed-off connection resumes a session (tickets are stateless: they
// need nothing of the freed SSL), and the resumed connection (one ticket, not two) is
// handed off too. The context's session cache keeps nothing for TLS 1.3 connections.
TEST_F(TlsSocketTest, AResumedSessionIsHandedOffAndWorks) {
  SSL_SESSION* session = nullptr;
  auto first = connect([&](TlsTestClient& c) {
    if (c.read(5) != "first") return;  // the tickets came before
    session = c.session();
    c.close_notify();  // OpenSSL resumes only sessions that were closed cleanly
  });
  EXPECT_TRUE(first->handed_off());
  EXPECT_FALSE(write(*first, "first"));
  EXPECT_EQ(read_some(*first), asio::error::eof);
  finish(first);
  ASSERT_NE(session, nullptr);

  bool resumed = false;
  std::string got;
  auto second = connect(
      [&](TlsTestClient& c) {
        resumed = c.resumed();
        c.write("ping");
        got = c.read(4);
      },
      {.resume = session});
  EXPECT_TRUE(second->handed_off());
  EXPECT_EQ(read(*second, 4), "ping");
  EXPECT_FALSE(write(*second, "pong"));
  finish(second);
  SSL_SESSION_free(session);
  EXPECT_TRUE(resumed);
  EXPECT_EQ(got, "pong");
  EXPECT_EQ(SSL_CTX_sess_number(tls_.native_handle()), 0);
}

// A KeyUpdate from the client: the server reads on with the next key; asked to, it
// updates its own before its next data (and only once for several requests).
class TlsSocketKeyUpdates : public TlsSocketTest, public ::testing::WithParamInterface<int> {};

INSTANTIATE_TEST_SUITE_P(KeyUpdates, TlsSocketKeyUpdates,
                         ::testing::Values(SSL_KEY_UPDATE_REQUESTED, SSL_KEY_UPDATE_NOT_REQUESTED),
                         [](const auto& test) {
                           return test.param == SSL_KEY_UPDATE_REQUESTED ? "Requested" : "NotRequested";
                         });

TEST_P(TlsSocketKeyUpdates, DataFlowsBothWaysAcrossKeyUpdates) {
  std::string got;
  int updates_received = -1;
  auto stream = connect([&](TlsTestClient& c) {
    if (!c.key_update(GetParam()) || !c.write("after one update")) return;
    got += c.read(5);
    if (!c.key_update(GetParam()) || !c.write("x") || !c.key_update(GetParam()) || !c.write("y")) return;
    got += c.read(5);
    c.write(patterned(50'000));
    got += c.read(50'000) == patterned(50'000, 3) ? "big" : "wrong";
    updates_received = c.key_updates_received();
  });
  EXPECT_TRUE(stream->handed_off());
  EXPECT_EQ(read(*stream, 16), "after one update");
  EXPECT_FALSE(write(*stream, "reply"));
  EXPECT_EQ(read(*stream, 2), "xy");
  EXPECT_FALSE(write(*stream, "again"));
  EXPECT_TRUE(same_bytes(read(*stream, 50'000), patterned(50'000)));
  EXPECT_FALSE(write(*stream, patterned(50'000, 3)));
  finish(stream);
  EXPECT_EQ(got, "replyagainbig");
  // One answer to the first request, one to the two that came while the server was silent.
  EXPECT_EQ(updates_received, GetParam() == SSL_KEY_UPDATE_REQUESTED ? 2 : 0);
}

// A peer that sends only KeyUpdates holds a network thread (each costs three key
// derivations, and a read goes on until data comes): 32 in a row are taken, one more
// fails the connection, as OpenSSL would.
TEST_F(TlsSocketTest, KeyUpdatesWithoutDataAreCutOffAfter32InARow) {
  auto stream = connect([&](TlsTestClient& c) {
    for (int i = 0; i < 32; ++i) c.key_update_now();
    c.write("a");
    for (int i = 0; i < 32; ++i) c.key_update_now();
    c.write("b");
  });
  EXPECT_TRUE(stream->handed_off());
  EXPECT_EQ(read(*stream, 2), "ab");  // data between them starts the count again
  finish(stream);

  unsigned long client_error = 0;
  stream = connect([&](TlsTestClient& c) {
    for (int i = 0; i < 33; ++i) c.key_update_now();
    c.write("late");
    c.read_end();
    client_error = c.error();
  });
  EXPECT_TRUE(stream->handed_off());
  const beast::error_code ec = read_some(*stream);
  EXPECT_EQ(ssl_reason(ec), SSL_R_TOO_MANY_KEY_UPDATES) << ec.message();
  finish(stream);
  EXPECT_EQ(ERR_GET_REASON(client_error), SSL_R_SSLV3_ALERT_UNEXPECTED_MESSAGE);
}

// A client that asked for small records (RFC 6066 max_fragment_length) stays with
// OpenSSL, which keeps to the limit; the record layer writes records of up to 16 KiB.
TEST_F(TlsSocketTest, AClientAskingForSmallRecordsStaysWithOpenSsl) {
  std::string got;
  auto stream = connect([&](TlsTestClient& c) { got = c.read(2'000); },
                        {.max_fragment_length = TLSEXT_max_fragment_length_512});
  EXPECT_FALSE(stream->handed_off());
  EXPECT_FALSE(write(*stream, patterned(2'000)));
  finish(stream);
  EXPECT_TRUE(same_bytes(got, patterned(2'000)));
}

// Records that must fail a handed-off connection: the server's read fails with the error
// OpenSSL would give, the client hears the alert, and later calls fail too.
TEST_F(TlsSocketTest, ATamperedRecordFailsTheConnection) {
  unsigned long client_error = 0;
  auto stream = connect([&](TlsTestClient& c) {
    c.write("hello");
    std::string record = c.seal("evil");
    record[record.size() / 2] ^= 0x01;  // a ciphertext byte
    c.send_raw(record);
    c.read_end();
    client_error = c.error();
  });
  EXPECT_TRUE(stream->handed_off());
  EXPECT_EQ(read(*stream, 5), "hello");
  const beast::error_code ec = read_some(*stream);
  EXPECT_EQ(ssl_reason(ec), SSL_R_DECRYPTION_FAILED_OR_BAD_RECORD_MAC) << ec.message();
  EXPECT_EQ(read_some(*stream), ec);
  EXPECT_EQ(write(*stream, "more"), ec);
  finish(stream);
  EXPECT_EQ(ERR_GET_REASON(client_error), SSL_R_SSLV3_ALERT_BAD_RECORD_MAC);
}

TEST_F(TlsSocketTest, ARecordOverTheSizeLimitFailsTheConnection) {
  unsigned long client_error = 0;
  auto stream = connect([&](TlsTestClient& c) {
    // Application data of 2^14 + 257 bytes: one over the limit of a TLS 1.3 ciphertext.
    c.send_raw(std::string("\x17\x03\x03\x41\x01", 5) + std::string(64, 'x'));
    c.read_end();
    client_error = c.error();
  });
  EXPECT_TRUE(stream->handed_off());
  const beast::error_code ec = read_some(*stream);
  EXPECT_EQ(ssl_reason(ec), SSL_R_ENCRYPTED_LENGTH_TOO_LONG) << ec.message();
  finish(stream);
  EXPECT_EQ(ERR_GET_REASON(client_error), SSL_R_TLSV1_ALERT_RECORD_OVERFLOW);
}

class TlsSocketPlaintext : public TlsSocketTest, public ::testing::WithParamInterface<std::string> {};

INSTANTIATE_TEST_SUITE_P(
    Records, TlsSocketPlaintext,
    ::testing::Values(std::string("\x15\x03\x03\x00\x02\x01\x00", 7),              // a close_notify in the clear
                      std::string("\x14\x03\x03\x00\x01\x01", 6),                  // change_cipher_spec
                      std::string("\x16\x03\x03\x00\x05\x18\x00\x00\x01\x00", 10)  // a KeyUpdate in the clear
                      ),
    [](const auto& test) {
      return test.param[0] == 0x15 ? "Alert" : test.param[0] == 0x14 ? "ChangeCipherSpec" : "Handshake";
    });

TEST_P(TlsSocketPlaintext, APlaintextRecordAfterTheHandshakeFailsTheConnection) {
  unsigned long client_error = 0;
  auto stream = connect([&](TlsTestClient& c) {
    c.write("hello");
    c.send_raw(GetParam());
    c.read_end();
    client_error = c.error();
  });
  EXPECT_TRUE(stream->handed_off());
  EXPECT_EQ(read(*stream, 5), "hello");
  const beast::error_code ec = read_some(*stream);
  EXPECT_EQ(ssl_reason(ec), SSL_R_BAD_RECORD_TYPE) << ec.message();
  finish(stream);
  EXPECT_EQ(ERR_GET_REASON(client_error), SSL_R_SSLV3_ALERT_UNEXPECTED_MESSAGE);
}

// TLS 1.2 stays with OpenSSL, as before the handoff existed.
TEST_F(TlsSocketTest, Tls12StaysWithOpenSsl) {
  std::string got;
  std::string version;
  auto stream = connect(
      [&](TlsTestClient& c) {
        version = SSL_get_version(c.ssl());
        c.write(patterned(40'000));
        got = c.read(40'000);
      },
      {.max_version = TLS1_2_VERSION});
  EXPECT_FALSE(stream->handed_off());
  EXPECT_TRUE(same_bytes(read(*stream, 40'000), patterned(40'000)));
  EXPECT_FALSE(write(*stream, patterned(40'000, 9)));
  finish(stream);
  EXPECT_EQ(version, "TLSv1.2");
  EXPECT_TRUE(same_bytes(got, patterned(40'000, 9)));
}

}  // namespace
}  // namespace parley::server::net
