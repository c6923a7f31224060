#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "server/store/chat_store.hpp"
#include "server/store/errors.hpp"

namespace parley::store {

// A group: a conversation of kind "group" (its id is the conversation's) with a profile.
struct GroupRow {
  std::int64_t id = 0;
  std::string name;
  std::string avatar;
  std::string description;
  std::string join_policy;
  std::string invite_policy;
  std::int64_t member_limit = 0;
  std::int64_t member_count = 0;
  std::int64_t owner_id = 0;
  bool muted_all = false;
  bool full_history = false;
  std::int64_t created_at = 0;
  std::int64_t dissolved_at = 0;  // 0: not dissolved
};

// The profile members a change sets; the others stay.
struct GroupChange {
  std::optional<std::string> name = std::nullopt;
  std::optional<std::string> avatar = std::nullopt;
  std::optional<std::string> description = std::nullopt;
  std::optional<std::string> join_policy = std::nullopt;
  std::optional<std::string> invite_policy = std::nullopt;
  std::optional<std::int64_t> member_limit = std::nullopt;
  std::optional<bool> full_history = std::nullopt;
  std::optional<bool> muted_all = std::nullopt;
};

// What a change to one member sets; the rest stays.
struct MemberChange {
  std::optional<std::string> role = std::nullopt;
  std::optional<std::string> card = std::nullopt;
  std::optional<std::int64_t> muted_until = std::nullopt;
};

struct JoinRequestRow {
  std::int64_t id = 0;
  std::int64_t group_id = 0;
  std::int64_t user_id = 0;
  std::int64_t inviter_id = 0;  // 0: the user asked
  std::string note;
  std::string status;  // pending, accepted or rejected
  std::string reason;
  std::int64_t created_at = 0;
  std::int64_t decided_at = 0;
};

// Groups, their members' roles and mutes, and join requests. Every change to a group is
// stored with the log entry (`notice`, a system entry) that tells its members, in one
// transaction, so the log shows every change in order with the messages. `committed`
// runs after such a commit and before any later write to the log commits: the service
// updates its caches there. Thread-safe; success means committed durably.
class GroupsStore {
 public:
  virtual ~GroupsStore() = default;
  using Committed = std::function<void()>;

  // Creates the group, with its owner as its only member. `notice` (its conversation_id
  // is filled in) is the group's first entry.
  virtual Result<std::pair<GroupRow, Appended>> create(const GroupRow& group, NewMessage notice) = 0;
  // Dissolved groups too (dissolved_at set); not_found when there is none.
  virtual Result<GroupRow> group(std::int64_t group_id) = 0;
  // Groups not dissolved whose id is `number`, or whose name contains every one of
  // `words` (case-insensitively for ASCII letters).
  virtual Result<std::vector<GroupRow>> search(std::optional<std::int64_t> number, const std::vector<std::string>& words,
                                               int limit) = 0;
  virtual Result<std::int64_t> owned_count(std::int64_t user_id) = 0;
  virtual Result<std::optional<MemberRow>> member(std::int64_t group_id, std::int64_t user_id) = 0;
  // Members by user id after `after_user_id`, at most `limit`.
  virtual Result<std::vector<MemberRow>> members(std::int64_t group_id, std::int64_t after_user_id, int limit) = 0;

  // Adds a member (role member) who reads from `notice` on; conflict when already one
  // or the group is full.
  virtual Result<Appended> add_member(std::int64_t group_id, std::int64_t user_id, const NewMessage& notice,
                                      const Committed& committed) = 0;
  virtual Result<Appended> remove_member(std::int64_t group_id, std::int64_t user_id, const NewMessage& notice,
                                         const Committed& committed) = 0;
  virtual Result<Appended> change_member(std::int64_t group_id, std::int64_t user_id, const MemberChange& change,
                                         const NewMessage& notice, const Committed& committed) = 0;
  // `to` becomes the owner and the old owner a member.
  virtual Result<Appended> transfer(std::int64_t group_id, std::int64_t to, const NewMessage& notice,
                                    const Committed& committed) = 0;
  // conflict when member_limit would fall below the member count.
  virtual Result<Appended> change_group(std::int64_t group_id, const GroupChange& change, const NewMessage& notice,
                                        const Committed& committed) = 0;
  // Marks the group dissolved and removes every member, after appending `notice`.
  virtual Result<Appended> dissolve(std::int64_t group_id, const NewMessage& notice, const Committed& committed) = 0;

  // A pending request of this user to this group, or a new one.
  virtual Result<JoinRequestRow> add_request(const JoinRequestRow& request) = 0;
  virtual Result<JoinRequestRow> request(std::int64_t request_id) = 0;
  // Pending requests to the groups the user owns or administers, oldest first.
  virtual Result<std::vector<JoinRequestRow>> pending_for(std::int64_t user_id) = 0;
  // The user's own requests and invitations made for them, since `since` (ms), newest first.
  virtual Result<std::vector<JoinRequestRow>> requests_of(std::int64_t user_id, std::int64_t since) = 0;
  // Decides a pending request (conflict when it is decided already); accepting adds the
  // member with `notice`, as add_member.
  virtual Result<std::optional<Appended>> decide(std::int64_t request_id, bool accept, const std::string& reason,
                                                 std::int64_t now, const NewMessage& notice,
                                                 const Committed& committed) = 0;
};

}  // namespace parley::store
