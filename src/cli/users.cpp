#include "cli/users.hpp"

#include <cctype>
#include <charconv>

namespace parley::cli {

std::optional<std::int64_t> as_user_id(std::string_view user) {
  std::int64_t id = 0;
  auto [end, ec] = std::from_chars(user.data(), user.data() + user.size(), id);
  if (user.empty() || !std::isdigit(static_cast<unsigned char>(user[0])) || ec != std::errc() ||
      end != user.data() + user.size()) {
    return std::nullopt;
  }
  return id;
}

proto::ProfileGetRequest profile_target(const std::string& user) {
  proto::ProfileGetRequest request;
  if (user.empty()) return request;
  if (auto id = as_user_id(user)) {
    request.user_id = *id;
  } else {
    request.username = user;
  }
  return request;
}

Outcome<std::int64_t> resolve_user(const Channel& channel, const std::string& user) {
  if (auto id = as_user_id(user)) return *id;
  auto reply = ask<proto::Profile>(channel, proto::type::kProfileGet, profile_target(user));
  if (!reply) return reply.error();
  return reply->value.user_id;
}

}  // namespace parley::cli
