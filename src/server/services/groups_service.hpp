#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include "proto/errors.hpp"
#include "proto/messages.hpp"
#include "server/services/accounts_service.hpp"
#include "server/services/chat_service.hpp"
#include "server/services/friends_service.hpp"
#include "server/sessions/session_registry.hpp"
#include "server/store/accounts_store.hpp"
#include "server/store/groups_store.hpp"

namespace parley::server {

// Groups (docs/protocol.md, "Groups"): creating and finding them, joining (open, by
// request, by invitation), roles and moderation, cards and the member list. Every change
// is stored with a `system` entry in the group's log, which ChatService delivers; the
// caches ChatService keeps of the group are dropped in the same step. Messages in groups
// go through ChatService. Blocking and thread-safe: call it from worker threads.
class GroupsService {
 public:
  struct Options {
    int max_owned = 20;  // groups one user may own
    std::int64_t requests_window_ms = 30LL * 24 * 3600 * 1000;  // how far back group_requests' outgoing go
  };
  using AreFriends = std::function<bool(std::int64_t a, std::int64_t b)>;
  using PresenceOf = std::function<std::string(std::int64_t user)>;
  // Everything passed by reference must outlive the service.
  GroupsService(store::GroupsStore& store, store::AccountsStore& accounts, ChatService& chat,
                SessionRegistry& registry, AreFriends are_friends, PresenceOf presence, Clock clock, Options options);

  proto::Result<proto::GroupInfo> create(const Caller& me, const proto::GroupCreateRequest& request);
  proto::Result<proto::GroupSearchResult> search(const Caller& me, const proto::GroupSearchRequest& request);
  proto::Result<proto::GroupInfo> info(const Caller& me, const proto::GroupRef& request);
  proto::Result<proto::GroupInfo> update(const Caller& me, const proto::GroupUpdateRequest& request);

  proto::Result<proto::GroupJoinResult> join(const Caller& me, const proto::GroupJoinRequest& request);
  proto::Result<proto::GroupJoinResult> invite(const Caller& me, const proto::GroupMemberRef& request);
  proto::Result<proto::GroupRequestsResult> requests(const Caller& me);
  proto::Status respond(const Caller& me, const proto::GroupRespondRequest& request);
  proto::Status leave(const Caller& me, const proto::GroupRef& request);

  proto::Status kick(const Caller& me, const proto::GroupMemberRef& request);
  proto::Status mute(const Caller& me, const proto::GroupMuteRequest& request);
  proto::Status unmute(const Caller& me, const proto::GroupMemberRef& request);
  proto::Status mute_all(const Caller& me, const proto::GroupMuteAllRequest& request);
  proto::Status set_admin(const Caller& me, const proto::GroupAdminRequest& request);
  proto::Status transfer(const Caller& me, const proto::GroupMemberRef& request);
  proto::Status dissolve(const Caller& me, const proto::GroupRef& request);

  proto::Result<proto::GroupMembersResult> members(const Caller& me, const proto::GroupMembersRequest& request);
  proto::Status set_card(const Caller& me, const proto::GroupCardRequest& request);

 private:
  // A group that exists and is not dissolved.
  proto::Result<store::GroupRow> live_group(std::int64_t group_id);
  // The user's membership; not_found (like no such group) when not a member.
  proto::Result<store::MemberRow> member_of(std::int64_t group_id, std::int64_t user_id);
  // The caller's membership when they are the owner or an admin; else forbidden.
  proto::Result<store::MemberRow> runner_of(std::int64_t group_id, std::int64_t user_id);
  // What the caller (owner or admin) may do to `target`: not to themself, the owner, or
  // (as an admin) another admin.
  proto::Result<store::MemberRow> moderated(const Caller& me, std::int64_t group_id, std::int64_t target);
  proto::Result<proto::GroupInfo> info_of(const store::GroupRow& group, std::int64_t viewer);

  // The system entry that tells the group of a change.
  store::NewMessage notice(std::int64_t group_id, std::int64_t by, boost::json::object body);
  // After a change: drop ChatService's cache of the group (under the store's lock).
  store::GroupsStore::Committed forget(std::int64_t group_id);
  // Delivers the entry of a change to the members (and to `also`, who left).
  proto::Status published(store::Result<store::Appended> appended, std::span<const std::int64_t> also = {});

  proto::Result<proto::GroupJoinResult> add_or_ask(const store::GroupRow& group, std::int64_t user,
                                                   std::int64_t inviter, bool ask, const std::string& note);
  proto::Result<proto::GroupJoinRequestInfo> request_info(const store::JoinRequestRow& row);
  void tell_runners(std::int64_t group_id, const proto::GroupJoinRequestInfo& request);

  store::GroupsStore& store_;
  store::AccountsStore& accounts_;
  ChatService& chat_;
  SessionRegistry& registry_;
  AreFriends are_friends_;
  PresenceOf presence_;
  Clock clock_;
  Options options_;
  std::atomic<std::uint64_t> notices_{0};  // makes each system entry's client id unique
};

}  // namespace parley::server
