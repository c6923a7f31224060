// friends: the friend list, requests, categories, remarks, blocks and privacy.
#include "cli/commands.hpp"
#include "cli/users.hpp"

namespace parley::cli {
namespace {

using Action = FriendsArgs::Action;

// Sends a request whose result is {} and prints `done` for people.
template <class Req>
Outcome<void> simple(const Context& context, const SavedSession& saved, std::string_view type, const Req& request,
                     const std::string& done) {
  auto reply = session_call<proto::EmptyResult>(context, saved, type, request);
  if (!reply) return reply.error();
  context.out().result(reply->raw);
  context.out().line(done);
  return {};
}

std::string who(const proto::UserSummary& u) {
  return std::to_string(u.user_id) + "\t" + u.username + "\t" + u.nickname;
}

Outcome<void> show_list(const Context& context, const SavedSession& saved) {
  auto reply =
      session_call<proto::FriendsListResult>(context, saved, proto::type::kFriendsList, proto::FriendsListRequest{});
  if (!reply) return reply.error();
  const Output& out = context.out();
  out.result(reply->raw);
  for (const auto& c : reply->value.categories) {
    out.line("[" + std::to_string(c.category_id) + "] " + c.name + (c.is_default ? " (default)" : ""));
    for (const auto& f : reply->value.friends) {
      if (f.category_id != c.category_id) continue;
      out.line("  " + std::to_string(f.user_id) + "\t" + f.username + "\t" + f.nickname +
               (f.remark.empty() ? "" : "\tremark: " + f.remark));
    }
  }
  if (reply->value.friends.empty() && !out.json()) out.note("no friends yet; parley friends request USER");
  return {};
}

Outcome<void> show_requests(const Context& context, const SavedSession& saved) {
  auto reply = session_call<proto::FriendRequestsResult>(context, saved, proto::type::kFriendRequests,
                                                         proto::FriendRequestsRequest{});
  if (!reply) return reply.error();
  const Output& out = context.out();
  out.result(reply->raw);
  out.line("incoming:");
  for (const auto& r : reply->value.incoming) {
    out.line("  " + std::to_string(r.request_id) + "\tfrom " + who(r.from) + "\t" + format_utc(r.created_at) +
             (r.note.empty() ? "" : "\tnote: " + r.note));
  }
  out.line("outgoing:");
  for (const auto& r : reply->value.outgoing) {
    out.line("  " + std::to_string(r.request_id) + "\tto " + who(r.to) + "\t" + r.status +
             (r.reason.empty() ? "" : "\treason: " + r.reason) + (r.note.empty() ? "" : "\tnote: " + r.note));
  }
  return {};
}

Outcome<void> send_request(const Context& context, const SavedSession& saved, const FriendsArgs& args) {
  auto user = resolve_user(HttpChannel(context, saved), args.user);
  if (!user) return user.error();
  proto::FriendRequestRequest request{*user, args.text.empty() ? std::nullopt : std::optional(args.text)};
  auto reply = session_call<proto::FriendRequestResult>(context, saved, proto::type::kFriendRequest, request);
  if (!reply) return reply.error();
  const Output& out = context.out();
  out.result(reply->raw);
  out.fact("request_id", reply->value.request_id);
  out.fact("status", reply->value.status);
  return {};
}

Outcome<void> show_categories(const Context& context, const SavedSession& saved) {
  auto reply =
      session_call<proto::FriendsListResult>(context, saved, proto::type::kFriendsList, proto::FriendsListRequest{});
  if (!reply) return reply.error();
  const Output& out = context.out();
  boost::json::object raw{{"categories", reply->raw.at("categories")}};
  out.result(raw);
  for (const auto& c : reply->value.categories) {
    out.line(std::to_string(c.category_id) + "\t" + c.name + (c.is_default ? "\t(default)" : ""));
  }
  return {};
}

Outcome<void> create_category(const Context& context, const SavedSession& saved, const FriendsArgs& args) {
  auto reply = session_call<proto::CategoryCreateResult>(context, saved, proto::type::kCategoryCreate,
                                                         proto::CategoryCreateRequest{args.text});
  if (!reply) return reply.error();
  context.out().result(reply->raw);
  context.out().fact("category_id", reply->value.category_id);
  return {};
}

Outcome<void> show_blocks(const Context& context, const SavedSession& saved) {
  auto reply =
      session_call<proto::BlocksListResult>(context, saved, proto::type::kBlocksList, proto::BlocksListRequest{});
  if (!reply) return reply.error();
  const Output& out = context.out();
  out.result(reply->raw);
  for (const auto& u : reply->value.users) out.line(who(u));
  if (reply->value.users.empty() && !out.json()) out.note("you have blocked nobody");
  return {};
}

Outcome<void> privacy(const Context& context, const SavedSession& saved, const FriendsArgs& args) {
  auto reply = args.allow_strangers.empty()
                   ? session_call<proto::Privacy>(context, saved, proto::type::kPrivacyGet, proto::PrivacyGetRequest{})
                   : session_call<proto::Privacy>(context, saved, proto::type::kPrivacySet,
                                                  proto::Privacy{args.allow_strangers == "true"});
  if (!reply) return reply.error();
  context.out().result(reply->raw);
  context.out().fact("allow_strangers", reply->value.allow_strangers ? "true" : "false");
  return {};
}

// The actions that name a user: resolve it, then send.
Outcome<void> on_user(const Context& context, const SavedSession& saved, const FriendsArgs& args) {
  auto user = resolve_user(HttpChannel(context, saved), args.user);
  if (!user) return user.error();
  switch (args.action) {
    case Action::remove:
      return simple(context, saved, proto::type::kFriendDelete, proto::FriendDeleteRequest{*user},
                    "deleted " + args.user + " from your friends");
    case Action::remark:
      return simple(context, saved, proto::type::kFriendRemark, proto::FriendRemarkRequest{*user, args.text},
                    args.text.empty() ? "remark cleared" : "remark set");
    case Action::move:
      return simple(context, saved, proto::type::kFriendMove, proto::FriendMoveRequest{*user, args.id},
                    "moved " + args.user + " to category " + std::to_string(args.id));
    case Action::block:
      return simple(context, saved, proto::type::kBlock, proto::BlockRequest{*user}, "blocked " + args.user);
    case Action::unblock:
      return simple(context, saved, proto::type::kUnblock, proto::UnblockRequest{*user}, "unblocked " + args.user);
    default:
      return usage_error("this action takes no USER");
  }
}

Outcome<void> do_friends(const Context& context, const FriendsArgs& args) {
  auto saved = load_session(context);
  if (!saved) return saved.error();
  switch (args.action) {
    case Action::list:
      return show_list(context, *saved);
    case Action::requests:
      return show_requests(context, *saved);
    case Action::request:
      return send_request(context, *saved, args);
    case Action::accept: {
      proto::FriendRespondRequest request{args.id, true, std::nullopt, args.category};
      return simple(context, *saved, proto::type::kFriendRespond, request,
                    "accepted request " + std::to_string(args.id));
    }
    case Action::reject: {
      proto::FriendRespondRequest request{args.id, false, args.text.empty() ? std::nullopt : std::optional(args.text),
                                          std::nullopt};
      return simple(context, *saved, proto::type::kFriendRespond, request,
                    "rejected request " + std::to_string(args.id));
    }
    case Action::category_list:
      return show_categories(context, *saved);
    case Action::category_create:
      return create_category(context, *saved, args);
    case Action::category_rename:
      return simple(context, *saved, proto::type::kCategoryRename, proto::CategoryRenameRequest{args.id, args.text},
                    "renamed category " + std::to_string(args.id));
    case Action::category_delete:
      return simple(context, *saved, proto::type::kCategoryDelete, proto::CategoryDeleteRequest{args.id},
                    "deleted category " + std::to_string(args.id) + "; its friends moved to the default category");
    case Action::category_reorder:
      return simple(context, *saved, proto::type::kCategoryReorder, proto::CategoryReorderRequest{args.ids},
                    "categories reordered");
    case Action::blocks:
      return show_blocks(context, *saved);
    case Action::privacy:
      return privacy(context, *saved, args);
    case Action::remove:
    case Action::remark:
    case Action::move:
    case Action::block:
    case Action::unblock:
      return on_user(context, *saved, args);
  }
  return usage_error("unknown friends action");
}

}  // namespace

int run_friends(const Context& context, const FriendsArgs& args) { return finish(context, do_friends(context, args)); }

}  // namespace parley::cli
