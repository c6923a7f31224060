#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/system/result.hpp>

namespace parley::proto {

// The wire's error codes. Their strings are part of protocol v1: never rename one.
enum class Errc {
  bad_request,
  unknown_type,
  unsupported_version,
  unauthorized,
  forbidden,
  not_found,
  conflict,
  too_large,
  rate_limited,
  internal,
  unavailable,
};

std::string_view to_string(Errc code);
std::optional<Errc> errc_from_string(std::string_view text);
// Whether sending the same request again later may succeed.
bool retryable(Errc code);
// The HTTP status that carries this code.
int http_status(Errc code);

struct Error {
  Errc code = Errc::internal;
  std::string message;
  std::string field;            // the member of `data` that was wrong, if any
  std::int64_t retry_after_ms = 0;  // 0: not given
  std::int64_t until = 0;           // a mute refused the request: when it ends (ms); 0: not given

  friend bool operator==(const Error&, const Error&) = default;
};

Error make_error(Errc code, std::string message, std::string field = {});

// boost::system::result needs this to throw from value() on an Error.
[[noreturn]] void throw_exception_from_error(const Error& e, const boost::source_location& loc);

template <class T>
using Result = boost::system::result<T, Error>;

// For operations that succeed with no value.
using Status = Result<void>;

}  // namespace parley::proto
