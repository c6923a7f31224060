#include "cli/output.hpp"

#include <iostream>
#include <stdexcept>
#include <string>

#include <boost/json/serialize.hpp>

#include "cli/times.hpp"
#include "proto/codec.hpp"

namespace parley::cli {

void throw_exception_from_error(const Failure& failure, const boost::source_location&) {
  throw std::runtime_error(std::string(proto::to_string(failure.error.code)) + ": " + failure.error.message);
}

void Output::result(const boost::json::object& result) const {
  if (json_) std::cout << boost::json::serialize(result) << std::endl;
}

void Output::fact(std::string_view key, std::string_view value) const {
  if (json_) return;
  std::cout << key << ':';
  if (!value.empty()) std::cout << ' ' << value;
  std::cout << '\n';
}

void Output::fact(std::string_view key, std::int64_t value) const { fact(key, std::to_string(value)); }

void Output::time_fact(std::string_view key, std::int64_t unix_ms) const { fact(key, format_utc(unix_ms)); }

void Output::line(std::string_view text) const {
  if (!json_) std::cout << text << '\n';
}

void Output::note(std::string_view text) const { std::cerr << text << std::endl; }

int Output::fail(const Failure& failure) const {
  std::cout.flush();
  if (json_) std::cout << boost::json::serialize(proto::error_to_json(failure.error)) << std::endl;
  std::cerr << "error: " << proto::to_string(failure.error.code) << ": " << failure.error.message << std::endl;
  // A mute refused it: when the mute ends, in the form times are shown in.
  if (failure.error.until > 0) std::cerr << "until: " << format_utc(failure.error.until) << std::endl;
  return failure.exit_code;
}

std::string format_utc(std::int64_t unix_ms) { return format_time(unix_ms, "%Y-%m-%dT%H:%M:%SZ"); }

}  // namespace parley::cli
