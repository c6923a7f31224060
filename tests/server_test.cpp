// parleyd as a process: settings, exposure checks, TLS and graceful shutdown.
#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <sys/resource.h>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include "tests/server_process.hpp"

namespace parley::test {
namespace {

using namespace std::chrono_literals;

TEST(Server, HelpDocumentsEverySetting) {
  auto r = run_parleyd({"--help"});
  EXPECT_EQ(r.status, 0);
  for (const char* flag : {"--listen", "--data-dir", "--config", "--tls-cert", "--tls-self-signed", "--insecure",
                           "--max-frame-bytes", "--max-connections-per-ip", "--token-ttl-s", "[limits.max_json_depth]",
                           "PARLEY_LISTEN"}) {
    EXPECT_NE(r.output.find(flag), std::string::npos) << flag;
  }
}

TEST(Server, BadSettingsFailAtStartNamingTheSetting) {
  auto r = run_parleyd({"--listen", "127.0.0.1:0", "--max-json-depth", "1"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output.find("limits.max_json_depth"), std::string::npos) << r.output;
  r = run_parleyd({"--listen", "127.0.0.1:0", "--tls-cert", "/nonexistent.pem", "--tls-key", "/nonexistent.key"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output.find("tls.cert"), std::string::npos) << r.output;
}

TEST(Server, RefusesPlainTextOnANetworkAddressUnlessInsecure) {
  auto r = run_parleyd({"--listen", "0.0.0.0:0"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output.find("without TLS"), std::string::npos) << r.output;
  ServerProcess insecure({"--listen", "0.0.0.0:0", "--insecure"});
  EXPECT_TRUE(connect(insecure)->request(proto::type::kPing, {}));
}

TEST(Server, ServesTlsWithASelfSignedCertificate) {
  ServerProcess server({"--tls-self-signed"});
  EXPECT_EQ(server.url().rfind("https://", 0), 0u);
  auto c = register_and_login(server, "alice");
  EXPECT_TRUE(c->request(proto::type::kPing, {}));
  auto health = client::http_request(server.options(), "GET", "/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  struct stat key {};
  ASSERT_EQ(::stat((server.data_dir() + "/tls/self-signed.key").c_str(), &key), 0);
  EXPECT_EQ(key.st_mode & 0777, 0600u);
  // A client that verifies certificates refuses the self-signed one.
  auto strict = server.options();
  strict.verify_tls = true;
  EXPECT_FALSE(client::Client::connect(strict));
}

// Messages bigger than a TLS record, both ways: a 60 KB request and a history answer of
// many 4,000-character messages.
TEST(Server, TlsCarriesMessagesOfManyRecords) {
  ServerProcess server({"--tls-self-signed"});
  auto alice = register_and_login(server, "alice");
  register_and_login(server, "bob");
  auto big = alice->request("no_such_type", {{"padding", std::string(60'000, 'p')}});
  EXPECT_EQ(big.error().code, proto::Errc::unknown_type) << big.error().message;
  std::int64_t conversation = 0;
  for (int i = 0; i < 30; ++i) {
    proto::MessageSendRequest send;
    send.to = 10002;
    send.client_id = "big-" + std::to_string(i);
    send.body = {{"text", std::string(4000, static_cast<char>('a' + i % 26))}};
    auto sent = alice->call<proto::MessageSendResult>(proto::type::kMessageSend, send);
    ASSERT_TRUE(sent) << sent.error().message;
    conversation = sent->conversation_id;
  }
  auto history = alice->call<proto::MessagesResult>(proto::type::kHistory, proto::HistoryRequest{conversation, {}, 50});
  ASSERT_TRUE(history) << history.error().message;
  ASSERT_EQ(history->messages.size(), 30u);
  for (int i = 0; i < 30; ++i) {
    EXPECT_EQ(history->messages[i].body.at("text").as_string(), std::string(4000, static_cast<char>('a' + i % 26)));
  }
}

// The client library answers pings: its idle wss:// connection outlives several idle timeouts.
TEST(Server, AnIdleWssClientThatAnswersPingsStaysConnected) {
  ServerProcess server({"--tls-self-signed", "--idle-timeout-ms", "1000"});
  auto c = register_and_login(server, "alice");
  std::this_thread::sleep_for(4s);
  EXPECT_TRUE(c->is_open());
  EXPECT_TRUE(c->request(proto::type::kPing, {}));
}

TEST(Server, ShutdownTellsClientsAndExitsCleanly) {
  ServerProcess server;
  auto c = register_and_login(server, "alice");
  auto anonymous = connect(server);
  EXPECT_EQ(server.terminate(), 0);
  auto event = wait_event(*c, proto::event::kServerShutdown);
  ASSERT_TRUE(event);
  EXPECT_GT(event->data.at("reconnect_after_ms").as_int64(), 0);
  auto closed = c->wait_closed(10s);
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->code, 1012);
  EXPECT_EQ(anonymous->wait_closed(10s)->code, 1012);
}

// Each of the server's threads by name, with its nice value (/proc/PID/task/TID/stat).
std::vector<std::pair<std::string, int>> thread_nice_values(pid_t pid) {
  std::vector<std::pair<std::string, int>> out;
  for (const auto& task : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task")) {
    std::ifstream comm(task.path() / "comm");
    std::ifstream stat(task.path() / "stat");
    std::string name, line;
    std::getline(comm, name);
    std::getline(stat, line);
    // The fields after the name in parentheses, from field 3 (state) on; nice is field 19.
    std::istringstream rest(line.substr(line.rfind(')') + 2));
    const std::vector<std::string> fields{std::istream_iterator<std::string>(rest), {}};
    out.emplace_back(name, std::stoi(fields.at(19 - 3)));
  }
  return out;
}

// The search indexer's bursts stay out of the way of the threads that carry sends
// (search_indexer.cpp): it alone runs at nice 19, the rest as the process was started.
TEST(Server, TheSearchIndexerAloneRunsAtNice19) {
  ServerProcess server;
  const auto until = std::chrono::steady_clock::now() + 10s;
  std::vector<std::pair<std::string, int>> threads;
  for (;;) {
    threads = thread_nice_values(server.pid());
    const bool set = std::any_of(threads.begin(), threads.end(),
                                 [](const auto& t) { return t.first == "parley-indexer" && t.second == 19; });
    if (set || std::chrono::steady_clock::now() > until) break;
    std::this_thread::sleep_for(10ms);
  }
  errno = 0;
  const int started_at = ::getpriority(PRIO_PROCESS, 0);  // parleyd inherits this test's
  ASSERT_EQ(errno, 0);
  int indexers = 0;
  for (const auto& [name, nice] : threads) {
    if (name == "parley-indexer") {
      ++indexers;
      EXPECT_EQ(nice, 19);
    } else {
      EXPECT_EQ(nice, started_at) << name;
    }
  }
  EXPECT_EQ(indexers, 1);
  EXPECT_GE(threads.size(), 4u);  // the network threads, the writer, delivery, the indexer
}

TEST(Server, DemoDataCreatesUsersOnce) {
  ServerProcess server({"--demo-data"});
  auto c = connect(server);
  auto in = c->call<proto::LoginResult>(proto::type::kLogin, proto::LoginRequest{"alice", "parley-demo-1", "d"});
  ASSERT_TRUE(in) << in.error().message;
  server.restart();
  auto again = connect(server)->call<proto::RegisterResult>(proto::type::kRegister,
                                                           proto::RegisterRequest{"dave", kPassword, {}});
  EXPECT_EQ(again->user_id, 10004);  // alice, bob and carol exist once
}

}  // namespace
}  // namespace parley::test
