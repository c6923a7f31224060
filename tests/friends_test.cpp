// Friends against the real parleyd: several clients, each on its own WebSocket, and the
// events that reach them.
#include <thread>
#include <tuple>

#include <gtest/gtest.h>
#include <boost/json/serialize.hpp>

#include "tests/server_process.hpp"

namespace parley::test {
namespace {

using namespace std::chrono_literals;
using proto::Errc;

constexpr std::int64_t kAlice = 10001;
constexpr std::int64_t kBob = 10002;
constexpr std::int64_t kCarol = 10003;

// The next event that is not about presence, which changes as devices come and go.
std::optional<proto::Event> next_non_presence_event(client::Client& c, std::chrono::milliseconds wait) {
  for (;;) {
    auto event = c.next_event(wait);
    if (!event || event->type != proto::event::kPresence) return event;
  }
}

// The next event (presence aside) must be of `type`: returns its data.
boost::json::object expect_event(client::Client& c, const std::string& type) {
  auto event = next_non_presence_event(c, 10s);
  if (!event) {
    ADD_FAILURE() << "no event, expected " << type;
    return {};
  }
  EXPECT_EQ(event->type, type) << boost::json::serialize(event->data);
  return event->data;
}

// No event is waiting: one sent before this call would have arrived before the answer
// to the ping sent here, since a connection delivers in order.
void expect_no_event(client::Client& c) {
  ASSERT_TRUE(c.request(proto::type::kPing));
  auto event = next_non_presence_event(c, 0ms);
  EXPECT_FALSE(event) << event->type << " " << boost::json::serialize(event->data);
}

std::unique_ptr<client::Client> login(const ServerProcess& server, const std::string& user, const std::string& device) {
  auto c = connect(server);
  auto in = c->call<proto::LoginResult>(proto::type::kLogin, proto::LoginRequest{user, kPassword, device});
  if (!in) throw std::runtime_error("login " + user + ": " + in.error().message);
  return c;
}

void register_only(const ServerProcess& server, const std::string& user) {
  auto r =
      connect(server)->call<proto::RegisterResult>(proto::type::kRegister, proto::RegisterRequest{user, kPassword, {}});
  if (!r) throw std::runtime_error("register " + user + ": " + r.error().message);
}

proto::Result<proto::FriendRequestResult> request(client::Client& c, std::int64_t user,
                                                  std::optional<std::string> note = std::nullopt) {
  return c.call<proto::FriendRequestResult>(proto::type::kFriendRequest, proto::FriendRequestRequest{user, note});
}

proto::Result<proto::EmptyResult> respond(client::Client& c, std::int64_t request_id, bool accept,
                                          std::optional<std::string> reason = std::nullopt,
                                          std::optional<std::int64_t> category = std::nullopt) {
  return c.call<proto::EmptyResult>(proto::type::kFriendRespond,
                                    proto::FriendRespondRequest{request_id, accept, reason, category});
}

proto::FriendsListResult list(client::Client& c) {
  auto r = c.call<proto::FriendsListResult>(proto::type::kFriendsList, proto::FriendsListRequest{});
  if (!r) throw std::runtime_error("friends_list: " + r.error().message);
  return *r;
}

proto::FriendRequestsResult requests(client::Client& c) {
  auto r = c.call<proto::FriendRequestsResult>(proto::type::kFriendRequests, proto::FriendRequestsRequest{});
  if (!r) throw std::runtime_error("friend_requests: " + r.error().message);
  return *r;
}

template <class T>
void expect_error(const proto::Result<T>& r, Errc code, const std::string& field = "") {
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, code) << r.error().message;
  EXPECT_EQ(r.error().field, field) << r.error().message;
}

// Three users, all online: alice (two devices), bob and carol.
class FriendsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    alice_ = register_and_login(server_, "alice", "laptop");
    bob_ = register_and_login(server_, "bob");
    carol_ = register_and_login(server_, "carol");
    alice_phone_ = login(server_, "alice", "phone");
  }

  // alice asks bob, who accepts; the events this sends are consumed.
  void befriend_alice_and_bob() {
    auto sent = request(*alice_, kBob);
    ASSERT_TRUE(sent) << sent.error().message;
    expect_event(*bob_, proto::event::kFriendRequest);
    ASSERT_TRUE(respond(*bob_, sent->request_id, true));
    for (auto* device : {alice_.get(), alice_phone_.get()}) {
      expect_event(*device, proto::event::kFriendResponse);
      expect_event(*device, proto::event::kFriendAdded);
    }
    expect_event(*bob_, proto::event::kFriendAdded);
  }

  ServerProcess server_;
  std::unique_ptr<client::Client> alice_, bob_, carol_, alice_phone_;
};

TEST_F(FriendsTest, RequestAndAcceptReachEveryDeviceOfBothSides) {
  auto sent = request(*alice_, kBob, "Hi Bob, it's Alice");
  ASSERT_TRUE(sent) << sent.error().message;
  EXPECT_EQ(sent->status, "pending");

  auto event = proto::decode<proto::FriendRequestEvent>(expect_event(*bob_, proto::event::kFriendRequest));
  ASSERT_TRUE(event);
  EXPECT_EQ(event->request_id, sent->request_id);
  EXPECT_EQ(event->from.user_id, kAlice);
  EXPECT_EQ(event->from.username, "alice");
  EXPECT_EQ(event->note, "Hi Bob, it's Alice");
  expect_no_event(*carol_);

  auto incoming = requests(*bob_).incoming;
  ASSERT_EQ(incoming.size(), 1u);
  EXPECT_EQ(incoming[0].request_id, sent->request_id);

  ASSERT_TRUE(respond(*bob_, sent->request_id, true));
  for (auto* device : {alice_.get(), alice_phone_.get()}) {
    auto response = proto::decode<proto::FriendResponseEvent>(expect_event(*device, proto::event::kFriendResponse));
    EXPECT_EQ(response->request_id, sent->request_id);
    EXPECT_EQ(response->user_id, kBob);
    EXPECT_TRUE(response->accepted);
    auto added = proto::decode<proto::FriendAddedEvent>(expect_event(*device, proto::event::kFriendAdded));
    EXPECT_EQ(added->user_id, kBob);
    EXPECT_EQ(added->username, "bob");
  }
  auto bobs_added = proto::decode<proto::FriendAddedEvent>(expect_event(*bob_, proto::event::kFriendAdded));
  EXPECT_EQ(bobs_added->user_id, kAlice);

  auto alices = list(*alice_);
  ASSERT_EQ(alices.friends.size(), 1u);
  EXPECT_EQ(alices.friends[0].user_id, kBob);
  ASSERT_EQ(alices.categories.size(), 1u);
  EXPECT_TRUE(alices.categories[0].is_default);
  EXPECT_EQ(alices.categories[0].name, "My friends");
  EXPECT_EQ(alices.friends[0].category_id, alices.categories[0].category_id);
  ASSERT_EQ(list(*bob_).friends.size(), 1u);
  EXPECT_EQ(requests(*alice_).outgoing[0].status, "accepted");
  EXPECT_TRUE(requests(*bob_).incoming.empty());
  expect_no_event(*carol_);
}

// Each side's friend_added says how the other looks now, as friends_list would: the
// chosen status, or offline for an invisible user.
TEST_F(FriendsTest, FriendAddedCarriesWhatTheNewFriendsPresenceLooksLike) {
  ASSERT_TRUE(alice_->call<proto::EmptyResult>(proto::type::kPresenceSet, proto::PresenceSetRequest{"away"}));
  ASSERT_TRUE(carol_->call<proto::EmptyResult>(proto::type::kPresenceSet, proto::PresenceSetRequest{"invisible"}));
  for (auto [asker, id, seen] : {std::tuple{alice_.get(), kAlice, "away"}, std::tuple{carol_.get(), kCarol, "offline"}}) {
    auto sent = request(*asker, kBob);
    ASSERT_TRUE(sent) << sent.error().message;
    expect_event(*bob_, proto::event::kFriendRequest);
    ASSERT_TRUE(respond(*bob_, sent->request_id, true));
    expect_event(*asker, proto::event::kFriendResponse);
    auto bob_seen = proto::decode<proto::FriendAddedEvent>(expect_event(*asker, proto::event::kFriendAdded));
    ASSERT_TRUE(bob_seen);
    EXPECT_EQ(bob_seen->presence, std::optional<std::string>("online"));
    auto asker_seen = proto::decode<proto::FriendAddedEvent>(expect_event(*bob_, proto::event::kFriendAdded));
    ASSERT_TRUE(asker_seen);
    EXPECT_EQ(asker_seen->user_id, id);
    EXPECT_EQ(asker_seen->presence, std::optional<std::string>(seen));
  }
}

TEST_F(FriendsTest, AnOfflineUserFindsThePendingRequestAfterLogin) {
  register_only(server_, "dave");
  constexpr std::int64_t kDave = 10004;
  auto sent = request(*alice_, kDave, "see you online");
  ASSERT_TRUE(sent) << sent.error().message;

  auto dave = login(server_, "dave", "desk");
  auto incoming = requests(*dave).incoming;
  ASSERT_EQ(incoming.size(), 1u);
  EXPECT_EQ(incoming[0].request_id, sent->request_id);
  EXPECT_EQ(incoming[0].from.username, "alice");
  EXPECT_EQ(incoming[0].note, "see you online");
  expect_no_event(*dave);  // delivered by the listing, not replayed as an event

  ASSERT_TRUE(respond(*dave, sent->request_id, true));
  expect_event(*alice_, proto::event::kFriendResponse);
  expect_event(*alice_, proto::event::kFriendAdded);
  EXPECT_EQ(list(*dave).friends.size(), 1u);
}

TEST_F(FriendsTest, RejectionTellsTheRequesterAndTheRecipientsOtherDevices) {
  auto sent = request(*bob_, kAlice);
  ASSERT_TRUE(sent);
  expect_event(*alice_, proto::event::kFriendRequest);
  expect_event(*alice_phone_, proto::event::kFriendRequest);
  ASSERT_TRUE(respond(*alice_, sent->request_id, false, "I don't know you"));
  auto response = proto::decode<proto::FriendResponseEvent>(expect_event(*bob_, proto::event::kFriendResponse));
  EXPECT_FALSE(response->accepted);
  EXPECT_EQ(response->reason, "I don't know you");
  expect_event(*alice_phone_, proto::event::kFriendsChanged);
  expect_no_event(*alice_);
  auto outgoing = requests(*bob_).outgoing;
  ASSERT_EQ(outgoing.size(), 1u);
  EXPECT_EQ(outgoing[0].status, "rejected");
  EXPECT_EQ(outgoing[0].reason, "I don't know you");
  EXPECT_GT(outgoing[0].decided_at, 0);
  EXPECT_TRUE(list(*bob_).friends.empty());
  expect_error(respond(*alice_, sent->request_id, true), Errc::conflict, "request_id");
}

TEST_F(FriendsTest, MutualRequestsMakeFriendsAtOnce) {
  auto bobs = request(*bob_, kCarol);
  ASSERT_TRUE(bobs);
  expect_event(*carol_, proto::event::kFriendRequest);
  auto carols = request(*carol_, kBob);
  ASSERT_TRUE(carols);
  EXPECT_EQ(carols->status, "accepted");
  auto response = proto::decode<proto::FriendResponseEvent>(expect_event(*bob_, proto::event::kFriendResponse));
  EXPECT_EQ(response->request_id, bobs->request_id);
  EXPECT_EQ(response->user_id, kCarol);
  EXPECT_TRUE(response->accepted);
  expect_event(*bob_, proto::event::kFriendAdded);
  expect_event(*carol_, proto::event::kFriendAdded);
  EXPECT_EQ(list(*bob_).friends.size(), 1u);
  EXPECT_EQ(list(*carol_).friends.size(), 1u);
  expect_error(request(*bob_, kCarol), Errc::conflict, "user_id");
}

TEST_F(FriendsTest, ARepeatedRequestIsTheSameRequest) {
  auto first = request(*alice_, kBob, "one");
  expect_event(*bob_, proto::event::kFriendRequest);
  auto same = request(*alice_, kBob, "one");
  EXPECT_EQ(same->request_id, first->request_id);
  expect_no_event(*bob_);
  auto changed = request(*alice_, kBob, "two");
  EXPECT_EQ(changed->request_id, first->request_id);
  auto event = proto::decode<proto::FriendRequestEvent>(expect_event(*bob_, proto::event::kFriendRequest));
  EXPECT_EQ(event->note, "two");
  auto incoming = requests(*bob_).incoming;
  ASSERT_EQ(incoming.size(), 1u);
  EXPECT_EQ(incoming[0].note, "two");
  EXPECT_EQ(requests(*alice_).outgoing.size(), 1u);
}

TEST_F(FriendsTest, OnlyTheRecipientCanRespond) {
  auto sent = request(*alice_, kBob);
  expect_error(respond(*carol_, sent->request_id, true), Errc::not_found, "request_id");
  expect_error(respond(*alice_, sent->request_id, true), Errc::not_found, "request_id");
  // An id that does not exist looks the same.
  expect_error(respond(*carol_, sent->request_id + 1000, true), Errc::not_found, "request_id");
  EXPECT_TRUE(list(*alice_).friends.empty());
  EXPECT_TRUE(respond(*bob_, sent->request_id, false));
}

TEST_F(FriendsTest, RequestErrors) {
  expect_error(request(*alice_, kAlice), Errc::bad_request, "user_id");
  expect_error(request(*alice_, 99999), Errc::not_found, "user_id");
  expect_error(request(*alice_, kBob, std::string(129, 'x')), Errc::bad_request, "note");
  expect_error(request(*alice_, kBob, "bell\a"), Errc::bad_request, "note");
  // Wrongly typed members, as a hand-written client might send them.
  auto typed = alice_->request(proto::type::kFriendRequest, {{"user_id", "bob"}});
  expect_error(typed, Errc::bad_request, "user_id");
  auto missing = alice_->request(proto::type::kFriendRespond, {{"request_id", 1}});
  expect_error(missing, Errc::bad_request, "accept");
  auto zero = alice_->request(proto::type::kFriendRequest, {{"user_id", 0}});
  expect_error(zero, Errc::bad_request, "user_id");
  expect_error(alice_->request(proto::type::kFriendRespond, {{"request_id", 0}, {"accept", true}}),
               Errc::bad_request, "request_id");
  expect_error(alice_->request(proto::type::kFriendRespond, {{"request_id", 1}, {"accept", "yes"}}),
               Errc::bad_request, "accept");
  expect_error(alice_->request(proto::type::kPrivacySet, {{"allow_strangers", "no"}}), Errc::bad_request,
               "allow_strangers");
  expect_error(alice_->request(proto::type::kCategoryReorder, {{"category_ids", boost::json::array{1, "2"}}}),
               Errc::bad_request, "category_ids");
  boost::json::array too_many;
  for (int i = 1; i <= 65; ++i) too_many.push_back(i);
  expect_error(alice_->request(proto::type::kCategoryReorder, {{"category_ids", too_many}}), Errc::too_large,
               "category_ids");
  expect_error(alice_->request(proto::type::kCategoryCreate, {{"name", std::string(2000, 'x')}}), Errc::too_large,
               "name");
  expect_error(alice_->request(proto::type::kFriendMove, {{"user_id", kBob}}), Errc::bad_request, "category_id");
}

TEST_F(FriendsTest, DeleteTellsTheOtherSideAndMyOtherDevices) {
  befriend_alice_and_bob();
  ASSERT_TRUE(alice_->call<proto::EmptyResult>(proto::type::kFriendDelete, proto::FriendDeleteRequest{kBob}));
  auto to_bob = proto::decode<proto::FriendDeletedEvent>(expect_event(*bob_, proto::event::kFriendDeleted));
  EXPECT_EQ(to_bob->user_id, kAlice);
  auto to_phone = proto::decode<proto::FriendDeletedEvent>(expect_event(*alice_phone_, proto::event::kFriendDeleted));
  EXPECT_EQ(to_phone->user_id, kBob);
  expect_no_event(*alice_);
  EXPECT_TRUE(list(*alice_).friends.empty());
  EXPECT_TRUE(list(*bob_).friends.empty());
  expect_error(alice_->call<proto::EmptyResult>(proto::type::kFriendDelete, proto::FriendDeleteRequest{kBob}),
               Errc::not_found, "user_id");
  // Friends again through a new request.
  EXPECT_EQ(request(*bob_, kAlice)->status, "pending");
}

TEST_F(FriendsTest, CategoriesAndRemarks) {
  befriend_alice_and_bob();
  auto call = [&](std::string_view type, auto request) { return alice_->call<proto::EmptyResult>(type, request); };
  auto dflt = list(*alice_).categories[0].category_id;

  auto work =
      alice_->call<proto::CategoryCreateResult>(proto::type::kCategoryCreate, proto::CategoryCreateRequest{"同事"});
  ASSERT_TRUE(work) << work.error().message;
  expect_event(*alice_phone_, proto::event::kFriendsChanged);
  expect_error(
      alice_->call<proto::CategoryCreateResult>(proto::type::kCategoryCreate, proto::CategoryCreateRequest{"同事"}),
      Errc::conflict, "name");
  expect_error(
      alice_->call<proto::CategoryCreateResult>(proto::type::kCategoryCreate, proto::CategoryCreateRequest{""}),
      Errc::bad_request, "name");

  ASSERT_TRUE(call(proto::type::kFriendMove, proto::FriendMoveRequest{kBob, work->category_id}));
  expect_event(*alice_phone_, proto::event::kFriendsChanged);
  EXPECT_EQ(list(*alice_).friends[0].category_id, work->category_id);
  EXPECT_NE(list(*bob_).friends[0].category_id, work->category_id);  // bob's side is his own

  ASSERT_TRUE(call(proto::type::kCategoryRename, proto::CategoryRenameRequest{work->category_id, "老同事"}));
  expect_error(call(proto::type::kCategoryRename, proto::CategoryRenameRequest{dflt, "x"}), Errc::forbidden,
               "category_id");
  ASSERT_TRUE(call(proto::type::kCategoryReorder, proto::CategoryReorderRequest{{work->category_id, dflt}}));
  auto categories = list(*alice_).categories;
  ASSERT_EQ(categories.size(), 2u);
  EXPECT_EQ(categories[0].name, "老同事");
  EXPECT_EQ(categories[0].position, 0);
  EXPECT_EQ(categories[1].category_id, dflt);
  EXPECT_EQ(categories[1].position, 1);
  expect_error(call(proto::type::kCategoryReorder, proto::CategoryReorderRequest{{work->category_id}}),
               Errc::bad_request, "category_ids");

  ASSERT_TRUE(call(proto::type::kFriendRemark, proto::FriendRemarkRequest{kBob, "鲍勃"}));
  EXPECT_EQ(list(*alice_).friends[0].remark, "鲍勃");
  EXPECT_EQ(list(*bob_).friends[0].remark, "");
  expect_error(call(proto::type::kFriendRemark, proto::FriendRemarkRequest{kBob, std::string(33, 'r')}),
               Errc::bad_request, "remark");
  expect_error(call(proto::type::kFriendRemark, proto::FriendRemarkRequest{kCarol, "c"}), Errc::not_found, "user_id");

  expect_error(call(proto::type::kCategoryDelete, proto::CategoryDeleteRequest{dflt}), Errc::forbidden, "category_id");
  ASSERT_TRUE(call(proto::type::kCategoryDelete, proto::CategoryDeleteRequest{work->category_id}));
  auto after = list(*alice_);
  ASSERT_EQ(after.categories.size(), 1u);
  EXPECT_EQ(after.friends[0].category_id, dflt);
  EXPECT_EQ(after.friends[0].remark, "鲍勃");
  expect_error(call(proto::type::kCategoryDelete, proto::CategoryDeleteRequest{work->category_id}), Errc::not_found,
               "category_id");
}

TEST_F(FriendsTest, AcceptingIntoAChosenCategory) {
  auto school =
      bob_->call<proto::CategoryCreateResult>(proto::type::kCategoryCreate, proto::CategoryCreateRequest{"school"});
  auto sent = request(*alice_, kBob);
  expect_event(*bob_, proto::event::kFriendRequest);
  ASSERT_TRUE(respond(*bob_, sent->request_id, true, std::nullopt, school->category_id));
  EXPECT_EQ(list(*bob_).friends[0].category_id, school->category_id);
  auto alices = list(*alice_);
  EXPECT_EQ(alices.friends[0].category_id, alices.categories[0].category_id);
}

TEST_F(FriendsTest, ABlockedUsersRequestIsSilentlyDropped) {
  ASSERT_TRUE(bob_->call<proto::EmptyResult>(proto::type::kBlock, proto::BlockRequest{kAlice}));
  auto sent = request(*alice_, kBob, "please");
  ASSERT_TRUE(sent) << sent.error().message;
  EXPECT_EQ(sent->status, "pending");
  expect_no_event(*bob_);
  EXPECT_TRUE(requests(*bob_).incoming.empty());
  expect_error(respond(*bob_, sent->request_id, true), Errc::not_found, "request_id");
  EXPECT_EQ(requests(*alice_).outgoing[0].status, "pending");

  auto blocks = bob_->call<proto::BlocksListResult>(proto::type::kBlocksList, proto::BlocksListRequest{});
  ASSERT_EQ(blocks->users.size(), 1u);
  EXPECT_EQ(blocks->users[0].username, "alice");
  // The blocker cannot send requests either, until unblocking.
  expect_error(request(*bob_, kAlice), Errc::forbidden, "user_id");
  ASSERT_TRUE(bob_->call<proto::EmptyResult>(proto::type::kUnblock, proto::UnblockRequest{kAlice}));
  EXPECT_TRUE(bob_->call<proto::BlocksListResult>(proto::type::kBlocksList, proto::BlocksListRequest{})->users.empty());
  EXPECT_EQ(request(*bob_, kAlice)->status, "pending");
}

TEST_F(FriendsTest, BlockingKeepsTheFriendshipAndTellsOnlyMyOtherDevices) {
  befriend_alice_and_bob();
  ASSERT_TRUE(alice_->call<proto::EmptyResult>(proto::type::kBlock, proto::BlockRequest{kBob}));
  expect_event(*alice_phone_, proto::event::kFriendsChanged);
  expect_no_event(*bob_);
  EXPECT_EQ(list(*alice_).friends.size(), 1u);
  EXPECT_EQ(list(*bob_).friends.size(), 1u);
  expect_error(alice_->call<proto::EmptyResult>(proto::type::kBlock, proto::BlockRequest{kAlice}), Errc::bad_request,
               "user_id");
  expect_error(alice_->call<proto::EmptyResult>(proto::type::kBlock, proto::BlockRequest{99999}), Errc::not_found,
               "user_id");
}

TEST_F(FriendsTest, PrivacyDefaultsToAllowingStrangers) {
  auto got = alice_->call<proto::Privacy>(proto::type::kPrivacyGet, proto::PrivacyGetRequest{});
  ASSERT_TRUE(got);
  EXPECT_TRUE(got->allow_strangers);
  auto set = alice_->call<proto::Privacy>(proto::type::kPrivacySet, proto::Privacy{false});
  ASSERT_TRUE(set);
  EXPECT_FALSE(set->allow_strangers);
  EXPECT_FALSE(
      alice_phone_->call<proto::Privacy>(proto::type::kPrivacyGet, proto::PrivacyGetRequest{})->allow_strangers);
  EXPECT_TRUE(bob_->call<proto::Privacy>(proto::type::kPrivacyGet, proto::PrivacyGetRequest{})->allow_strangers);
  expect_error(alice_->request(proto::type::kPrivacySet, {}), Errc::bad_request, "allow_strangers");
}

TEST(FriendsHttp, FriendsRequestsWorkOverHttpAndNeedASession) {
  ServerProcess server;
  auto alice = register_and_login(server, "alice");  // 10001, online
  register_only(server, "bob");
  auto login = client::http_call(server.options(), proto::type::kLogin,
                                 proto::encode(proto::LoginRequest{"bob", kPassword, "script"}));
  ASSERT_TRUE(login) << login.error().message;
  std::string token(login->at("token").as_string());
  auto sent = client::http_call(server.options(), proto::type::kFriendRequest,
                                proto::encode(proto::FriendRequestRequest{kAlice, std::nullopt}), token);
  ASSERT_TRUE(sent) << sent.error().message;
  expect_event(*alice, proto::event::kFriendRequest);
  auto listed = client::http_call(server.options(), proto::type::kFriendRequests, {}, token);
  ASSERT_TRUE(listed);
  EXPECT_EQ(listed->at("outgoing").as_array().size(), 1u);
  auto anonymous = client::http_call(server.options(), proto::type::kFriendsList, {});
  expect_error(anonymous, Errc::unauthorized);
  auto before_login = connect(server)->request(proto::type::kFriendsList);
  expect_error(before_login, Errc::unauthorized);
}

// The log line is written just after the port is announced: wait for it.
bool log_says(const ServerProcess& server, const std::string& text) {
  for (int i = 0; i < 100; ++i) {
    if (server.log().find(text) != std::string::npos) return true;
    std::this_thread::sleep_for(50ms);
  }
  return false;
}

TEST(FriendsSetting, StrangersCanBeRefusedServerWide) {
  ServerProcess refusing({"--no-allow-strangers"});
  EXPECT_TRUE(log_says(refusing, "allow_strangers=false")) << refusing.log();
  ServerProcess allowing;
  EXPECT_TRUE(log_says(allowing, "allow_strangers=true")) << allowing.log();
}

}  // namespace
}  // namespace parley::test
