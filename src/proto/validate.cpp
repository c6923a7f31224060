#include "proto/validate.hpp"

#include <array>
#include <chrono>

namespace parley::proto {
namespace {

Error bad(std::string_view field, std::string message) {
  return make_error(Errc::bad_request, std::move(message), std::string(field));
}

bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ascii_letter(char c) { return is_lower(c) || (c >= 'A' && c <= 'Z'); }

}  // namespace

std::string fold_username(std::string_view username) {
  std::string out(username);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::size_t utf8_length(std::string_view text) {
  std::size_t n = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) != 0x80) ++n;  // count lead bytes, not continuation bytes
  }
  return n;
}

bool has_control_chars(std::string_view text, bool allow_newlines) {
  for (unsigned char c : text) {
    if (allow_newlines && (c == '\n' || c == '\t')) continue;
    if (c < 0x20 || c == 0x7F) return true;
  }
  return false;
}

Status check_username(std::string_view u) {
  if (u.size() < 3 || u.size() > 32) return bad("username", "username must be 3 to 32 characters long");
  if (!is_lower(u.front())) return bad("username", "username must start with a letter");
  for (char c : u) {
    if (!(is_lower(c) || is_digit(c) || c == '_' || c == '.' || c == '-')) {
      return bad("username", "username may contain only letters a-z, digits 0-9, '_', '.' and '-'");
    }
  }
  return {};
}

Status check_password(std::string_view p, std::string_view username, std::string_view field) {
  if (p.size() < 8) return bad(field, "password must be at least 8 characters long");
  if (p.size() > 128) return bad(field, "password must be at most 128 bytes long");
  bool letter = false;
  bool other = false;
  for (unsigned char c : p) {
    // Bytes of non-ASCII characters count as letters: 密码 is as good as "mima".
    if (is_ascii_letter(static_cast<char>(c)) || c >= 0x80) {
      letter = true;
    } else {
      other = true;
    }
  }
  if (!letter || !other) {
    return bad(field, "password must contain at least one letter and one digit or symbol");
  }
  if (fold_username(p) == username) return bad(field, "password must not be the username");
  return {};
}

Status check_nickname(std::string_view n) {
  std::size_t length = utf8_length(n);
  if (length < 1 || length > 32) return bad("nickname", "nickname must be 1 to 32 characters long");
  if (has_control_chars(n, false)) return bad("nickname", "nickname must not contain control characters");
  return {};
}

Status check_signature(std::string_view s) {
  if (utf8_length(s) > 128) return bad("signature", "signature must be at most 128 characters long");
  if (has_control_chars(s, true)) return bad("signature", "signature must not contain control characters");
  return {};
}

Status check_avatar(std::string_view a) {
  if (a.size() > 256) return bad("avatar", "avatar must be at most 256 bytes long");
  if (has_control_chars(a, false)) return bad("avatar", "avatar must not contain control characters");
  return {};
}

Status check_email(std::string_view e) {
  if (e.empty()) return {};
  if (e.size() > 254) return bad("email", "email must be at most 254 bytes long");
  auto at = e.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == e.size() || e.find('@', at + 1) != std::string_view::npos) {
    return bad("email", "email must look like name@example.com");
  }
  if (has_control_chars(e, false) || e.find(' ') != std::string_view::npos) {
    return bad("email", "email must not contain spaces or control characters");
  }
  return {};
}

Status check_birthday(std::string_view b, std::string_view today) {
  if (b.empty()) return {};
  auto invalid = [] { return bad("birthday", "birthday must be a date written YYYY-MM-DD"); };
  if (b.size() != 10 || b[4] != '-' || b[7] != '-') return invalid();
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!is_digit(b[i])) return invalid();
  }
  int year = std::stoi(std::string(b.substr(0, 4)));
  unsigned month = static_cast<unsigned>(std::stoi(std::string(b.substr(5, 2))));
  unsigned day = static_cast<unsigned>(std::stoi(std::string(b.substr(8, 2))));
  std::chrono::year_month_day date{std::chrono::year{year}, std::chrono::month{month}, std::chrono::day{day}};
  if (!date.ok() || year < 1900) return invalid();
  if (b > today) return bad("birthday", "birthday must not be in the future");
  return {};
}

Status check_gender(std::string_view g) {
  constexpr std::array kGenders = {"unspecified", "female", "male", "other"};
  for (std::string_view known : kGenders) {
    if (g == known) return {};
  }
  return bad("gender", "gender must be one of unspecified, female, male, other");
}

Status check_device(std::string_view d) {
  if (d.empty() || d.size() > 64) return bad("device", "device must be 1 to 64 characters long");
  for (char c : d) {
    if (!(is_ascii_letter(c) || is_digit(c) || c == '_' || c == '.' || c == ':' || c == '-')) {
      return bad("device", "device may contain only A-Z, a-z, 0-9, '_', '.', ':' and '-'");
    }
  }
  return {};
}

Status check_line(std::string_view text, std::string_view field, std::size_t min_chars, std::size_t max_chars) {
  std::size_t length = utf8_length(text);
  if (length < min_chars || length > max_chars) {
    std::string name(field);
    if (min_chars == 0) return bad(field, name + " must be at most " + std::to_string(max_chars) + " characters long");
    return bad(field, name + " must be " + std::to_string(min_chars) + " to " + std::to_string(max_chars) +
                          " characters long");
  }
  if (has_control_chars(text, false)) return bad(field, std::string(field) + " must not contain control characters");
  return {};
}

Status check_friend_note(std::string_view note) { return check_line(note, "note", 0, 128); }
Status check_friend_reason(std::string_view reason) { return check_line(reason, "reason", 0, 128); }
Status check_remark(std::string_view remark) { return check_line(remark, "remark", 0, 32); }
Status check_category_name(std::string_view name) { return check_line(name, "name", 1, 32); }

std::string utc_date(std::int64_t unix_ms) {
  using namespace std::chrono;
  auto days = floor<std::chrono::days>(sys_time<milliseconds>(milliseconds(unix_ms)));
  year_month_day ymd{days};
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buffer;
}

}  // namespace parley::proto
