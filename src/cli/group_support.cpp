#include "cli/group_support.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <limits>
#include <utility>

#include "cli/chat_support.hpp"
#include "cli/times.hpp"

namespace parley::cli {
namespace {

constexpr std::int64_t kMembersPage = 500;  // the most group_members gives at once
constexpr std::size_t kMaxMentions = 64;    // the most a message may mention

// A whole decimal number, nothing else.
std::optional<std::int64_t> as_number(std::string_view text) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || !std::isdigit(static_cast<unsigned char>(text[0])) || ec != std::errc() ||
      end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

Failure bad_group(std::string_view text) {
  return usage_error("GROUP is a group number like 7 or #7, got \"" + std::string(text) + "\"");
}

// Members of a system entry's body, absent ones as 0, "" and false.
std::int64_t int_of(const boost::json::object& body, std::string_view key) {
  const auto* v = body.if_contains(key);
  return v != nullptr && v->is_int64() ? v->get_int64() : 0;
}
std::string string_of(const boost::json::object& body, std::string_view key) {
  const auto* v = body.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}
bool bool_of(const boost::json::object& body, std::string_view key) {
  const auto* v = body.if_contains(key);
  return v != nullptr && v->is_bool() && v->get_bool();
}

// Text from the log on one line, safe for a terminal, in quotes.
std::string in_quotes(std::string_view text) {
  std::string flat(text);
  std::replace(flat.begin(), flat.end(), '\n', ' ');
  return "\"" + printable(flat, "") + "\"";
}

std::string until_text(std::int64_t unix_ms) { return format_time(unix_ms, "%Y-%m-%d %H:%M UTC"); }

// One changed profile member of an `updated` entry: "join policy open".
std::string change_text(std::string_view key, const boost::json::value& value) {
  std::string name(key);
  std::replace(name.begin(), name.end(), '_', ' ');
  if (value.is_string()) return name + " " + in_quotes(value.get_string());
  if (value.is_bool()) return name + (value.get_bool() ? " on" : " off");
  if (value.is_int64()) return name + " " + std::to_string(value.get_int64());
  return name;
}

// What one kind of system entry says; `by` and `user` are the names of who did it and
// whom it concerns.
struct Said {
  const boost::json::object& body;
  std::string by;
  std::string user;
};
using Describe = std::string (*)(const Said&);

std::string created(const Said& s) { return s.by + " created the group " + in_quotes(string_of(s.body, "name")); }
std::string joined(const Said& s) {
  const bool self = int_of(s.body, "by") == int_of(s.body, "user_id") || int_of(s.body, "by") == 0;
  return s.user + " joined" + (self ? "" : " (added by " + s.by + ")");
}
std::string left(const Said& s) { return s.user + " left"; }
std::string removed(const Said& s) { return s.by + " removed " + s.user; }
std::string muted(const Said& s) { return s.by + " muted " + s.user + " until " + until_text(int_of(s.body, "until")); }
std::string unmuted(const Said& s) { return s.by + " unmuted " + s.user; }
std::string muted_all(const Said& s) {
  return bool_of(s.body, "muted") ? s.by + " muted the group: only the owner and admins may send"
                                  : s.by + " unmuted the group";
}
std::string admin(const Said& s) {
  return bool_of(s.body, "admin") ? s.by + " made " + s.user + " an admin"
                                  : s.by + " revoked " + s.user + "'s admin role";
}
std::string owner(const Said& s) { return s.by + " handed the group to " + s.user + ", the new owner"; }
std::string updated(const Said& s) {
  std::string changes;
  for (const auto& [key, value] : s.body) {
    if (key == "event" || key == "by") continue;
    changes += (changes.empty() ? "" : ", ") + change_text(key, value);
  }
  return s.by + " changed the group" + (changes.empty() ? "" : ": " + changes);
}
std::string card(const Said& s) {
  const std::string text = string_of(s.body, "card");
  return text.empty() ? s.user + " cleared their card" : s.user + " set their card to " + in_quotes(text);
}
std::string dissolved(const Said& s) { return s.by + " dissolved the group"; }

constexpr std::array<std::pair<std::string_view, Describe>, 12> kDescriptions{{
    {"created", created},
    {"joined", joined},
    {"left", left},
    {"removed", removed},
    {"muted", muted},
    {"unmuted", unmuted},
    {"muted_all", muted_all},
    {"admin", admin},
    {"owner", owner},
    {"updated", updated},
    {"card", card},
    {"dissolved", dissolved},
}};

std::string display_name(const std::string& card, const std::string& nickname, const std::string& username) {
  std::string name = !card.empty() ? card : !nickname.empty() ? nickname : username;
  std::replace(name.begin(), name.end(), '\n', ' ');
  return printable(name, "");
}

}  // namespace

Outcome<std::int64_t> parse_group(std::string_view text) {
  auto id = as_number(text.starts_with('#') ? text.substr(1) : text);
  if (!id || *id <= 0) return bad_group(text);
  return *id;
}

Outcome<std::optional<std::int64_t>> group_target(std::string_view target) {
  if (!target.starts_with('#')) return std::optional<std::int64_t>();
  auto id = parse_group(target);
  if (!id) return id.error();
  return std::optional(*id);
}

std::string group_label(std::int64_t group_id) { return "#" + std::to_string(group_id); }

Outcome<std::int64_t> parse_duration(std::string_view text) {
  static constexpr std::array<std::pair<char, std::int64_t>, 4> kUnits{
      {{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}}};
  std::int64_t unit = 1;
  std::string_view number = text;
  for (const auto& [suffix, seconds] : kUnits) {
    if (!text.empty() && std::tolower(static_cast<unsigned char>(text.back())) == suffix) {
      unit = seconds;
      number.remove_suffix(1);
    }
  }
  auto count = as_number(number);
  if (!count || *count <= 0 || *count > std::numeric_limits<std::int64_t>::max() / unit) {
    return usage_error("DURATION is a number of seconds, or a number with s, m, h or d (like 90, 10m, 2h, 1d), got \"" +
                       std::string(text) + "\"");
  }
  return *count * unit;
}

Outcome<MemberList> fetch_members(const Channel& channel, std::int64_t group_id) {
  MemberList list;
  for (std::int64_t after = 0;;) {
    auto page = ask<proto::GroupMembersResult>(channel, proto::type::kGroupMembers,
                                               proto::GroupMembersRequest{group_id, after, kMembersPage});
    if (!page) return page.error();
    for (auto& raw : page->raw.at("members").as_array()) list.raw.push_back(std::move(raw));
    for (auto& m : page->value.members) list.members.push_back(std::move(m));
    // A server that says "more" but sends nothing would loop for ever.
    if (!page->value.has_more || page->value.members.empty()) break;
    after = list.members.back().user_id;
  }
  return list;
}

void GroupNames::add(const proto::GroupMember& m) {
  people_[m.user_id] = Person{m.username, m.nickname, m.card, m.role};
}

void GroupNames::apply(const proto::ChatMessage& entry) {
  if (entry.kind != proto::kind::kSystem) return;
  const std::string event = string_of(entry.body, "event");
  const std::int64_t user = int_of(entry.body, "user_id");
  if (event == "joined") {
    people_[user].role = proto::role::kMember;  // the name is looked up when needed
  } else if (event == "left" || event == "removed") {
    people_[user].role.clear();
  } else if (event == "dissolved") {
    for (auto& [id, person] : people_) person.role.clear();
  } else if (event == "admin") {
    people_[user].role = bool_of(entry.body, "admin") ? proto::role::kAdmin : proto::role::kMember;
  } else if (event == "owner") {
    people_[int_of(entry.body, "by")].role = proto::role::kMember;
    people_[user].role = proto::role::kOwner;
  } else if (event == "card") {
    people_[user].card = string_of(entry.body, "card");
  }
}

std::string GroupNames::name(const Channel& channel, std::int64_t user_id) {
  Person& person = people_[user_id];
  if (person.username.empty()) {
    auto profile = ask<proto::Profile>(channel, proto::type::kProfileGet, proto::ProfileGetRequest{user_id, {}});
    // Asked once: one who cannot be found stays "user N".
    person.username = profile ? profile->value.username : "user " + std::to_string(user_id);
    if (profile) person.nickname = profile->value.nickname;
  }
  return display_name(person.card, person.nickname, person.username);
}

std::optional<std::int64_t> GroupNames::member_by_username(std::string_view username) const {
  for (const auto& [id, person] : people_) {
    if (!person.role.empty() && person.username == username) return id;
  }
  return std::nullopt;
}

std::string GroupNames::role(std::int64_t user_id) const {
  auto it = people_.find(user_id);
  return it == people_.end() ? std::string() : it->second.role;
}

Mentions find_mentions(std::string_view text, const GroupNames& names, std::string_view my_role) {
  auto in_name = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-'; };
  Mentions found;
  for (std::size_t at = text.find('@'); at != std::string_view::npos; at = text.find('@', at + 1)) {
    if (at > 0 && !std::isspace(static_cast<unsigned char>(text[at - 1]))) continue;  // an address, not a mention
    std::size_t end = at + 1;
    while (end < text.size() && in_name(text[end])) ++end;
    std::string word(text.substr(at + 1, end - at - 1));
    std::transform(word.begin(), word.end(), word.begin(), [](unsigned char c) { return std::tolower(c); });
    // "@bob." at the end of a sentence: the dot is not part of the name.
    while (!word.empty() && (word.back() == '.' || word.back() == '-')) {
      if (names.member_by_username(word)) break;
      word.pop_back();
    }
    if (word == "all") {
      found.all = found.all || my_role == proto::role::kOwner || my_role == proto::role::kAdmin;
    } else if (auto id = names.member_by_username(word)) {
      if (std::find(found.users.begin(), found.users.end(), *id) == found.users.end() &&
          found.users.size() < kMaxMentions) {
        found.users.push_back(*id);
      }
    }
  }
  return found;
}

proto::MessageSendRequest group_text_message(std::int64_t group_id, std::string text, const Mentions& mentions) {
  proto::MessageSendRequest request;
  request.conversation_id = group_id;
  request.client_id = new_client_id();
  request.body = {{"text", std::move(text)}};
  if (!mentions.users.empty())
    request.body["mentions"] = boost::json::array(mentions.users.begin(), mentions.users.end());
  if (mentions.all) request.body["mention_all"] = true;
  return request;
}

std::string system_text(const proto::ChatMessage& entry, const NameOf& name_of) {
  const std::string event = string_of(entry.body, "event");
  for (const auto& [name, describe] : kDescriptions) {
    if (name != event) continue;
    const std::int64_t by = int_of(entry.body, "by");
    const std::int64_t user = int_of(entry.body, "user_id");
    return describe(Said{entry.body, by != 0 ? name_of(by) : "someone", user != 0 ? name_of(user) : "someone"});
  }
  return "(group event " + in_quotes(event) + ")";
}

bool ends_membership(const proto::ChatMessage& entry, std::int64_t user_id) {
  if (entry.kind != proto::kind::kSystem) return false;
  const std::string event = string_of(entry.body, "event");
  if (event == "dissolved") return true;
  return (event == "left" || event == "removed") && int_of(entry.body, "user_id") == user_id;
}

}  // namespace parley::cli
