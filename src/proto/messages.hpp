#pragma once

#include <boost/json/object.hpp>

#include "proto/accounts.hpp"
#include "proto/chat.hpp"
#include "proto/errors.hpp"
#include "proto/presence.hpp"
#include "proto/friends.hpp"
#include "proto/groups.hpp"
#include "proto/system.hpp"

// The typed `data` of every request, result and event of protocol v1, one header per
// domain (docs/protocol.md, "Requests" and "Events"). decode<T>() checks member presence,
// types and sizes; the value rules are in proto/validate.hpp. encode() never fails.
// Each type has a schema in its domain's .cpp file, which instantiates these two for it.
namespace parley::proto {

template <class T>
Result<T> decode(const boost::json::object& data);
template <class T>
boost::json::object encode(const T& message);

}  // namespace parley::proto
