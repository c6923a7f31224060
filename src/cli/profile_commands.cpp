// profile (show or --set) and search.
#include <algorithm>
#include <array>

#include "cli/commands.hpp"
#include "cli/users.hpp"

namespace parley::cli {
namespace {

using StringField = std::optional<std::string> proto::ProfileUpdateRequest::*;

struct UpdatableField {
  std::string_view name;
  StringField member;
};

constexpr std::array kUpdatableFields = {
    UpdatableField{"nickname", &proto::ProfileUpdateRequest::nickname},
    UpdatableField{"signature", &proto::ProfileUpdateRequest::signature},
    UpdatableField{"gender", &proto::ProfileUpdateRequest::gender},
    UpdatableField{"birthday", &proto::ProfileUpdateRequest::birthday},
    UpdatableField{"email", &proto::ProfileUpdateRequest::email},
    UpdatableField{"avatar", &proto::ProfileUpdateRequest::avatar},
};

void print_profile(const Output& out, const proto::Profile& p) {
  out.fact("user_id", p.user_id);
  out.fact("username", p.username);
  out.fact("nickname", p.nickname);
  out.fact("signature", p.signature);
  out.fact("gender", p.gender);
  out.fact("avatar", p.avatar);
  out.time_fact("created_at", p.created_at);
  if (p.email) out.fact("email", *p.email);
  if (p.birthday) out.fact("birthday", *p.birthday);
}

// A later FIELD=VALUE for the same field wins.
Outcome<proto::ProfileUpdateRequest> parse_updates(const std::vector<std::string>& assignments) {
  proto::ProfileUpdateRequest request;
  for (const auto& assignment : assignments) {
    const auto equals = assignment.find('=');
    if (equals == std::string::npos || equals == 0) {
      return usage_error("--set expects FIELD=VALUE, got \"" + assignment + "\"");
    }
    const std::string_view name(assignment.data(), equals);
    auto field = std::find_if(kUpdatableFields.begin(), kUpdatableFields.end(),
                              [&](const UpdatableField& f) { return f.name == name; });
    if (field == kUpdatableFields.end()) {
      return usage_error("unknown profile field \"" + std::string(name) +
                         "\"; one of: nickname, signature, gender, birthday, email, avatar");
    }
    request.*(field->member) = assignment.substr(equals + 1);
  }
  return request;
}

Outcome<void> show_profile(const Context& context, const std::string& user) {
  auto saved = load_session(context);
  if (!saved) return saved.error();
  auto reply = session_call<proto::Profile>(context, *saved, proto::type::kProfileGet, profile_target(user));
  if (!reply) return reply.error();
  context.out().result(reply->raw);
  print_profile(context.out(), reply->value);
  return {};
}

Outcome<void> update_profile(const Context& context, const std::vector<std::string>& assignments) {
  auto request = parse_updates(assignments);
  if (!request) return request.error();
  auto saved = load_session(context);
  if (!saved) return saved.error();
  auto reply = session_call<proto::Profile>(context, *saved, proto::type::kProfileUpdate, *request);
  if (!reply) return reply.error();
  context.out().result(reply->raw);
  print_profile(context.out(), reply->value);
  return {};
}

Outcome<void> do_search(const Context& context, const SearchArgs& args) {
  auto saved = load_session(context);
  if (!saved) return saved.error();
  proto::UserSearchRequest request{args.query, args.limit};
  auto reply = session_call<proto::UserSearchResult>(context, *saved, proto::type::kUserSearch, request);
  if (!reply) return reply.error();
  const Output& out = context.out();
  out.result(reply->raw);
  for (const auto& user : reply->value.users) {
    out.line(std::to_string(user.user_id) + "\t" + user.username + "\t" + user.nickname);
  }
  if (reply->value.users.empty() && !out.json()) out.note("no users found");
  return {};
}

}  // namespace

int run_profile(const Context& context, const ProfileArgs& args) {
  if (args.set.empty()) return finish(context, show_profile(context, args.user));
  if (!args.user.empty()) {
    return context.out().fail(usage_error("--set changes your own profile and takes no USER"));
  }
  return finish(context, update_profile(context, args.set));
}

int run_search(const Context& context, const SearchArgs& args) { return finish(context, do_search(context, args)); }

}  // namespace parley::cli
