#pragma once

#include <cstdint>
#include <functional>
#include <unordered_map>
#include <utility>

namespace parley::server {

// A map keyed by two user ids, for the services' per-pair caches.
using UserPair = std::pair<std::int64_t, std::int64_t>;

struct UserPairHash {
  std::size_t operator()(const UserPair& p) const { return std::hash<std::int64_t>()(p.first * 1'000'003 + p.second); }
};

template <class Value>
using UserPairMap = std::unordered_map<UserPair, Value, UserPairHash>;

}  // namespace parley::server
