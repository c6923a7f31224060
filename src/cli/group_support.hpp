#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/array.hpp>

#include "cli/channel.hpp"

// What the group commands, and the chat commands when they name a group, share: GROUP
// and DURATION arguments, the names members go by, and system entries for people.
namespace parley::cli {

// GROUP in `parley group ...`: "7" or "#7" (the group id, which is its conversation id).
// A usage error for anything else.
Outcome<std::int64_t> parse_group(std::string_view text);

// A target of send, chat, history, recall and read: "#7" names group 7, nothing when it
// does not start with '#' (a user), a usage error for '#' and no number.
Outcome<std::optional<std::int64_t>> group_target(std::string_view target);

// "#7".
std::string group_label(std::int64_t group_id);

// DURATION: seconds, or a number with the unit s, m, h or d ("90", "10m", "2h", "1d").
// A usage error for anything else, zero, or more than fits.
Outcome<std::int64_t> parse_duration(std::string_view text);

// Every member of a group, asking for one page after another (after_user_id). `raw`
// collects the members as the server sent them, for --json.
struct MemberList {
  std::vector<proto::GroupMember> members;
  boost::json::array raw;
};
Outcome<MemberList> fetch_members(const Channel& channel, std::int64_t group_id);

// The names people go by in one group: a member's card, else their nickname, else their
// user name. Knows the members it was given or told of by system entries, and looks up
// anyone else (one who left, say) by profile, once. Used from one thread.
class GroupNames {
 public:
  void add(const proto::GroupMember& member);
  // Follows a system entry of this group (a card, a role, a member who came or went).
  void apply(const proto::ChatMessage& entry);

  // The name of `user_id`; asks `channel` for the profile of someone not yet known, and
  // says "user N" when that fails.
  std::string name(const Channel& channel, std::int64_t user_id);
  // A current member by user name (folded to lower case), for mentions.
  std::optional<std::int64_t> member_by_username(std::string_view username) const;
  // A current member's role, or "" for one who is not a member (as far as known).
  std::string role(std::int64_t user_id) const;

 private:
  struct Person {
    std::string username;
    std::string nickname;
    std::string card;
    std::string role;  // "" when not (or no longer) a member
  };

  std::map<std::int64_t, Person> people_;
};

// What a text mentions: members by "@username" (at the start or after a space; at most
// 64, as the server allows) and "@all", which counts only for the owner and admins
// (`my_role`), since the server refuses it from anyone else.
struct Mentions {
  std::vector<std::int64_t> users;
  bool all = false;
};
Mentions find_mentions(std::string_view text, const GroupNames& names, std::string_view my_role);

// A message_send of `text` into group `group_id`, with a fresh client_id.
proto::MessageSendRequest group_text_message(std::int64_t group_id, std::string text, const Mentions& mentions);

// A system entry for people, without a leading "* ": "bob joined", "alice muted carol
// until 2026-11-22 05:49 UTC", ... `name_of` names a user id.
using NameOf = std::function<std::string(std::int64_t)>;
std::string system_text(const proto::ChatMessage& entry, const NameOf& name_of);

// Whether system entry `entry` ends `user_id`'s membership (they left, were removed,
// or the group was dissolved): nothing of the group comes after it.
bool ends_membership(const proto::ChatMessage& entry, std::int64_t user_id);

}  // namespace parley::cli
