#include "server/services/friends_service.hpp"

#include <algorithm>
#include <set>

#include <spdlog/spdlog.h>

#include "proto/validate.hpp"

namespace parley::server {
namespace {

// Bounds may_message's cache; past it the cache starts over.
constexpr std::size_t kMaxCachedAnswers = 200'000;

using proto::Errc;
using proto::make_error;

proto::UserSummary summary(const store::UserCard& u) { return {u.id, u.username, u.nickname, u.avatar}; }

proto::UserSummary summary(const store::User& u) { return {u.id, u.username, u.nickname, u.avatar}; }

proto::Friend to_friend(const store::FriendRow& f) {
  return {f.user.id,     f.user.username, f.user.nickname, f.user.avatar, f.user.signature,
          f.remark,      f.category_id,   f.since,         std::nullopt,  std::nullopt};
}

proto::FriendCategory to_category(const store::CategoryRow& c) { return {c.id, c.name, c.position, c.is_default}; }

const char* status_text(store::RequestState state) {
  switch (state) {
    case store::RequestState::pending:
      return proto::request_status::kPending;
    case store::RequestState::accepted:
      return proto::request_status::kAccepted;
    case store::RequestState::rejected:
      return proto::request_status::kRejected;
  }
  return proto::request_status::kPending;
}

// A store failure, with `field` named when it is the caller's not_found or conflict.
proto::Error to_wire(const store::Error& error, std::string field) {
  auto wire = server::to_wire(error);
  if (wire.code == Errc::not_found || wire.code == Errc::conflict) wire.field = std::move(field);
  return wire;
}

proto::Status not_yourself(const Caller& me, std::int64_t user_id) {
  if (user_id == me.user_id) return make_error(Errc::bad_request, "user_id must be another user", "user_id");
  return {};
}

}  // namespace

FriendsService::FriendsService(store::FriendsStore& store, store::AccountsStore& accounts, SessionRegistry& registry,
                               Clock clock, Options options)
    : store_(store), accounts_(accounts), registry_(registry), clock_(std::move(clock)), options_(options) {}

proto::Result<store::User> FriendsService::existing_user(std::int64_t id) {
  auto user = accounts_.user_by_id(id);
  if (!user) {
    if (user.error().code == store::Errc::not_found) return make_error(Errc::not_found, "no such user", "user_id");
    return server::to_wire(user.error());
  }
  return std::move(*user);
}

proto::Result<std::vector<store::CategoryRow>> FriendsService::own_categories(const Caller& me) {
  auto categories = store_.categories(me.user_id, clock_());
  if (!categories) return server::to_wire(categories.error());
  return std::move(*categories);
}

proto::Result<store::CategoryRow> FriendsService::own_category(const Caller& me, std::int64_t category_id) {
  auto categories = own_categories(me);
  if (!categories) return categories.error();
  for (auto& c : *categories) {
    if (c.id == category_id) return std::move(c);
  }
  return make_error(Errc::not_found, "no such category", "category_id");
}

void FriendsService::show_presence(PresenceOf presence_of) { presence_of_ = std::move(presence_of); }

void FriendsService::announce_friendship(std::int64_t a, std::int64_t b) {
  for (auto [user, other] : {std::pair{a, b}, std::pair{b, a}}) {
    auto entry = store_.friend_of(user, other);
    if (!entry) {
      spdlog::warn("friend_added event not sent user_id={} error=\"{}\"", user, entry.error().message);
      continue;
    }
    auto added = to_friend(*entry);
    // As friends_list shows it: one who blocked the user shows as offline to them.
    if (presence_of_) added.presence = is_blocked(other, user) ? std::string(proto::presence::kOffline) : presence_of_(other);
    registry_.notify(user, proto::event::kFriendAdded, added);
  }
}

void FriendsService::changed_elsewhere(const Caller& me) {
  registry_.notify(me.user_id, proto::event::kFriendsChanged, proto::FriendsChangedEvent{}, me.connection_id);
}

proto::Result<proto::FriendRequestResult> FriendsService::send_request(const Caller& me,
                                                                       const proto::FriendRequestRequest& r) {
  std::string note = r.note.value_or("");
  if (auto s = proto::check_friend_note(note); !s) return s.error();
  if (auto s = not_yourself(me, r.user_id); !s) return s.error();
  auto target = existing_user(r.user_id);
  if (!target) return target.error();
  auto i_blocked = store_.is_blocked(me.user_id, r.user_id);
  if (!i_blocked) return server::to_wire(i_blocked.error());
  if (*i_blocked) return make_error(Errc::forbidden, "you blocked this user; unblock first", "user_id");
  // When they blocked me the request is kept out of their sight, and I am answered
  // exactly as if it went through: blocked users are not told.
  auto they_blocked = store_.is_blocked(r.user_id, me.user_id);
  if (!they_blocked) return server::to_wire(they_blocked.error());
  bool hidden = *they_blocked;
  if (auto s = room_for_friend(me.user_id, true); !s) return s.error();
  if (!hidden) {
    if (auto s = room_for_friend(r.user_id, false); !s) return s.error();
  }

  std::int64_t now = clock_();
  auto sent = store_.send_request(me.user_id, r.user_id, note, hidden, now);
  relations_changed();
  if (!sent) {
    if (sent.error().code == store::Errc::conflict) {
      return make_error(Errc::conflict, "you are already friends", "user_id");
    }
    return server::to_wire(sent.error());
  }
  const auto& request = sent->request;
  using Outcome = store::SentRequest::Outcome;
  spdlog::info("friend_request request_id={} from={} to={} hidden={} outcome={}", request.id, me.user_id, r.user_id,
               request.hidden,
               sent->outcome == Outcome::created    ? "created"
               : sent->outcome == Outcome::repeated ? "repeated"
                                                    : "accepted");
  if (sent->outcome == Outcome::accepted) {
    // They had asked me first: this answers their request.
    registry_.notify(r.user_id, proto::event::kFriendResponse,
                     proto::FriendResponseEvent{sent->matched_request_id, me.user_id, true, ""});
    announce_friendship(me.user_id, r.user_id);
    return proto::FriendRequestResult{request.id, proto::request_status::kAccepted};
  }
  // A repeat is delivered again only when they have not seen it as it is now.
  bool deliver =
      !request.hidden && (sent->outcome == Outcome::created || sent->was_hidden || sent->old_note != request.note);
  if (deliver) {
    auto self = accounts_.user_by_id(me.user_id);
    if (self) {
      registry_.notify(r.user_id, proto::event::kFriendRequest,
                       proto::FriendRequestEvent{request.id, summary(*self), request.note, request.created_at});
    }
  }
  return proto::FriendRequestResult{request.id, proto::request_status::kPending};
}

proto::Result<proto::FriendRequestsResult> FriendsService::requests(const Caller& me) {
  auto incoming = store_.incoming_requests(me.user_id, options_.max_incoming_requests);
  if (!incoming) return server::to_wire(incoming.error());
  auto outgoing =
      store_.outgoing_requests(me.user_id, clock_() - options_.outgoing_window_ms, options_.max_outgoing_requests);
  if (!outgoing) return server::to_wire(outgoing.error());
  proto::FriendRequestsResult result;
  for (const auto& [request, from] : *incoming) {
    result.incoming.push_back({request.id, summary(from), request.note, request.created_at});
  }
  for (const auto& [request, to] : *outgoing) {
    // A hidden request stays "pending" for its sender: blocked users are not told.
    result.outgoing.push_back({request.id, summary(to), request.note, status_text(request.state), request.reason,
                               request.created_at, request.decided_at});
  }
  return result;
}

proto::Status FriendsService::respond(const Caller& me, const proto::FriendRespondRequest& r) {
  std::string reason = r.accept ? "" : r.reason.value_or("");
  if (r.reason) {
    if (auto s = proto::check_friend_reason(*r.reason); !s) return s.error();
  }
  if (r.accept && r.category_id) {
    if (auto c = own_category(me, *r.category_id); !c) return c.error();
  }
  if (r.accept) {
    if (auto s = room_for_friend(me.user_id, true); !s) return s.error();
  }
  auto decided = store_.respond(r.request_id, me.user_id, r.accept, reason, r.category_id, clock_());
  relations_changed();
  if (!decided) {
    // The category was checked above: when the store finds something missing, it is the
    // request (not_found hides whether the id exists: only its recipient may know),
    // unless the category was deleted meanwhile.
    if (decided.error().code == store::Errc::not_found && r.accept && r.category_id) {
      if (auto c = own_category(me, *r.category_id); !c) return c.error();
    }
    return to_wire(decided.error(), "request_id");
  }
  spdlog::info("friend_respond request_id={} from={} to={} accepted={}", decided->id, decided->from_id, me.user_id,
               r.accept);
  registry_.notify(decided->from_id, proto::event::kFriendResponse,
                   proto::FriendResponseEvent{decided->id, me.user_id, r.accept, decided->reason});
  if (r.accept) {
    announce_friendship(me.user_id, decided->from_id);
  } else {
    changed_elsewhere(me);
  }
  return {};
}

proto::Result<proto::FriendsListResult> FriendsService::list(const Caller& me) {
  auto categories = own_categories(me);
  if (!categories) return categories.error();
  auto friends = store_.friends(me.user_id);
  if (!friends) return server::to_wire(friends.error());
  proto::FriendsListResult result;
  for (const auto& c : *categories) result.categories.push_back(to_category(c));
  for (const auto& f : *friends) result.friends.push_back(to_friend(f));
  return result;
}

proto::Status FriendsService::remove_friend(const Caller& me, const proto::FriendDeleteRequest& r) {
  if (auto s = not_yourself(me, r.user_id); !s) return s.error();
  auto deleted = store_.delete_friendship(me.user_id, r.user_id);
  relations_changed();
  if (!deleted) return to_wire(deleted.error(), "user_id");
  spdlog::info("friend_delete user_id={} friend={}", me.user_id, r.user_id);
  registry_.notify(r.user_id, proto::event::kFriendDeleted, proto::FriendDeletedEvent{me.user_id});
  registry_.notify(me.user_id, proto::event::kFriendDeleted, proto::FriendDeletedEvent{r.user_id}, me.connection_id);
  return {};
}

proto::Status FriendsService::set_remark(const Caller& me, const proto::FriendRemarkRequest& r) {
  if (auto s = proto::check_remark(r.remark); !s) return s.error();
  if (auto s = store_.set_remark(me.user_id, r.user_id, r.remark); !s) return to_wire(s.error(), "user_id");
  changed_elsewhere(me);
  return {};
}

proto::Status FriendsService::move_friend(const Caller& me, const proto::FriendMoveRequest& r) {
  if (auto c = own_category(me, r.category_id); !c) return c.error();
  if (auto s = store_.move_friend(me.user_id, r.user_id, r.category_id); !s) {
    // The category was checked above; only a concurrent delete makes the store disagree.
    if (s.error().code == store::Errc::not_found) {
      if (auto c = own_category(me, r.category_id); !c) return c.error();
    }
    return to_wire(s.error(), "user_id");
  }
  changed_elsewhere(me);
  return {};
}

proto::Result<proto::CategoryCreateResult> FriendsService::create_category(const Caller& me,
                                                                           const proto::CategoryCreateRequest& r) {
  if (auto s = proto::check_category_name(r.name); !s) return s.error();
  auto id = store_.create_category(me.user_id, r.name, options_.max_categories, clock_());
  if (!id) return to_wire(id.error(), "name");
  if (!*id) {
    return make_error(Errc::forbidden, "you can have at most " + std::to_string(options_.max_categories) +
                                           " categories; delete one first");
  }
  changed_elsewhere(me);
  return proto::CategoryCreateResult{**id};
}

proto::Status FriendsService::rename_category(const Caller& me, const proto::CategoryRenameRequest& r) {
  if (auto s = proto::check_category_name(r.name); !s) return s.error();
  auto category = own_category(me, r.category_id);
  if (!category) return category.error();
  // Clients show the default category's name in their own language, so a new name
  // would never be seen.
  if (category->is_default) {
    return make_error(Errc::forbidden, "the default category cannot be renamed", "category_id");
  }
  if (category->name == r.name) return {};
  if (auto s = store_.rename_category(me.user_id, r.category_id, r.name); !s) {
    return to_wire(s.error(), s.error().code == store::Errc::conflict ? "name" : "category_id");
  }
  changed_elsewhere(me);
  return {};
}

proto::Status FriendsService::reorder_categories(const Caller& me, const proto::CategoryReorderRequest& r) {
  auto categories = own_categories(me);
  if (!categories) return categories.error();
  std::set<std::int64_t> given(r.category_ids.begin(), r.category_ids.end());
  std::set<std::int64_t> existing;
  for (const auto& c : *categories) existing.insert(c.id);
  if (given.size() != r.category_ids.size() || given != existing) {
    return make_error(Errc::bad_request, "category_ids must list each of your categories exactly once", "category_ids");
  }
  if (auto s = store_.reorder_categories(me.user_id, r.category_ids); !s) return to_wire(s.error(), "category_ids");
  changed_elsewhere(me);
  return {};
}

proto::Status FriendsService::delete_category(const Caller& me, const proto::CategoryDeleteRequest& r) {
  auto category = own_category(me, r.category_id);
  if (!category) return category.error();
  if (category->is_default) {
    return make_error(Errc::forbidden, "the default category cannot be deleted", "category_id");
  }
  if (auto s = store_.delete_category(me.user_id, r.category_id, clock_()); !s) {
    return to_wire(s.error(), "category_id");
  }
  changed_elsewhere(me);
  return {};
}

proto::Status FriendsService::block(const Caller& me, const proto::BlockRequest& r) {
  if (auto s = not_yourself(me, r.user_id); !s) return s.error();
  if (auto user = existing_user(r.user_id); !user) return user.error();
  auto already = store_.is_blocked(me.user_id, r.user_id);
  if (!already) return server::to_wire(already.error());
  if (!*already) {
    auto count = store_.count_blocks(me.user_id);
    if (!count) return server::to_wire(count.error());
    if (*count >= options_.max_blocks) {
      return make_error(Errc::forbidden, "your block list is full (at most " + std::to_string(options_.max_blocks) +
                                             " users); unblock someone first");
    }
  }
  auto blocked = store_.block(me.user_id, r.user_id, clock_());
  relations_changed();
  if (!blocked) return server::to_wire(blocked.error());
  spdlog::info("block user_id={} blocked={}", me.user_id, r.user_id);
  changed_elsewhere(me);
  return {};
}

proto::Status FriendsService::unblock(const Caller& me, const proto::UnblockRequest& r) {
  if (auto s = not_yourself(me, r.user_id); !s) return s.error();
  if (auto user = existing_user(r.user_id); !user) return user.error();
  auto lifted = store_.unblock(me.user_id, r.user_id);
  relations_changed();
  if (!lifted) return server::to_wire(lifted.error());
  if (*lifted) {
    spdlog::info("unblock user_id={} unblocked={}", me.user_id, r.user_id);
    changed_elsewhere(me);
  }
  return {};
}

proto::Result<proto::BlocksListResult> FriendsService::blocks(const Caller& me) {
  auto users = store_.blocked_users(me.user_id);
  if (!users) return server::to_wire(users.error());
  proto::BlocksListResult result;
  for (const auto& u : *users) result.users.push_back(summary(u));
  return result;
}

proto::Result<proto::Privacy> FriendsService::privacy(const Caller& me) {
  auto allow = store_.allow_strangers(me.user_id);
  if (!allow) return server::to_wire(allow.error());
  return proto::Privacy{*allow};
}

proto::Result<proto::Privacy> FriendsService::set_privacy(const Caller& me, const proto::Privacy& r) {
  auto set = store_.set_allow_strangers(me.user_id, r.allow_strangers);
  relations_changed();
  if (!set) return server::to_wire(set.error());
  return privacy(me);
}

proto::Status FriendsService::may_message(std::int64_t from, std::int64_t to) {
  const auto key = std::make_pair(from, to);
  const auto version = relations_version_.load();
  {
    std::lock_guard lock(answers_mutex_);
    auto it = answers_.find(key);
    if (it != answers_.end() && it->second.version == version) return it->second.answer;
  }
  auto relation = store_.relation(from, to);
  if (!relation) return server::to_wire(relation.error());  // a failure is not kept
  proto::Status answer;
  bool strangers_welcome = options_.allow_strangers && relation->to_allows_strangers;
  if (!relation->to_exists) {
    answer = make_error(Errc::not_found, "no such user");
  } else if (from != to && (relation->blocked || (!relation->friends && !strangers_welcome))) {
    answer = make_error(Errc::forbidden, kMayNotMessage);
  }
  std::lock_guard lock(answers_mutex_);
  if (answers_.size() >= kMaxCachedAnswers) answers_.clear();
  answers_[key] = CachedAnswer{version, answer};
  return answer;
}

void FriendsService::relations_changed() { relations_version_.fetch_add(1); }

proto::Status FriendsService::room_for_friend(std::int64_t user, bool mine) {
  auto count = store_.count_friends(user);
  if (!count) return server::to_wire(count.error());
  if (*count < options_.max_friends) return {};
  if (mine) {
    return make_error(Errc::forbidden, "your friend list is full (at most " + std::to_string(options_.max_friends) +
                                           " friends); delete a friend first");
  }
  return make_error(Errc::forbidden, "their friend list is full", "user_id");
}

bool FriendsService::are_friends(std::int64_t a, std::int64_t b) {
  auto relation = store_.relation(a, b);
  if (!relation) {
    spdlog::error("are_friends failed error=\"{}\"", relation.error().message);
    return false;
  }
  return relation->friends;
}

std::vector<std::int64_t> FriendsService::friend_ids(std::int64_t user) {
  std::vector<std::int64_t> ids;
  auto rows = store_.friends(user);
  if (!rows) {
    spdlog::error("friend_ids failed error=\"{}\"", rows.error().message);
    return ids;
  }
  for (const auto& row : *rows) {
    if (!is_blocked(user, row.user.id)) ids.push_back(row.user.id);
  }
  return ids;
}

bool FriendsService::is_blocked(std::int64_t by, std::int64_t user) {
  auto blocked = store_.is_blocked(by, user);
  if (!blocked) {
    spdlog::error("is_blocked failed error=\"{}\"", blocked.error().message);
    return false;
  }
  return *blocked;
}

}  // namespace parley::server
