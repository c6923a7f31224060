// The parley command against the real parleyd, run as a user would run it.
#include <signal.h>
#include <sys/stat.h>

#include <filesystem>
#include <sstream>
#include <thread>

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include "tests/cli_runner.hpp"

namespace parley::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// One CLI home, "home", for the tests of this file.
class CliTest : public CliRunner {
 protected:
  pid_t start(const std::vector<std::string>& args, const std::string& input, const std::string& name) {
    return CliRunner::start("home", args, input, name);
  }
  Run parley(const std::vector<std::string>& args, const std::string& input = "") { return parley_as("home", args, input); }
};

TEST_F(CliTest, RegisterLoginWhoamiProfileSearchLogout) {
  auto reg = parley({"register", "alice", "--nickname", "爱丽丝", "--password-stdin"}, "correct horse 1\n");
  ASSERT_EQ(reg.status, 0) << reg.err;
  EXPECT_NE(reg.out.find("user_id: 10001"), std::string::npos) << reg.out;
  ASSERT_EQ(parley({"register", "bob", "--password-stdin"}, "correct horse 1\n").status, 0);

  auto login = parley({"login", "alice", "--device", "cli-test", "--password-stdin"}, "correct horse 1\n");
  ASSERT_EQ(login.status, 0) << login.err;
  struct stat file {}, home {};
  ASSERT_EQ(::stat((dir_ / "home" / "session.json").c_str(), &file), 0);
  ASSERT_EQ(::stat((dir_ / "home").c_str(), &home), 0);
  EXPECT_EQ(file.st_mode & 0777, 0600u);
  EXPECT_EQ(home.st_mode & 0777, 0700u);

  auto who = parley({"whoami"});
  ASSERT_EQ(who.status, 0) << who.err;
  EXPECT_NE(who.out.find("username: alice"), std::string::npos) << who.out;
  EXPECT_NE(who.out.find("device: cli-test"), std::string::npos) << who.out;

  auto set = parley({"profile", "--set", "signature=你好 world", "--set", "gender=female"});
  ASSERT_EQ(set.status, 0) << set.err;
  EXPECT_NE(set.out.find("signature: 你好 world"), std::string::npos) << set.out;
  auto json = parley({"--json", "profile", "bob"});
  ASSERT_EQ(json.status, 0) << json.err;
  auto bob = boost::json::parse(json.out).as_object();
  EXPECT_EQ(bob.at("username"), "bob");
  EXPECT_FALSE(bob.contains("email"));

  auto found = parley({"search", "bo"});
  ASSERT_EQ(found.status, 0) << found.err;
  EXPECT_NE(found.out.find("10002\tbob\tbob"), std::string::npos) << found.out;

  ASSERT_EQ(parley({"logout"}).status, 0);
  EXPECT_FALSE(fs::exists(dir_ / "home" / "session.json"));
  auto after = parley({"whoami"});
  EXPECT_EQ(after.status, 1);
  EXPECT_NE(after.err.find("not logged in"), std::string::npos) << after.err;
}

TEST_F(CliTest, FailuresPrintTheServerCodeAndExitNonZero) {
  ASSERT_EQ(parley({"register", "alice", "--password-stdin"}, "correct horse 1\n").status, 0);
  auto wrong = parley({"login", "alice", "--password-stdin"}, "wrong horse 1\n");
  EXPECT_EQ(wrong.status, 1);
  EXPECT_NE(wrong.err.find("error: unauthorized:"), std::string::npos) << wrong.err;
  auto weak = parley({"register", "bobby", "--password-stdin"}, "weak\n");
  EXPECT_EQ(weak.status, 1);
  EXPECT_NE(weak.err.find("error: bad_request:"), std::string::npos) << weak.err;
  auto json = parley({"--json", "login", "alice", "--password-stdin"}, "wrong horse 1\n");
  EXPECT_EQ(boost::json::parse(json.out).at("code"), "unauthorized");
  // No terminal and no --password-stdin: refuse rather than hang.
  EXPECT_EQ(parley({"login", "alice"}).status, 2);
  EXPECT_EQ(parley({"no-such-command"}).status, 2);
  // Passwords never come from the command line.
  EXPECT_EQ(parley({"login", "alice", "--password", "correct horse 1"}).status, 2);
  auto down = parley({"--server", "http://127.0.0.1:1", "login", "alice", "--password-stdin"}, "correct horse 1\n");
  EXPECT_EQ(down.status, 3);
}

TEST_F(CliTest, ListenPrintsEventsAsJsonLinesAndOtherCommandsDoNotDisturbIt) {
  ASSERT_EQ(parley({"register", "alice", "--password-stdin"}, "correct horse 1\n").status, 0);
  ASSERT_EQ(parley({"login", "alice", "--device", "desk", "--password-stdin"}, "correct horse 1\n").status, 0);
  pid_t listener = start({"listen"}, "", "listen");
  for (int i = 0; i < 300 && slurp_file(dir_ / "listen.err").find("listening as") == std::string::npos; ++i) {
    std::this_thread::sleep_for(50ms);
  }
  ASSERT_NE(slurp_file(dir_ / "listen.err").find("listening as"), std::string::npos) << slurp_file(dir_ / "listen.err");
  // One-shot commands with the same session leave the listener alone.
  ASSERT_EQ(parley({"whoami"}).status, 0);
  ASSERT_EQ(parley({"search", "ali"}).status, 0);
  // A password login on the same device elsewhere signs the listener out.
  auto c = connect(server_);
  ASSERT_TRUE(c->call<proto::LoginResult>(proto::type::kLogin, proto::LoginRequest{"alice", kPassword, "desk"}));
  auto listened = finish(listener, "listen");
  EXPECT_EQ(listened.status, 1) << listened.err;
  // Every line is one JSON event; presence events may come first.
  std::istringstream lines(listened.out);
  std::string line;
  boost::json::object kicked;
  while (std::getline(lines, line)) {
    auto event = boost::json::parse(line).as_object();
    if (event.at("type") == "kicked") kicked = event;
  }
  ASSERT_FALSE(kicked.empty()) << listened.out;
  EXPECT_EQ(kicked.at("data").at("reason"), "logged_in_elsewhere");
  EXPECT_NE(listened.err.find("4001"), std::string::npos) << listened.err;
}

TEST_F(CliTest, ListenStopsCleanlyOnSigint) {
  ASSERT_EQ(parley({"register", "alice", "--password-stdin"}, "correct horse 1\n").status, 0);
  ASSERT_EQ(parley({"login", "alice", "--password-stdin"}, "correct horse 1\n").status, 0);
  pid_t listener = start({"listen"}, "", "listen");
  for (int i = 0; i < 300 && slurp_file(dir_ / "listen.err").find("listening as") == std::string::npos; ++i) {
    std::this_thread::sleep_for(50ms);
  }
  ::kill(listener, SIGINT);
  EXPECT_EQ(finish(listener, "listen").status, 0);
}

}  // namespace
}  // namespace parley::test
