#include "server/services/groups_service.hpp"

#include <algorithm>
#include <set>
#include <sstream>

#include <boost/json/serialize.hpp>

#include "proto/validate.hpp"

namespace parley::server {
namespace {

using proto::Errc;
using proto::make_error;

constexpr std::int64_t kMaxName = 60;
constexpr std::int64_t kMaxDescription = 500;
constexpr std::size_t kMaxAvatarBytes = 512;
constexpr std::int64_t kMaxCard = 30;
constexpr std::int64_t kMaxNote = 200;
constexpr std::int64_t kDefaultMemberLimit = 500;

proto::Error no_group(const char* field = "group_id") { return make_error(Errc::not_found, "no such group", field); }

template <class T>
proto::Result<T> or_wire(store::Result<T> result) {
  if (!result) return to_wire(result.error());
  return std::move(*result);
}

bool runs(const store::MemberRow& m) { return m.role == proto::role::kOwner || m.role == proto::role::kAdmin; }

// A text member: at most `max_chars` characters, no control characters (newlines only
// where `newlines`), and for a name not blank.
proto::Status check_text(const std::string& value, const char* field, std::int64_t max_chars, bool newlines,
                         bool required) {
  if (required && value.find_first_not_of(" \t") == std::string::npos) {
    return make_error(Errc::bad_request, std::string(field) + " must not be empty", field);
  }
  if (static_cast<std::int64_t>(proto::utf8_length(value)) > max_chars) {
    return make_error(Errc::bad_request, std::string(field) + " is longer than " + std::to_string(max_chars) +
                                             " characters", field);
  }
  if (proto::has_control_chars(value, newlines)) {
    return make_error(Errc::bad_request, std::string(field) + " contains control characters", field);
  }
  return {};
}

proto::Status check_policies(const std::optional<std::string>& join, const std::optional<std::string>& invite) {
  using namespace proto;
  if (join && *join != join_policy::kOpen && *join != join_policy::kApproval && *join != join_policy::kInvite) {
    return make_error(Errc::bad_request, "join_policy must be open, approval or invite", "join_policy");
  }
  if (invite && *invite != invite_policy::kDirect && *invite != invite_policy::kApproval) {
    return make_error(Errc::bad_request, "invite_policy must be direct or approval", "invite_policy");
  }
  return {};
}

// The profile members given in a create or update request.
proto::Status check_profile(const std::optional<std::string>& name, const std::optional<std::string>& avatar,
                            const std::optional<std::string>& description) {
  if (name) {
    if (auto s = check_text(*name, "name", kMaxName, false, true); !s) return s;
  }
  if (description) {
    if (auto s = check_text(*description, "description", kMaxDescription, true, false); !s) return s;
  }
  if (avatar && (avatar->size() > kMaxAvatarBytes || proto::has_control_chars(*avatar, false))) {
    return make_error(Errc::bad_request, "avatar must be a reference of up to 512 bytes", "avatar");
  }
  return {};
}

std::vector<std::string> words_of(const std::string& query) {
  std::istringstream in(query);
  std::vector<std::string> out;
  for (std::string word; in >> word && out.size() < 8;) out.push_back(word);
  return out;
}

}  // namespace

GroupsService::GroupsService(store::GroupsStore& store, store::AccountsStore& accounts, ChatService& chat,
                             SessionRegistry& registry, AreFriends are_friends, PresenceOf presence, Clock clock,
                             Options options)
    : store_(store),
      accounts_(accounts),
      chat_(chat),
      registry_(registry),
      are_friends_(std::move(are_friends)),
      presence_(std::move(presence)),
      clock_(std::move(clock)),
      options_(options) {}

// --- helpers ---

proto::Result<store::GroupRow> GroupsService::live_group(std::int64_t group_id) {
  auto group = store_.group(group_id);
  if (!group && group.error().code == store::Errc::not_found) return no_group();
  if (!group) return to_wire(group.error());
  if (group->dissolved_at != 0) return no_group();
  return std::move(*group);
}

proto::Result<store::MemberRow> GroupsService::member_of(std::int64_t group_id, std::int64_t user_id) {
  auto row = or_wire(store_.member(group_id, user_id));
  if (!row) return row.error();
  if (!*row) return no_group();
  return std::move(**row);
}

proto::Result<store::MemberRow> GroupsService::runner_of(std::int64_t group_id, std::int64_t user_id) {
  auto mine = member_of(group_id, user_id);
  if (!mine) return mine.error();
  if (!runs(*mine)) return make_error(Errc::forbidden, "only the group's owner and admins may do this");
  return mine;
}

proto::Result<store::MemberRow> GroupsService::moderated(const Caller& me, std::int64_t group_id, std::int64_t target) {
  auto mine = runner_of(group_id, me.user_id);
  if (!mine) return mine.error();
  if (target == me.user_id) return make_error(Errc::forbidden, "you cannot do this to yourself", "user_id");
  auto theirs = member_of(group_id, target);
  if (!theirs) return make_error(Errc::not_found, "no such member in this group", "user_id");
  if (theirs->role == proto::role::kOwner) return make_error(Errc::forbidden, "nobody can do this to the owner");
  if (theirs->role == proto::role::kAdmin && mine->role != proto::role::kOwner) {
    return make_error(Errc::forbidden, "only the owner can do this to an admin");
  }
  return theirs;
}

proto::Result<proto::GroupInfo> GroupsService::info_of(const store::GroupRow& g, std::int64_t viewer) {
  proto::GroupInfo out{g.id,           g.name,         g.avatar,    g.description,  g.join_policy,
                       g.invite_policy, g.member_limit, g.member_count, g.owner_id,  g.muted_all,
                       g.full_history,  g.created_at,   std::nullopt};
  auto mine = store_.member(g.id, viewer);
  if (!mine) return to_wire(mine.error());
  if (*mine) out.role = (*mine)->role;
  return out;
}

store::NewMessage GroupsService::notice(std::int64_t group_id, std::int64_t by, boost::json::object body) {
  const std::int64_t now = clock_();
  body["by"] = by;
  // Unique per sender, as client ids must be: the time and a count within this process.
  std::string client_id = "system:" + std::to_string(now) + ":" + std::to_string(notices_.fetch_add(1));
  return {group_id, by, std::move(client_id), proto::kind::kSystem, boost::json::serialize(body), now};
}

store::GroupsStore::Committed GroupsService::on_commit(std::int64_t group_id, std::vector<std::int64_t> departed) {
  return [this, group_id, departed = std::move(departed)](const store::Appended& entry) {
    chat_.changed(group_id, entry.message.seq, departed);
  };
}

proto::Status GroupsService::published(store::Result<store::Appended> appended, std::span<const std::int64_t> also) {
  if (!appended) return to_wire(appended.error());
  chat_.publish(appended->message, 0, also);
  return {};
}

// --- the group itself ---

proto::Result<proto::GroupInfo> GroupsService::create(const Caller& me, const proto::GroupCreateRequest& r) {
  if (auto s = check_profile(r.name, r.avatar, r.description); !s) return s.error();
  if (auto s = check_policies(r.join_policy, r.invite_policy); !s) return s.error();
  auto owned = or_wire(store_.owned_count(me.user_id));
  if (!owned) return owned.error();
  if (*owned >= options_.max_owned) {
    return make_error(Errc::forbidden, "you own " + std::to_string(*owned) + " groups, the most one may own");
  }
  store::GroupRow row;
  row.name = r.name;
  row.avatar = r.avatar.value_or("");
  row.description = r.description.value_or("");
  row.join_policy = r.join_policy.value_or(proto::join_policy::kApproval);
  row.invite_policy = r.invite_policy.value_or(proto::invite_policy::kDirect);
  row.member_limit = r.member_limit.value_or(kDefaultMemberLimit);
  row.owner_id = me.user_id;
  row.full_history = r.full_history.value_or(false);
  auto created_notice = notice(0, me.user_id, {{"event", "created"}, {"name", r.name}});
  row.created_at = created_notice.created_at;
  auto created = or_wire(store_.create(row, std::move(created_notice)));
  if (!created) return created.error();
  chat_.publish(created->second.message, 0);
  return info_of(created->first, me.user_id);
}

proto::Result<proto::GroupSearchResult> GroupsService::search(const Caller& me, const proto::GroupSearchRequest& r) {
  std::optional<std::int64_t> number;
  if (!r.query.empty() && r.query.size() <= 18 && std::all_of(r.query.begin(), r.query.end(), ::isdigit)) {
    number = std::stoll(r.query);
  }
  auto words = words_of(r.query);
  if (!number && words.empty()) return make_error(Errc::bad_request, "give a group number or words of its name", "query");
  auto rows = or_wire(store_.search(number, words, static_cast<int>(r.limit)));
  if (!rows) return rows.error();
  proto::GroupSearchResult out;
  for (const auto& row : *rows) {
    auto info = info_of(row, me.user_id);
    if (!info) return info.error();
    out.groups.push_back(std::move(*info));
  }
  return out;
}

proto::Result<proto::GroupInfo> GroupsService::info(const Caller& me, const proto::GroupRef& r) {
  auto group = live_group(r.group_id);
  if (!group) return group.error();
  return info_of(*group, me.user_id);
}

proto::Result<proto::GroupInfo> GroupsService::update(const Caller& me, const proto::GroupUpdateRequest& r) {
  if (auto s = check_profile(r.name, r.avatar, r.description); !s) return s.error();
  if (auto s = check_policies(r.join_policy, r.invite_policy); !s) return s.error();
  if (auto mine = runner_of(r.group_id, me.user_id); !mine) return mine.error();
  store::GroupChange change{r.name, r.avatar, r.description, r.join_policy, r.invite_policy, r.member_limit,
                            r.full_history, std::nullopt};
  boost::json::object body{{"event", "updated"}};
  if (r.name) body["name"] = *r.name;
  if (r.avatar) body["avatar"] = *r.avatar;
  if (r.description) body["description"] = *r.description;
  if (r.join_policy) body["join_policy"] = *r.join_policy;
  if (r.invite_policy) body["invite_policy"] = *r.invite_policy;
  if (r.member_limit) body["member_limit"] = *r.member_limit;
  if (r.full_history) body["full_history"] = *r.full_history;
  if (body.size() == 1) return make_error(Errc::bad_request, "give at least one member of the profile to change");
  auto appended = store_.change_group(r.group_id, change, notice(r.group_id, me.user_id, std::move(body)),
                                      on_commit(r.group_id));
  if (!appended && appended.error().code == store::Errc::conflict) {
    return make_error(Errc::conflict, appended.error().message, "member_limit");
  }
  if (auto s = published(std::move(appended)); !s) return s.error();
  return info(me, proto::GroupRef{r.group_id});
}

// --- joining and leaving ---

proto::Result<proto::GroupJoinRequestInfo> GroupsService::request_info(const store::JoinRequestRow& row) {
  proto::GroupJoinRequestInfo out{row.id,     row.group_id,   "",           {}, row.inviter_id, row.note,
                                  row.status, row.reason, row.created_at, row.decided_at};
  if (auto group = store_.group(row.group_id)) out.group_name = group->name;
  auto user = accounts_.user_by_id(row.user_id);
  if (!user && user.error().code != store::Errc::not_found) return to_wire(user.error());
  if (user) out.user = proto::UserSummary{user->id, user->username, user->nickname, user->avatar};
  return out;
}

void GroupsService::tell_runners(std::int64_t group_id, const proto::GroupJoinRequestInfo& request) {
  auto roster = chat_.roster(group_id);
  if (!roster) return;  // the request is stored: they see it in group_requests
  auto frame = SessionRegistry::event_frame(proto::event::kGroupJoinRequest, proto::encode(request));
  for (const auto& m : (*roster)->members) {
    if (runs(m)) registry_.send_to_user(m.user_id, frame);
  }
}

proto::Result<proto::GroupJoinResult> GroupsService::add_or_ask(const store::GroupRow& group, std::int64_t user,
                                                                std::int64_t inviter, bool ask,
                                                                const std::string& note) {
  if (auto existing = store_.member(group.id, user); existing && *existing) {
    return make_error(Errc::conflict, "already a member of this group");
  }
  if (group.member_count >= group.member_limit) return make_error(Errc::conflict, "the group is full");
  if (ask) {
    auto row = or_wire(store_.add_request({0, group.id, user, inviter, note, "", "", clock_(), 0}));
    if (!row) return row.error();
    auto info = request_info(*row);
    if (!info) return info.error();
    tell_runners(group.id, *info);
    return proto::GroupJoinResult{proto::join_status::kPending, row->id};
  }
  boost::json::object body{{"event", "joined"}, {"user_id", user}};
  auto appended = store_.add_member(group.id, user, notice(group.id, inviter ? inviter : user, std::move(body)),
                                    on_commit(group.id));
  if (auto s = published(std::move(appended)); !s) return s.error();
  return proto::GroupJoinResult{proto::join_status::kJoined, 0};
}

proto::Result<proto::GroupJoinResult> GroupsService::join(const Caller& me, const proto::GroupJoinRequest& r) {
  std::string note = r.note.value_or("");
  if (auto s = check_text(note, "note", kMaxNote, true, false); !s) return s.error();
  auto group = live_group(r.group_id);
  if (!group) return group.error();
  if (group->join_policy == proto::join_policy::kInvite) {
    return make_error(Errc::forbidden, "this group takes members by invitation only");
  }
  return add_or_ask(*group, me.user_id, 0, group->join_policy == proto::join_policy::kApproval, note);
}

proto::Result<proto::GroupJoinResult> GroupsService::invite(const Caller& me, const proto::GroupMemberRef& r) {
  auto group = live_group(r.group_id);
  if (!group) return group.error();
  auto mine = member_of(r.group_id, me.user_id);
  if (!mine) return mine.error();
  if (r.user_id == me.user_id) return make_error(Errc::conflict, "already a member of this group", "user_id");
  if (!are_friends_(me.user_id, r.user_id)) {
    return make_error(Errc::forbidden, "you can invite only your friends", "user_id");
  }
  const bool ask = !runs(*mine) && group->invite_policy == proto::invite_policy::kApproval;
  return add_or_ask(*group, r.user_id, me.user_id, ask, "");
}

proto::Result<proto::GroupRequestsResult> GroupsService::requests(const Caller& me) {
  proto::GroupRequestsResult out;
  auto incoming = or_wire(store_.pending_for(me.user_id));
  if (!incoming) return incoming.error();
  auto outgoing = or_wire(store_.requests_of(me.user_id, clock_() - options_.requests_window_ms));
  if (!outgoing) return outgoing.error();
  auto add = [this](const std::vector<store::JoinRequestRow>& rows,
                    std::vector<proto::GroupJoinRequestInfo>& list) -> proto::Status {
    for (const auto& row : rows) {
      auto info = request_info(row);
      if (!info) return info.error();
      list.push_back(std::move(*info));
    }
    return {};
  };
  if (auto s = add(*incoming, out.incoming); !s) return s.error();
  if (auto s = add(*outgoing, out.outgoing); !s) return s.error();
  return out;
}

proto::Status GroupsService::respond(const Caller& me, const proto::GroupRespondRequest& r) {
  std::string reason = r.reason.value_or("");
  if (auto s = check_text(reason, "reason", kMaxNote, true, false); !s) return s.error();
  auto row = store_.request(r.request_id);
  // A request the caller may not decide looks like none at all.
  auto none = make_error(Errc::not_found, "no such request", "request_id");
  if (!row) return row.error().code == store::Errc::not_found ? none : to_wire(row.error());
  auto mine = store_.member(row->group_id, me.user_id);
  if (!mine || !*mine || !runs(**mine)) return none;
  if (row->status != proto::join_status::kPending) return make_error(Errc::conflict, "the request was decided already");
  boost::json::object body{{"event", "joined"}, {"user_id", row->user_id}};
  auto decided = store_.decide(row->id, r.accept, reason, clock_(),
                               notice(row->group_id, me.user_id, std::move(body)), on_commit(row->group_id));
  if (!decided) {
    if (decided.error().code == store::Errc::conflict) return make_error(Errc::conflict, decided.error().message);
    if (decided.error().code == store::Errc::not_found) return no_group();
    return to_wire(decided.error());
  }
  if (*decided) chat_.publish((*decided)->message, 0);
  std::string group_name;
  if (auto group = store_.group(row->group_id)) group_name = group->name;
  proto::GroupJoinResponseEvent event{row->id, row->group_id, group_name, r.accept, reason};
  registry_.notify(row->user_id, proto::event::kGroupJoinResponse, event);
  if (row->inviter_id != 0) registry_.notify(row->inviter_id, proto::event::kGroupJoinResponse, event);
  return {};
}

proto::Status GroupsService::leave(const Caller& me, const proto::GroupRef& r) {
  auto mine = member_of(r.group_id, me.user_id);
  if (!mine) return mine.error();
  if (mine->role == proto::role::kOwner) {
    return make_error(Errc::forbidden, "the owner cannot leave: transfer the group or dissolve it");
  }
  boost::json::object body{{"event", "left"}, {"user_id", me.user_id}};
  const std::int64_t also[] = {me.user_id};
  return published(store_.remove_member(r.group_id, me.user_id, notice(r.group_id, me.user_id, std::move(body)),
                                        on_commit(r.group_id, {me.user_id})),
                   also);
}

// --- moderation ---

proto::Status GroupsService::kick(const Caller& me, const proto::GroupMemberRef& r) {
  if (auto target = moderated(me, r.group_id, r.user_id); !target) return target.error();
  boost::json::object body{{"event", "removed"}, {"user_id", r.user_id}};
  const std::int64_t also[] = {r.user_id};
  return published(store_.remove_member(r.group_id, r.user_id, notice(r.group_id, me.user_id, std::move(body)),
                                        on_commit(r.group_id, {r.user_id})),
                   also);
}

proto::Status GroupsService::mute(const Caller& me, const proto::GroupMuteRequest& r) {
  if (auto target = moderated(me, r.group_id, r.user_id); !target) return target.error();
  const std::int64_t until = clock_() + r.duration_s * 1000;
  auto entry = notice(r.group_id, me.user_id, {{"event", "muted"}, {"user_id", r.user_id}, {"until", until}});
  return published(store_.change_member(r.group_id, r.user_id, {.muted_until = until}, entry, on_commit(r.group_id)));
}

proto::Status GroupsService::unmute(const Caller& me, const proto::GroupMemberRef& r) {
  if (auto target = moderated(me, r.group_id, r.user_id); !target) return target.error();
  return published(store_.change_member(r.group_id, r.user_id, {.muted_until = 0},
                                        notice(r.group_id, me.user_id, {{"event", "unmuted"}, {"user_id", r.user_id}}),
                                        on_commit(r.group_id)));
}

proto::Status GroupsService::mute_all(const Caller& me, const proto::GroupMuteAllRequest& r) {
  if (auto mine = runner_of(r.group_id, me.user_id); !mine) return mine.error();
  store::GroupChange change;
  change.muted_all = r.muted;
  return published(store_.change_group(r.group_id, change,
                                       notice(r.group_id, me.user_id, {{"event", "muted_all"}, {"muted", r.muted}}),
                                       on_commit(r.group_id)));
}

proto::Status GroupsService::set_admin(const Caller& me, const proto::GroupAdminRequest& r) {
  auto mine = member_of(r.group_id, me.user_id);
  if (!mine) return mine.error();
  if (mine->role != proto::role::kOwner) return make_error(Errc::forbidden, "only the owner can choose admins");
  if (r.user_id == me.user_id) return make_error(Errc::forbidden, "you cannot do this to yourself", "user_id");
  if (auto theirs = member_of(r.group_id, r.user_id); !theirs) {
    return make_error(Errc::not_found, "no such member in this group", "user_id");
  }
  const char* role = r.admin ? proto::role::kAdmin : proto::role::kMember;
  boost::json::object body{{"event", "admin"}, {"user_id", r.user_id}, {"admin", r.admin}};
  return published(store_.change_member(r.group_id, r.user_id, {.role = role},
                                        notice(r.group_id, me.user_id, std::move(body)), on_commit(r.group_id)));
}

proto::Status GroupsService::transfer(const Caller& me, const proto::GroupMemberRef& r) {
  auto mine = member_of(r.group_id, me.user_id);
  if (!mine) return mine.error();
  if (mine->role != proto::role::kOwner) return make_error(Errc::forbidden, "only the owner can hand the group over");
  if (r.user_id == me.user_id) return make_error(Errc::forbidden, "you own this group already", "user_id");
  if (auto theirs = member_of(r.group_id, r.user_id); !theirs) {
    return make_error(Errc::not_found, "no such member in this group", "user_id");
  }
  return published(store_.transfer(r.group_id, r.user_id,
                                   notice(r.group_id, me.user_id, {{"event", "owner"}, {"user_id", r.user_id}}),
                                   on_commit(r.group_id)));
}

proto::Status GroupsService::dissolve(const Caller& me, const proto::GroupRef& r) {
  auto mine = member_of(r.group_id, me.user_id);
  if (!mine) return mine.error();
  if (mine->role != proto::role::kOwner) return make_error(Errc::forbidden, "only the owner can dissolve the group");
  // The entry goes to everyone who was a member: after it there are none.
  auto roster = chat_.roster(r.group_id);
  if (!roster) return roster.error();
  std::vector<std::int64_t> everyone;
  for (const auto& m : (*roster)->members) everyone.push_back(m.user_id);
  return published(
      store_.dissolve(r.group_id, notice(r.group_id, me.user_id, {{"event", "dissolved"}}), on_commit(r.group_id, everyone)),
      everyone);
}

// --- members ---

proto::Result<proto::GroupMembersResult> GroupsService::members(const Caller& me,
                                                                 const proto::GroupMembersRequest& r) {
  if (auto mine = member_of(r.group_id, me.user_id); !mine) return mine.error();
  auto rows = or_wire(store_.members(r.group_id, r.after_user_id, static_cast<int>(r.limit) + 1));
  if (!rows) return rows.error();
  proto::GroupMembersResult out;
  out.has_more = static_cast<std::int64_t>(rows->size()) > r.limit;
  if (out.has_more) rows->pop_back();
  const std::int64_t now = clock_();
  for (const auto& m : *rows) {
    proto::GroupMember member{m.user_id, "", "", "", m.role, m.card, m.joined_at,
                              m.muted_until > now ? m.muted_until : 0, presence_(m.user_id)};
    if (auto user = accounts_.user_by_id(m.user_id)) {
      member.username = user->username;
      member.nickname = user->nickname;
      member.avatar = user->avatar;
    }
    out.members.push_back(std::move(member));
  }
  return out;
}

proto::Status GroupsService::set_card(const Caller& me, const proto::GroupCardRequest& r) {
  if (auto s = check_text(r.card, "card", kMaxCard, false, false); !s) return s.error();
  if (auto mine = member_of(r.group_id, me.user_id); !mine) return mine.error();
  boost::json::object body{{"event", "card"}, {"user_id", me.user_id}, {"card", r.card}};
  return published(store_.change_member(r.group_id, me.user_id, {.card = r.card},
                                        notice(r.group_id, me.user_id, std::move(body)), on_commit(r.group_id)));
}

}  // namespace parley::server
