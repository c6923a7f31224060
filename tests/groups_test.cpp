// Groups against the real parleyd (docs/protocol.md, "Groups"): roles, joining,
// moderation, the log of changes, history visibility, mentions, recall, read receipts,
// dissolving, a 200-member fan-out, durability and bad input. Every wait is bounded; no
// test asserts how fast anything happens.
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <tuple>

#include <gtest/gtest.h>
#include <boost/json/serialize.hpp>

#include "tests/server_process.hpp"

namespace parley::test {
namespace {

using namespace std::chrono_literals;
using proto::Errc;
namespace json = boost::json;

constexpr std::int64_t kAlice = 10001, kBob = 10002, kCarol = 10003, kDave = 10004, kErin = 10005;
constexpr std::int64_t kNoSuchGroup = 987654321;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::unique_ptr<client::Client> login(const ServerProcess& server, const std::string& user, const std::string& device) {
  auto c = connect(server);
  auto in = c->call<proto::LoginResult>(proto::type::kLogin, proto::LoginRequest{user, kPassword, device});
  if (!in) throw std::runtime_error("login " + user + ": " + in.error().message);
  return c;
}

// The request failed with `code` (and, when given, names `field`).
template <class T>
void expect_error(const proto::Result<T>& r, Errc code, std::optional<std::string> field = std::nullopt) {
  ASSERT_FALSE(r) << "expected " << proto::to_string(code) << ", got success";
  EXPECT_EQ(proto::to_string(r.error().code), proto::to_string(code)) << r.error().message;
  if (field) {
    EXPECT_EQ(r.error().field, *field) << r.error().message;
  }
}

// --- group requests -------------------------------------------------------------------

proto::GroupCreateRequest group_named(std::string name, std::string join_policy = proto::join_policy::kOpen) {
  proto::GroupCreateRequest r;
  r.name = std::move(name);
  r.join_policy = std::move(join_policy);
  return r;
}

proto::GroupInfo create(client::Client& c, const proto::GroupCreateRequest& r) {
  auto g = c.call<proto::GroupInfo>(proto::type::kGroupCreate, r);
  if (!g) throw std::runtime_error("group_create: " + g.error().message);
  return *g;
}

proto::Result<proto::GroupJoinResult> join(client::Client& c, std::int64_t group,
                                           std::optional<std::string> note = std::nullopt) {
  return c.call<proto::GroupJoinResult>(proto::type::kGroupJoin, proto::GroupJoinRequest{group, std::move(note)});
}

proto::Result<proto::GroupJoinResult> invite(client::Client& c, std::int64_t group, std::int64_t user) {
  return c.call<proto::GroupJoinResult>(proto::type::kGroupInvite, proto::GroupMemberRef{group, user});
}

proto::Result<proto::EmptyResult> respond(client::Client& c, std::int64_t request_id, bool accept,
                                          std::optional<std::string> reason = std::nullopt) {
  return c.call<proto::EmptyResult>(proto::type::kGroupRespond, proto::GroupRespondRequest{request_id, accept, reason});
}

proto::Result<proto::GroupRequestsResult> group_requests(client::Client& c) {
  return c.call<proto::GroupRequestsResult>(proto::type::kGroupRequests, proto::GroupRequestsRequest{});
}

proto::Result<proto::EmptyResult> kick(client::Client& c, std::int64_t group, std::int64_t user) {
  return c.call<proto::EmptyResult>(proto::type::kGroupKick, proto::GroupMemberRef{group, user});
}

proto::Result<proto::EmptyResult> mute(client::Client& c, std::int64_t group, std::int64_t user, std::int64_t seconds) {
  return c.call<proto::EmptyResult>(proto::type::kGroupMute, proto::GroupMuteRequest{group, user, seconds});
}

proto::Result<proto::EmptyResult> unmute(client::Client& c, std::int64_t group, std::int64_t user) {
  return c.call<proto::EmptyResult>(proto::type::kGroupUnmute, proto::GroupMemberRef{group, user});
}

proto::Result<proto::EmptyResult> mute_all(client::Client& c, std::int64_t group, bool muted) {
  return c.call<proto::EmptyResult>(proto::type::kGroupMuteAll, proto::GroupMuteAllRequest{group, muted});
}

proto::Result<proto::EmptyResult> set_admin(client::Client& c, std::int64_t group, std::int64_t user, bool admin) {
  return c.call<proto::EmptyResult>(proto::type::kGroupAdmin, proto::GroupAdminRequest{group, user, admin});
}

proto::Result<proto::EmptyResult> transfer(client::Client& c, std::int64_t group, std::int64_t user) {
  return c.call<proto::EmptyResult>(proto::type::kGroupTransfer, proto::GroupMemberRef{group, user});
}

proto::Result<proto::EmptyResult> dissolve(client::Client& c, std::int64_t group) {
  return c.call<proto::EmptyResult>(proto::type::kGroupDissolve, proto::GroupRef{group});
}

proto::Result<proto::EmptyResult> leave(client::Client& c, std::int64_t group) {
  return c.call<proto::EmptyResult>(proto::type::kGroupLeave, proto::GroupRef{group});
}

proto::Result<proto::EmptyResult> card(client::Client& c, std::int64_t group, const std::string& text) {
  return c.call<proto::EmptyResult>(proto::type::kGroupCard, proto::GroupCardRequest{group, text});
}

proto::Result<proto::GroupInfo> info(client::Client& c, std::int64_t group) {
  return c.call<proto::GroupInfo>(proto::type::kGroupInfo, proto::GroupRef{group});
}

proto::Result<proto::GroupInfo> update(client::Client& c, const proto::GroupUpdateRequest& r) {
  return c.call<proto::GroupInfo>(proto::type::kGroupUpdate, r);
}

proto::Result<proto::GroupMembersResult> members(client::Client& c, std::int64_t group, std::int64_t after = 0,
                                                 std::int64_t limit = 500) {
  return c.call<proto::GroupMembersResult>(proto::type::kGroupMembers, proto::GroupMembersRequest{group, after, limit});
}

proto::Result<proto::GroupSearchResult> search_groups(client::Client& c, const std::string& query) {
  return c.call<proto::GroupSearchResult>(proto::type::kGroupSearch, proto::GroupSearchRequest{query, 100});
}

// The member list as user id -> entry (every page).
std::map<std::int64_t, proto::GroupMember> member_map(client::Client& c, std::int64_t group) {
  std::map<std::int64_t, proto::GroupMember> out;
  std::int64_t after = 0;
  for (;;) {
    auto page = members(c, group, after, 500);
    if (!page) throw std::runtime_error("group_members: " + page.error().message);
    for (const auto& m : page->members) {
      out[m.user_id] = m;
      after = m.user_id;
    }
    if (!page->has_more) break;
  }
  return out;
}

// --- chat in groups -------------------------------------------------------------------

proto::Result<proto::MessageSendResult> say(client::Client& c, std::int64_t group, const std::string& client_id,
                                            const std::string& text, const std::vector<std::int64_t>& mentions = {},
                                            bool mention_all = false) {
  proto::MessageSendRequest r;
  r.conversation_id = group;
  r.client_id = client_id;
  r.body = {{"text", text}};
  if (!mentions.empty()) r.body["mentions"] = json::array(mentions.begin(), mentions.end());
  if (mention_all) r.body["mention_all"] = true;
  return c.call<proto::MessageSendResult>(proto::type::kMessageSend, r);
}

proto::Result<proto::MessagesResult> sync(client::Client& c, std::int64_t group, std::int64_t after = 0,
                                          std::int64_t limit = 500) {
  return c.call<proto::MessagesResult>(proto::type::kSync, proto::SyncRequest{group, after, limit});
}

proto::Result<proto::MessagesResult> history(client::Client& c, std::int64_t group,
                                             std::optional<std::int64_t> before = std::nullopt) {
  return c.call<proto::MessagesResult>(proto::type::kHistory, proto::HistoryRequest{group, before, 200});
}

proto::Result<proto::MessagesResult> search_messages(client::Client& c, const std::string& query,
                                                     std::optional<std::int64_t> conversation = std::nullopt) {
  return c.call<proto::MessagesResult>(proto::type::kMessageSearch,
                                       proto::MessageSearchRequest{query, conversation, {}, {}, 50});
}

proto::Result<proto::MessageRecallResult> recall(client::Client& c, std::int64_t group, std::int64_t seq) {
  return c.call<proto::MessageRecallResult>(proto::type::kMessageRecall, proto::MessageRecallRequest{group, seq});
}

// The whole log as the caller may see it (every page).
std::vector<proto::ChatMessage> whole_log(client::Client& c, std::int64_t group) {
  std::vector<proto::ChatMessage> out;
  std::int64_t after = 0;
  for (;;) {
    auto page = sync(c, group, after);
    if (!page) throw std::runtime_error("sync: " + page.error().message);
    for (auto& m : page->messages) {
      after = m.seq;
      out.push_back(std::move(m));
    }
    if (!page->has_more) break;
  }
  return out;
}

// The caller's entry for `group` in `conversations`.
std::optional<proto::ConversationInfo> conversation_entry(client::Client& c, std::int64_t group) {
  auto list = c.call<proto::ConversationsResult>(proto::type::kConversations, proto::ConversationsRequest{});
  if (!list) throw std::runtime_error("conversations: " + list.error().message);
  for (const auto& entry : list->conversations) {
    if (entry.conversation_id == group) return entry;
  }
  return std::nullopt;
}

// A system entry's event name; a text's or a recall's kind.
std::string what(const proto::ChatMessage& m) {
  if (m.kind != proto::kind::kSystem) return m.kind;
  const auto* event = m.body.if_contains("event");
  return event && event->is_string() ? std::string(event->get_string()) : "?";
}

std::int64_t body_int(const proto::ChatMessage& m, std::string_view key) {
  const auto* v = m.body.if_contains(key);
  return v && v->is_int64() ? v->get_int64() : -1;
}

std::string describe(const proto::ChatMessage& m) {
  return std::to_string(m.seq) + " " + m.kind + " " + json::serialize(m.body);
}

bool is_system(const proto::ChatMessage& m, std::string_view event, std::int64_t user = 0) {
  return m.kind == proto::kind::kSystem && what(m) == event && (user == 0 || body_int(m, "user_id") == user);
}

// The next `message` event of `group` that `pred` accepts; others are skipped.
template <class Pred>
std::optional<proto::ChatMessage> wait_message(client::Client& c, std::int64_t group, Pred pred,
                                               std::chrono::milliseconds timeout = 10s) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    auto e = wait_event(c, proto::event::kMessage, left);
    if (!e) return std::nullopt;
    auto m = proto::decode<proto::ChatMessage>(e->data);
    if (!m) throw std::runtime_error("bad message event: " + json::serialize(e->data));
    if (m->conversation_id == group && pred(*m)) return *m;
  }
}

std::optional<proto::ChatMessage> wait_text(client::Client& c, std::int64_t group, const std::string& client_id,
                                            std::chrono::milliseconds timeout = 10s) {
  return wait_message(
      c, group, [&](const proto::ChatMessage& m) { return m.kind == proto::kind::kText && m.client_id == client_id; },
      timeout);
}

std::optional<proto::ChatMessage> wait_system(client::Client& c, std::int64_t group, std::string_view event,
                                              std::int64_t user = 0, std::chrono::milliseconds timeout = 10s) {
  return wait_message(
      c, group, [&](const proto::ChatMessage& m) { return is_system(m, event, user); }, timeout);
}

// No `message` event of `group` reaches `c` (after a ping round trip, and a short grace
// for fan-out that runs beside the answers).
void expect_no_message(client::Client& c, std::int64_t group) {
  ASSERT_TRUE(c.request(proto::type::kPing));
  auto late = wait_message(
      c, group, [](const proto::ChatMessage&) { return true; }, 500ms);
  EXPECT_FALSE(late) << describe(*late);
}

// As expect_no_message, but entries `allowed` accepts may still arrive (a request's own
// entry on the connection that made it, say).
template <class Pred>
void expect_no_message_but(client::Client& c, std::int64_t group, Pred allowed) {
  ASSERT_TRUE(c.request(proto::type::kPing));
  auto late = wait_message(
      c, group, [&](const proto::ChatMessage& m) { return !allowed(m); }, 500ms);
  EXPECT_FALSE(late) << describe(*late);
}

// The next event of `type`, with its data.
json::object expect_event(client::Client& c, const std::string& type) {
  auto e = wait_event(c, type);
  if (!e) {
    ADD_FAILURE() << "no " << type << " event";
    return {};
  }
  return e->data;
}

void expect_no_event(client::Client& c, const std::string& type) {
  ASSERT_TRUE(c.request(proto::type::kPing));
  auto e = wait_event(c, type, 500ms);
  EXPECT_FALSE(e) << type << " " << json::serialize(e->data);
}

// Five users, each logged in on device "test": alice (10001) ... erin (10005).
class GroupTest : public ::testing::Test {
 protected:
  GroupTest() : GroupTest(std::vector<std::string>{}) {}
  explicit GroupTest(std::vector<std::string> args) : server_(std::move(args)) {}

  void SetUp() override {
    alice_ = register_and_login(server_, "alice");
    bob_ = register_and_login(server_, "bob");
    carol_ = register_and_login(server_, "carol");
    dave_ = register_and_login(server_, "dave");
    erin_ = register_and_login(server_, "erin");
  }

  client::Client& as(std::int64_t user) {
    switch (user) {
      case kAlice:
        return *alice_;
      case kBob:
        return *bob_;
      case kCarol:
        return *carol_;
      case kDave:
        return *dave_;
      default:
        return *erin_;
    }
  }

  // An open group of alice's that `joiners` joined, in that order.
  std::int64_t group_with(std::vector<std::int64_t> joiners, proto::GroupCreateRequest r = group_named("Team 团队")) {
    auto g = create(*alice_, r);
    for (auto user : joiners) {
      auto joined = join(as(user), g.group_id);
      if (!joined || joined->status != proto::join_status::kJoined) throw std::runtime_error("join failed");
    }
    return g.group_id;
  }

  // `a` asks `b` to be friends and `b` accepts.
  void befriend(std::int64_t a, std::int64_t b) {
    auto asked =
        as(a).call<proto::FriendRequestResult>(proto::type::kFriendRequest, proto::FriendRequestRequest{b, {}});
    ASSERT_TRUE(asked) << asked.error().message;
    auto accepted = as(b).call<proto::EmptyResult>(proto::type::kFriendRespond,
                                                   proto::FriendRespondRequest{asked->request_id, true, {}, {}});
    ASSERT_TRUE(accepted) << accepted.error().message;
  }

  void set_join_policy(std::int64_t group, const std::string& policy) {
    proto::GroupUpdateRequest r;
    r.group_id = group;
    r.join_policy = policy;
    auto updated = update(*alice_, r);
    ASSERT_TRUE(updated) << updated.error().message;
    ASSERT_EQ(updated->join_policy, policy);
  }

  ServerProcess server_;
  std::unique_ptr<client::Client> alice_, bob_, carol_, dave_, erin_;
};

// --- roles ----------------------------------------------------------------------------

TEST_F(GroupTest, AMemberCannotKickMuteUpdateOrMuteAll) {
  auto g = group_with({kBob, kCarol});
  expect_error(kick(*bob_, g, kCarol), Errc::forbidden);
  expect_error(mute(*bob_, g, kCarol, 60), Errc::forbidden);
  expect_error(unmute(*bob_, g, kCarol), Errc::forbidden);
  proto::GroupUpdateRequest rename;
  rename.group_id = g;
  rename.name = "bob's now";
  expect_error(update(*bob_, rename), Errc::forbidden);
  expect_error(mute_all(*bob_, g, true), Errc::forbidden);
  expect_error(set_admin(*bob_, g, kCarol, true), Errc::forbidden);
  expect_error(set_admin(*bob_, g, kBob, true), Errc::forbidden);
  expect_error(transfer(*bob_, g, kBob), Errc::forbidden);
  expect_error(dissolve(*bob_, g), Errc::forbidden);
  // Nothing changed.
  auto now = info(*alice_, g);
  ASSERT_TRUE(now);
  EXPECT_EQ(now->name, "Team 团队");
  EXPECT_FALSE(now->muted_all);
  EXPECT_EQ(now->member_count, 3);
  auto roles = member_map(*alice_, g);
  EXPECT_EQ(roles.at(kBob).role, proto::role::kMember);
  EXPECT_EQ(roles.at(kCarol).muted_until, 0);
  // Every member may still do what members do.
  EXPECT_TRUE(card(*bob_, g, "Bob 鲍勃"));
  EXPECT_TRUE(say(*bob_, g, "b-1", "still a member"));
}

TEST_F(GroupTest, AnAdminCannotKickMuteOrUnmuteTheOwnerOrAnotherAdmin) {
  auto g = group_with({kBob, kCarol, kDave, kErin});
  ASSERT_TRUE(set_admin(*alice_, g, kBob, true));
  ASSERT_TRUE(set_admin(*alice_, g, kCarol, true));
  for (auto target : {kAlice, kCarol}) {
    SCOPED_TRACE(target);
    expect_error(kick(*bob_, g, target), Errc::forbidden);
    expect_error(mute(*bob_, g, target, 60), Errc::forbidden);
    expect_error(unmute(*bob_, g, target), Errc::forbidden);
  }
  expect_error(kick(*bob_, g, kBob), Errc::forbidden);  // oneself
  expect_error(mute(*bob_, g, kBob, 60), Errc::forbidden);
  expect_error(kick(*alice_, g, kAlice), Errc::forbidden);
  auto roles = member_map(*alice_, g);
  EXPECT_EQ(roles.size(), 5u);
  EXPECT_EQ(roles.at(kAlice).muted_until, 0);
  EXPECT_EQ(roles.at(kCarol).muted_until, 0);
  // An admin does moderate members.
  ASSERT_TRUE(mute(*bob_, g, kErin, 3600));
  EXPECT_GT(member_map(*alice_, g).at(kErin).muted_until, 0);
  ASSERT_TRUE(unmute(*bob_, g, kErin));
  EXPECT_EQ(member_map(*alice_, g).at(kErin).muted_until, 0);
  ASSERT_TRUE(kick(*bob_, g, kDave));
  proto::GroupUpdateRequest describe_it;
  describe_it.group_id = g;
  describe_it.description = "run by admins too";
  auto updated = update(*bob_, describe_it);
  ASSERT_TRUE(updated) << updated.error().message;
  EXPECT_EQ(updated->description, "run by admins too");
  EXPECT_EQ(updated->role, proto::role::kAdmin);
  ASSERT_TRUE(mute_all(*bob_, g, true));
  ASSERT_TRUE(mute_all(*bob_, g, false));
  // The owner moderates admins.
  EXPECT_TRUE(mute(*alice_, g, kCarol, 60));
  EXPECT_TRUE(kick(*alice_, g, kCarol));
  EXPECT_EQ(member_map(*alice_, g).size(), 3u);
}

TEST_F(GroupTest, OnlyTheOwnerAddsAndRemovesAdminsTransfersAndDissolves) {
  auto g = group_with({kBob, kCarol});
  ASSERT_TRUE(set_admin(*alice_, g, kBob, true));
  expect_error(set_admin(*bob_, g, kCarol, true), Errc::forbidden);
  expect_error(set_admin(*bob_, g, kBob, false), Errc::forbidden);
  expect_error(transfer(*bob_, g, kBob), Errc::forbidden);
  expect_error(transfer(*bob_, g, kCarol), Errc::forbidden);
  expect_error(dissolve(*bob_, g), Errc::forbidden);
  auto roles = member_map(*alice_, g);
  EXPECT_EQ(roles.at(kAlice).role, proto::role::kOwner);
  EXPECT_EQ(roles.at(kBob).role, proto::role::kAdmin);
  EXPECT_EQ(roles.at(kCarol).role, proto::role::kMember);
  ASSERT_TRUE(set_admin(*alice_, g, kCarol, true));
  EXPECT_EQ(member_map(*alice_, g).at(kCarol).role, proto::role::kAdmin);
  EXPECT_EQ(info(*carol_, g)->role, proto::role::kAdmin);
  ASSERT_TRUE(set_admin(*alice_, g, kBob, false));
  EXPECT_EQ(member_map(*alice_, g).at(kBob).role, proto::role::kMember);
  // Admin of a non-member: not_found.
  expect_error(set_admin(*alice_, g, kErin, true), Errc::not_found);
}

TEST_F(GroupTest, TheOwnerCannotLeave) {
  auto g = group_with({kBob});
  expect_error(leave(*alice_, g), Errc::forbidden);
  EXPECT_EQ(info(*alice_, g)->role, proto::role::kOwner);
  ASSERT_TRUE(leave(*bob_, g));
  EXPECT_EQ(info(*alice_, g)->member_count, 1);
  expect_error(leave(*bob_, g), Errc::not_found);  // no longer a member
}

TEST_F(GroupTest, ANonMemberGetsNotFoundForEverythingInsideTheGroup) {
  auto g = group_with({kBob});
  auto sent = say(*alice_, g, "a-1", "members only 秘密");
  ASSERT_TRUE(sent) << sent.error().message;
  expect_error(say(*carol_, g, "c-1", "let me in"), Errc::not_found);
  expect_error(sync(*carol_, g), Errc::not_found);
  expect_error(history(*carol_, g), Errc::not_found);
  expect_error(members(*carol_, g), Errc::not_found);
  expect_error(search_messages(*carol_, "秘密", g), Errc::not_found);
  expect_error(carol_->call<proto::MessageReadResult>(proto::type::kMessageRead, proto::MessageReadRequest{g, 1}),
               Errc::not_found);
  expect_error(recall(*carol_, g, sent->seq), Errc::not_found);
  expect_error(invite(*carol_, g, kDave), Errc::not_found);
  auto anywhere = search_messages(*carol_, "秘密");
  ASSERT_TRUE(anywhere) << anywhere.error().message;
  EXPECT_TRUE(anywhere->messages.empty());
  // The profile is public, without a role.
  auto profile = info(*carol_, g);
  ASSERT_TRUE(profile) << profile.error().message;
  EXPECT_EQ(profile->group_id, g);
  EXPECT_FALSE(profile->role);
  EXPECT_FALSE(conversation_entry(*carol_, g));
  // Moderation by a stranger does nothing (forbidden or not_found: the doc names neither).
  auto stranger_kick = kick(*carol_, g, kBob);
  ASSERT_FALSE(stranger_kick);
  EXPECT_TRUE(stranger_kick.error().code == Errc::not_found || stranger_kick.error().code == Errc::forbidden)
      << proto::to_string(stranger_kick.error().code);
  EXPECT_EQ(info(*alice_, g)->member_count, 2);
}

TEST_F(GroupTest, OwningTooManyGroupsIsForbidden) {
  for (int i = 0; i < 20; ++i) create(*alice_, group_named("Mine " + std::to_string(i)));
  auto one_more = alice_->call<proto::GroupInfo>(proto::type::kGroupCreate, group_named("One too many"));
  expect_error(one_more, Errc::forbidden);
  EXPECT_TRUE(search_groups(*bob_, "too many")->groups.empty());
  // Others are not limited by alice's groups.
  auto bobs = bob_->call<proto::GroupInfo>(proto::type::kGroupCreate, group_named("Bob's first"));
  ASSERT_TRUE(bobs) << bobs.error().message;
  // A dissolved group, or one handed over, is no longer owned.
  auto mine = search_groups(*alice_, "Mine");
  ASSERT_TRUE(mine);
  ASSERT_EQ(mine->groups.size(), 20u);
  ASSERT_TRUE(dissolve(*alice_, mine->groups[0].group_id));
  EXPECT_TRUE(alice_->call<proto::GroupInfo>(proto::type::kGroupCreate, group_named("After a dissolve")));
  expect_error(alice_->call<proto::GroupInfo>(proto::type::kGroupCreate, group_named("Over again")), Errc::forbidden);
  ASSERT_TRUE(join(*bob_, mine->groups[1].group_id));
  ASSERT_TRUE(transfer(*alice_, mine->groups[1].group_id, kBob));
  EXPECT_TRUE(alice_->call<proto::GroupInfo>(proto::type::kGroupCreate, group_named("After a transfer")));
}

// --- joining --------------------------------------------------------------------------

TEST_F(GroupTest, AnOpenGroupIsJoinedAtOnce) {
  auto g = create(*alice_, group_named("Open 开放"));
  EXPECT_EQ(g.role, proto::role::kOwner);
  EXPECT_EQ(g.owner_id, kAlice);
  EXPECT_EQ(g.member_count, 1);
  EXPECT_EQ(g.join_policy, proto::join_policy::kOpen);
  EXPECT_EQ(g.invite_policy, proto::invite_policy::kDirect);
  EXPECT_EQ(g.member_limit, 500);
  auto joined = join(*bob_, g.group_id, "hi");
  ASSERT_TRUE(joined) << joined.error().message;
  EXPECT_EQ(joined->status, proto::join_status::kJoined);
  EXPECT_EQ(joined->request_id, 0);
  auto entry = wait_system(*alice_, g.group_id, "joined", kBob);
  ASSERT_TRUE(entry);
  EXPECT_EQ(body_int(*entry, "by"), kBob);
  auto bobs = info(*bob_, g.group_id);
  ASSERT_TRUE(bobs);
  EXPECT_EQ(bobs->role, proto::role::kMember);
  EXPECT_EQ(bobs->member_count, 2);
  expect_error(join(*bob_, g.group_id), Errc::conflict);  // already a member
  auto conversation = conversation_entry(*bob_, g.group_id);
  ASSERT_TRUE(conversation);
  EXPECT_EQ(conversation->kind, "group");
  ASSERT_TRUE(conversation->group);
  EXPECT_EQ(conversation->group->name, "Open 开放");
  EXPECT_EQ(conversation->group->role, proto::role::kMember);
}

TEST_F(GroupTest, AJoinRequestReachesTheOwnerAndAdminsAndTheAnswerReachesTheRequester) {
  auto g = group_with({kBob, kDave});
  ASSERT_TRUE(set_admin(*alice_, g, kBob, true));
  set_join_policy(g, proto::join_policy::kApproval);
  auto asked = join(*carol_, g, "我是 Carol");
  ASSERT_TRUE(asked) << asked.error().message;
  EXPECT_EQ(asked->status, proto::join_status::kPending);
  EXPECT_GT(asked->request_id, 0);
  for (auto* runner : {alice_.get(), bob_.get()}) {
    auto event = proto::decode<proto::GroupJoinRequestInfo>(expect_event(*runner, proto::event::kGroupJoinRequest));
    ASSERT_TRUE(event);
    EXPECT_EQ(event->request_id, asked->request_id);
    EXPECT_EQ(event->group_id, g);
    EXPECT_EQ(event->group_name, "Team 团队");
    EXPECT_EQ(event->user.user_id, kCarol);
    EXPECT_EQ(event->user.username, "carol");
    EXPECT_EQ(event->inviter_id, 0);
    EXPECT_EQ(event->note, "我是 Carol");
    EXPECT_EQ(event->status, proto::join_status::kPending);
  }
  expect_no_event(*dave_, proto::event::kGroupJoinRequest);  // a plain member
  // Asking again returns the same pending request.
  auto again = join(*carol_, g, "我是 Carol");
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->status, proto::join_status::kPending);
  EXPECT_EQ(again->request_id, asked->request_id);
  // Still not a member, and the request is listed for those who decide.
  expect_error(sync(*carol_, g), Errc::not_found);
  auto incoming = group_requests(*bob_);
  ASSERT_TRUE(incoming) << incoming.error().message;
  ASSERT_EQ(incoming->incoming.size(), 1u);
  EXPECT_EQ(incoming->incoming[0].request_id, asked->request_id);
  expect_error(respond(*dave_, asked->request_id, true), Errc::not_found);  // not the dave's to decide
  // The first to answer decides.
  ASSERT_TRUE(respond(*bob_, asked->request_id, true));
  auto answer = proto::decode<proto::GroupJoinResponseEvent>(expect_event(*carol_, proto::event::kGroupJoinResponse));
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->request_id, asked->request_id);
  EXPECT_EQ(answer->group_id, g);
  EXPECT_TRUE(answer->accepted);
  expect_error(respond(*alice_, asked->request_id, false), Errc::conflict);
  auto carols = info(*carol_, g);
  ASSERT_TRUE(carols);
  EXPECT_EQ(carols->role, proto::role::kMember);
  auto joined = wait_system(*alice_, g, "joined", kCarol);
  ASSERT_TRUE(joined);
  EXPECT_EQ(body_int(*joined, "by"), kBob);  // who approved
  EXPECT_TRUE(group_requests(*alice_)->incoming.empty());
  auto mine = group_requests(*carol_);
  ASSERT_EQ(mine->outgoing.size(), 1u);
  EXPECT_EQ(mine->outgoing[0].status, proto::join_status::kAccepted);
  EXPECT_GT(mine->outgoing[0].decided_at, 0);
}

TEST_F(GroupTest, ARejectedJoinRequestTellsTheRequesterAndMakesNoMember) {
  auto g = create(*alice_, group_named("Closed door", proto::join_policy::kApproval)).group_id;
  auto asked = join(*erin_, g);
  ASSERT_TRUE(asked) << asked.error().message;
  ASSERT_EQ(asked->status, proto::join_status::kPending);
  ASSERT_TRUE(respond(*alice_, asked->request_id, false, "not now"));
  auto answer = proto::decode<proto::GroupJoinResponseEvent>(expect_event(*erin_, proto::event::kGroupJoinResponse));
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->request_id, asked->request_id);
  EXPECT_FALSE(answer->accepted);
  EXPECT_EQ(answer->reason, "not now");
  expect_error(sync(*erin_, g), Errc::not_found);
  EXPECT_EQ(info(*alice_, g)->member_count, 1);
  auto mine = group_requests(*erin_);
  ASSERT_TRUE(mine);
  ASSERT_EQ(mine->outgoing.size(), 1u);
  EXPECT_EQ(mine->outgoing[0].status, proto::join_status::kRejected);
  EXPECT_TRUE(group_requests(*alice_)->incoming.empty());
  // The log has no entry for it.
  for (const auto& m : whole_log(*alice_, g)) EXPECT_NE(what(m), "joined") << describe(m);
}

TEST_F(GroupTest, AnOfflineOwnerSeesJoinRequestsAtNextLogin) {
  auto g = create(*alice_, group_named("Night owls", proto::join_policy::kApproval)).group_id;
  alice_.reset();  // alice's only connection
  auto asked = join(*carol_, g, "while you slept");
  ASSERT_TRUE(asked) << asked.error().message;
  ASSERT_EQ(asked->status, proto::join_status::kPending);
  auto alice = login(server_, "alice", "phone");
  auto pending = group_requests(*alice);
  ASSERT_TRUE(pending) << pending.error().message;
  ASSERT_EQ(pending->incoming.size(), 1u);
  const auto& r = pending->incoming[0];
  EXPECT_EQ(r.request_id, asked->request_id);
  EXPECT_EQ(r.group_id, g);
  EXPECT_EQ(r.group_name, "Night owls");
  EXPECT_EQ(r.user.user_id, kCarol);
  EXPECT_EQ(r.note, "while you slept");
  EXPECT_EQ(r.status, proto::join_status::kPending);
  EXPECT_EQ(r.decided_at, 0);
  // The requester sees their own request; others see nothing.
  auto own = group_requests(*carol_);
  ASSERT_EQ(own->outgoing.size(), 1u);
  EXPECT_EQ(own->outgoing[0].request_id, asked->request_id);
  EXPECT_TRUE(own->incoming.empty());
  EXPECT_TRUE(group_requests(*dave_)->incoming.empty());
  ASSERT_TRUE(respond(*alice, asked->request_id, true));
  EXPECT_TRUE(expect_event(*carol_, proto::event::kGroupJoinResponse).at("accepted").as_bool());
}

TEST_F(GroupTest, AnInviteOnlyGroupRefusesJoin) {
  auto g = create(*alice_, group_named("By invitation", proto::join_policy::kInvite)).group_id;
  expect_error(join(*bob_, g), Errc::forbidden);
  EXPECT_TRUE(group_requests(*alice_)->incoming.empty());
  EXPECT_EQ(info(*alice_, g)->member_count, 1);
  befriend(kAlice, kBob);
  auto invited = invite(*alice_, g, kBob);
  ASSERT_TRUE(invited) << invited.error().message;
  EXPECT_EQ(invited->status, proto::join_status::kJoined);
  EXPECT_EQ(info(*bob_, g)->role, proto::role::kMember);
}

TEST_F(GroupTest, InvitingAFriendMakesThemAMemberAtOnce) {
  auto g = create(*alice_, group_named("Friends of friends", proto::join_policy::kInvite)).group_id;
  befriend(kAlice, kBob);
  befriend(kBob, kCarol);
  auto bob_in = invite(*alice_, g, kBob);
  ASSERT_TRUE(bob_in) << bob_in.error().message;
  EXPECT_EQ(bob_in->status, proto::join_status::kJoined);
  EXPECT_EQ(bob_in->request_id, 0);
  // A plain member invites directly under invite_policy direct.
  auto carol_in = invite(*bob_, g, kCarol);
  ASSERT_TRUE(carol_in) << carol_in.error().message;
  EXPECT_EQ(carol_in->status, proto::join_status::kJoined);
  auto joined = wait_system(*alice_, g, "joined", kCarol);
  ASSERT_TRUE(joined);
  EXPECT_EQ(body_int(*joined, "by"), kBob);  // the inviter
  EXPECT_EQ(info(*carol_, g)->role, proto::role::kMember);
  EXPECT_EQ(info(*alice_, g)->member_count, 3);
  expect_error(invite(*alice_, g, kBob), Errc::conflict);  // already a member
}

TEST_F(GroupTest, UnderInviteApprovalAMembersInvitationWaitsAndAnAdminsDoesNot) {
  proto::GroupCreateRequest r = group_named("Vetted", proto::join_policy::kInvite);
  r.invite_policy = proto::invite_policy::kApproval;
  auto g = create(*alice_, r).group_id;
  befriend(kAlice, kBob);
  befriend(kBob, kCarol);
  befriend(kBob, kDave);
  ASSERT_EQ(invite(*alice_, g, kBob)->status, proto::join_status::kJoined);  // the owner's
  auto pending = invite(*bob_, g, kCarol);
  ASSERT_TRUE(pending) << pending.error().message;
  EXPECT_EQ(pending->status, proto::join_status::kPending);
  EXPECT_GT(pending->request_id, 0);
  expect_error(sync(*carol_, g), Errc::not_found);
  auto event = proto::decode<proto::GroupJoinRequestInfo>(expect_event(*alice_, proto::event::kGroupJoinRequest));
  ASSERT_TRUE(event);
  EXPECT_EQ(event->request_id, pending->request_id);
  EXPECT_EQ(event->user.user_id, kCarol);
  EXPECT_EQ(event->inviter_id, kBob);
  ASSERT_TRUE(respond(*alice_, pending->request_id, true));
  for (auto* told : {carol_.get(), bob_.get()}) {  // the invited and the inviter
    auto answer = proto::decode<proto::GroupJoinResponseEvent>(expect_event(*told, proto::event::kGroupJoinResponse));
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->request_id, pending->request_id);
    EXPECT_TRUE(answer->accepted);
  }
  EXPECT_EQ(info(*carol_, g)->role, proto::role::kMember);
  // An admin's invitation needs nobody's approval.
  ASSERT_TRUE(set_admin(*alice_, g, kBob, true));
  auto direct = invite(*bob_, g, kDave);
  ASSERT_TRUE(direct) << direct.error().message;
  EXPECT_EQ(direct->status, proto::join_status::kJoined);
  EXPECT_EQ(info(*dave_, g)->role, proto::role::kMember);
}

TEST_F(GroupTest, InvitingANonFriendIsForbidden) {
  auto g = group_with({kBob});
  expect_error(invite(*alice_, g, kErin), Errc::forbidden);
  expect_error(invite(*bob_, g, kErin), Errc::forbidden);
  expect_error(sync(*erin_, g), Errc::not_found);
  EXPECT_EQ(info(*alice_, g)->member_count, 2);
}

TEST_F(GroupTest, AFullGroupRefusesJoinsInvitationsAndApprovals) {
  proto::GroupCreateRequest r = group_named("Three is a crowd");
  r.member_limit = 3;
  auto g = group_with({kBob, kCarol}, r);
  EXPECT_EQ(info(*alice_, g)->member_count, 3);
  expect_error(join(*dave_, g), Errc::conflict);
  befriend(kAlice, kDave);
  expect_error(invite(*alice_, g, kDave), Errc::conflict);
  proto::GroupUpdateRequest shrink;
  shrink.group_id = g;
  shrink.member_limit = 2;
  expect_error(update(*alice_, shrink), Errc::conflict);
  EXPECT_EQ(info(*alice_, g)->member_limit, 3);
  // A request that waited is refused once the group filled up.
  proto::GroupCreateRequest pair = group_named("Pair", proto::join_policy::kApproval);
  pair.member_limit = 2;
  auto p = create(*alice_, pair).group_id;
  auto first = join(*bob_, p);
  auto second = join(*carol_, p);
  ASSERT_TRUE(first && second);
  ASSERT_TRUE(respond(*alice_, first->request_id, true));
  expect_error(respond(*alice_, second->request_id, true), Errc::conflict);
  expect_error(sync(*carol_, p), Errc::not_found);
  EXPECT_EQ(info(*alice_, p)->member_count, 2);
}

TEST_F(GroupTest, AFullGroupStaysWithinItsLimitUnderConcurrentJoins) {
  proto::GroupCreateRequest r = group_named("Five seats");
  r.member_limit = 5;
  auto g = create(*alice_, r).group_id;
  constexpr int kCrowd = 10;
  std::vector<std::unique_ptr<client::Client>> crowd;
  for (int i = 0; i < kCrowd; ++i) crowd.push_back(register_and_login(server_, "rush" + std::to_string(i)));
  std::atomic<int> joined{0}, full{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kCrowd; ++i) {
    threads.emplace_back([&, i] {
      auto result = join(*crowd[i], g);
      if (result) {
        ++joined;
      } else if (result.error().code == Errc::conflict) {
        ++full;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(joined, 4);
  EXPECT_EQ(full, kCrowd - 4);
  EXPECT_EQ(info(*alice_, g)->member_count, 5);
  EXPECT_EQ(member_map(*alice_, g).size(), 5u);
}

TEST_F(GroupTest, TwoAdminsAnsweringAtOnceDecideARequestOnce) {
  auto g = group_with({kBob});
  ASSERT_TRUE(set_admin(*alice_, g, kBob, true));
  set_join_policy(g, proto::join_policy::kApproval);
  auto asked = join(*carol_, g);
  ASSERT_TRUE(asked) << asked.error().message;
  proto::Result<proto::EmptyResult> by_alice = proto::make_error(Errc::internal, "not run");
  proto::Result<proto::EmptyResult> by_bob = by_alice;
  std::thread a([&] { by_alice = respond(*alice_, asked->request_id, true); });
  std::thread b([&] { by_bob = respond(*bob_, asked->request_id, true); });
  a.join();
  b.join();
  EXPECT_NE(static_cast<bool>(by_alice), static_cast<bool>(by_bob)) << "exactly one of them decides";
  const auto& loser = by_alice ? by_bob : by_alice;
  if (!loser) {
    EXPECT_EQ(loser.error().code, Errc::conflict) << loser.error().message;
  }
  int joins = 0;
  for (const auto& m : whole_log(*alice_, g)) joins += is_system(m, "joined", kCarol) ? 1 : 0;
  EXPECT_EQ(joins, 1);
  EXPECT_EQ(info(*alice_, g)->member_count, 3);
}

// --- muting ---------------------------------------------------------------------------

TEST_F(GroupTest, AMutedMemberIsRefusedWithUntilAndTheMuteEndsByItself) {
  auto g = group_with({kBob, kCarol});
  const auto before = now_ms();
  ASSERT_TRUE(mute(*alice_, g, kBob, 2));
  const auto after = now_ms();
  auto refused = say(*bob_, g, "muted-0", "can you hear me?");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::forbidden) << refused.error().message;
  EXPECT_FALSE(refused.error().message.empty());
  // The mute ends 2 s after it was made (same clock on this machine).
  EXPECT_GE(refused.error().until, before + 2000);
  EXPECT_LE(refused.error().until, after + 2000);
  auto entry = wait_system(*carol_, g, "muted", kBob);
  ASSERT_TRUE(entry);
  EXPECT_EQ(body_int(*entry, "by"), kAlice);
  EXPECT_EQ(body_int(*entry, "until"), refused.error().until);
  auto listed = member_map(*alice_, g);
  EXPECT_EQ(listed.at(kBob).muted_until, refused.error().until);
  // Bob's conversation list says so too (no need to fetch the members); nobody else's.
  EXPECT_EQ(conversation_entry(*bob_, g)->group->muted_until, refused.error().until);
  EXPECT_EQ(conversation_entry(*carol_, g)->group->muted_until, 0);
  // Others are not affected.
  EXPECT_TRUE(say(*carol_, g, "c-1", "I can talk"));
  // Poll until the mute has run out: bounded, and no claim on how soon.
  bool spoke = false;
  for (int i = 0; i < 150 && !spoke; ++i) {
    auto r = say(*bob_, g, "muted-" + std::to_string(i + 1), "and now?");
    if (r) {
      spoke = true;
      break;
    }
    ASSERT_EQ(r.error().code, Errc::forbidden) << r.error().message;
    std::this_thread::sleep_for(200ms);
  }
  EXPECT_TRUE(spoke) << "the mute never ended";
  EXPECT_GE(now_ms(), refused.error().until);
  EXPECT_EQ(conversation_entry(*bob_, g)->group->muted_until, 0);  // a mute that ended is no mute
}

TEST_F(GroupTest, UnmuteLetsAMemberSpeakAgain) {
  auto g = group_with({kBob, kCarol});
  ASSERT_TRUE(mute(*alice_, g, kBob, 3600));
  auto refused = say(*bob_, g, "u-1", "hello?");
  expect_error(refused, Errc::forbidden);
  EXPECT_GT(refused.error().until, now_ms() + 3000'000);
  ASSERT_TRUE(unmute(*alice_, g, kBob));
  auto entry = wait_system(*carol_, g, "unmuted", kBob);
  ASSERT_TRUE(entry);
  EXPECT_EQ(body_int(*entry, "by"), kAlice);
  EXPECT_EQ(member_map(*alice_, g).at(kBob).muted_until, 0);
  EXPECT_EQ(conversation_entry(*bob_, g)->group->muted_until, 0);
  auto spoke = say(*bob_, g, "u-2", "thanks");
  ASSERT_TRUE(spoke) << spoke.error().message;
  ASSERT_TRUE(wait_text(*carol_, g, "u-2"));
  // The refused send was not stored.
  for (const auto& m : whole_log(*carol_, g)) EXPECT_NE(m.client_id, "u-1");
}

TEST_F(GroupTest, MuteAllSilencesMembersButNotAdminsOrTheOwner) {
  auto g = group_with({kBob, kCarol});
  ASSERT_TRUE(set_admin(*alice_, g, kBob, true));
  EXPECT_FALSE(conversation_entry(*carol_, g)->group->muted_all);
  ASSERT_TRUE(mute_all(*alice_, g, true));
  EXPECT_TRUE(info(*carol_, g)->muted_all);
  EXPECT_TRUE(conversation_entry(*carol_, g)->group->muted_all);
  auto entry = wait_system(*carol_, g, "muted_all");
  ASSERT_TRUE(entry);
  ASSERT_TRUE(entry->body.contains("muted"));
  EXPECT_TRUE(entry->body.at("muted").as_bool());
  auto refused = say(*carol_, g, "m-1", "hello?");
  expect_error(refused, Errc::forbidden);
  EXPECT_EQ(refused.error().until, 0);  // until it is lifted
  EXPECT_FALSE(refused.error().message.empty());
  EXPECT_TRUE(say(*bob_, g, "m-2", "admins speak"));
  EXPECT_TRUE(say(*alice_, g, "m-3", "owners speak"));
  ASSERT_TRUE(mute_all(*bob_, g, false));
  EXPECT_FALSE(info(*carol_, g)->muted_all);
  auto lifted = wait_system(*carol_, g, "muted_all");
  ASSERT_TRUE(lifted);
  EXPECT_FALSE(lifted->body.at("muted").as_bool());
  EXPECT_TRUE(say(*carol_, g, "m-4", "finally"));
}

// --- the log --------------------------------------------------------------------------

TEST_F(GroupTest, EveryChangeIsASystemEntryInOrderWithTheMessages) {
  auto alice_phone = login(server_, "alice", "phone");
  auto g = create(*alice_, group_named("Log 日志")).group_id;
  struct Step {
    std::string what;
    std::int64_t by;
    std::int64_t user;  // 0: none
  };
  std::vector<Step> expected = {{"created", kAlice, 0}};
  auto step = [&](auto result, Step s) {
    ASSERT_TRUE(result) << s.what << ": " << result.error().message;
    expected.push_back(std::move(s));
  };
  step(join(*bob_, g), {"joined", kBob, kBob});
  step(join(*carol_, g), {"joined", kCarol, kCarol});
  step(say(*alice_, g, "t-1", "first text"), {"text", kAlice, 0});
  step(set_admin(*alice_, g, kBob, true), {"admin", kAlice, kBob});
  step(mute(*bob_, g, kCarol, 3600), {"muted", kBob, kCarol});
  step(unmute(*bob_, g, kCarol), {"unmuted", kBob, kCarol});
  step(mute_all(*alice_, g, true), {"muted_all", kAlice, 0});
  step(mute_all(*alice_, g, false), {"muted_all", kAlice, 0});
  proto::GroupUpdateRequest describe_it;
  describe_it.group_id = g;
  describe_it.description = "新的描述";
  step(update(*bob_, describe_it), {"updated", kBob, 0});
  step(card(*carol_, g, "小C"), {"card", kCarol, kCarol});
  step(say(*carol_, g, "t-2", "second text"), {"text", kCarol, 0});
  step(join(*dave_, g), {"joined", kDave, kDave});
  step(leave(*dave_, g), {"left", kDave, kDave});
  step(kick(*bob_, g, kCarol), {"removed", kBob, kCarol});
  step(set_admin(*alice_, g, kBob, false), {"admin", kAlice, kBob});
  step(transfer(*alice_, g, kBob), {"owner", kAlice, kBob});

  auto log = whole_log(*alice_, g);  // the creator sees it all; bob only from his joining
  ASSERT_EQ(log.size(), expected.size());
  for (std::size_t i = 0; i < log.size(); ++i) {
    const auto& m = log[i];
    SCOPED_TRACE(describe(m));
    EXPECT_EQ(m.seq, static_cast<std::int64_t>(i + 1));  // gapless, in order
    EXPECT_EQ(m.conversation_id, g);
    EXPECT_EQ(what(m), expected[i].what);
    if (m.kind == proto::kind::kSystem) {
      EXPECT_EQ(body_int(m, "by"), expected[i].by);
      if (expected[i].user != 0) {
        EXPECT_EQ(body_int(m, "user_id"), expected[i].user);
      }
    } else {
      EXPECT_EQ(m.sender_id, expected[i].by);
    }
  }
  // The members of each entry.
  EXPECT_EQ(log[0].body.at("name"), "Log 日志");
  EXPECT_TRUE(log[4].body.at("admin").as_bool());
  EXPECT_GT(body_int(log[5], "until"), now_ms());
  EXPECT_TRUE(log[7].body.at("muted").as_bool());
  EXPECT_FALSE(log[8].body.at("muted").as_bool());
  EXPECT_EQ(log[9].body.at("description"), "新的描述");
  EXPECT_EQ(log[10].body.at("card"), "小C");
  EXPECT_FALSE(log[15].body.at("admin").as_bool());
  // A device that did nothing got the same entries live, in the same order.
  std::vector<std::int64_t> live;
  while (live.empty() || live.back() < static_cast<std::int64_t>(log.size())) {
    auto m = wait_message(*alice_phone, g, [](const proto::ChatMessage&) { return true; });
    ASSERT_TRUE(m) << "live entries stopped after " << (live.empty() ? 0 : live.back());
    ASSERT_GE(m->seq, 1);
    ASSERT_LE(m->seq, static_cast<std::int64_t>(log.size())) << describe(*m);
    EXPECT_EQ(what(*m), what(log[m->seq - 1])) << describe(*m);
    live.push_back(m->seq);
  }
  ASSERT_FALSE(live.empty());
  EXPECT_LE(live.front(), 2);  // `created` may come before the phone knew of the group
  for (std::size_t i = 1; i < live.size(); ++i) EXPECT_EQ(live[i], live[i - 1] + 1);
  // System entries do not count as unread: alice has only carol's text to read.
  auto entry = conversation_entry(*alice_, g);
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->unread, 1);
  EXPECT_EQ(entry->last_seq, static_cast<std::int64_t>(log.size()));
  // history returns the same entries.
  auto back = history(*alice_, g);
  ASSERT_TRUE(back);
  ASSERT_EQ(back->messages.size(), log.size());
  EXPECT_EQ(back->messages.front().seq, 1);
}

// --- leaving and removal --------------------------------------------------------------

TEST_F(GroupTest, AKickedMemberGetsTheirRemovalAndThenNothing) {
  auto g = group_with({kBob, kCarol});
  ASSERT_TRUE(say(*alice_, g, "k-0", "before"));
  ASSERT_TRUE(wait_text(*carol_, g, "k-0"));
  ASSERT_TRUE(kick(*alice_, g, kCarol));
  auto removal = wait_system(*carol_, g, "removed", kCarol);
  ASSERT_TRUE(removal) << "the kicked member did not get the entry of their removal";
  EXPECT_EQ(body_int(*removal, "by"), kAlice);
  ASSERT_TRUE(say(*alice_, g, "k-1", "after the kick"));
  ASSERT_TRUE(wait_text(*bob_, g, "k-1"));  // the others do get it
  expect_no_message(*carol_, g);
  expect_error(sync(*carol_, g, removal->seq), Errc::not_found);
  expect_error(sync(*carol_, g), Errc::not_found);
  expect_error(history(*carol_, g), Errc::not_found);
  expect_error(members(*carol_, g), Errc::not_found);
  expect_error(say(*carol_, g, "c-1", "let me back"), Errc::not_found);
  expect_error(carol_->call<proto::MessageReadResult>(proto::type::kMessageRead, proto::MessageReadRequest{g, 1}),
               Errc::not_found);
  expect_error(search_messages(*carol_, "before", g), Errc::not_found);
  auto found = search_messages(*carol_, "before");  // she saw it, but has no access now
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_TRUE(found->messages.empty());
  EXPECT_FALSE(conversation_entry(*carol_, g)) << "the group (and its last message) is still in her list";
  EXPECT_FALSE(member_map(*alice_, g).count(kCarol));
  expect_error(kick(*alice_, g, kCarol), Errc::not_found);  // no longer a member
}

TEST_F(GroupTest, AMemberWhoLeftGetsTheirLeftEntryAndThenNothing) {
  auto g = group_with({kBob, kCarol});
  auto carol_laptop = login(server_, "carol", "laptop");
  ASSERT_TRUE(leave(*carol_, g));
  auto left = wait_system(*carol_laptop, g, "left", kCarol);
  ASSERT_TRUE(left) << "the leaver's other device did not get the entry of their leaving";
  EXPECT_EQ(body_int(*left, "by"), kCarol);
  ASSERT_TRUE(wait_system(*bob_, g, "left", kCarol));
  ASSERT_TRUE(say(*alice_, g, "l-1", "after leaving"));
  ASSERT_TRUE(wait_text(*bob_, g, "l-1"));
  expect_no_message(*carol_laptop, g);
  // The connection that left may or may not get its own entries; nothing else.
  expect_no_message_but(*carol_, g, [](const proto::ChatMessage& m) {
    return is_system(m, "joined", kCarol) || is_system(m, "left", kCarol);
  });
  expect_error(sync(*carol_laptop, g, left->seq), Errc::not_found);
  expect_error(history(*carol_, g), Errc::not_found);
  expect_error(say(*carol_laptop, g, "c-1", "hello?"), Errc::not_found);
  EXPECT_EQ(info(*alice_, g)->member_count, 2);
}

// --- history visibility ---------------------------------------------------------------

TEST_F(GroupTest, AMemberWhoRejoinsSeesTheLogOnlyFromTheirNewJoin) {
  auto g = group_with({kBob, kCarol});
  ASSERT_TRUE(say(*alice_, g, "rj-1", "while carol was in"));
  ASSERT_TRUE(leave(*carol_, g));
  ASSERT_TRUE(say(*alice_, g, "rj-2", "while carol was out"));
  auto back = join(*carol_, g);
  ASSERT_TRUE(back) << back.error().message;
  ASSERT_EQ(back->status, proto::join_status::kJoined);
  auto seen = whole_log(*carol_, g);
  ASSERT_FALSE(seen.empty());
  EXPECT_TRUE(is_system(seen.front(), "joined", kCarol)) << describe(seen.front());
  EXPECT_EQ(seen.size(), 1u);
  for (const auto& m : seen) {
    EXPECT_NE(m.client_id, "rj-1");
    EXPECT_NE(m.client_id, "rj-2");
  }
  auto entry = conversation_entry(*carol_, g);
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->unread, 0);
}

TEST_F(GroupTest, ALateJoinerSeesTheLogOnlyFromTheirJoin) {
  auto g = group_with({kBob});
  ASSERT_TRUE(say(*alice_, g, "h-1", "before carol: secretword one"));
  ASSERT_TRUE(say(*bob_, g, "h-2", "before carol: secretword two"));
  ASSERT_TRUE(join(*carol_, g));
  ASSERT_TRUE(say(*alice_, g, "h-3", "welcome carol"));
  auto everything = whole_log(*alice_, g);
  auto joined_at =
      std::find_if(everything.begin(), everything.end(), [](const auto& m) { return is_system(m, "joined", kCarol); });
  ASSERT_NE(joined_at, everything.end());
  const auto join_seq = joined_at->seq;

  auto seen = sync(*carol_, g, 0);
  ASSERT_TRUE(seen) << seen.error().message;
  ASSERT_EQ(seen->messages.size(), 2u);
  EXPECT_EQ(seen->messages[0].seq, join_seq);
  EXPECT_TRUE(is_system(seen->messages[0], "joined", kCarol)) << describe(seen->messages[0]);
  EXPECT_EQ(seen->messages[1].client_id, "h-3");
  EXPECT_FALSE(seen->has_more);
  auto back = history(*carol_, g);
  ASSERT_TRUE(back) << back.error().message;
  ASSERT_EQ(back->messages.size(), 2u);
  EXPECT_EQ(back->messages[0].seq, join_seq);
  EXPECT_FALSE(back->has_more);
  auto older = history(*carol_, g, join_seq);
  ASSERT_TRUE(older) << older.error().message;
  EXPECT_TRUE(older->messages.empty());
  EXPECT_FALSE(older->has_more);
  auto found = search_messages(*carol_, "secretword");
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_TRUE(found->messages.empty());
  EXPECT_EQ(search_messages(*bob_, "secretword")->messages.size(), 2u);
  auto entry = conversation_entry(*carol_, g);
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->unread, 1);  // only the text after the join
}

TEST_F(GroupTest, FullHistoryShowsALateJoinerEverything) {
  proto::GroupCreateRequest r = group_named("Archive 档案");
  r.full_history = true;
  auto g = group_with({kBob}, r);
  ASSERT_TRUE(say(*alice_, g, "f-1", "old news keyword"));
  ASSERT_TRUE(join(*carol_, g));
  auto seen = whole_log(*carol_, g);
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.front().seq, 1);
  EXPECT_TRUE(is_system(seen.front(), "created")) << describe(seen.front());
  EXPECT_EQ(seen.size(), whole_log(*alice_, g).size());
  auto back = history(*carol_, g);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->messages.front().seq, 1);
  auto found = search_messages(*carol_, "keyword");
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_EQ(found->messages.size(), 1u);
}

// --- mentions -------------------------------------------------------------------------

TEST_F(GroupTest, AMentionCountsForTheMentionedMemberOnly) {
  auto g = group_with({kBob, kCarol});
  auto sent = say(*alice_, g, "at-1", "@Bob 今晚八点开会", {kBob});
  ASSERT_TRUE(sent) << sent.error().message;
  auto delivered = wait_text(*bob_, g, "at-1");
  ASSERT_TRUE(delivered);
  ASSERT_TRUE(delivered->body.contains("mentions"));
  EXPECT_EQ(delivered->body.at("mentions").as_array().size(), 1u);
  auto bobs = conversation_entry(*bob_, g);
  ASSERT_TRUE(bobs);
  EXPECT_EQ(bobs->unread, 1);
  EXPECT_EQ(bobs->mentions, 1);
  auto carols = conversation_entry(*carol_, g);
  ASSERT_TRUE(carols);
  EXPECT_EQ(carols->unread, 1);
  EXPECT_EQ(carols->mentions, 0);
  EXPECT_EQ(conversation_entry(*alice_, g)->mentions, 0);
  // Reading clears the count.
  ASSERT_TRUE(bob_->call<proto::MessageReadResult>(proto::type::kMessageRead, proto::MessageReadRequest{g, sent->seq}));
  EXPECT_EQ(conversation_entry(*bob_, g)->mentions, 0);
  EXPECT_EQ(conversation_entry(*bob_, g)->unread, 0);
}

TEST_F(GroupTest, MentionAllIsForTheOwnerAndAdminsAndCountsForEveryone) {
  auto g = group_with({kBob, kCarol, kDave});
  ASSERT_TRUE(set_admin(*alice_, g, kBob, true));
  auto refused = say(*carol_, g, "all-0", "@all listen", {}, true);
  expect_error(refused, Errc::forbidden);
  ASSERT_TRUE(say(*alice_, g, "all-1", "@all 集合", {}, true));
  for (auto user : {kBob, kCarol, kDave}) {
    auto entry = conversation_entry(as(user), g);
    ASSERT_TRUE(entry);
    EXPECT_EQ(entry->mentions, 1) << user;
  }
  ASSERT_TRUE(say(*bob_, g, "all-2", "@all admin too", {}, true));
  EXPECT_EQ(conversation_entry(*carol_, g)->mentions, 2);
  EXPECT_EQ(conversation_entry(*alice_, g)->mentions, 1);  // bob's
  EXPECT_EQ(conversation_entry(*bob_, g)->mentions, 1);    // alice's
  // Not a member, or no such user: bad_request.
  auto stranger = say(*alice_, g, "all-3", "@Erin", {kErin});
  expect_error(stranger, Errc::bad_request);
  EXPECT_FALSE(stranger.error().field.empty());
  expect_error(say(*alice_, g, "all-4", "@nobody", {99999}), Errc::bad_request);
  std::vector<std::int64_t> too_many(65, kBob);
  expect_error(say(*alice_, g, "all-5", "@bob x65", too_many), Errc::bad_request, "body");
  proto::MessageSendRequest wrong;
  wrong.conversation_id = g;
  wrong.client_id = "all-6";
  wrong.body = {{"text", "@bob"}, {"mentions", "bob"}};
  expect_error(alice_->call<proto::MessageSendResult>(proto::type::kMessageSend, wrong), Errc::bad_request, "body");
  wrong.body = {{"text", "@all"}, {"mention_all", 1}};
  expect_error(alice_->call<proto::MessageSendResult>(proto::type::kMessageSend, wrong), Errc::bad_request, "body");
  for (const auto& m : whole_log(*alice_, g)) {
    EXPECT_NE(m.client_id, "all-0");
    EXPECT_NE(m.client_id, "all-3");
  }
}

// --- recall ---------------------------------------------------------------------------

TEST_F(GroupTest, AMemberRecallsTheirOwnAndAnAdminRecallsAnyones) {
  auto g = group_with({kBob, kCarol, kDave});
  ASSERT_TRUE(set_admin(*alice_, g, kDave, true));
  auto bobs = say(*bob_, g, "r-1", "oops");
  ASSERT_TRUE(bobs);
  expect_error(recall(*carol_, g, bobs->seq), Errc::forbidden);  // not hers
  auto own = recall(*bob_, g, bobs->seq);
  ASSERT_TRUE(own) << own.error().message;
  auto notice = wait_message(*carol_, g, [](const proto::ChatMessage& m) { return m.kind == proto::kind::kRecall; });
  ASSERT_TRUE(notice);
  EXPECT_EQ(notice->seq, own->recall_seq);
  EXPECT_EQ(notice->sender_id, kBob);
  EXPECT_EQ(body_int(*notice, "seq"), bobs->seq);

  auto carols = say(*carol_, g, "r-2", "spam");
  ASSERT_TRUE(carols);
  auto by_owner = recall(*alice_, g, carols->seq);
  ASSERT_TRUE(by_owner) << by_owner.error().message;
  auto carols2 = say(*carol_, g, "r-3", "more spam");
  ASSERT_TRUE(carols2);
  auto by_admin = recall(*dave_, g, carols2->seq);
  ASSERT_TRUE(by_admin) << by_admin.error().message;
  auto daves = say(*dave_, g, "r-4", "an admin's words");
  ASSERT_TRUE(daves);
  expect_error(recall(*bob_, g, daves->seq), Errc::forbidden);
  expect_error(recall(*alice_, g, carols->seq), Errc::conflict);  // already recalled

  auto log = whole_log(*carol_, g);
  std::map<std::int64_t, proto::ChatMessage> by_seq;
  for (const auto& m : log) by_seq[m.seq] = m;
  for (auto seq : {bobs->seq, carols->seq, carols2->seq}) {
    EXPECT_TRUE(by_seq.at(seq).recalled) << seq;
    EXPECT_TRUE(by_seq.at(seq).body.empty()) << seq;
  }
  EXPECT_FALSE(by_seq.at(daves->seq).recalled);
  // The recall entry's sender is who recalled.
  EXPECT_EQ(by_seq.at(own->recall_seq).sender_id, kBob);
  EXPECT_EQ(by_seq.at(by_owner->recall_seq).sender_id, kAlice);
  EXPECT_EQ(by_seq.at(by_admin->recall_seq).sender_id, kDave);
  EXPECT_EQ(by_seq.at(by_admin->recall_seq).kind, proto::kind::kRecall);
}

// docs/protocol.md: "the owner and admins recall anyone's within
// groups.admin_recall_window_s" - an admin's message and the owner's included.
// Rank decides: an admin cannot recall the owner's or another admin's message; the owner
// recalls anyone's.
TEST_F(GroupTest, AnAdminCannotRecallTheOwnersOrAnotherAdminsMessageButTheOwnerCan) {
  auto g = group_with({kBob, kCarol});
  ASSERT_TRUE(set_admin(*alice_, g, kBob, true));
  ASSERT_TRUE(set_admin(*alice_, g, kCarol, true));
  auto owners = say(*alice_, g, "ar-1", "the owner's words");
  auto admins = say(*carol_, g, "ar-2", "another admin's words");
  ASSERT_TRUE(owners && admins);
  expect_error(recall(*bob_, g, owners->seq), Errc::forbidden);
  expect_error(recall(*bob_, g, admins->seq), Errc::forbidden);
  auto by_owner = recall(*alice_, g, admins->seq);
  EXPECT_TRUE(by_owner) << by_owner.error().message;
}

// A member may recall for 1 s, the owner and admins for 6 s.
class GroupRecallWindowTest : public GroupTest {
 protected:
  GroupRecallWindowTest() : GroupTest({"--recall-window-s", "1", "--admin-recall-window-s", "6"}) {}
};

TEST_F(GroupRecallWindowTest, AMembersAndAnAdminsRecallWindowsEachEnd) {
  auto g = group_with({kBob, kCarol});
  ASSERT_TRUE(set_admin(*alice_, g, kCarol, true));
  auto first = say(*bob_, g, "w-1", "too late for me");
  ASSERT_TRUE(first);
  std::this_thread::sleep_for(1500ms);
  expect_error(recall(*bob_, g, first->seq), Errc::forbidden);  // past the member's window
  auto by_admin = recall(*carol_, g, first->seq);               // inside the admin's
  EXPECT_TRUE(by_admin) << by_admin.error().message;
  auto second = say(*bob_, g, "w-2", "too late for everyone");
  ASSERT_TRUE(second);
  std::this_thread::sleep_for(6500ms);
  expect_error(recall(*carol_, g, second->seq), Errc::forbidden);
  expect_error(recall(*alice_, g, second->seq), Errc::forbidden);
  expect_error(recall(*bob_, g, second->seq), Errc::forbidden);
}

// --- read positions -------------------------------------------------------------------

TEST_F(GroupTest, AReadInAGroupTellsOnlyTheReadersOtherDevices) {
  auto g = group_with({kBob, kCarol});
  auto bob_laptop = login(server_, "bob", "laptop");
  auto sent = say(*alice_, g, "rd-1", "read me");
  ASSERT_TRUE(sent);
  auto read = bob_->call<proto::MessageReadResult>(proto::type::kMessageRead, proto::MessageReadRequest{g, sent->seq});
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_EQ(read->read_seq, sent->seq);
  auto told = wait_event(*bob_laptop, proto::event::kRead);
  ASSERT_TRUE(told);
  EXPECT_EQ(told->data.at("conversation_id"), g);
  EXPECT_EQ(told->data.at("user_id"), kBob);
  EXPECT_EQ(told->data.at("read_seq"), sent->seq);
  expect_no_event(*alice_, proto::event::kRead);  // not the sender
  expect_no_event(*carol_, proto::event::kRead);
  expect_no_event(*bob_, proto::event::kRead);  // nor the reading connection
  EXPECT_EQ(conversation_entry(*bob_laptop, g)->read_seq, sent->seq);
}

TEST_F(GroupTest, NoTypingIndicatorsInGroups) {
  auto g = group_with({kBob, kCarol});
  (void)bob_->request(proto::type::kTyping, {{"conversation_id", g}});  // answered either way; nobody is told
  expect_no_event(*carol_, proto::event::kTyping);
  expect_no_event(*alice_, proto::event::kTyping);
}

// --- dissolving and transfer ----------------------------------------------------------

TEST_F(GroupTest, DissolvingRemovesEveryonesAccess) {
  auto g = group_with({kBob, kCarol}, group_named("Short lived 短命"));
  ASSERT_TRUE(say(*bob_, g, "d-1", "goodbye"));
  ASSERT_EQ(search_groups(*erin_, std::to_string(g))->groups.size(), 1u);
  ASSERT_TRUE(dissolve(*alice_, g));
  for (auto* member : {bob_.get(), carol_.get()}) {
    auto entry = wait_system(*member, g, "dissolved");
    ASSERT_TRUE(entry);
    EXPECT_EQ(body_int(*entry, "by"), kAlice);
  }
  for (auto user : {kAlice, kBob, kCarol}) {
    SCOPED_TRACE(user);
    auto& c = as(user);
    expect_error(sync(c, g), Errc::not_found);
    expect_error(history(c, g), Errc::not_found);
    expect_error(say(c, g, "after-" + std::to_string(user), "anyone?"), Errc::not_found);
    expect_error(members(c, g), Errc::not_found);
    expect_error(info(c, g), Errc::not_found);
  }
  expect_error(join(*erin_, g), Errc::not_found);
  expect_error(dissolve(*alice_, g), Errc::not_found);
  for (const auto& query : {std::to_string(g), std::string("Short lived"), std::string("短命")}) {
    auto found = search_groups(*erin_, query);
    ASSERT_TRUE(found) << found.error().message;
    EXPECT_TRUE(found->groups.empty()) << query;
    EXPECT_TRUE(search_groups(*bob_, query)->groups.empty()) << query;
  }
}

TEST_F(GroupTest, ATransferredGroupIsTheNewOwnersToDissolve) {
  auto g = group_with({kBob, kCarol});
  expect_error(transfer(*alice_, g, kErin), Errc::not_found);  // not a member
  ASSERT_TRUE(transfer(*alice_, g, kBob));
  auto now = info(*alice_, g);
  ASSERT_TRUE(now);
  EXPECT_EQ(now->owner_id, kBob);
  EXPECT_EQ(now->role, proto::role::kMember);
  EXPECT_EQ(info(*bob_, g)->role, proto::role::kOwner);
  expect_error(dissolve(*alice_, g), Errc::forbidden);
  expect_error(kick(*alice_, g, kCarol), Errc::forbidden);
  expect_error(leave(*bob_, g), Errc::forbidden);  // the owner now
  ASSERT_TRUE(leave(*alice_, g));                  // a member may leave
  ASSERT_TRUE(dissolve(*bob_, g));
  expect_error(sync(*carol_, g), Errc::not_found);
}

// --- search ---------------------------------------------------------------------------

TEST_F(GroupTest, SearchFindsAGroupByNumberAndByEveryWordOfItsName) {
  auto g = group_with({kBob}, group_named("周末爬山 Hiking"));
  create(*alice_, group_named("Weekend Cycling"));
  auto by_number = search_groups(*carol_, std::to_string(g));
  ASSERT_TRUE(by_number) << by_number.error().message;
  ASSERT_EQ(by_number->groups.size(), 1u);
  EXPECT_EQ(by_number->groups[0].group_id, g);
  EXPECT_FALSE(by_number->groups[0].role);
  auto by_words = search_groups(*carol_, "hiking 周末");
  ASSERT_TRUE(by_words);
  ASSERT_EQ(by_words->groups.size(), 1u);
  EXPECT_EQ(by_words->groups[0].name, "周末爬山 Hiking");
  EXPECT_EQ(by_words->groups[0].member_count, 2);
  EXPECT_TRUE(search_groups(*carol_, "hiking cycling")->groups.empty());
  auto as_member = search_groups(*bob_, "HIKING");
  ASSERT_EQ(as_member->groups.size(), 1u);
  EXPECT_EQ(as_member->groups[0].role, proto::role::kMember);
  // group_members pages by user id.
  auto page = members(*bob_, g, 0, 1);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->members.size(), 1u);
  EXPECT_EQ(page->members[0].user_id, kAlice);
  EXPECT_TRUE(page->has_more);
  auto rest = members(*bob_, g, kAlice, 1);
  ASSERT_EQ(rest->members.size(), 1u);
  EXPECT_EQ(rest->members[0].user_id, kBob);
}

// --- bad input ------------------------------------------------------------------------

TEST_F(GroupTest, BadRequestsGetAStableCodeAndFieldAndTheConnectionStaysUsable) {
  auto g = group_with({kBob});
  struct Case {
    const char* type;
    json::object data;
    Errc code;
    const char* field;  // nullptr: not checked
  };
  const std::string name61(61, 'n');
  const std::vector<Case> cases = {
      // group_create
      {proto::type::kGroupCreate, {}, Errc::bad_request, "name"},
      {proto::type::kGroupCreate, {{"name", ""}}, Errc::bad_request, "name"},
      {proto::type::kGroupCreate, {{"name", 5}}, Errc::bad_request, "name"},
      {proto::type::kGroupCreate, {{"name", name61}}, Errc::bad_request, "name"},
      {proto::type::kGroupCreate, {{"name", "x"}, {"join_policy", "closed"}}, Errc::bad_request, "join_policy"},
      {proto::type::kGroupCreate, {{"name", "x"}, {"invite_policy", "maybe"}}, Errc::bad_request, "invite_policy"},
      {proto::type::kGroupCreate, {{"name", "x"}, {"member_limit", 1}}, Errc::bad_request, "member_limit"},
      {proto::type::kGroupCreate, {{"name", "x"}, {"member_limit", 10001}}, Errc::bad_request, "member_limit"},
      {proto::type::kGroupCreate, {{"name", "x"}, {"member_limit", "50"}}, Errc::bad_request, "member_limit"},
      {proto::type::kGroupCreate, {{"name", "x"}, {"full_history", "yes"}}, Errc::bad_request, "full_history"},
      // ids: missing, wrong type, negative, zero, unknown
      {proto::type::kGroupInfo, {}, Errc::bad_request, "group_id"},
      {proto::type::kGroupInfo, {{"group_id", "7"}}, Errc::bad_request, "group_id"},
      {proto::type::kGroupInfo, {{"group_id", -1}}, Errc::bad_request, "group_id"},
      {proto::type::kGroupJoin, {{"group_id", 0}}, Errc::bad_request, "group_id"},
      {proto::type::kGroupInfo, {{"group_id", kNoSuchGroup}}, Errc::not_found, nullptr},
      {proto::type::kGroupJoin, {{"group_id", kNoSuchGroup}}, Errc::not_found, nullptr},
      {proto::type::kGroupMembers, {{"group_id", kNoSuchGroup}}, Errc::not_found, nullptr},
      {proto::type::kGroupKick, {{"group_id", kNoSuchGroup}, {"user_id", kBob}}, Errc::not_found, nullptr},
      {proto::type::kGroupDissolve, {{"group_id", kNoSuchGroup}}, Errc::not_found, nullptr},
      {proto::type::kGroupLeave, {{"group_id", kNoSuchGroup}}, Errc::not_found, nullptr},
      {proto::type::kSync, {{"conversation_id", kNoSuchGroup}, {"after_seq", 0}}, Errc::not_found, nullptr},
      {proto::type::kMessageSend,
       {{"conversation_id", kNoSuchGroup}, {"client_id", "x-1"}, {"body", {{"text", "hi"}}}},
       Errc::not_found,
       "conversation_id"},
      {proto::type::kGroupKick, {{"group_id", g}, {"user_id", -3}}, Errc::bad_request, "user_id"},
      {proto::type::kGroupKick, {{"group_id", g}}, Errc::bad_request, "user_id"},
      {proto::type::kGroupKick, {{"group_id", g}, {"user_id", 99999}}, Errc::not_found, nullptr},
      // mute durations
      {proto::type::kGroupMute,
       {{"group_id", g}, {"user_id", kBob}, {"duration_s", 0}},
       Errc::bad_request,
       "duration_s"},
      {proto::type::kGroupMute,
       {{"group_id", g}, {"user_id", kBob}, {"duration_s", -5}},
       Errc::bad_request,
       "duration_s"},
      {proto::type::kGroupMute,
       {{"group_id", g}, {"user_id", kBob}, {"duration_s", 30 * 24 * 3600 + 1}},
       Errc::bad_request,
       "duration_s"},
      {proto::type::kGroupMute,
       {{"group_id", g}, {"user_id", kBob}, {"duration_s", "60"}},
       Errc::bad_request,
       "duration_s"},
      {proto::type::kGroupMute, {{"group_id", g}, {"user_id", kBob}}, Errc::bad_request, "duration_s"},
      // booleans
      {proto::type::kGroupMuteAll, {{"group_id", g}, {"muted", "yes"}}, Errc::bad_request, "muted"},
      {proto::type::kGroupMuteAll, {{"group_id", g}}, Errc::bad_request, "muted"},
      {proto::type::kGroupAdmin, {{"group_id", g}, {"user_id", kBob}}, Errc::bad_request, "admin"},
      {proto::type::kGroupRespond, {{"request_id", -1}, {"accept", true}}, Errc::bad_request, "request_id"},
      {proto::type::kGroupRespond, {{"request_id", 1}}, Errc::bad_request, "accept"},
      {proto::type::kGroupRespond, {{"request_id", 99999}, {"accept", true}}, Errc::not_found, nullptr},
      // group_update
      {proto::type::kGroupUpdate, {{"group_id", g}, {"name", ""}}, Errc::bad_request, "name"},
      {proto::type::kGroupUpdate, {{"group_id", g}, {"join_policy", "everyone"}}, Errc::bad_request, "join_policy"},
      {proto::type::kGroupUpdate, {{"group_id", g}, {"invite_policy", 1}}, Errc::bad_request, "invite_policy"},
      {proto::type::kGroupUpdate, {{"group_id", g}, {"member_limit", 0}}, Errc::bad_request, "member_limit"},
      // paging limits
      {proto::type::kGroupSearch, {{"query", "x"}, {"limit", 0}}, Errc::bad_request, "limit"},
      {proto::type::kGroupSearch, {{"query", "x"}, {"limit", 101}}, Errc::bad_request, "limit"},
      {proto::type::kGroupSearch, {{"limit", 10}}, Errc::bad_request, "query"},
      {proto::type::kGroupMembers, {{"group_id", g}, {"limit", 0}}, Errc::bad_request, "limit"},
      {proto::type::kGroupMembers, {{"group_id", g}, {"limit", 501}}, Errc::bad_request, "limit"},
      {proto::type::kGroupMembers, {{"group_id", g}, {"after_user_id", -1}}, Errc::bad_request, "after_user_id"},
      {proto::type::kGroupCard, {{"group_id", g}}, Errc::bad_request, "card"},
      {proto::type::kGroupCard, {{"group_id", g}, {"card", 30}}, Errc::bad_request, "card"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.type) + " " + json::serialize(c.data));
    auto r = alice_->request(c.type, c.data);
    ASSERT_FALSE(r) << "accepted: " << json::serialize(*r);
    EXPECT_EQ(proto::to_string(r.error().code), proto::to_string(c.code)) << r.error().message;
    EXPECT_FALSE(r.error().message.empty());
    if (c.field != nullptr) {
      EXPECT_EQ(r.error().field, c.field) << r.error().message;
    }
  }
  // Long strings: bad_request or too_large, naming the field.
  const std::vector<std::tuple<const char*, json::object, const char*>> long_ones = {
      {proto::type::kGroupCreate, {{"name", "x"}, {"description", std::string(501, 'd')}}, "description"},
      {proto::type::kGroupCreate, {{"name", "x"}, {"avatar", std::string(513, 'a')}}, "avatar"},
      {proto::type::kGroupJoin, {{"group_id", g}, {"note", std::string(201, 'n')}}, "note"},
      {proto::type::kGroupCard, {{"group_id", g}, {"card", std::string(31, 'c')}}, "card"},
  };
  for (const auto& [type, data, field] : long_ones) {
    SCOPED_TRACE(std::string(type) + " " + field);
    auto r = alice_->request(type, data);
    ASSERT_FALSE(r) << "accepted";
    EXPECT_TRUE(r.error().code == Errc::bad_request || r.error().code == Errc::too_large)
        << proto::to_string(r.error().code) << ": " << r.error().message;
    EXPECT_EQ(r.error().field, field) << r.error().message;
  }
  // Nothing was made or changed, and the connection still works.
  EXPECT_TRUE(alice_->request(proto::type::kPing, {}));
  auto still = info(*alice_, g);
  ASSERT_TRUE(still) << still.error().message;
  EXPECT_EQ(still->name, "Team 团队");
  EXPECT_EQ(still->member_count, 2);
  EXPECT_EQ(member_map(*alice_, g).at(kBob).muted_until, 0);
  EXPECT_EQ(whole_log(*alice_, g).size(), 2u);  // created, joined
  EXPECT_TRUE(say(*alice_, g, "ok-1", "all good"));
}

// --- delivery against membership under load --------------------------------------------

// The sends of these tests outrun the default request rate (50/s); that is not their point.
class GroupBurstTest : public GroupTest {
 protected:
  GroupBurstTest() : GroupTest({"--max-requests-per-second", "100000", "--request-burst", "100000"}) {}

  // alice sends `n` texts one after another; `midway` runs once `at` of them are acknowledged.
  // Returns the acknowledged seqs.
  std::vector<std::int64_t> burst(std::int64_t g, int n, int at, const std::function<void()>& midway) {
    std::atomic<int> acked{0};
    std::atomic<bool> done{false};
    std::vector<std::int64_t> seqs;
    std::thread sender([&] {
      for (int i = 0; i < n; ++i) {
        auto r = say(*alice_, g, "burst-" + std::to_string(i), "burst " + std::to_string(i));
        if (!r) {
          ADD_FAILURE() << "send " << i << ": " << r.error().message;
          break;
        }
        seqs.push_back(r->seq);
        ++acked;
      }
      done = true;
    });
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    while (acked < at && !done && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(1ms);
    midway();
    sender.join();
    return seqs;
  }

  // carol sends from three devices until refused; `moderate` runs once 60 of her sends
  // are stored. Returns the seqs of those acknowledged.
  std::vector<std::int64_t> carol_sends_until_refused(std::int64_t g, const std::function<void()>& moderate) {
    std::vector<std::unique_ptr<client::Client>> devices;
    for (int d = 0; d < 3; ++d) devices.push_back(login(server_, "carol", "d" + std::to_string(d)));
    std::mutex mutex;
    std::vector<std::int64_t> acked;
    std::atomic<int> count{0};
    std::vector<std::thread> senders;
    for (int d = 0; d < 3; ++d) {
      senders.emplace_back([&, d] {
        for (int i = 0; i < 2000; ++i) {
          auto r = say(*devices[d], g, "race-" + std::to_string(d) + "-" + std::to_string(i), "racing");
          if (!r) return;  // refused from now on
          std::lock_guard lock(mutex);
          acked.push_back(r->seq);
          ++count;
        }
      });
    }
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    while (count < 60 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(1ms);
    moderate();
    for (auto& t : senders) t.join();
    return acked;
  }

  // The seq of the last entry of alice's view of the log that `pred` accepts; 0: none.
  template <class Pred>
  std::int64_t seq_of(std::int64_t g, Pred pred) {
    std::int64_t seq = 0;
    for (const auto& m : whole_log(*alice_, g)) {
      if (pred(m)) seq = m.seq;
    }
    return seq;
  }
};

// Every entry up to a member's removal reaches them, and nothing after it.
TEST_F(GroupBurstTest, AKickDuringABurstCutsDeliveryExactlyAtTheRemoval) {
  auto g = group_with({kBob, kCarol});
  ASSERT_TRUE(set_admin(*alice_, g, kBob, true));
  auto seen = wait_system(*carol_, g, "admin", kBob);  // everything before is consumed
  ASSERT_TRUE(seen);
  const std::int64_t first = seen->seq + 1;
  auto sent = burst(g, 300, 100, [&] { ASSERT_TRUE(kick(*bob_, g, kCarol)); });
  ASSERT_EQ(sent.size(), 300u);
  std::int64_t removed = 0;
  for (const auto& m : whole_log(*alice_, g)) {
    if (is_system(m, "removed", kCarol)) removed = m.seq;
  }
  ASSERT_GT(removed, first);
  std::set<std::int64_t> got;
  for (;;) {
    auto m = wait_message(*carol_, g, [](const proto::ChatMessage&) { return true; });
    ASSERT_TRUE(m) << "the removal never arrived; last seq " << (got.empty() ? 0 : *got.rbegin());
    EXPECT_TRUE(got.insert(m->seq).second) << "seq " << m->seq << " twice";
    EXPECT_LE(m->seq, removed) << "delivered after the removal: " << describe(*m);
    if (m->seq == removed) break;
  }
  expect_no_message(*carol_, g);
  for (auto seq = first; seq <= removed; ++seq) EXPECT_TRUE(got.count(seq)) << "seq " << seq << " never reached carol";
}

// A member who joins during a burst gets every entry from their joining on, and none before.
TEST_F(GroupBurstTest, AJoinDuringABurstDeliversExactlyFromTheJoin) {
  auto g = group_with({kBob});
  auto sent = burst(g, 300, 100, [&] { ASSERT_TRUE(join(*carol_, g)); });
  ASSERT_EQ(sent.size(), 300u);
  std::int64_t joined = 0;
  for (const auto& m : whole_log(*alice_, g)) {
    if (is_system(m, "joined", kCarol)) joined = m.seq;
  }
  ASSERT_GT(joined, 0);
  const std::int64_t last = sent.back();
  std::set<std::int64_t> got;
  while (got.empty() || *got.rbegin() < last) {
    auto m = wait_message(*carol_, g, [](const proto::ChatMessage&) { return true; });
    ASSERT_TRUE(m) << "delivery stopped; last seq " << (got.empty() ? 0 : *got.rbegin());
    EXPECT_TRUE(got.insert(m->seq).second) << "seq " << m->seq << " twice";
    EXPECT_GE(m->seq, joined) << "delivered from before the joining: " << describe(*m);
  }
  for (auto seq = joined + 1; seq <= last; ++seq)
    EXPECT_TRUE(got.count(seq)) << "seq " << seq << " never reached carol";
  // What she can sync is what she was sent.
  auto log = whole_log(*carol_, g);
  ASSERT_FALSE(log.empty());
  EXPECT_EQ(log.front().seq, joined);
}

TEST_F(GroupBurstTest, SendsRacingAMuteNeverLandAfterIt) {
  auto g = group_with({kBob, kCarol});
  ASSERT_TRUE(set_admin(*alice_, g, kBob, true));
  auto acked = carol_sends_until_refused(g, [&] { ASSERT_TRUE(mute(*bob_, g, kCarol, 3600)); });
  auto cut = seq_of(g, [](const proto::ChatMessage& m) { return is_system(m, "muted", kCarol); });
  ASSERT_GT(cut, 0);
  ASSERT_FALSE(acked.empty());
  for (auto seq : acked) EXPECT_LT(seq, cut) << "a send of carol's was stored after her mute";
}

TEST_F(GroupBurstTest, SendsRacingAMuteAllNeverLandAfterIt) {
  auto g = group_with({kBob, kCarol});
  auto acked = carol_sends_until_refused(g, [&] { ASSERT_TRUE(mute_all(*alice_, g, true)); });
  auto cut = seq_of(g, [](const proto::ChatMessage& m) { return is_system(m, "muted_all"); });
  ASSERT_GT(cut, 0);
  ASSERT_FALSE(acked.empty());
  for (auto seq : acked) EXPECT_LT(seq, cut) << "a member's send was stored after muted_all";
}

TEST_F(GroupBurstTest, SendsRacingAKickNeverLandAfterTheRemoval) {
  auto g = group_with({kBob, kCarol});
  ASSERT_TRUE(set_admin(*alice_, g, kBob, true));
  auto acked = carol_sends_until_refused(g, [&] { ASSERT_TRUE(kick(*bob_, g, kCarol)); });
  auto cut = seq_of(g, [](const proto::ChatMessage& m) { return is_system(m, "removed", kCarol); });
  ASSERT_GT(cut, 0);
  ASSERT_FALSE(acked.empty());
  for (auto seq : acked) EXPECT_LT(seq, cut) << "a send of carol's was stored after her removal";
}

TEST(GroupSlowConsumer, IsCutOffWithoutHarmingTheSenderOrOthers) {
  // As ChatSlowConsumer, in a group: large messages fill a device that never reads.
  ServerProcess server({"--max-send-queue-bytes", "2097152", "--max-text-chars", "50000", "--idle-timeout-ms", "600000",
                        "--max-requests-per-second", "100000", "--request-burst", "100000"});
  auto alice = register_and_login(server, "alice");
  auto bob = register_and_login(server, "bob");
  auto carol = register_and_login(server, "carol");
  auto g = create(*alice, group_named("Big files")).group_id;
  ASSERT_TRUE(join(*bob, g));
  ASSERT_TRUE(join(*carol, g));
  int stuck = silent_login(server.port(), "bob", "stuck");
  const std::string big(40'000, 'x');
  int sent = 0;
  std::int64_t last = 0;
  for (int i = 0; i < 600; ++i) {
    auto r = say(*alice, g, "big-" + std::to_string(i), big);
    ASSERT_TRUE(r) << "sending " << i << ": " << r.error().message;
    last = r->seq;
    ++sent;
    if (i % 50 == 49 && server.log().find("dropped: slow client") != std::string::npos) break;
  }
  EXPECT_TRUE(read_until_cut_off(stuck)) << "the slow connection was not cut off";
  EXPECT_NE(server.log().find("dropped: slow client"), std::string::npos);
  // The members that read have every message; bob's other device can catch up with sync.
  int texts = 0;
  for (;;) {
    auto m = wait_message(*carol, g, [](const proto::ChatMessage& e) { return e.kind == proto::kind::kText; });
    ASSERT_TRUE(m) << "carol stopped receiving after " << texts;
    ++texts;
    if (m->seq == last) break;
  }
  EXPECT_EQ(texts, sent);
  std::int64_t after = 0;
  for (;;) {
    auto page = sync(*bob, g, after);
    ASSERT_TRUE(page) << page.error().message;
    if (!page->messages.empty()) after = page->messages.back().seq;
    if (!page->has_more) break;
  }
  EXPECT_EQ(after, last);
  EXPECT_TRUE(bob->is_open());
  EXPECT_TRUE(alice->request(proto::type::kPing, {}));
}

// --- a 200-member fan-out -------------------------------------------------------------

TEST(GroupFanOut, TwoHundredMembersGetEveryMessageOnceAndInOrder) {
  constexpr int kMembers = 200;
  constexpr int kMessages = 20;
  ServerProcess server({"--max-connections-per-ip", "1000"});
  auto owner = register_and_login(server, "owner");
  // Registration is cheap here (the test server's Argon2id cost is the minimum); a few
  // threads overlap the round trips.
  std::vector<std::unique_ptr<client::Client>> crowd(kMembers);
  {
    std::vector<std::thread> threads;
    std::atomic<bool> failed{false};
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        try {
          for (int i = t; i < kMembers; i += 4)
            crowd[i] = register_and_login(server, "member" + std::to_string(1000 + i));
        } catch (const std::exception& e) {
          ADD_FAILURE() << e.what();
          failed = true;
        }
      });
    }
    for (auto& t : threads) t.join();
    ASSERT_FALSE(failed);
  }
  auto g = create(*owner, group_named("Two hundred 二百")).group_id;
  for (int i = 0; i < kMembers; ++i) {
    auto joined = join(*crowd[i], g);
    ASSERT_TRUE(joined) << i << ": " << joined.error().message;
  }
  ASSERT_EQ(info(*owner, g)->member_count, kMembers + 1);
  std::vector<std::int64_t> acked;
  for (int i = 0; i < kMessages; ++i) {
    auto sent = say(*owner, g, "fan-" + std::to_string(i), "message " + std::to_string(i));
    ASSERT_TRUE(sent) << sent.error().message;
    acked.push_back(sent->seq);
  }
  // Each member's texts, in the order received; the events are already queued per client.
  std::atomic<int> complete{0};
  std::vector<std::string> problems(kMembers);
  std::vector<std::thread> readers;
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&, t] {
      for (int i = t; i < kMembers; i += 4) {
        auto& c = *crowd[i];
        std::vector<std::int64_t> got;
        while (got.size() < acked.size()) {
          auto text = wait_message(
              c, g, [](const proto::ChatMessage& m) { return m.kind == proto::kind::kText; }, 30s);
          if (!text) break;
          got.push_back(text->seq);
        }
        // Nothing more: the messages went out long ago, so a duplicate would be queued
        // before the ping's answer.
        (void)c.request(proto::type::kPing);
        while (auto extra = c.next_event(0ms)) {
          if (extra->type != proto::event::kMessage) continue;
          auto m = proto::decode<proto::ChatMessage>(extra->data);
          if (m && m->conversation_id == g && m->kind == proto::kind::kText) got.push_back(m->seq);
        }
        if (got == acked) {
          ++complete;
        } else {
          std::string s = "member " + std::to_string(i) + " got";
          for (auto seq : got) s += " " + std::to_string(seq);
          problems[i] = s;
        }
      }
    });
  }
  for (auto& t : readers) t.join();
  for (const auto& p : problems) EXPECT_TRUE(p.empty()) << p;
  EXPECT_EQ(complete, kMembers);
  // The sent seqs are consecutive: nothing else came between them.
  for (std::size_t i = 1; i < acked.size(); ++i) EXPECT_EQ(acked[i], acked[i - 1] + 1);
}

// --- durability -----------------------------------------------------------------------

TEST(GroupDurability, ARestartKeepsGroupsRolesMutesAndTheLog) {
  ServerProcess server;
  std::int64_t g = 0;
  std::vector<proto::ChatMessage> before;
  std::int64_t carol_muted_until = 0;
  std::int64_t pending_request = 0;
  {
    auto alice = register_and_login(server, "alice");
    auto bob = register_and_login(server, "bob");
    auto carol = register_and_login(server, "carol");
    g = create(*alice, group_named("Keeps 持久")).group_id;
    ASSERT_TRUE(join(*bob, g));
    ASSERT_TRUE(join(*carol, g));
    ASSERT_TRUE(set_admin(*alice, g, kBob, true));
    ASSERT_TRUE(card(*carol, g, "卡片"));
    ASSERT_TRUE(say(*carol, g, "p-1", "before the restart"));
    ASSERT_TRUE(mute(*bob, g, kCarol, 3600));
    ASSERT_TRUE(say(*alice, g, "p-2", "the last word"));
    before = whole_log(*alice, g);
    carol_muted_until = member_map(*alice, g).at(kCarol).muted_until;
    auto dave = register_and_login(server, "dave");
    auto waiting = create(*alice, group_named("Waiting room", proto::join_policy::kApproval)).group_id;
    auto asked = join(*dave, waiting, "still there?");
    ASSERT_TRUE(asked && asked->status == proto::join_status::kPending);
    pending_request = asked->request_id;
  }
  EXPECT_EQ(server.terminate(), 0);
  server.restart();
  auto alice = login(server, "alice", "test");
  auto carol = login(server, "carol", "test");
  auto profile = info(*alice, g);
  ASSERT_TRUE(profile) << profile.error().message;
  EXPECT_EQ(profile->name, "Keeps 持久");
  EXPECT_EQ(profile->member_count, 3);
  auto roles = member_map(*alice, g);
  EXPECT_EQ(roles.at(kAlice).role, proto::role::kOwner);
  EXPECT_EQ(roles.at(kBob).role, proto::role::kAdmin);
  EXPECT_EQ(roles.at(kCarol).card, "卡片");
  EXPECT_EQ(roles.at(kCarol).muted_until, carol_muted_until);
  auto after = whole_log(*alice, g);
  ASSERT_EQ(after.size(), before.size());
  for (std::size_t i = 0; i < after.size(); ++i) {
    EXPECT_EQ(after[i].seq, before[i].seq);
    EXPECT_EQ(after[i].kind, before[i].kind);
    EXPECT_EQ(after[i].body, before[i].body);
  }
  expect_error(say(*carol, g, "p-3", "still muted?"), Errc::forbidden);
  auto next = say(*alice, g, "p-4", "numbering goes on");
  ASSERT_TRUE(next) << next.error().message;
  EXPECT_EQ(next->seq, before.back().seq + 1);
  // A join request that waited across the restart is still there to decide.
  auto incoming = group_requests(*alice);
  ASSERT_TRUE(incoming);
  ASSERT_EQ(incoming->incoming.size(), 1u);
  EXPECT_EQ(incoming->incoming[0].request_id, pending_request);
  EXPECT_EQ(incoming->incoming[0].note, "still there?");
  EXPECT_TRUE(respond(*alice, pending_request, true));
}

TEST(GroupDurability, KillNineLosesNoAcknowledgedGroupMessageOrMembershipChange) {
  ServerProcess server;  // the shipped default: store.synchronous = full
  constexpr int kJoiners = 30;
  auto alice = register_and_login(server, "alice");
  auto bob = register_and_login(server, "bob");
  std::vector<std::unique_ptr<client::Client>> joiners;
  for (int i = 0; i < kJoiners; ++i) joiners.push_back(register_and_login(server, "joiner" + std::to_string(100 + i)));
  auto g = create(*alice, group_named("Crash 崩溃")).group_id;
  ASSERT_TRUE(join(*bob, g));

  std::mutex mutex;
  std::vector<std::pair<std::string, std::int64_t>> acked_messages;
  std::set<std::int64_t> acked_joined, acked_left;
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (auto* sender : {alice.get(), bob.get()}) {
    threads.emplace_back([&, sender] {
      const std::string prefix = sender == alice.get() ? "a-" : "b-";
      for (int i = 0; !stop; ++i) {
        std::string id = prefix + std::to_string(i);
        auto r = say(*sender, g, id, "burst " + id);
        if (!r) return;  // the server is gone
        std::lock_guard lock(mutex);
        acked_messages.emplace_back(id, r->seq);
      }
    });
  }
  threads.emplace_back([&] {
    // Joins, and every other joiner leaves again.
    for (int i = 0; i < kJoiners && !stop; ++i) {
      const std::int64_t user = 10003 + i;
      if (!join(*joiners[i], g)) return;
      {
        std::lock_guard lock(mutex);
        acked_joined.insert(user);
      }
      if (i % 2 == 1) {
        if (!leave(*joiners[i], g)) return;
        std::lock_guard lock(mutex);
        acked_left.insert(user);
      }
    }
  });
  std::this_thread::sleep_for(700ms);
  server.kill9();
  stop = true;
  for (auto& t : threads) t.join();
  ASSERT_GT(acked_messages.size(), 5u);
  ASSERT_FALSE(acked_joined.empty());

  server.restart();
  auto reader = login(server, "alice", "after");
  std::map<std::string, std::int64_t> stored;
  std::set<std::int64_t> joined_entries, left_entries;
  std::int64_t last = 0;
  for (const auto& m : whole_log(*reader, g)) {
    EXPECT_EQ(m.seq, last + 1) << "a gap in the log";
    last = m.seq;
    if (m.kind == proto::kind::kText) stored[m.client_id] = m.seq;
    if (is_system(m, "joined")) joined_entries.insert(body_int(m, "user_id"));
    if (is_system(m, "left")) left_entries.insert(body_int(m, "user_id"));
  }
  for (const auto& [id, seq] : acked_messages) {
    ASSERT_TRUE(stored.count(id)) << "acknowledged message " << id << " was lost";
    EXPECT_EQ(stored[id], seq) << id;
  }
  auto now = member_map(*reader, g);
  for (auto user : acked_joined) {
    EXPECT_TRUE(joined_entries.count(user)) << "the joined entry of " << user << " was lost";
    if (acked_left.count(user)) {
      EXPECT_FALSE(now.count(user)) << user << " left, but is a member again";
      EXPECT_TRUE(left_entries.count(user)) << "the left entry of " << user << " was lost";
    } else {
      EXPECT_TRUE(now.count(user)) << "the acknowledged join of " << user << " was lost";
    }
  }
  // The members and the log agree.
  for (const auto& [user, member] : now) {
    if (user == kAlice || user == kBob) continue;
    EXPECT_TRUE(joined_entries.count(user)) << user << " is a member without a joined entry";
  }
  EXPECT_EQ(info(*reader, g)->member_count, static_cast<std::int64_t>(now.size()));
}

}  // namespace
}  // namespace parley::test
