#pragma once

#include <cstdint>
#include <string_view>

#include <boost/json/object.hpp>

#include "cli/failure.hpp"

namespace parley::cli {

// Where a command's results and errors go. Human output is one fact per line
// ("key: value") on stdout; with --json the server's result object is printed as one
// line instead and the human lines are suppressed. Errors go to stderr as
// "error: CODE: message" (and "until: TIME" when a mute refused the request), and with
// --json also to stdout as the error object.
class Output {
 public:
  explicit Output(bool json) : json_(json) {}

  bool json() const { return json_; }
  // --json only: `result` as one JSON line.
  void result(const boost::json::object& result) const;
  // Human mode only: "key: value" (or "key:" when the value is empty).
  void fact(std::string_view key, std::string_view value) const;
  void fact(std::string_view key, std::int64_t value) const;
  // Human mode only: a timestamp (ms since the epoch) as "key: 2025-01-31T12:00:00Z".
  void time_fact(std::string_view key, std::int64_t unix_ms) const;
  // Human mode only: one line as is.
  void line(std::string_view text) const;
  // Always, to stderr: a remark that is not part of the result.
  void note(std::string_view text) const;

  // Prints the failure and returns its exit status.
  int fail(const Failure& failure) const;

 private:
  bool json_;
};

// "2025-01-31T12:00:00Z" for a Unix time in milliseconds.
std::string format_utc(std::int64_t unix_ms);

}  // namespace parley::cli
