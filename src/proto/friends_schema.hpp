#pragma once

// The schema of UserSummary, for the domains whose messages hold one (friends, groups).
#include "proto/messages.hpp"
#include "proto/schema.hpp"

namespace parley::proto::schema {

template <>
struct Schema<UserSummary> {
  static constexpr auto fields = std::make_tuple(
      required("user_id", &UserSummary::user_id, 0, kMax), required("username", &UserSummary::username, 0, kNameCap),
      required("nickname", &UserSummary::nickname, 0, kTextCap), required("avatar", &UserSummary::avatar, 0, kTextCap));
};

}  // namespace parley::proto::schema
