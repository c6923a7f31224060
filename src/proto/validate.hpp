#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "proto/errors.hpp"

// The value rules of docs/protocol.md ("Values"). Shared by server and clients so a
// client can check before it sends; the server always checks again.
namespace parley::proto {

// Lower-cases ASCII letters: usernames are case-insensitive and stored folded.
std::string fold_username(std::string_view username);

Status check_username(std::string_view username);  // expects the folded form
Status check_password(std::string_view password, std::string_view username, std::string_view field = "password");
Status check_nickname(std::string_view nickname);
Status check_signature(std::string_view signature);
Status check_avatar(std::string_view avatar);
Status check_email(std::string_view email);
// today: "YYYY-MM-DD" of the current UTC date, so tests can fix the clock.
Status check_birthday(std::string_view birthday, std::string_view today);
Status check_gender(std::string_view gender);
Status check_device(std::string_view device);

// Friends (docs/protocol.md, "Friends"): each names its field on failure.
Status check_friend_note(std::string_view note);      // up to 128 characters
Status check_friend_reason(std::string_view reason);  // up to 128 characters
Status check_remark(std::string_view remark);          // up to 32 characters; "" clears
Status check_category_name(std::string_view name);     // 1 to 32 characters

// A one-line text of min_chars to max_chars code points without control characters.
Status check_line(std::string_view text, std::string_view field, std::size_t min_chars, std::size_t max_chars);

// Number of code points in valid UTF-8.
std::size_t utf8_length(std::string_view text);
bool has_control_chars(std::string_view text, bool allow_newlines);

// "YYYY-MM-DD" of the UTC date of a Unix time in milliseconds.
std::string utc_date(std::int64_t unix_ms);

}  // namespace parley::proto
