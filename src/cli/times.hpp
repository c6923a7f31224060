#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "cli/failure.hpp"

// Times as the CLI shows and reads them: always UTC, so that what a command prints and
// what --from/--to mean agree whatever the machine's time zone.
namespace parley::cli {

// A Unix time in milliseconds through strftime's `pattern`, in UTC.
std::string format_time(std::int64_t unix_ms, const char* pattern);
inline std::string format_minute(std::int64_t unix_ms) { return format_time(unix_ms, "%Y-%m-%d %H:%M"); }
inline std::string format_clock(std::int64_t unix_ms) { return format_time(unix_ms, "%H:%M"); }

// Reads a time given as an option (`option` names it in the error): YYYY-MM-DD (its
// midnight UTC) or an ISO 8601 time YYYY-MM-DDTHH:MM[:SS[.fff]] with Z or +HH:MM (none:
// UTC); a space may stand for the T. Times before 1970 become 0. A usage error otherwise.
Outcome<std::int64_t> parse_time(std::string_view text, std::string_view option);

}  // namespace parley::cli
