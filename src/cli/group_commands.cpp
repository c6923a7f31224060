// group: creating, finding and joining groups, join requests and invitations, roles and
// moderation, the member list, cards. One HTTP request each (after finding a user), so
// they never disturb a running listen or chat. Messages in a group go through send,
// history and chat with "#GROUP".
#include <algorithm>

#include "cli/chat_support.hpp"
#include "cli/commands.hpp"
#include "cli/group_support.hpp"
#include "cli/users.hpp"

namespace parley::cli {
namespace {

using Action = GroupArgs::Action;

// What every action runs with: the session and, for the actions that name one, GROUP.
struct Call {
  const Context& context;
  SavedSession saved;
  std::int64_t group = 0;

  const Output& out() const { return context.out(); }
  std::string label() const { return group_label(group); }
};

// Text that others wrote (a group's name, a note, a card), on one line and safe for a
// terminal.
std::string safe(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  return printable(text, "");
}

std::optional<std::string> unless_empty(const std::string& text) {
  return text.empty() ? std::nullopt : std::optional(text);
}

std::string who(const proto::UserSummary& u) {
  return std::to_string(u.user_id) + "\t" + u.username + "\t" + safe(u.nickname);
}

// Sends a request whose result is {} and prints `done` for people.
template <class Req>
Outcome<void> simple(const Call& call, std::string_view type, const Req& request, const std::string& done) {
  auto reply = session_call<proto::EmptyResult>(call.context, call.saved, type, request);
  if (!reply) return reply.error();
  call.out().result(reply->raw);
  call.out().line(done);
  return {};
}

void show_group(const Output& out, const proto::GroupInfo& g) {
  out.fact("group_id", g.group_id);
  out.fact("name", safe(g.name));
  out.fact("description", safe(g.description));
  if (!g.avatar.empty()) out.fact("avatar", safe(g.avatar));
  out.fact("join_policy", g.join_policy);
  out.fact("invite_policy", g.invite_policy);
  out.fact("member_limit", g.member_limit);
  out.fact("member_count", g.member_count);
  out.fact("owner_id", g.owner_id);
  out.fact("muted_all", g.muted_all ? "true" : "false");
  out.fact("full_history", g.full_history ? "true" : "false");
  out.time_fact("created_at", g.created_at);
  if (g.role) out.fact("role", *g.role);
}

// A group profile (create, info, update) as facts.
template <class Req>
Outcome<void> profile(const Call& call, std::string_view type, const Req& request) {
  auto reply = session_call<proto::GroupInfo>(call.context, call.saved, type, request);
  if (!reply) return reply.error();
  call.out().result(reply->raw);
  show_group(call.out(), reply->value);
  return {};
}

Outcome<void> create(const Call& call, const GroupArgs& args) {
  const proto::GroupCreateRequest request{args.text,
                                          std::nullopt,
                                          args.description,
                                          args.join_policy,
                                          args.invite_policy,
                                          args.member_limit,
                                          args.full_history ? std::optional(true) : std::nullopt};
  return profile(call, proto::type::kGroupCreate, request);
}

// The profile members --name ... --full-history on|off ask to change.
proto::GroupUpdateRequest update_request(std::int64_t group, const GroupArgs& args) {
  proto::GroupUpdateRequest request;
  request.group_id = group;
  request.name = args.name;
  request.description = args.description;
  request.join_policy = args.join_policy;
  request.invite_policy = args.invite_policy;
  request.member_limit = args.member_limit;
  if (args.full_history_switch) request.full_history = *args.full_history_switch == "on";
  return request;
}

bool changes_nothing(const proto::GroupUpdateRequest& r) {
  return !r.name && !r.description && !r.join_policy && !r.invite_policy && !r.member_limit && !r.full_history;
}

// "7  周末爬山 Hiking  12/500 members  approval  (you: owner)"
Outcome<void> search(const Call& call, const GroupArgs& args) {
  // "#7" is a number too; the server takes only the digits for one.
  auto number = group_target(args.text);
  const std::string query = number && *number ? std::to_string(**number) : args.text;
  auto reply = session_call<proto::GroupSearchResult>(call.context, call.saved, proto::type::kGroupSearch,
                                                      proto::GroupSearchRequest{query, args.limit});
  if (!reply) return reply.error();
  call.out().result(reply->raw);
  for (const auto& g : reply->value.groups) {
    call.out().line(std::to_string(g.group_id) + "\t" + safe(g.name) + "\t" + std::to_string(g.member_count) + "/" +
                    std::to_string(g.member_limit) + " members\t" + g.join_policy +
                    (g.role ? "\tyou: " + *g.role : ""));
  }
  if (reply->value.groups.empty() && !call.out().json()) call.out().note("no groups found");
  return {};
}

// group_join and group_invite: a member now, or a request that waits for approval.
template <class Req>
Outcome<void> join(const Call& call, std::string_view type, const Req& request) {
  auto reply = session_call<proto::GroupJoinResult>(call.context, call.saved, type, request);
  if (!reply) return reply.error();
  call.out().result(reply->raw);
  call.out().fact("status", reply->value.status);
  if (reply->value.status == proto::join_status::kPending) {
    call.out().fact("request_id", reply->value.request_id);
    if (!call.out().json()) call.out().note("the owner or an admin of " + call.label() + " decides");
  }
  return {};
}

// "31  #7 周末爬山 Hiking  ..."
std::string request_head(const proto::GroupJoinRequestInfo& r) {
  return std::to_string(r.request_id) + "\t" + group_label(r.group_id) + " " + safe(r.group_name);
}
std::string request_tail(const proto::GroupJoinRequestInfo& r) {
  return (r.inviter_id != 0 ? "\tinvited by user " + std::to_string(r.inviter_id) : "") +
         (r.note.empty() ? "" : "\tnote: " + safe(r.note));
}

Outcome<void> requests(const Call& call) {
  auto reply = session_call<proto::GroupRequestsResult>(call.context, call.saved, proto::type::kGroupRequests,
                                                        proto::GroupRequestsRequest{});
  if (!reply) return reply.error();
  const Output& out = call.out();
  out.result(reply->raw);
  out.line("incoming:");
  for (const auto& r : reply->value.incoming) {
    out.line("  " + request_head(r) + "\tfrom " + who(r.user) + "\t" + format_utc(r.created_at) + request_tail(r));
  }
  out.line("outgoing:");
  for (const auto& r : reply->value.outgoing) {
    // One's own invitations name whom they are for.
    const bool mine = r.user.user_id == call.saved.session.user_id;
    out.line("  " + request_head(r) + "\t" + r.status + (mine ? "" : "\tfor " + who(r.user)) + request_tail(r));
  }
  return {};
}

Outcome<void> members(const Call& call) {
  auto list = fetch_members(HttpChannel(call.context, call.saved), call.group);
  if (!list) return list.error();
  const Output& out = call.out();
  out.result(boost::json::object{{"members", std::move(list->raw)}, {"has_more", false}});
  for (const auto& m : list->members) {
    out.line(std::to_string(m.user_id) + "\t" + m.username + "\t" + safe(m.nickname) + "\t" + m.role + "\t" +
             m.presence + (m.card.empty() ? "" : "\tcard: " + safe(m.card)) +
             (m.muted_until != 0 ? "\tmuted until " + format_utc(m.muted_until) : ""));
  }
  if (!out.json()) out.note(std::to_string(list->members.size()) + " members");
  return {};
}

// The actions that name a user: resolve it, then send.
Outcome<void> on_user(const Call& call, const GroupArgs& args) {
  auto user = resolve_user(HttpChannel(call.context, call.saved), args.user);
  if (!user) return user.error();
  const proto::GroupMemberRef ref{call.group, *user};
  const std::string& name = args.user;
  switch (args.action) {
    case Action::invite:
      return join(call, proto::type::kGroupInvite, ref);
    case Action::kick:
      return simple(call, proto::type::kGroupKick, ref, "removed " + name + " from " + call.label());
    case Action::mute: {
      auto seconds = parse_duration(args.duration);
      if (!seconds) return seconds.error();
      return simple(call, proto::type::kGroupMute, proto::GroupMuteRequest{call.group, *user, *seconds},
                    "muted " + name + " in " + call.label() + " for " + args.duration);
    }
    case Action::unmute:
      return simple(call, proto::type::kGroupUnmute, ref, "unmuted " + name + " in " + call.label());
    case Action::admin: {
      const bool add = args.choice == "add";
      return simple(call, proto::type::kGroupAdmin, proto::GroupAdminRequest{call.group, *user, add},
                    name + (add ? " is now an admin of " : " is no longer an admin of ") + call.label());
    }
    case Action::transfer:
      return simple(call, proto::type::kGroupTransfer, ref,
                    call.label() + " now belongs to " + name + "; you are a member of it");
    default:
      return usage_error("this action takes no USER");
  }
}

Outcome<void> act(const Call& call, const GroupArgs& args) {
  const proto::GroupRef ref{call.group};
  switch (args.action) {
    case Action::create:
      return create(call, args);
    case Action::search:
      return search(call, args);
    case Action::info:
      return profile(call, proto::type::kGroupInfo, ref);
    case Action::update:
      return profile(call, proto::type::kGroupUpdate, update_request(call.group, args));
    case Action::join:
      return join(call, proto::type::kGroupJoin, proto::GroupJoinRequest{call.group, unless_empty(args.text)});
    case Action::requests:
      return requests(call);
    case Action::approve:
      return simple(call, proto::type::kGroupRespond, proto::GroupRespondRequest{args.id, true, std::nullopt},
                    "approved request " + std::to_string(args.id));
    case Action::reject:
      return simple(call, proto::type::kGroupRespond,
                    proto::GroupRespondRequest{args.id, false, unless_empty(args.text)},
                    "rejected request " + std::to_string(args.id));
    case Action::leave:
      return simple(call, proto::type::kGroupLeave, ref, "left " + call.label());
    case Action::mute_all: {
      const bool on = args.choice == "on";
      return simple(call, proto::type::kGroupMuteAll, proto::GroupMuteAllRequest{call.group, on},
                    on ? "muted " + call.label() + ": only the owner and admins may send" : "unmuted " + call.label());
    }
    case Action::dissolve:
      return simple(call, proto::type::kGroupDissolve, ref, "dissolved " + call.label());
    case Action::members:
      return members(call);
    case Action::card:
      return simple(call, proto::type::kGroupCard, proto::GroupCardRequest{call.group, args.text},
                    args.text.empty() ? "card cleared in " + call.label() : "card set in " + call.label());
    case Action::invite:
    case Action::kick:
    case Action::mute:
    case Action::unmute:
    case Action::admin:
    case Action::transfer:
      return on_user(call, args);
  }
  return usage_error("unknown group action");
}

// Mistakes in the arguments are reported before anything is asked of the server.
Outcome<void> check_arguments(const GroupArgs& args) {
  if (args.action == Action::mute) {
    if (auto seconds = parse_duration(args.duration); !seconds) return seconds.error();
  }
  if (args.action == Action::update && changes_nothing(update_request(0, args))) {
    return usage_error(
        "nothing to change: give --name, --description, --policy, --invite-policy, --limit or --full-history");
  }
  return {};
}

Outcome<void> do_group(const Context& context, const GroupArgs& args) {
  std::int64_t group = 0;
  if (!args.group.empty()) {
    auto id = parse_group(args.group);
    if (!id) return id.error();
    group = *id;
  }
  if (auto checked = check_arguments(args); !checked) return checked;
  auto saved = load_session(context);
  if (!saved) return saved.error();
  return act(Call{context, std::move(*saved), group}, args);
}

}  // namespace

int run_group(const Context& context, const GroupArgs& args) { return finish(context, do_group(context, args)); }

}  // namespace parley::cli
