// 1:1 chat against the real parleyd with several clients and devices.
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <SQLiteCpp/SQLiteCpp.h>
#include <boost/json/serialize.hpp>

#include <gtest/gtest.h>

#include "tests/server_process.hpp"

namespace parley::test {
namespace {

using namespace std::chrono_literals;
using proto::Errc;

constexpr std::int64_t kAlice = 10001, kBob = 10002, kCarol = 10003;

proto::Result<proto::MessageSendResult> send(client::Client& c, std::int64_t to, const std::string& client_id,
                                             const std::string& text) {
  proto::MessageSendRequest r;
  r.to = to;
  r.client_id = client_id;
  r.body = {{"text", text}};
  return c.call<proto::MessageSendResult>(proto::type::kMessageSend, r);
}

proto::Result<proto::MessagesResult> sync(client::Client& c, std::int64_t conversation, std::int64_t after = 0) {
  return c.call<proto::MessagesResult>(proto::type::kSync, proto::SyncRequest{conversation, after, 500});
}

proto::Result<proto::ConversationsResult> conversations(client::Client& c) {
  return c.call<proto::ConversationsResult>(proto::type::kConversations, proto::ConversationsRequest{});
}

std::unique_ptr<client::Client> device(const ServerProcess& server, const std::string& user, const std::string& id) {
  auto c = connect(server);
  auto in = c->call<proto::LoginResult>(proto::type::kLogin, proto::LoginRequest{user, kPassword, id});
  if (!in) throw std::runtime_error("login: " + in.error().message);
  return c;
}

proto::ChatMessage message_event(client::Client& c) {
  auto e = wait_event(c, proto::event::kMessage);
  if (!e) throw std::runtime_error("no message event");
  return *proto::decode<proto::ChatMessage>(e->data);
}

class ChatTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* user : {"alice", "bob", "carol"}) register_and_login(*server_, user);
  }
  std::unique_ptr<ServerProcess> server_ = std::make_unique<ServerProcess>(std::vector<std::string>{"--recall-window-s", "2"});
};

TEST_F(ChatTest, AMessageReachesEveryDeviceOfTheRecipientAndTheSendersOtherDevices) {
  auto alice_phone = device(*server_, "alice", "phone");
  auto alice_laptop = device(*server_, "alice", "laptop");
  auto bob_phone = device(*server_, "bob", "phone");
  auto bob_laptop = device(*server_, "bob", "laptop");
  auto carol = device(*server_, "carol", "phone");
  auto sent = send(*alice_phone, kBob, "c-1", "你好 Bob 👋\n第二行");
  ASSERT_TRUE(sent) << sent.error().message;
  EXPECT_EQ(sent->seq, 1);
  EXPECT_FALSE(sent->duplicate);
  for (auto* c : {bob_phone.get(), bob_laptop.get(), alice_laptop.get()}) {
    auto m = message_event(*c);
    EXPECT_EQ(m.conversation_id, sent->conversation_id);
    EXPECT_EQ(m.seq, 1);
    EXPECT_EQ(m.sender_id, kAlice);
    EXPECT_EQ(m.body.at("text"), "你好 Bob 👋\n第二行");
  }
  // The sending connection gets the acknowledgement, not an event; strangers get nothing.
  EXPECT_FALSE(wait_event(*alice_phone, proto::event::kMessage, 300ms));
  EXPECT_FALSE(wait_event(*carol, proto::event::kMessage, 300ms));
}

TEST_F(ChatTest, AResendWithTheSameClientIdIsStoredOnce) {
  auto alice = device(*server_, "alice", "phone");
  auto bob = device(*server_, "bob", "phone");
  auto first = send(*alice, kBob, "same-id", "hello");
  auto again = send(*alice, kBob, "same-id", "hello");
  ASSERT_TRUE(first && again);
  EXPECT_EQ(again->seq, first->seq);
  EXPECT_TRUE(again->duplicate);
  message_event(*bob);
  EXPECT_FALSE(wait_event(*bob, proto::event::kMessage, 300ms));
  EXPECT_EQ(sync(*bob, first->conversation_id)->messages.size(), 1u);
}

TEST_F(ChatTest, AConnectionKilledMidSendLosesAndDuplicatesNothing) {
  const int n = 40;
  std::int64_t conversation = 0;
  {
    auto alice = device(*server_, "alice", "phone");
    conversation = send(*alice, kBob, "m-0", "first")->conversation_id;
    // Fire the rest from another thread and drop the connection under it.
    std::thread burst([&] {
      for (int i = 1; i < n; ++i) (void)send(*alice, kBob, "m-" + std::to_string(i), "text " + std::to_string(i));
    });
    std::this_thread::sleep_for(20ms);
    alice->close();
    burst.join();
  }
  // The client resends everything it does not know to be stored, with the same ids.
  auto alice = device(*server_, "alice", "phone");
  for (int i = 0; i < n; ++i) ASSERT_TRUE(send(*alice, kBob, "m-" + std::to_string(i), "text " + std::to_string(i)));
  auto bob = device(*server_, "bob", "phone");
  auto all = sync(*bob, conversation);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->messages.size(), static_cast<std::size_t>(n));
  std::set<std::string> ids;
  for (std::size_t i = 0; i < all->messages.size(); ++i) {
    EXPECT_EQ(all->messages[i].seq, static_cast<std::int64_t>(i + 1));
    ids.insert(all->messages[i].client_id);
  }
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(n));
}

TEST_F(ChatTest, OfflineMessagesAndUnreadCountsArriveOnLogin) {
  auto alice = device(*server_, "alice", "phone");
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(send(*alice, kBob, "o-" + std::to_string(i), "msg " + std::to_string(i)));
  auto bob = device(*server_, "bob", "phone");
  auto list = conversations(*bob);
  ASSERT_TRUE(list);
  ASSERT_EQ(list->conversations.size(), 1u);
  const auto& c = list->conversations[0];
  EXPECT_EQ(c.unread, 5);
  EXPECT_EQ(c.peer.username, "alice");
  EXPECT_EQ(c.last_message->body.at("text"), "msg 4");
  auto missed = sync(*bob, c.conversation_id, 2);
  ASSERT_EQ(missed->messages.size(), 3u);
  EXPECT_EQ(missed->messages[0].seq, 3);
  auto paged = bob->call<proto::MessagesResult>(proto::type::kSync, proto::SyncRequest{c.conversation_id, 0, 2});
  EXPECT_EQ(paged->messages.size(), 2u);
  EXPECT_TRUE(paged->has_more);
}

TEST_F(ChatTest, ReadReceiptsUpdateEveryDeviceAndTellTheSender) {
  auto alice = device(*server_, "alice", "phone");
  auto bob_phone = device(*server_, "bob", "phone");
  auto bob_laptop = device(*server_, "bob", "laptop");
  std::int64_t conversation = 0;
  for (int i = 0; i < 3; ++i) conversation = send(*alice, kBob, "r-" + std::to_string(i), "hi")->conversation_id;
  auto read = bob_phone->call<proto::MessageReadResult>(proto::type::kMessageRead, proto::MessageReadRequest{conversation, 2});
  ASSERT_TRUE(read);
  EXPECT_EQ(read->read_seq, 2);
  for (auto* c : {bob_laptop.get(), alice.get()}) {
    auto e = wait_event(*c, proto::event::kRead);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->data.at("user_id"), kBob);
    EXPECT_EQ(e->data.at("read_seq"), 2);
  }
  EXPECT_EQ(conversations(*bob_laptop)->conversations[0].unread, 1);
  EXPECT_EQ(conversations(*alice)->conversations[0].peer_read_seq, 2);
}

TEST_F(ChatTest, RecallWorksInsideTheWindowOnlyAndEveryoneSeesIt) {
  auto alice = device(*server_, "alice", "phone");
  auto bob = device(*server_, "bob", "phone");
  auto sent = send(*alice, kBob, "x-1", "oops, wrong chat");
  message_event(*bob);
  auto conversation = sent->conversation_id;
  auto not_mine = bob->call<proto::MessageRecallResult>(proto::type::kMessageRecall,
                                                        proto::MessageRecallRequest{conversation, sent->seq});
  EXPECT_EQ(not_mine.error().code, Errc::forbidden);
  auto recalled = alice->call<proto::MessageRecallResult>(proto::type::kMessageRecall,
                                                          proto::MessageRecallRequest{conversation, sent->seq});
  ASSERT_TRUE(recalled) << recalled.error().message;
  auto notice = message_event(*bob);
  EXPECT_EQ(notice.kind, "recall");
  EXPECT_EQ(notice.body.at("seq"), sent->seq);
  auto log = sync(*bob, conversation);
  EXPECT_TRUE(log->messages[0].recalled);
  EXPECT_TRUE(log->messages[0].body.empty());  // the content is gone from storage
  auto twice = alice->call<proto::MessageRecallResult>(proto::type::kMessageRecall,
                                                       proto::MessageRecallRequest{conversation, sent->seq});
  EXPECT_EQ(twice.error().code, Errc::conflict);
  auto late = send(*alice, kBob, "x-2", "too late to take back");
  std::this_thread::sleep_for(2500ms);
  auto refused = alice->call<proto::MessageRecallResult>(proto::type::kMessageRecall,
                                                         proto::MessageRecallRequest{conversation, late->seq});
  EXPECT_EQ(refused.error().code, Errc::forbidden);
}

// The recalled text leaves the search index too, not only the log. The index keeps no
// copy of the texts, so the server takes the entry out by its words: looked up in the
// index file itself, none of them is left.
TEST_F(ChatTest, ARecalledMessageLeavesTheSearchIndex) {
  auto alice = device(*server_, "alice", "phone");
  auto sent = send(*alice, kBob, "r-1", "zanzibar 密码 unique words");
  send(*alice, kBob, "r-2", "zanzibar stays");
  auto found = alice->call<proto::MessagesResult>(proto::type::kMessageSearch,
                                                  proto::MessageSearchRequest{"zanzibar", {}, {}, {}, 10});
  ASSERT_TRUE(found) << found.error().message;  // waits until the index holds both
  ASSERT_EQ(found->messages.size(), 2u);
  auto entries = [&](const std::string& match) {
    SQLite::Database db(server_->data_dir() + "/parley.db-search", SQLite::OPEN_READONLY);
    SQLite::Statement q(db, "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH ?");
    q.bind(1, match);
    q.executeStep();
    return q.getColumn(0).getInt();
  };
  EXPECT_EQ(entries("\"密\""), 1);
  EXPECT_EQ(entries("zanzibar"), 2);
  // The recall keeps the words in the log until the index has taken them out (so that a
  // crash in between cannot leave them there): a trigger copies what it keeps.
  SQLite::Database log(server_->data_dir() + "/parley.db", SQLite::OPEN_READWRITE);
  log.setBusyTimeout(5000);
  log.exec("CREATE TABLE kept_seen (message_id INTEGER, text TEXT)");
  log.exec("CREATE TRIGGER kept_copy AFTER INSERT ON index_removals BEGIN "
           "INSERT INTO kept_seen VALUES (NEW.message_id, NEW.text); END");
  const proto::MessageRecallRequest recall{sent->conversation_id, sent->seq};
  auto recalled = alice->call<proto::MessageRecallResult>(proto::type::kMessageRecall, recall);
  ASSERT_TRUE(recalled) << recalled.error().message;
  EXPECT_EQ(entries("\"密\""), 0);
  EXPECT_EQ(entries("unique"), 0);
  EXPECT_EQ(entries("zanzibar"), 1);
  const std::string kept = log.execAndGet("SELECT text FROM kept_seen").getString();
  for (const char* word : {"zanzibar", "密", "码", "unique", "words"}) EXPECT_NE(kept.find(word), std::string::npos) << word;
  EXPECT_EQ(log.execAndGet("SELECT count(*) FROM index_removals").getInt(), 0);
}

TEST_F(ChatTest, HistoryPagesBackwards) {
  auto alice = device(*server_, "alice", "phone");
  std::int64_t conversation = 0;
  for (int i = 1; i <= 7; ++i) conversation = send(*alice, kBob, "h-" + std::to_string(i), std::to_string(i))->conversation_id;
  auto newest = alice->call<proto::MessagesResult>(proto::type::kHistory, proto::HistoryRequest{conversation, {}, 3});
  ASSERT_EQ(newest->messages.size(), 3u);
  EXPECT_EQ(newest->messages.front().seq, 5);
  EXPECT_TRUE(newest->has_more);
  auto older = alice->call<proto::MessagesResult>(proto::type::kHistory, proto::HistoryRequest{conversation, 5, 10});
  ASSERT_EQ(older->messages.size(), 4u);
  EXPECT_EQ(older->messages.front().seq, 1);
  EXPECT_FALSE(older->has_more);
}

TEST_F(ChatTest, SearchFindsChineseAndEnglishByKeywordAndDate) {
  auto alice = device(*server_, "alice", "phone");
  auto bob = device(*server_, "bob", "phone");
  send(*alice, kBob, "s-1", "我们明天去北京开会");
  send(*bob, kAlice, "s-2", "Sounds good, see you in Beijing");
  send(*alice, kCarol, "s-3", "北京 is for carol");
  auto cjk = bob->call<proto::MessagesResult>(proto::type::kMessageSearch, proto::MessageSearchRequest{"北京", {}, {}, {}, 10});
  ASSERT_TRUE(cjk);
  ASSERT_EQ(cjk->messages.size(), 1u);  // not carol's conversation
  EXPECT_EQ(cjk->messages[0].body.at("text"), "我们明天去北京开会");
  auto en = alice->call<proto::MessagesResult>(proto::type::kMessageSearch, proto::MessageSearchRequest{"beijing", {}, {}, {}, 10});
  EXPECT_EQ(en->messages.size(), 1u);
  auto now = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  auto today = alice->call<proto::MessagesResult>(proto::type::kMessageSearch,
                                                  proto::MessageSearchRequest{{}, {}, now - 3'600'000, now + 60'000, 10});
  EXPECT_EQ(today->messages.size(), 3u);
  auto none = alice->call<proto::MessagesResult>(proto::type::kMessageSearch,
                                                 proto::MessageSearchRequest{{}, {}, 0, now - 3'600'000, 10});
  EXPECT_TRUE(none->messages.empty());
}

TEST_F(ChatTest, ALostSearchIndexIsRebuiltFromTheLog) {
  {
    auto alice = device(*server_, "alice", "phone");
    send(*alice, kBob, "r-1", "索引丢了也能找到 rebuilt");
  }
  server_->kill9();
  std::filesystem::remove(server_->data_dir() + "/parley.db-search");
  std::filesystem::remove(server_->data_dir() + "/parley.db-search-wal");
  std::filesystem::remove(server_->data_dir() + "/parley.db-search-shm");
  server_->restart();
  auto bob = device(*server_, "bob", "phone");
  for (const char* word : {"找到", "rebuilt"}) {
    auto found = bob->call<proto::MessagesResult>(proto::type::kMessageSearch, proto::MessageSearchRequest{word, {}, {}, {}, 10});
    ASSERT_TRUE(found) << found.error().message;
    ASSERT_EQ(found->messages.size(), 1u) << word;
    EXPECT_EQ(found->messages[0].client_id, "r-1");
  }
}

TEST_F(ChatTest, StrangersCannotReadOrWriteAConversationTheyAreNotIn) {
  auto alice = device(*server_, "alice", "phone");
  auto carol = device(*server_, "carol", "phone");
  auto conversation = send(*alice, kBob, "p-1", "private")->conversation_id;
  EXPECT_EQ(sync(*carol, conversation).error().code, Errc::not_found);
  EXPECT_EQ(carol->call<proto::MessagesResult>(proto::type::kHistory, proto::HistoryRequest{conversation, {}, 10}).error().code,
            Errc::not_found);
  EXPECT_EQ(carol->call<proto::MessageReadResult>(proto::type::kMessageRead, proto::MessageReadRequest{conversation, 1})
                .error().code,
            Errc::not_found);
  proto::MessageSendRequest intrude;
  intrude.conversation_id = conversation;
  intrude.client_id = "i-1";
  intrude.body = {{"text", "let me in"}};
  EXPECT_EQ(carol->call<proto::MessageSendResult>(proto::type::kMessageSend, intrude).error().code, Errc::not_found);
  EXPECT_EQ(carol->call<proto::MessagesResult>(proto::type::kMessageSearch,
                                               proto::MessageSearchRequest{"private", conversation, {}, {}, 10})
                .error().code,
            Errc::not_found);
  EXPECT_TRUE(carol->call<proto::MessagesResult>(proto::type::kMessageSearch,
                                                 proto::MessageSearchRequest{"private", {}, {}, {}, 10})
                  ->messages.empty());
}

TEST_F(ChatTest, BadSendsAreRefusedWithTheField) {
  ServerProcess& s = *server_;
  auto alice = device(s, "alice", "phone");
  struct Case {
    boost::json::object data;
    Errc code;
    const char* field;
  };
  std::string long_text(4001, 'x');
  const std::vector<Case> cases = {
      {{{"to", kBob}, {"body", {{"text", "no id"}}}}, Errc::bad_request, "client_id"},
      {{{"to", kBob}, {"client_id", ""}, {"body", {{"text", "x"}}}}, Errc::bad_request, "client_id"},
      {{{"to", kBob}, {"client_id", "a"}, {"body", {{"text", ""}}}}, Errc::bad_request, "body"},
      {{{"to", kBob}, {"client_id", "a"}, {"body", {{"text", 5}}}}, Errc::bad_request, "body"},
      {{{"to", kBob}, {"client_id", "a"}}, Errc::bad_request, "body"},
      {{{"to", kBob}, {"client_id", "a"}, {"body", {{"text", long_text}}}}, Errc::too_large, "body"},
      {{{"to", kBob}, {"conversation_id", 1}, {"client_id", "a"}, {"body", {{"text", "x"}}}}, Errc::bad_request, "to"},
      {{{"client_id", "a"}, {"body", {{"text", "x"}}}}, Errc::bad_request, "to"},
      {{{"to", kAlice}, {"client_id", "a"}, {"body", {{"text", "me"}}}}, Errc::bad_request, "to"},
      {{{"to", 99999}, {"client_id", "a"}, {"body", {{"text", "x"}}}}, Errc::not_found, "to"},
      {{{"to", kBob}, {"client_id", "a"}, {"kind", "image"}, {"body", {{"url", "x"}}}}, Errc::bad_request, "kind"},
      {{{"to", kBob}, {"client_id", "a"}, {"kind", "recall"}, {"body", {{"seq", 1}}}}, Errc::bad_request, "kind"},
      {{{"to", "bob"}, {"client_id", "a"}, {"body", {{"text", "x"}}}}, Errc::bad_request, "to"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(boost::json::serialize(c.data));
    auto r = alice->request(proto::type::kMessageSend, c.data);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, c.code) << r.error().message;
    EXPECT_EQ(r.error().field, c.field);
  }
  EXPECT_EQ(alice->request(proto::type::kMessageSearch, {{"query", "   "}}).error().field, "query");
  EXPECT_EQ(alice->request(proto::type::kMessageSearch, {}).error().field, "query");
  EXPECT_EQ(alice->request(proto::type::kSync, {{"conversation_id", 1}, {"after_seq", -1}}).error().field, "after_seq");
  EXPECT_TRUE(alice->request(proto::type::kPing, {}));  // the connection is still fine
}

TEST_F(ChatTest, BlockedUsersAndRefusedStrangersCannotMessage) {
  auto alice = device(*server_, "alice", "phone");
  auto bob = device(*server_, "bob", "phone");
  auto carol = device(*server_, "carol", "phone");
  ASSERT_TRUE(send(*alice, kBob, "b-1", "before the block"));
  ASSERT_TRUE(bob->request(proto::type::kBlock, {{"user_id", kAlice}}));
  auto blocked = send(*alice, kBob, "b-2", "after the block");
  ASSERT_FALSE(blocked);
  EXPECT_EQ(blocked.error().code, Errc::forbidden);
  ASSERT_TRUE(carol->request(proto::type::kPrivacySet, {{"allow_strangers", false}}));
  auto stranger = send(*alice, kCarol, "s-1", "hello stranger");
  ASSERT_FALSE(stranger);
  EXPECT_EQ(stranger.error().code, Errc::forbidden);
  // The blocked sender cannot tell a block from a privacy setting.
  EXPECT_EQ(stranger.error().message, blocked.error().message);
  auto asked = alice->call<proto::FriendRequestResult>(proto::type::kFriendRequest, proto::FriendRequestRequest{kCarol, {}});
  ASSERT_TRUE(carol->request(proto::type::kFriendRespond, {{"request_id", asked->request_id}, {"accept", true}}));
  EXPECT_TRUE(send(*alice, kCarol, "s-2", "hello friend"));
}

TEST(ChatSlowConsumer, IsCutOffWithoutHarmingOthers) {
  // Large messages, so the kernel's socket buffers and the 2 MiB queue fill quickly; a
  // device that reads keeps up.
  // The sends outrun the default request rate (50/s): this test is about the send queue.
  ServerProcess server({"--max-send-queue-bytes", "2097152", "--max-text-chars", "50000", "--idle-timeout-ms", "600000",
                        "--max-requests-per-second", "100000", "--request-burst", "100000"});
  register_and_login(server, "alice");
  register_and_login(server, "bob");
  register_and_login(server, "carol");
  int stuck = silent_login(server.port(), "bob", "stuck");
  auto bob_phone = device(server, "bob", "phone");
  auto alice = device(server, "alice", "phone");
  auto carol = device(server, "carol", "phone");
  const std::string big(40'000, 'x');
  int sent = 0;
  for (int i = 0; i < 600; ++i) {
    auto r = send(*alice, kBob, "big-" + std::to_string(i), big);
    ASSERT_TRUE(r) << "sending " << i << ": " << r.error().message;
    ++sent;
    if (i % 50 == 49 && server.log().find("dropped: slow client") != std::string::npos) break;
  }
  // Drain the stuck socket: it ends (EOF or reset) instead of blocking forever.
  EXPECT_TRUE(read_until_cut_off(stuck)) << "the slow connection was not cut off";
  EXPECT_NE(server.log().find("dropped: slow client"), std::string::npos);
  // Everyone else is fine: bob's other device has every message, and the server serves.
  std::int64_t after = 0;
  for (;;) {
    auto page = sync(*bob_phone, 1, after);
    ASSERT_TRUE(page) << page.error().message;
    if (!page->messages.empty()) after = page->messages.back().seq;
    if (!page->has_more) break;
  }
  EXPECT_EQ(after, sent);  // large pages are cut short by size, and has_more says so
  EXPECT_TRUE(carol->request(proto::type::kPing, {}));
  EXPECT_TRUE(bob_phone->is_open());
}

TEST(ChatDurability, KillNineDuringABurstKeepsEveryAcknowledgedMessage) {
  ServerProcess server;
  register_and_login(server, "alice");
  register_and_login(server, "bob");
  std::mutex mutex;
  std::vector<std::pair<std::string, std::int64_t>> acked;
  std::atomic<bool> stop{false};
  std::vector<std::thread> senders;
  for (int t = 0; t < 4; ++t) {
    senders.emplace_back([&, t] {
      auto c = device(server, "alice", "d" + std::to_string(t));
      for (int i = 0; !stop; ++i) {
        std::string id = std::to_string(t) + "-" + std::to_string(i);
        auto r = send(*c, kBob, id, "burst " + id);
        if (!r) return;  // the server is gone
        std::lock_guard lock(mutex);
        acked.emplace_back(id, r->seq);
      }
    });
  }
  std::this_thread::sleep_for(700ms);
  server.kill9();
  stop = true;
  for (auto& t : senders) t.join();
  ASSERT_GT(acked.size(), 10u);
  server.restart();
  auto bob = device(server, "bob", "phone");
  auto list = conversations(*bob);
  ASSERT_EQ(list->conversations.size(), 1u);
  std::map<std::string, std::int64_t> stored;
  std::int64_t after = 0;
  for (;;) {
    auto page = sync(*bob, list->conversations[0].conversation_id, after);
    ASSERT_TRUE(page);
    for (const auto& m : page->messages) {
      stored[m.client_id] = m.seq;
      after = m.seq;
    }
    if (!page->has_more) break;
  }
  for (const auto& [id, seq] : acked) {
    ASSERT_TRUE(stored.count(id)) << "acknowledged message " << id << " was lost";
    EXPECT_EQ(stored[id], seq);
  }
}

}  // namespace
}  // namespace parley::test
