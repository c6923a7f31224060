// The friends service over a real SQLite store, with connections that record the events
// they are sent.
#include <filesystem>
#include <mutex>

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include "proto/codec.hpp"
#include "server/services/friends_service.hpp"
#include "server/store/store.hpp"

namespace parley::server {
namespace {

using proto::Errc;

class RecordingConnection final : public Connection {
 public:
  explicit RecordingConnection(std::uint64_t id) : id_(id) {}
  void send(std::shared_ptr<const std::string> frame) override {
    std::lock_guard lock(mutex_);
    frames_.push_back(*frame);
  }
  void close(int, std::string) override {}
  std::uint64_t id() const override { return id_; }

  // The events received so far, taken.
  std::vector<proto::Event> take() {
    std::lock_guard lock(mutex_);
    std::vector<proto::Event> out;
    for (const auto& f : frames_) {
      auto e = proto::parse_event(f, {});
      EXPECT_TRUE(e);
      out.push_back(*e);
    }
    frames_.clear();
    return out;
  }

 private:
  std::uint64_t id_;
  std::mutex mutex_;
  std::vector<std::string> frames_;  // GUARDED_BY(mutex_)
};

std::vector<std::string> types(const std::vector<proto::Event>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(e.type);
  return out;
}

class FriendsServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("parley-friends-" + std::to_string(::getpid()) + "-" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    store_ = std::move(*store::open_sqlite_store({(dir_ / "db").string(), false}));
    make_service({});
    for (const char* name : {"alice", "bob", "carol"}) {
      ids_.push_back(*store_->accounts().create_user({name, "h", name, 1}));
    }
    alice_ = {ids_[0], 1};
    bob_ = {ids_[1], 2};
    carol_ = {ids_[2], 3};
    for (auto* who : {&alice_, &bob_, &carol_}) {
      auto c = std::make_shared<RecordingConnection>(who->connection_id);
      registry_.attach(who->user_id, "d", c);
      connections_.push_back(c);
    }
    // alice's second device.
    alice_phone_ = std::make_shared<RecordingConnection>(11);
    registry_.attach(alice_.user_id, "phone", alice_phone_);
  }
  void TearDown() override {
    service_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  void make_service(FriendsService::Options options) {
    service_ = std::make_unique<FriendsService>(
        store_->friends(), store_->accounts(), registry_, [this] { return now_; }, options);
  }

  RecordingConnection& device(const Caller& who) {
    return *connections_[static_cast<std::size_t>(who.connection_id - 1)];
  }
  void drain() {
    for (auto& c : connections_) c->take();
    alice_phone_->take();
  }

  // a asks, b accepts.
  void befriend(const Caller& a, const Caller& b) {
    auto sent = service_->send_request(a, {b.user_id, std::nullopt});
    ASSERT_TRUE(sent) << sent.error().message;
    auto s = service_->respond(b, {sent->request_id, true, std::nullopt, std::nullopt});
    ASSERT_TRUE(s) << s.error().message;
    drain();
  }

  std::int64_t default_category(const Caller& who) {
    auto list = service_->list(who);
    for (const auto& c : list->categories) {
      if (c.is_default) return c.category_id;
    }
    return 0;
  }

  std::int64_t now_ = 1'795'312'496'000;
  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
  SessionRegistry registry_;
  std::unique_ptr<FriendsService> service_;
  std::vector<std::int64_t> ids_;
  Caller alice_, bob_, carol_;
  std::vector<std::shared_ptr<RecordingConnection>> connections_;
  std::shared_ptr<RecordingConnection> alice_phone_;
};

void expect_error(const proto::Status& s, Errc code, const std::string& field = "") {
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, code) << s.error().message;
  EXPECT_EQ(s.error().field, field) << s.error().message;
}

template <class T>
void expect_error(const proto::Result<T>& r, Errc code, const std::string& field = "") {
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, code) << r.error().message;
  EXPECT_EQ(r.error().field, field) << r.error().message;
}

TEST_F(FriendsServiceTest, RequestAcceptNotifiesBothSides) {
  auto sent = service_->send_request(alice_, {bob_.user_id, "hi bob"});
  ASSERT_TRUE(sent) << sent.error().message;
  EXPECT_EQ(sent->status, "pending");
  auto bob_events = device(bob_).take();
  ASSERT_EQ(types(bob_events), std::vector<std::string>{"friend_request"});
  auto event = proto::decode<proto::FriendRequestEvent>(bob_events[0].data);
  EXPECT_EQ(event->request_id, sent->request_id);
  EXPECT_EQ(event->from.username, "alice");
  EXPECT_EQ(event->note, "hi bob");
  EXPECT_EQ(event->created_at, now_);

  auto requests = service_->requests(bob_);
  ASSERT_EQ(requests->incoming.size(), 1u);
  EXPECT_EQ(requests->incoming[0].from.user_id, alice_.user_id);
  auto mine = service_->requests(alice_);
  ASSERT_EQ(mine->outgoing.size(), 1u);
  EXPECT_EQ(mine->outgoing[0].status, "pending");
  EXPECT_EQ(mine->outgoing[0].to.username, "bob");
  EXPECT_EQ(mine->outgoing[0].decided_at, 0);

  now_ += 1000;
  service_->show_presence([this](std::int64_t user) { return user == bob_.user_id ? "busy" : "online"; });
  ASSERT_TRUE(service_->respond(bob_, {sent->request_id, true, std::nullopt, std::nullopt}));
  auto alice_events = device(alice_).take();
  ASSERT_EQ(types(alice_events), (std::vector<std::string>{"friend_response", "friend_added"}));
  auto response = proto::decode<proto::FriendResponseEvent>(alice_events[0].data);
  EXPECT_TRUE(response->accepted);
  EXPECT_EQ(response->user_id, bob_.user_id);
  auto added = proto::decode<proto::FriendAddedEvent>(alice_events[1].data);
  EXPECT_EQ(added->username, "bob");
  EXPECT_EQ(added->since, now_);
  EXPECT_EQ(added->presence, std::optional<std::string>("busy"));
  EXPECT_EQ(types(alice_phone_->take()), (std::vector<std::string>{"friend_response", "friend_added"}));
  auto bob_added = device(bob_).take();
  ASSERT_EQ(types(bob_added), std::vector<std::string>{"friend_added"});
  EXPECT_EQ(proto::decode<proto::FriendAddedEvent>(bob_added[0].data)->username, "alice");
  EXPECT_EQ(proto::decode<proto::FriendAddedEvent>(bob_added[0].data)->presence, std::optional<std::string>("online"));
  EXPECT_TRUE(device(carol_).take().empty());

  auto list = service_->list(alice_);
  ASSERT_EQ(list->friends.size(), 1u);
  EXPECT_EQ(list->friends[0].user_id, bob_.user_id);
  EXPECT_EQ(service_->requests(alice_)->outgoing[0].status, "accepted");
  EXPECT_EQ(service_->requests(alice_)->outgoing[0].decided_at, now_);
  EXPECT_TRUE(service_->are_friends(alice_.user_id, bob_.user_id));
  EXPECT_TRUE(service_->are_friends(bob_.user_id, alice_.user_id));
}

TEST_F(FriendsServiceTest, RejectionTellsTheRequesterTheReason) {
  auto sent = service_->send_request(alice_, {bob_.user_id, std::nullopt});
  drain();
  ASSERT_TRUE(service_->respond(bob_, {sent->request_id, false, "who are you?", std::nullopt}));
  auto events = device(alice_).take();
  ASSERT_EQ(types(events), std::vector<std::string>{"friend_response"});
  auto response = proto::decode<proto::FriendResponseEvent>(events[0].data);
  EXPECT_FALSE(response->accepted);
  EXPECT_EQ(response->reason, "who are you?");
  auto outgoing = service_->requests(alice_)->outgoing;
  EXPECT_EQ(outgoing[0].status, "rejected");
  EXPECT_EQ(outgoing[0].reason, "who are you?");
  EXPECT_FALSE(service_->are_friends(alice_.user_id, bob_.user_id));
  expect_error(service_->respond(bob_, {sent->request_id, true, std::nullopt, std::nullopt}), Errc::conflict,
               "request_id");
}

TEST_F(FriendsServiceTest, RequestErrors) {
  expect_error(service_->send_request(alice_, {alice_.user_id, std::nullopt}), Errc::bad_request, "user_id");
  expect_error(service_->send_request(alice_, {99999, std::nullopt}), Errc::not_found, "user_id");
  expect_error(service_->send_request(alice_, {bob_.user_id, std::string(129, 'n')}), Errc::bad_request, "note");
  expect_error(service_->send_request(alice_, {bob_.user_id, "two\nlines"}), Errc::bad_request, "note");
  std::string cjk;
  for (int i = 0; i < 128; ++i) cjk += "字";
  EXPECT_TRUE(service_->send_request(alice_, {bob_.user_id, cjk}));  // characters, not bytes
  befriend(carol_, bob_);
  expect_error(service_->send_request(carol_, {bob_.user_id, std::nullopt}), Errc::conflict, "user_id");
}

TEST_F(FriendsServiceTest, ARepeatIsIdempotentAndUpdatesTheNote) {
  auto first = service_->send_request(alice_, {bob_.user_id, "one"});
  EXPECT_EQ(device(bob_).take().size(), 1u);
  auto same = service_->send_request(alice_, {bob_.user_id, "one"});
  EXPECT_EQ(same->request_id, first->request_id);
  EXPECT_EQ(same->status, "pending");
  EXPECT_TRUE(device(bob_).take().empty());  // nothing new to tell
  auto changed = service_->send_request(alice_, {bob_.user_id, "two"});
  EXPECT_EQ(changed->request_id, first->request_id);
  auto events = device(bob_).take();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(proto::decode<proto::FriendRequestEvent>(events[0].data)->note, "two");
  auto incoming = service_->requests(bob_)->incoming;
  ASSERT_EQ(incoming.size(), 1u);
  EXPECT_EQ(incoming[0].note, "two");
}

TEST_F(FriendsServiceTest, MutualRequestsBecomeFriendsAtOnce) {
  auto bobs = service_->send_request(bob_, {alice_.user_id, std::nullopt});
  drain();
  auto mine = service_->send_request(alice_, {bob_.user_id, std::nullopt});
  ASSERT_TRUE(mine);
  EXPECT_EQ(mine->status, "accepted");
  auto bob_events = device(bob_).take();
  ASSERT_EQ(types(bob_events), (std::vector<std::string>{"friend_response", "friend_added"}));
  EXPECT_EQ(proto::decode<proto::FriendResponseEvent>(bob_events[0].data)->request_id, bobs->request_id);
  EXPECT_EQ(types(device(alice_).take()), std::vector<std::string>{"friend_added"});
  EXPECT_TRUE(service_->are_friends(alice_.user_id, bob_.user_id));
  EXPECT_TRUE(service_->requests(alice_)->incoming.empty());
  EXPECT_EQ(service_->requests(bob_)->outgoing[0].status, "accepted");
}

TEST_F(FriendsServiceTest, OnlyTheRecipientMayRespond) {
  auto sent = service_->send_request(alice_, {bob_.user_id, std::nullopt});
  expect_error(service_->respond(carol_, {sent->request_id, true, std::nullopt, std::nullopt}), Errc::not_found,
               "request_id");
  expect_error(service_->respond(alice_, {sent->request_id, true, std::nullopt, std::nullopt}), Errc::not_found,
               "request_id");
  expect_error(service_->respond(bob_, {sent->request_id + 100, true, std::nullopt, std::nullopt}), Errc::not_found,
               "request_id");
  expect_error(service_->respond(bob_, {sent->request_id, false, std::string(129, 'r'), std::nullopt}),
               Errc::bad_request, "reason");
  auto carols = service_->create_category(carol_, {"mine"});
  expect_error(service_->respond(bob_, {sent->request_id, true, std::nullopt, carols->category_id}), Errc::not_found,
               "category_id");
  auto work = service_->create_category(bob_, {"work"});
  ASSERT_TRUE(service_->respond(bob_, {sent->request_id, true, std::nullopt, work->category_id}));
  auto list = service_->list(bob_);
  ASSERT_EQ(list->friends.size(), 1u);
  EXPECT_EQ(list->friends[0].category_id, work->category_id);
  EXPECT_EQ(service_->list(alice_)->friends[0].category_id, default_category(alice_));
}

TEST_F(FriendsServiceTest, ABlockedUsersRequestIsSilentlyDropped) {
  ASSERT_TRUE(service_->block(bob_, {alice_.user_id}));
  drain();
  auto sent = service_->send_request(alice_, {bob_.user_id, "let me in"});
  ASSERT_TRUE(sent) << sent.error().message;
  EXPECT_EQ(sent->status, "pending");  // exactly as if it went through
  EXPECT_TRUE(device(bob_).take().empty());
  EXPECT_TRUE(service_->requests(bob_)->incoming.empty());
  expect_error(service_->respond(bob_, {sent->request_id, true, std::nullopt, std::nullopt}), Errc::not_found,
               "request_id");
  auto outgoing = service_->requests(alice_)->outgoing;
  ASSERT_EQ(outgoing.size(), 1u);
  EXPECT_EQ(outgoing[0].status, "pending");
  EXPECT_EQ(service_->send_request(alice_, {bob_.user_id, "again"})->request_id, sent->request_id);
  EXPECT_TRUE(device(bob_).take().empty());
}

// Accepting a request from someone one blocked after it came: their friend_added shows
// one as offline, as their friend list would.
TEST_F(FriendsServiceTest, FriendAddedShowsABlockerAsOffline) {
  service_->show_presence([](std::int64_t) { return "busy"; });
  auto sent = service_->send_request(alice_, {bob_.user_id, std::nullopt});
  ASSERT_TRUE(sent);
  ASSERT_TRUE(service_->block(bob_, {alice_.user_id}));
  drain();
  ASSERT_TRUE(service_->respond(bob_, {sent->request_id, true, std::nullopt, std::nullopt}));
  int added = 0;
  for (const auto& e : device(alice_).take()) {
    if (e.type != "friend_added") continue;
    ++added;
    EXPECT_EQ(proto::decode<proto::FriendAddedEvent>(e.data)->presence, std::optional<std::string>("offline"));
  }
  EXPECT_EQ(added, 1);
  auto bob_added = device(bob_).take();
  ASSERT_EQ(types(bob_added), std::vector<std::string>{"friend_added"});
  EXPECT_EQ(proto::decode<proto::FriendAddedEvent>(bob_added[0].data)->presence, std::optional<std::string>("busy"));
}

TEST_F(FriendsServiceTest, ARequestDroppedWhileBlockedStaysDroppedAfterUnblocking) {
  ASSERT_TRUE(service_->block(bob_, {alice_.user_id}));
  auto dropped = service_->send_request(alice_, {bob_.user_id, std::nullopt});
  ASSERT_TRUE(service_->unblock(bob_, {alice_.user_id}));
  EXPECT_TRUE(service_->requests(bob_)->incoming.empty());
  drain();
  // bob's own request is not answered by the one he never saw: alice must accept it.
  auto bobs = service_->send_request(bob_, {alice_.user_id, std::nullopt});
  EXPECT_EQ(bobs->status, "pending");
  EXPECT_FALSE(service_->are_friends(alice_.user_id, bob_.user_id));
  EXPECT_EQ(types(device(alice_).take()), std::vector<std::string>{"friend_request"});
  ASSERT_TRUE(service_->respond(alice_, {bobs->request_id, true, std::nullopt, std::nullopt}));
  EXPECT_TRUE(service_->are_friends(alice_.user_id, bob_.user_id));
  // Both requests are settled.
  EXPECT_EQ(service_->requests(alice_)->outgoing[0].request_id, dropped->request_id);
  EXPECT_EQ(service_->requests(alice_)->outgoing[0].status, "accepted");
}

TEST_F(FriendsServiceTest, ARepeatAfterUnblockingIsDelivered) {
  ASSERT_TRUE(service_->block(bob_, {alice_.user_id}));
  auto dropped = service_->send_request(alice_, {bob_.user_id, std::nullopt});
  ASSERT_TRUE(service_->unblock(bob_, {alice_.user_id}));
  drain();
  auto again = service_->send_request(alice_, {bob_.user_id, std::nullopt});
  EXPECT_EQ(again->request_id, dropped->request_id);
  EXPECT_EQ(types(device(bob_).take()), std::vector<std::string>{"friend_request"});
  EXPECT_EQ(service_->requests(bob_)->incoming.size(), 1u);
}

TEST_F(FriendsServiceTest, BlockingSomeoneStopsMyRequestsToThem) {
  ASSERT_TRUE(service_->block(alice_, {bob_.user_id}));
  expect_error(service_->send_request(alice_, {bob_.user_id, std::nullopt}), Errc::forbidden, "user_id");
  ASSERT_TRUE(service_->unblock(alice_, {bob_.user_id}));
  EXPECT_TRUE(service_->send_request(alice_, {bob_.user_id, std::nullopt}));
}

TEST_F(FriendsServiceTest, BlockingWithdrawsMyPendingRequest) {
  auto sent = service_->send_request(alice_, {bob_.user_id, std::nullopt});
  ASSERT_TRUE(service_->block(alice_, {bob_.user_id}));
  EXPECT_TRUE(service_->requests(bob_)->incoming.empty());
  expect_error(service_->respond(bob_, {sent->request_id, true, std::nullopt, std::nullopt}), Errc::not_found,
               "request_id");
}

TEST_F(FriendsServiceTest, BlockErrorsAndList) {
  expect_error(service_->block(alice_, {alice_.user_id}), Errc::bad_request, "user_id");
  expect_error(service_->block(alice_, {99999}), Errc::not_found, "user_id");
  expect_error(service_->unblock(alice_, {alice_.user_id}), Errc::bad_request, "user_id");
  expect_error(service_->unblock(alice_, {99999}), Errc::not_found, "user_id");
  EXPECT_TRUE(service_->unblock(alice_, {bob_.user_id}));  // not blocked: no change
  befriend(alice_, bob_);
  ASSERT_TRUE(service_->block(alice_, {bob_.user_id}));
  EXPECT_EQ(types(alice_phone_->take()), std::vector<std::string>{"friends_changed"});
  EXPECT_TRUE(device(alice_).take().empty());                        // not to the device that did it
  EXPECT_TRUE(device(bob_).take().empty());                          // blocked users are not told
  EXPECT_TRUE(service_->are_friends(alice_.user_id, bob_.user_id));  // blocking keeps the friendship
  EXPECT_TRUE(service_->is_blocked(alice_.user_id, bob_.user_id));
  EXPECT_FALSE(service_->is_blocked(bob_.user_id, alice_.user_id));
  auto blocks = service_->blocks(alice_);
  ASSERT_EQ(blocks->users.size(), 1u);
  EXPECT_EQ(blocks->users[0].username, "bob");
  ASSERT_TRUE(service_->unblock(alice_, {bob_.user_id}));
  EXPECT_TRUE(service_->blocks(alice_)->users.empty());
}

TEST_F(FriendsServiceTest, FullFriendAndBlockListsRefuseMore) {
  make_service({.max_friends = 1, .max_blocks = 1});
  befriend(alice_, bob_);
  // alice is full: she can neither ask nor accept; carol cannot ask her either.
  auto asked = service_->send_request(alice_, {carol_.user_id, std::nullopt});
  ASSERT_FALSE(asked);
  EXPECT_EQ(asked.error().code, Errc::forbidden);
  auto theirs = service_->send_request(carol_, {alice_.user_id, std::nullopt});
  ASSERT_FALSE(theirs);
  EXPECT_EQ(theirs.error().code, Errc::forbidden);
  EXPECT_EQ(theirs.error().field, "user_id");
  make_service({.max_friends = 2, .max_blocks = 1});
  auto pending = service_->send_request(carol_, {alice_.user_id, std::nullopt});
  ASSERT_TRUE(pending) << pending.error().message;
  make_service({.max_friends = 1, .max_blocks = 1});
  auto accepted = service_->respond(alice_, {pending->request_id, true, std::nullopt, std::nullopt});
  ASSERT_FALSE(accepted);
  EXPECT_EQ(accepted.error().code, Errc::forbidden);
  EXPECT_TRUE(service_->respond(alice_, {pending->request_id, false, std::nullopt, std::nullopt}));
  // One block fits; blocking the same user again is no change; a second user is refused.
  ASSERT_TRUE(service_->block(carol_, {alice_.user_id}));
  EXPECT_TRUE(service_->block(carol_, {alice_.user_id}));
  auto second = service_->block(carol_, {bob_.user_id});
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, Errc::forbidden);
}

TEST_F(FriendsServiceTest, DeleteTellsTheOtherSideAndMyOtherDevices) {
  befriend(alice_, bob_);
  ASSERT_TRUE(service_->remove_friend(alice_, {bob_.user_id}));
  auto bob_events = device(bob_).take();
  ASSERT_EQ(types(bob_events), std::vector<std::string>{"friend_deleted"});
  EXPECT_EQ(proto::decode<proto::FriendDeletedEvent>(bob_events[0].data)->user_id, alice_.user_id);
  auto phone = alice_phone_->take();
  ASSERT_EQ(types(phone), std::vector<std::string>{"friend_deleted"});
  EXPECT_EQ(proto::decode<proto::FriendDeletedEvent>(phone[0].data)->user_id, bob_.user_id);
  EXPECT_TRUE(device(alice_).take().empty());
  EXPECT_FALSE(service_->are_friends(alice_.user_id, bob_.user_id));
  EXPECT_TRUE(service_->list(bob_)->friends.empty());
  expect_error(service_->remove_friend(alice_, {bob_.user_id}), Errc::not_found, "user_id");
  expect_error(service_->remove_friend(alice_, {alice_.user_id}), Errc::bad_request, "user_id");
  // A new request starts afresh.
  EXPECT_EQ(service_->send_request(bob_, {alice_.user_id, std::nullopt})->status, "pending");
}

TEST_F(FriendsServiceTest, Remarks) {
  befriend(alice_, bob_);
  ASSERT_TRUE(service_->set_remark(alice_, {bob_.user_id, "老鲍"}));
  EXPECT_EQ(types(alice_phone_->take()), std::vector<std::string>{"friends_changed"});
  EXPECT_EQ(service_->list(alice_)->friends[0].remark, "老鲍");
  EXPECT_EQ(service_->list(bob_)->friends[0].remark, "");
  ASSERT_TRUE(service_->set_remark(alice_, {bob_.user_id, ""}));
  EXPECT_EQ(service_->list(alice_)->friends[0].remark, "");
  expect_error(service_->set_remark(alice_, {bob_.user_id, std::string(33, 'x')}), Errc::bad_request, "remark");
  expect_error(service_->set_remark(alice_, {bob_.user_id, "tab\there"}), Errc::bad_request, "remark");
  expect_error(service_->set_remark(alice_, {carol_.user_id, "x"}), Errc::not_found, "user_id");
}

TEST_F(FriendsServiceTest, Categories) {
  befriend(alice_, bob_);
  auto list = service_->list(alice_);
  ASSERT_EQ(list->categories.size(), 1u);
  EXPECT_EQ(list->categories[0].name, "My friends");
  EXPECT_TRUE(list->categories[0].is_default);
  auto dflt = list->categories[0].category_id;

  auto work = service_->create_category(alice_, {"work"});
  ASSERT_TRUE(work) << work.error().message;
  EXPECT_EQ(types(alice_phone_->take()), std::vector<std::string>{"friends_changed"});
  expect_error(service_->create_category(alice_, {"work"}), Errc::conflict, "name");
  expect_error(service_->create_category(alice_, {""}), Errc::bad_request, "name");
  expect_error(service_->create_category(alice_, {std::string(33, 'c')}), Errc::bad_request, "name");
  expect_error(service_->create_category(alice_, {"a\x01"}), Errc::bad_request, "name");

  ASSERT_TRUE(service_->move_friend(alice_, {bob_.user_id, work->category_id}));
  EXPECT_EQ(service_->list(alice_)->friends[0].category_id, work->category_id);
  auto carols = service_->create_category(carol_, {"c"});
  expect_error(service_->move_friend(alice_, {bob_.user_id, carols->category_id}), Errc::not_found, "category_id");
  expect_error(service_->move_friend(alice_, {carol_.user_id, work->category_id}), Errc::not_found, "user_id");

  ASSERT_TRUE(service_->rename_category(alice_, {work->category_id, "office"}));
  auto school = service_->create_category(alice_, {"school"});
  expect_error(service_->rename_category(alice_, {work->category_id, "school"}), Errc::conflict, "name");
  expect_error(service_->rename_category(alice_, {dflt, "renamed"}), Errc::forbidden, "category_id");
  expect_error(service_->rename_category(alice_, {carols->category_id, "x"}), Errc::not_found, "category_id");
  expect_error(service_->rename_category(alice_, {work->category_id, ""}), Errc::bad_request, "name");

  ASSERT_TRUE(service_->reorder_categories(alice_, {{school->category_id, work->category_id, dflt}}));
  auto ordered = service_->list(alice_)->categories;
  ASSERT_EQ(ordered.size(), 3u);
  EXPECT_EQ(ordered[0].name, "school");
  EXPECT_EQ(ordered[1].name, "office");
  EXPECT_EQ(ordered[2].category_id, dflt);
  EXPECT_EQ(ordered[2].position, 2);
  expect_error(service_->reorder_categories(alice_, {{school->category_id, work->category_id}}), Errc::bad_request,
               "category_ids");
  expect_error(service_->reorder_categories(alice_, {{school->category_id, work->category_id, dflt, dflt}}),
               Errc::bad_request, "category_ids");
  expect_error(service_->reorder_categories(alice_, {{school->category_id, work->category_id, carols->category_id}}),
               Errc::bad_request, "category_ids");

  expect_error(service_->delete_category(alice_, {dflt}), Errc::forbidden, "category_id");
  expect_error(service_->delete_category(alice_, {carols->category_id}), Errc::not_found, "category_id");
  ASSERT_TRUE(service_->delete_category(alice_, {work->category_id}));
  EXPECT_EQ(service_->list(alice_)->friends[0].category_id, dflt);
  EXPECT_EQ(service_->list(alice_)->categories.size(), 2u);
}

TEST_F(FriendsServiceTest, AtMostFiftyCategories) {
  for (int i = 1; i < 50; ++i) {
    ASSERT_TRUE(service_->create_category(alice_, {"c" + std::to_string(i)})) << i;
  }
  expect_error(service_->create_category(alice_, {"c50"}), Errc::forbidden);
  EXPECT_EQ(service_->list(alice_)->categories.size(), 50u);
}

TEST_F(FriendsServiceTest, PrivacyDefaultsToAllowingStrangers) {
  EXPECT_TRUE(service_->privacy(alice_)->allow_strangers);
  auto set = service_->set_privacy(alice_, {false});
  ASSERT_TRUE(set);
  EXPECT_FALSE(set->allow_strangers);
  EXPECT_FALSE(service_->privacy(alice_)->allow_strangers);
  EXPECT_TRUE(service_->privacy(bob_)->allow_strangers);
}

TEST_F(FriendsServiceTest, MayMessage) {
  auto a = alice_.user_id, b = bob_.user_id, c = carol_.user_id;
  // Strangers, with everything allowed.
  EXPECT_TRUE(service_->may_message(a, b));
  EXPECT_TRUE(service_->may_message(a, a));
  expect_error(service_->may_message(a, 99999), Errc::not_found);

  // bob refuses strangers: alice may not, a friend may.
  ASSERT_TRUE(service_->set_privacy(bob_, {false}));
  expect_error(service_->may_message(a, b), Errc::forbidden);
  EXPECT_EQ(service_->may_message(a, b).error().message, kMayNotMessage);
  EXPECT_TRUE(service_->may_message(b, a));  // alice still accepts strangers
  befriend(alice_, bob_);
  EXPECT_TRUE(service_->may_message(a, b));

  // Blocking refuses even a friend, in one direction only, with the same message.
  ASSERT_TRUE(service_->block(bob_, {a}));
  auto blocked = service_->may_message(a, b);
  expect_error(blocked, Errc::forbidden);
  EXPECT_EQ(blocked.error().message, kMayNotMessage);
  EXPECT_TRUE(service_->may_message(b, a));
  ASSERT_TRUE(service_->block(carol_, {a}));
  expect_error(service_->may_message(a, c), Errc::forbidden);
}

TEST_F(FriendsServiceTest, TheServerSettingRefusesStrangersForEveryone) {
  make_service({.allow_strangers = false});
  auto a = alice_.user_id, b = bob_.user_id;
  EXPECT_TRUE(service_->privacy(bob_)->allow_strangers);
  expect_error(service_->may_message(a, b), Errc::forbidden);
  befriend(alice_, bob_);
  EXPECT_TRUE(service_->may_message(a, b));
  EXPECT_TRUE(service_->may_message(b, a));
  expect_error(service_->may_message(a, carol_.user_id), Errc::forbidden);
}

TEST_F(FriendsServiceTest, OutgoingListsOnlyTheLastThirtyDays) {
  service_->send_request(alice_, {bob_.user_id, std::nullopt});
  now_ += 31LL * 24 * 3600 * 1000;
  service_->send_request(alice_, {carol_.user_id, std::nullopt});
  auto outgoing = service_->requests(alice_)->outgoing;
  ASSERT_EQ(outgoing.size(), 1u);
  EXPECT_EQ(outgoing[0].to.username, "carol");
  // Still pending for bob, whatever its age.
  EXPECT_EQ(service_->requests(bob_)->incoming.size(), 1u);
}

}  // namespace
}  // namespace parley::server
