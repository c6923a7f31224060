// The TLS 1.3 record layer and its handoff on their own (no Asio): OpenSSL does the
// server's handshake on a plain socket, TlsHandoff hands the connection to TlsRecords,
// and a real OpenSSL client on another thread is the other side. What the TlsSocket
// tests cannot see from outside: the sequence number the handoff counts, the buffers an
// idle connection holds, our own KeyUpdates, padding.
#include <array>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <future>
#include <string>
#include <thread>

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/ssl.h>

#include <gtest/gtest.h>

#include "server/net/tls_files.hpp"
#include "server/net/tls_handoff.hpp"
#include "server/net/tls_records.hpp"
#include "tests/tls_test_client.hpp"

namespace parley::server::net {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using test::patterned;
using test::same_bytes;
using test::TlsClientOptions;
using test::TlsTestClient;
using Kind = TlsOutcome::Kind;

class TlsRecordsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("parley-tls-records-test-" + std::to_string(::getpid()));
    auto files = ensure_self_signed(dir_.string());
    ASSERT_TRUE(files) << files.error().message;
    ctx_ = SSL_CTX_new(TLS_server_method());
    ASSERT_EQ(SSL_CTX_use_certificate_chain_file(ctx_, files->cert.c_str()), 1);
    ASSERT_EQ(SSL_CTX_use_PrivateKey_file(ctx_, files->key.c_str(), SSL_FILETYPE_PEM), 1);
    TlsHandoff::prepare(ctx_);
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    ASSERT_EQ(::listen(listener_, 4), 0);
    socklen_t size = sizeof addr;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &size);
    port_ = ntohs(addr.sin_port);
  }
  void TearDown() override {
    close_server();
    if (client_thread_.joinable()) client_thread_.join();
    ::close(listener_);
    SSL_CTX_free(ctx_);
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // Accepts a client that runs `script` on its own thread (then waits for the server to
  // close); does the server's handshake with OpenSSL and hands the connection off.
  template <class Script>
  std::unique_ptr<TlsRecords> connect(Script script, TlsRecords::Options options = {}, TlsClientOptions client = {}) {
    client_thread_ = std::thread([port = port_, script, client]() mutable {
      TlsTestClient c(port, client);
      if (!c.handshake()) return;
      script(c);
      c.read_end();
    });
    fd_ = ::accept(listener_, nullptr, nullptr);
    int small = 16 * 1024;
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
    SSL* ssl = SSL_new(ctx_);
    SSL_set_fd(ssl, fd_);  // blocking: SSL_accept waits for the client
    TlsHandoff handoff;
    handoff.watch(ssl);
    EXPECT_EQ(SSL_accept(ssl), 1);
    records_after_finished_ = handoff.records_after_finished();
    auto records = handoff.take(ssl, options);
    SSL_free(ssl);
    EXPECT_NE(records, nullptr);
    return records;
  }

  void close_server() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  void finish() {
    close_server();
    client_thread_.join();
  }

  bool wait(short events) {
    pollfd p{fd_, events, 0};
    return ::poll(&p, 1, 10'000) == 1;
  }

  // Reads exactly n bytes, waiting for the socket as told; fewer after an end or error.
  std::string read(TlsRecords& records, std::size_t n, TlsOutcome* last = nullptr) {
    std::string out;
    TlsOutcome outcome;
    while (out.size() < n) {
      std::array<std::uint8_t, 4096> buffer;
      outcome = records.read(fd_, std::span(buffer).first(std::min(buffer.size(), n - out.size())));
      if (outcome.kind == Kind::done) {
        out.append(reinterpret_cast<const char*>(buffer.data()), outcome.bytes);
      } else if (outcome.kind != Kind::want_read || !wait(POLLIN)) {
        break;
      }
    }
    if (last != nullptr) *last = outcome;
    return out;
  }

  TlsOutcome write(TlsRecords& records, const std::string& bytes) {
    std::size_t at = 0;
    while (at < bytes.size()) {
      const TlsOutcome outcome =
          records.write(fd_, std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()) + at, bytes.size() - at));
      if (outcome.kind == Kind::done) {
        at += outcome.bytes;
      } else if (outcome.kind != Kind::want_write || !wait(POLLOUT)) {
        return outcome;
      }
    }
    return {};
  }

  fs::path dir_;
  SSL_CTX* ctx_ = nullptr;
  int listener_ = -1;
  std::uint16_t port_ = 0;
  int fd_ = -1;
  std::uint64_t records_after_finished_ = 0;
  std::thread client_thread_;
};

// The sequence number our records start from is the number of tickets OpenSSL sent
// after its Finished: 2 after a full handshake, 1 after a resumption, or as configured.
TEST_F(TlsRecordsTest, TheServersSequenceStartsAfterItsTickets) {
  SSL_SESSION* session = nullptr;
  auto records = connect([&](TlsTestClient& c) {
    if (c.read(5) != "hello") return;
    session = c.session();
    c.close_notify();
  });
  EXPECT_EQ(records_after_finished_, 2u);
  EXPECT_EQ(write(*records, "hello").kind, Kind::done);
  TlsOutcome end;
  read(*records, 1, &end);
  EXPECT_EQ(end.kind, Kind::eof);  // the client's close_notify
  finish();
  ASSERT_NE(session, nullptr);

  std::string got;
  bool resumed = false;
  records = connect(
      [&](TlsTestClient& c) {
        resumed = c.resumed();
        got = c.read(5);
      },
      {}, {.resume = session});
  EXPECT_EQ(records_after_finished_, 1u);
  EXPECT_EQ(write(*records, "again").kind, Kind::done);
  finish();
  SSL_SESSION_free(session);
  EXPECT_TRUE(resumed);
  EXPECT_EQ(got, "again");

  SSL_CTX_set_num_tickets(ctx_, 4);
  records = connect([&](TlsTestClient& c) { got = c.read(4); });
  EXPECT_EQ(records_after_finished_, 4u);
  EXPECT_EQ(write(*records, "four").kind, Kind::done);
  finish();
  EXPECT_EQ(got, "four");
}

// At the record limit we update our key: the client follows every KeyUpdate.
TEST_F(TlsRecordsTest, OurKeyUpdatesAtTheRecordLimitAreFollowed) {
  std::string got;
  int updates_received = -1;
  auto records = connect(
      [&](TlsTestClient& c) {
        got = c.read(20 * 3);
        c.write("client after");
        got += c.read(5);
        updates_received = c.key_updates_received();
      },
      {.records_per_key = 3});
  for (std::size_t i = 0; i < 20; ++i) {
    ASSERT_EQ(write(*records, patterned(3, 3 * i)).kind, Kind::done);
  }
  EXPECT_EQ(read(*records, 12), "client after");
  EXPECT_EQ(write(*records, "done!").kind, Kind::done);
  finish();
  EXPECT_EQ(got, patterned(60) + "done!");
  // The tickets took sequence numbers 0 and 1, the first record 2; then a KeyUpdate
  // before every third record: before records 2, 5, ..., 20 (counting from 1).
  EXPECT_EQ(updates_received, 7);
}

// Memory is the point: buffers exist only while a record is partly read or sent.
TEST_F(TlsRecordsTest, BuffersAreHeldOnlyWhileARecordIsHalfDone) {
  std::promise<void> whole_read;
  std::promise<void> half_seen;
  std::string got;
  auto records = connect([&](TlsTestClient& c) {
    c.write("whole");
    whole_read.get_future().wait();
    const std::string record = c.seal("split");
    c.send_raw(record.substr(0, 9));
    half_seen.get_future().wait();
    c.send_raw(record.substr(9));
    got = c.read(2);
  });
  EXPECT_EQ(records->buffered_bytes(), 0u);
  EXPECT_EQ(read(*records, 5), "whole");
  EXPECT_EQ(records->buffered_bytes(), 0u);
  EXPECT_FALSE(records->holds_unread_bytes());
  whole_read.set_value();
  // Half a record: held, and said to be held.
  std::array<std::uint8_t, 16> buffer;
  TlsOutcome outcome;
  for (int i = 0; i < 100 && !records->holds_unread_bytes(); ++i) {
    ASSERT_TRUE(wait(POLLIN));
    outcome = records->read(fd_, buffer);
    ASSERT_EQ(outcome.kind, Kind::want_read);
  }
  EXPECT_TRUE(records->holds_unread_bytes());
  EXPECT_GT(records->buffered_bytes(), 0u);
  half_seen.set_value();
  EXPECT_EQ(read(*records, 5), "split");
  EXPECT_EQ(records->buffered_bytes(), 0u);
  EXPECT_FALSE(records->holds_unread_bytes());
  EXPECT_EQ(write(*records, "ok").kind, Kind::done);
  EXPECT_EQ(records->buffered_bytes(), 0u);
  finish();
  EXPECT_EQ(got, "ok");
}

// A record the socket does not take all at once is kept, and the write reports its bytes
// only once all of it is out (then the buffer goes).
TEST_F(TlsRecordsTest, AHalfSentRecordIsKeptUntilTheSocketTakesIt) {
  constexpr std::size_t kTotal = 1024 * 1024;
  std::promise<void> blocked;
  std::atomic<bool> client_ok{false};
  auto records = connect([&](TlsTestClient& c) {
    blocked.get_future().wait();
    client_ok = c.read(kTotal) == patterned(kTotal);
  });
  const std::string data = patterned(kTotal);
  std::size_t at = 0;
  TlsOutcome outcome;
  for (;;) {
    outcome = records->write(fd_, std::span(reinterpret_cast<const std::uint8_t*>(data.data()) + at, data.size() - at));
    if (outcome.kind != Kind::done) break;
    ASSERT_LE(outcome.bytes, 16384u);  // a record's worth at most
    at += outcome.bytes;
  }
  ASSERT_EQ(outcome.kind, Kind::want_write);
  EXPECT_GT(records->buffered_bytes(), 0u);  // the rest of the record
  blocked.set_value();
  EXPECT_EQ(write(*records, data.substr(at)).kind, Kind::done);
  EXPECT_EQ(records->buffered_bytes(), 0u);
  finish();
  EXPECT_TRUE(client_ok);
}

// peek() shows one record's data without taking it; read() takes what is there across
// records.
TEST_F(TlsRecordsTest, PeekShowsOneRecordAndReadTakesAllThatIsThere) {
  std::promise<void> sent;
  auto records = connect([&](TlsTestClient& c) {
    c.write("abc");
    c.write("defg");
    sent.set_value();
  });
  sent.get_future().wait();  // on loopback both records are in the socket now
  std::array<std::uint8_t, 16> buffer;
  TlsOutcome outcome = records->peek(fd_, buffer);
  ASSERT_EQ(outcome.kind, Kind::done);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(buffer.data()), outcome.bytes), "abc");
  outcome = records->peek(fd_, buffer);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(buffer.data()), outcome.bytes), "abc");
  outcome = records->read(fd_, buffer);
  ASSERT_EQ(outcome.kind, Kind::done);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(buffer.data()), outcome.bytes), "abcdefg");
  EXPECT_EQ(records->read(fd_, buffer).kind, Kind::want_read);
  EXPECT_EQ(records->buffered_bytes(), 0u);
  finish();
}

// Records padded by the sender (RFC 8446, 5.4) are read without their padding.
TEST_F(TlsRecordsTest, PaddedRecordsAreRead) {
  auto records = connect([&](TlsTestClient& c) {
    SSL_set_block_padding(c.ssl(), 512);
    c.write("padded");
    c.write(patterned(20'000));
  });
  EXPECT_EQ(read(*records, 6), "padded");
  EXPECT_TRUE(same_bytes(read(*records, 20'000), patterned(20'000)));
  finish();
}

// Only the suites the layer implements are taken; TLS 1.2 stays with OpenSSL.
TEST_F(TlsRecordsTest, OnlyTls13WithACarriedSuiteIsHandedOff) {
  EXPECT_TRUE(TlsRecords::carries(0x1301));
  EXPECT_TRUE(TlsRecords::carries(0x1302));
  EXPECT_TRUE(TlsRecords::carries(0x1303));
  EXPECT_FALSE(TlsRecords::carries(0x1304));  // AES-128-CCM
  EXPECT_FALSE(TlsRecords::carries(0xC02F));  // a TLS 1.2 suite

  client_thread_ = std::thread([port = port_] {
    TlsTestClient c(port, {.max_version = TLS1_2_VERSION});
    if (c.handshake()) c.read_end();
  });
  fd_ = ::accept(listener_, nullptr, nullptr);
  SSL* ssl = SSL_new(ctx_);
  SSL_set_fd(ssl, fd_);
  TlsHandoff handoff;
  handoff.watch(ssl);
  EXPECT_EQ(SSL_accept(ssl), 1);
  EXPECT_EQ(handoff.take(ssl), nullptr);
  EXPECT_EQ(SSL_write(ssl, "still", 5), 5);  // OpenSSL carries on
  SSL_free(ssl);
  finish();
}

}  // namespace
}  // namespace parley::server::net
