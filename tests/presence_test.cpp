// Presence and typing between friends, against the real parleyd.

#include <unistd.h>

#include <thread>

#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include "tests/server_process.hpp"

namespace parley::test {
namespace {

using namespace std::chrono_literals;

constexpr std::int64_t kAlice = 10001, kBob = 10002;

std::unique_ptr<client::Client> device(const ServerProcess& server, const std::string& user, const std::string& id) {
  auto c = connect(server);
  auto in = c->call<proto::LoginResult>(proto::type::kLogin, proto::LoginRequest{user, kPassword, id});
  if (!in) throw std::runtime_error("login: " + in.error().message);
  return c;
}

void befriend(client::Client& a, client::Client& b, std::int64_t b_id) {
  auto asked = a.call<proto::FriendRequestResult>(proto::type::kFriendRequest, proto::FriendRequestRequest{b_id, {}});
  ASSERT_TRUE(asked) << asked.error().message;
  auto answered = b.request(proto::type::kFriendRespond, {{"request_id", asked->request_id}, {"accept", true}});
  ASSERT_TRUE(answered) << answered.error().message;
}

// The next presence event about `user_id`, skipping others.
std::optional<std::string> presence_of(client::Client& c, std::int64_t user_id, std::chrono::milliseconds wait = 10s) {
  auto deadline = std::chrono::steady_clock::now() + wait;
  while (std::chrono::steady_clock::now() < deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    auto e = wait_event(c, proto::event::kPresence, left);
    if (!e) return std::nullopt;
    if (e->data.at("user_id") == user_id) return std::string(e->data.at("status").as_string());
  }
  return std::nullopt;
}

class PresenceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* user : {"alice", "bob", "carol"}) register_and_login(*server_, user);
    auto a = device(*server_, "alice", "setup");
    auto b = device(*server_, "bob", "setup");
    befriend(*a, *b, kBob);
  }
  std::unique_ptr<ServerProcess> server_ =
      std::make_unique<ServerProcess>(std::vector<std::string>{"--idle-timeout-ms", "1000"});
};

TEST_F(PresenceTest, FriendsSeeStatusChangesLiveAndInvisibleLooksOffline) {
  auto alice = device(*server_, "alice", "phone");
  auto carol = device(*server_, "carol", "phone");
  auto bob = device(*server_, "bob", "phone");
  EXPECT_EQ(presence_of(*alice, kBob), "online");
  auto bob_laptop = device(*server_, "bob", "laptop");
  ASSERT_TRUE(bob->request(proto::type::kPresenceSet, {{"status", "away"}}));
  EXPECT_EQ(presence_of(*alice, kBob), "away");
  EXPECT_EQ(presence_of(*bob_laptop, kBob), "away");
  ASSERT_TRUE(bob->request(proto::type::kPresenceSet, {{"status", "invisible"}}));
  EXPECT_EQ(presence_of(*alice, kBob), "offline");
  EXPECT_EQ(presence_of(*bob_laptop, kBob), "invisible");  // one's own devices know
  ASSERT_TRUE(bob->request(proto::type::kPresenceSet, {{"status", "busy"}}));
  EXPECT_EQ(presence_of(*alice, kBob), "busy");
  bob->close();
  bob_laptop->close();
  EXPECT_EQ(presence_of(*alice, kBob), "offline");
  // A stranger hears nothing of any of it.
  EXPECT_FALSE(presence_of(*carol, kBob, 300ms));
  EXPECT_EQ(alice->request(proto::type::kPresenceSet, {{"status", "sleeping"}}).error().field, "status");
}

TEST_F(PresenceTest, EachDeviceCanReadTheStatusTheUserChose) {
  auto phone = device(*server_, "bob", "phone");
  auto got = phone->call<proto::PresenceGetResult>(proto::type::kPresenceGet, proto::PresenceGetRequest{});
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->status, "online");
  ASSERT_TRUE(phone->request(proto::type::kPresenceSet, {{"status", "invisible"}}));
  // A second device comes online while the first is: no presence event tells it.
  auto laptop = device(*server_, "bob", "laptop");
  got = laptop->call<proto::PresenceGetResult>(proto::type::kPresenceGet, proto::PresenceGetRequest{});
  ASSERT_TRUE(got);
  EXPECT_EQ(got->status, "invisible");
  ASSERT_TRUE(laptop->request(proto::type::kPresenceSet, {{"status", "busy"}}));
  got = phone->call<proto::PresenceGetResult>(proto::type::kPresenceGet, proto::PresenceGetRequest{});
  ASSERT_TRUE(got);
  EXPECT_EQ(got->status, "busy");
  // Before logging in there is nobody to ask about.
  auto anonymous = connect(*server_);
  auto refused = anonymous->request(proto::type::kPresenceGet, {});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, proto::Errc::unauthorized);
}

TEST_F(PresenceTest, ABlockedFriendSeesNoPresence) {
  auto alice = device(*server_, "alice", "phone");
  auto bob = device(*server_, "bob", "phone");
  EXPECT_EQ(presence_of(*alice, kBob), "online");
  ASSERT_TRUE(bob->request(proto::type::kBlock, {{"user_id", kAlice}}));
  ASSERT_TRUE(bob->request(proto::type::kPresenceSet, {{"status", "busy"}}));
  EXPECT_FALSE(presence_of(*alice, kBob, 500ms));
  auto list = alice->call<proto::FriendsListResult>(proto::type::kFriendsList, proto::FriendsListRequest{});
  ASSERT_TRUE(list);
  ASSERT_EQ(list->friends.size(), 1u);
  EXPECT_EQ(list->friends[0].presence, "offline");
}

TEST_F(PresenceTest, TheFriendListShowsPresenceAndTheLastMessage) {
  auto alice = device(*server_, "alice", "phone");
  auto bob = device(*server_, "bob", "phone");
  ASSERT_TRUE(bob->request(proto::type::kPresenceSet, {{"status", "away"}}));
  proto::MessageSendRequest hi;
  hi.to = kAlice;
  hi.client_id = "l-1";
  hi.body = {{"text", "最后一条"}};
  ASSERT_TRUE(bob->call<proto::MessageSendResult>(proto::type::kMessageSend, hi));
  auto list = alice->call<proto::FriendsListResult>(proto::type::kFriendsList, proto::FriendsListRequest{});
  ASSERT_TRUE(list);
  ASSERT_EQ(list->friends.size(), 1u);
  EXPECT_EQ(list->friends[0].presence, "away");
  ASSERT_TRUE(list->friends[0].last_message);
  EXPECT_EQ(list->friends[0].last_message->body.at("text"), "最后一条");
}

TEST_F(PresenceTest, TypingReachesThePeerButNeverFromAnInvisibleUser) {
  auto alice = device(*server_, "alice", "phone");
  auto bob = device(*server_, "bob", "phone");
  proto::MessageSendRequest hello;
  hello.to = kBob;
  hello.client_id = "t-1";
  hello.body = {{"text", "hi"}};
  auto conversation = alice->call<proto::MessageSendResult>(proto::type::kMessageSend, hello)->conversation_id;
  ASSERT_TRUE(bob->request(proto::type::kTyping, {{"conversation_id", conversation}}));
  auto typing = wait_event(*alice, proto::event::kTyping);
  ASSERT_TRUE(typing);
  EXPECT_EQ(typing->data.at("user_id"), kBob);
  // A second one within the interval is dropped, silently.
  ASSERT_TRUE(bob->request(proto::type::kTyping, {{"conversation_id", conversation}}));
  EXPECT_FALSE(wait_event(*alice, proto::event::kTyping, 300ms));
  ASSERT_TRUE(bob->request(proto::type::kPresenceSet, {{"status", "invisible"}}));
  std::this_thread::sleep_for(2100ms);
  ASSERT_TRUE(bob->request(proto::type::kTyping, {{"conversation_id", conversation}}));
  EXPECT_FALSE(wait_event(*alice, proto::event::kTyping, 500ms));
  auto carol = device(*server_, "carol", "phone");
  EXPECT_EQ(carol->request(proto::type::kTyping, {{"conversation_id", conversation}}).error().code,
            proto::Errc::not_found);
}

TEST_F(PresenceTest, AChosenStatusOutlivesARestartSoInvisibleStaysHidden) {
  {
    auto bob = device(*server_, "bob", "phone");
    ASSERT_TRUE(bob->request(proto::type::kPresenceSet, {{"status", "invisible"}}));
  }
  server_->restart();
  auto alice = device(*server_, "alice", "phone");
  auto bob = device(*server_, "bob", "phone");
  EXPECT_FALSE(presence_of(*alice, kBob, 500ms));  // no "online" for a user who chose to hide
  auto list = alice->call<proto::FriendsListResult>(proto::type::kFriendsList, proto::FriendsListRequest{});
  ASSERT_TRUE(list);
  ASSERT_EQ(list->friends.size(), 1u);
  EXPECT_EQ(list->friends[0].presence, "offline");
  ASSERT_TRUE(bob->request(proto::type::kPresenceSet, {{"status", "away"}}));
  EXPECT_EQ(presence_of(*alice, kBob), "away");
  EXPECT_FALSE(bob->request(proto::type::kPresenceSet, {{"status", "sleeping"}}));
}

TEST_F(PresenceTest, AVanishedDeviceGoesOfflineAfterTheIdleTimeout) {
  auto alice = device(*server_, "alice", "phone");
  int fd = silent_login(server_->port(), "bob", "lost");
  EXPECT_EQ(presence_of(*alice, kBob), "online");
  EXPECT_EQ(presence_of(*alice, kBob, 15s), "offline");  // idle timeout 1 s here; 40 s by default
  ::close(fd);
}

}  // namespace
}  // namespace parley::test
