#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "cli/channel.hpp"

// USER arguments: a user name, or a user id when all digits (user names start with a
// letter).
namespace parley::cli {

// The user id USER names, when it is all digits.
std::optional<std::int64_t> as_user_id(std::string_view user);

// A profile_get for USER; for one's own profile when USER is empty.
proto::ProfileGetRequest profile_target(const std::string& user);

// USER as a user id, asking the server for a user name's id (not_found when none).
Outcome<std::int64_t> resolve_user(const Channel& channel, const std::string& user);

}  // namespace parley::cli
