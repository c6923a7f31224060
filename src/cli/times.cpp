#include "cli/times.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <optional>

namespace parley::cli {
namespace {

// A cursor over the text of a time, each read consuming what it matched.
class TimeText {
 public:
  explicit TimeText(std::string_view text) : rest_(text) {}

  bool done() const { return rest_.empty(); }
  // Exactly `n` decimal digits.
  std::optional<int> digits(std::size_t n) {
    if (rest_.size() < n) return std::nullopt;
    int value = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (rest_[i] < '0' || rest_[i] > '9') return std::nullopt;
      value = value * 10 + (rest_[i] - '0');
    }
    rest_.remove_prefix(n);
    return value;
  }
  // One of `chars`, returning it, or '\0'.
  char one_of(std::string_view chars) {
    if (rest_.empty() || chars.find(rest_[0]) == std::string_view::npos) return '\0';
    const char c = rest_[0];
    rest_.remove_prefix(1);
    return c;
  }

 private:
  std::string_view rest_;
};

struct Clock {
  int hours = 0, minutes = 0, seconds = 0, millis = 0;
};

// [:SS[.fff]] after HH:MM; more than three digits of fraction are cut.
std::optional<Clock> read_seconds(TimeText& t, Clock clock) {
  if (t.one_of(":") == '\0') return clock;
  auto seconds = t.digits(2);
  if (!seconds || *seconds > 59) return std::nullopt;
  clock.seconds = *seconds;
  if (t.one_of(".,") == '\0') return clock;
  int scale = 100, digits = 0;
  while (auto d = t.digits(1)) {
    clock.millis += scale * *d;
    scale /= 10;
    ++digits;
  }
  if (digits == 0) return std::nullopt;
  return clock;
}

std::optional<Clock> read_clock(TimeText& t) {
  auto hours = t.digits(2);
  if (!hours || *hours > 23 || t.one_of(":") == '\0') return std::nullopt;
  auto minutes = t.digits(2);
  if (!minutes || *minutes > 59) return std::nullopt;
  return read_seconds(t, Clock{*hours, *minutes});
}

// Z, +HH:MM, +HHMM or +HH (or -), as minutes east of UTC; none is UTC.
std::optional<int> read_offset(TimeText& t) {
  if (t.done() || t.one_of("Zz") != '\0') return 0;
  const char sign = t.one_of("+-");
  if (sign == '\0') return std::nullopt;
  auto hours = t.digits(2);
  if (!hours || *hours > 23) return std::nullopt;
  int minutes = 0;
  if (!t.done()) {
    t.one_of(":");
    auto m = t.digits(2);
    if (!m || *m > 59) return std::nullopt;
    minutes = *m;
  }
  const int offset = *hours * 60 + minutes;
  return sign == '-' ? -offset : offset;
}

std::optional<std::int64_t> read_time(TimeText& t) {
  using namespace std::chrono;
  auto y = t.digits(4);
  auto m = y && t.one_of("-") ? t.digits(2) : std::nullopt;
  auto d = m && t.one_of("-") ? t.digits(2) : std::nullopt;
  if (!d) return std::nullopt;
  const year_month_day date{year{*y}, month{static_cast<unsigned>(*m)}, day{static_cast<unsigned>(*d)}};
  if (!date.ok()) return std::nullopt;
  Clock clock;
  int offset = 0;
  if (!t.done()) {
    auto read = t.one_of("Tt ") != '\0' ? read_clock(t) : std::nullopt;
    auto east = read ? read_offset(t) : std::nullopt;
    if (!east || !t.done()) return std::nullopt;
    clock = *read;
    offset = *east;
  }
  const auto at = sys_days(date) + hours(clock.hours) + minutes(clock.minutes - offset) + seconds(clock.seconds) +
                  milliseconds(clock.millis);
  return duration_cast<milliseconds>(at.time_since_epoch()).count();
}

}  // namespace

std::string format_time(std::int64_t unix_ms, const char* pattern) {
  const std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm parts{};
  if (gmtime_r(&seconds, &parts) == nullptr) return std::to_string(unix_ms);
  char text[64];
  const auto n = std::strftime(text, sizeof text, pattern, &parts);
  return n == 0 ? std::to_string(unix_ms) : std::string(text, n);
}

Outcome<std::int64_t> parse_time(std::string_view text, std::string_view option) {
  TimeText t(text);
  auto unix_ms = read_time(t);
  if (!unix_ms) {
    return usage_error(std::string(option) + " expects YYYY-MM-DD or an ISO time like 2025-01-31T08:30:00Z, got \"" +
                       std::string(text) + "\"");
  }
  return std::max<std::int64_t>(*unix_ms, 0);
}

}  // namespace parley::cli
