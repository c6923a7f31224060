#pragma once

#include <string>

#include <boost/system/result.hpp>

#include "proto/errors.hpp"

namespace parley::cli {

// The CLI's exit statuses.
inline constexpr int kExitOk = 0;
inline constexpr int kExitServerError = 1;  // the server refused (or local state is wrong)
inline constexpr int kExitUsage = 2;        // bad arguments or input
inline constexpr int kExitUnavailable = 3;  // the server could not be reached, or went away

// Why a command failed, and the exit status that reports it.
struct Failure {
  proto::Error error;
  int exit_code = kExitServerError;

  Failure() = default;  // boost::system::result needs it
  Failure(proto::Error e, int code) : error(std::move(e)), exit_code(code) {}
  // Implicit on purpose: a server's (or the client library's) error propagates as is,
  // and `unavailable` means the connection failed.
  Failure(proto::Error e)  // NOLINT(google-explicit-constructor)
      : error(std::move(e)), exit_code(error.code == proto::Errc::unavailable ? kExitUnavailable : kExitServerError) {}
};

template <class T>
using Outcome = boost::system::result<T, Failure>;

inline Failure usage_error(std::string message) {
  return Failure(proto::make_error(proto::Errc::bad_request, std::move(message)), kExitUsage);
}

// boost::system::result needs this to throw from value() on a Failure.
[[noreturn]] void throw_exception_from_error(const Failure& failure, const boost::source_location& loc);

}  // namespace parley::cli
