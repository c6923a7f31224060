// parley friends ... against the real parleyd, with one CLI home per user.
#include <signal.h>

#include <thread>

#include <sstream>

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include "tests/cli_runner.hpp"

namespace parley::test {
namespace {

using namespace std::chrono_literals;

// The value of a "key: value" line of human output ("" when missing).
std::string fact(const std::string& out, const std::string& key) {
  auto at = out.find(key + ": ");
  if (at == std::string::npos) return "";
  auto start = at + key.size() + 2;
  return out.substr(start, out.find('\n', start) - start);
}


class CliFriendsTest : public CliRunner {
 protected:
  void SetUp() override {
    CliRunner::SetUp();
    for (const char* user : {"alice", "bob", "carol"}) sign_up(user);  // 10001, 10002, 10003
  }
};

TEST_F(CliFriendsTest, RequestAcceptListRemarkAndDelete) {
  auto sent = parley_as("alice", {"friends", "request", "bob", "--note", "hi from alice"});
  ASSERT_EQ(sent.status, 0) << sent.err;
  EXPECT_EQ(fact(sent.out, "status"), "pending");
  std::string request_id = fact(sent.out, "request_id");
  ASSERT_FALSE(request_id.empty()) << sent.out;

  auto incoming = parley_as("bob", {"friends", "requests"});
  ASSERT_EQ(incoming.status, 0) << incoming.err;
  EXPECT_TRUE(has(incoming.out, request_id + "\tfrom 10001\talice\talice")) << incoming.out;
  EXPECT_TRUE(has(incoming.out, "note: hi from alice")) << incoming.out;

  auto school = parley_as("bob", {"friends", "category", "create", "school"});
  ASSERT_EQ(school.status, 0) << school.err;
  std::string school_id = fact(school.out, "category_id");
  auto accepted = parley_as("bob", {"friends", "accept", request_id, "--category", school_id});
  ASSERT_EQ(accepted.status, 0) << accepted.err;
  EXPECT_TRUE(has(accepted.out, "accepted request " + request_id)) << accepted.out;

  // `friends` alone lists, by category.
  auto listed = parley_as("alice", {"friends"});
  ASSERT_EQ(listed.status, 0) << listed.err;
  EXPECT_TRUE(has(listed.out, "My friends (default)")) << listed.out;
  EXPECT_TRUE(has(listed.out, "  10002\tbob\tbob")) << listed.out;
  auto bobs = parley_as("bob", {"friends", "list"});
  EXPECT_TRUE(has(bobs.out, "[" + school_id + "] school\n  10001\talice\talice")) << bobs.out;

  ASSERT_EQ(parley_as("alice", {"friends", "remark", "bob", "老鲍"}).status, 0);
  EXPECT_TRUE(has(parley_as("alice", {"friends"}).out, "10002\tbob\tbob\tremark: 老鲍"));
  auto json = parley_as("alice", {"--json", "friends", "list"});
  ASSERT_EQ(json.status, 0) << json.err;
  auto result = boost::json::parse(json.out).as_object();
  EXPECT_EQ(result.at("friends").at(0).at("user_id"), 10002);
  EXPECT_EQ(result.at("friends").at(0).at("remark"), "老鲍");
  ASSERT_EQ(parley_as("alice", {"friends", "remark", "10002", ""}).status, 0);
  EXPECT_FALSE(has(parley_as("alice", {"friends"}).out, "remark:"));

  auto outgoing = parley_as("alice", {"friends", "requests"});
  EXPECT_TRUE(has(outgoing.out, request_id + "\tto 10002\tbob\tbob\taccepted")) << outgoing.out;

  auto deleted = parley_as("alice", {"friends", "delete", "bob"});
  ASSERT_EQ(deleted.status, 0) << deleted.err;
  EXPECT_FALSE(has(parley_as("bob", {"friends"}).out, "alice"));
  auto again = parley_as("alice", {"friends", "delete", "bob"});
  EXPECT_EQ(again.status, 1);
  EXPECT_TRUE(has(again.err, "error: not_found:")) << again.err;
}

TEST_F(CliFriendsTest, RejectWithAReasonByUserId) {
  auto sent = parley_as("alice", {"friends", "request", "10003"});
  ASSERT_EQ(sent.status, 0) << sent.err;
  auto rejected = parley_as("carol", {"friends", "reject", fact(sent.out, "request_id"), "--reason", "not now"});
  ASSERT_EQ(rejected.status, 0) << rejected.err;
  auto outgoing = parley_as("alice", {"friends", "requests"});
  EXPECT_TRUE(has(outgoing.out, "\trejected\treason: not now")) << outgoing.out;
  // Only the recipient may answer.
  auto sent_again = parley_as("alice", {"friends", "request", "carol"});
  auto by_bob = parley_as("bob", {"friends", "accept", fact(sent_again.out, "request_id")});
  EXPECT_EQ(by_bob.status, 1);
  EXPECT_TRUE(has(by_bob.err, "error: not_found:")) << by_bob.err;
}

TEST_F(CliFriendsTest, Categories) {
  auto work = parley_as("alice", {"friends", "category", "create", "work"});
  ASSERT_EQ(work.status, 0) << work.err;
  std::string work_id = fact(work.out, "category_id");
  auto listed = parley_as("alice", {"friends", "category"});
  ASSERT_EQ(listed.status, 0) << listed.err;
  auto default_id = listed.out.substr(0, listed.out.find('\t'));
  EXPECT_TRUE(has(listed.out, default_id + "\tMy friends\t(default)\n" + work_id + "\twork\n")) << listed.out;

  ASSERT_EQ(parley_as("alice", {"friends", "category", "rename", work_id, "office"}).status, 0);
  ASSERT_EQ(parley_as("alice", {"friends", "category", "reorder", work_id, default_id}).status, 0);
  auto reordered = parley_as("alice", {"friends", "category", "list"});
  EXPECT_TRUE(has(reordered.out, work_id + "\toffice\n" + default_id + "\tMy friends\t(default)\n")) << reordered.out;
  auto json = parley_as("alice", {"--json", "friends", "category", "list"});
  EXPECT_EQ(boost::json::parse(json.out).at("categories").as_array().size(), 2u) << json.out;

  auto partial = parley_as("alice", {"friends", "category", "reorder", work_id});
  EXPECT_EQ(partial.status, 1);
  EXPECT_TRUE(has(partial.err, "error: bad_request:")) << partial.err;
  auto undeletable = parley_as("alice", {"friends", "category", "delete", default_id});
  EXPECT_EQ(undeletable.status, 1);
  EXPECT_TRUE(has(undeletable.err, "error: forbidden:")) << undeletable.err;

  // Moving a friend, then deleting the category moves them back to the default one.
  auto sent = parley_as("alice", {"friends", "request", "bob"});
  ASSERT_EQ(parley_as("bob", {"friends", "accept", fact(sent.out, "request_id")}).status, 0);
  ASSERT_EQ(parley_as("alice", {"friends", "move", "bob", work_id}).status, 0);
  EXPECT_TRUE(has(parley_as("alice", {"friends"}).out, "office\n  10002\tbob"));
  ASSERT_EQ(parley_as("alice", {"friends", "category", "delete", work_id}).status, 0);
  EXPECT_TRUE(has(parley_as("alice", {"friends"}).out, "My friends (default)\n  10002\tbob"));
}

TEST_F(CliFriendsTest, BlocksAndPrivacy) {
  auto blocked = parley_as("bob", {"friends", "block", "alice"});
  ASSERT_EQ(blocked.status, 0) << blocked.err;
  auto blocks = parley_as("bob", {"friends", "blocks"});
  EXPECT_TRUE(has(blocks.out, "10001\talice\talice")) << blocks.out;
  // alice is answered as usual, and bob never sees it.
  auto sent = parley_as("alice", {"friends", "request", "bob"});
  ASSERT_EQ(sent.status, 0) << sent.err;
  EXPECT_EQ(fact(sent.out, "status"), "pending");
  EXPECT_FALSE(has(parley_as("bob", {"friends", "requests"}).out, "alice"));
  ASSERT_EQ(parley_as("bob", {"friends", "unblock", "10001"}).status, 0);
  EXPECT_TRUE(parley_as("bob", {"friends", "blocks"}).err.find("blocked nobody") != std::string::npos);

  EXPECT_EQ(fact(parley_as("alice", {"friends", "privacy"}).out, "allow_strangers"), "true");
  EXPECT_EQ(fact(parley_as("alice", {"friends", "privacy", "--allow-strangers", "false"}).out, "allow_strangers"),
            "false");
  auto json = parley_as("alice", {"--json", "friends", "privacy"});
  EXPECT_EQ(boost::json::parse(json.out).at("allow_strangers"), false) << json.out;
  EXPECT_EQ(parley_as("alice", {"friends", "privacy", "--allow-strangers", "maybe"}).status, 2);
}

TEST_F(CliFriendsTest, FailuresAndUsage) {
  auto unknown = parley_as("alice", {"friends", "request", "nosuchuser"});
  EXPECT_EQ(unknown.status, 1);
  EXPECT_TRUE(has(unknown.err, "error: not_found:")) << unknown.err;
  auto self = parley_as("alice", {"--json", "friends", "request", "alice"});
  EXPECT_EQ(self.status, 1);
  EXPECT_EQ(boost::json::parse(self.out).at("code"), "bad_request") << self.out;
  EXPECT_EQ(parley_as("alice", {"friends", "accept", "notanumber"}).status, 2);
  EXPECT_EQ(parley_as("alice", {"friends", "request"}).status, 2);
  EXPECT_EQ(parley_as("alice", {"friends", "no-such-action"}).status, 2);
  auto long_note = parley_as("alice", {"friends", "request", "bob", "--note", std::string(129, 'n')});
  EXPECT_EQ(long_note.status, 1);
  EXPECT_TRUE(has(long_note.err, "note")) << long_note.err;
  auto nobody = parley_as("nobody", {"friends"});
  EXPECT_EQ(nobody.status, 1);
  EXPECT_TRUE(has(nobody.err, "not logged in")) << nobody.err;
  auto down = parley_as("alice", {"--server", "http://127.0.0.1:1", "friends"});
  EXPECT_EQ(down.status, 3);
}

TEST_F(CliFriendsTest, ListenShowsFriendEvents) {
  pid_t listener = start("bob", {"listen"}, "", "listen");
  for (int i = 0; i < 300 && !has(slurp_file(dir_ / "listen.err"), "listening as"); ++i) {
    std::this_thread::sleep_for(50ms);
  }
  ASSERT_TRUE(has(slurp_file(dir_ / "listen.err"), "listening as")) << slurp_file(dir_ / "listen.err");
  ASSERT_EQ(parley_as("alice", {"friends", "request", "bob", "--note", "ping"}).status, 0);
  for (int i = 0; i < 200 && !has(slurp_file(dir_ / "listen.out"), "friend_request"); ++i) {
    std::this_thread::sleep_for(50ms);
  }
  ::kill(listener, SIGINT);
  auto listened = finish(listener, "listen");
  // Every line is one JSON event; presence events may come before it.
  std::istringstream lines(listened.out);
  std::string line;
  boost::json::object event;
  while (std::getline(lines, line) && event.empty()) {
    auto parsed = boost::json::parse(line).as_object();
    if (parsed.at("type") != "presence") event = parsed;
  }
  ASSERT_FALSE(event.empty()) << listened.out;
  EXPECT_EQ(event.at("type"), "friend_request");
  EXPECT_EQ(event.at("data").at("note"), "ping");
}

}  // namespace
}  // namespace parley::test
