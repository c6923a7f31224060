#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "proto/friends.hpp"

// Protocol v1 messages of groups: creating and finding groups, joining (open, by request,
// by invitation), roles and moderation, the member list, and their events
// (docs/protocol.md, "Groups"). A group is a conversation: its group_id is its
// conversation_id, and its messages go through message_send, sync and history like
// any other. Encoded and decoded through proto/messages.hpp.
namespace parley::proto {

namespace type {
inline constexpr char kGroupCreate[] = "group_create";
inline constexpr char kGroupSearch[] = "group_search";
inline constexpr char kGroupInfo[] = "group_info";
inline constexpr char kGroupUpdate[] = "group_update";
inline constexpr char kGroupJoin[] = "group_join";
inline constexpr char kGroupRequests[] = "group_requests";
inline constexpr char kGroupRespond[] = "group_respond";
inline constexpr char kGroupInvite[] = "group_invite";
inline constexpr char kGroupLeave[] = "group_leave";
inline constexpr char kGroupKick[] = "group_kick";
inline constexpr char kGroupMute[] = "group_mute";
inline constexpr char kGroupUnmute[] = "group_unmute";
inline constexpr char kGroupMuteAll[] = "group_mute_all";
inline constexpr char kGroupAdmin[] = "group_admin";
inline constexpr char kGroupTransfer[] = "group_transfer";
inline constexpr char kGroupDissolve[] = "group_dissolve";
inline constexpr char kGroupMembers[] = "group_members";
inline constexpr char kGroupCard[] = "group_card";
}  // namespace type

namespace event {
inline constexpr char kGroupJoinRequest[] = "group_join_request";
inline constexpr char kGroupJoinResponse[] = "group_join_response";
}  // namespace event

namespace join_policy {
inline constexpr char kOpen[] = "open";          // anyone joins at once
inline constexpr char kApproval[] = "approval";  // a request, approved by the owner or an admin
inline constexpr char kInvite[] = "invite";      // only by a member's invitation
}  // namespace join_policy

namespace invite_policy {
inline constexpr char kDirect[] = "direct";      // the invited friend is a member at once
inline constexpr char kApproval[] = "approval";  // a member's invitation waits for an admin (an admin's does not)
}  // namespace invite_policy

namespace role {
inline constexpr char kOwner[] = "owner";
inline constexpr char kAdmin[] = "admin";
inline constexpr char kMember[] = "member";
}  // namespace role

// The status of a join request.
namespace join_status {
inline constexpr char kJoined[] = "joined";  // group_join / group_invite: a member now
inline constexpr char kPending[] = "pending";
inline constexpr char kAccepted[] = "accepted";
inline constexpr char kRejected[] = "rejected";
}  // namespace join_status

struct GroupInfo {
  std::int64_t group_id = 0;  // also its conversation_id, and the number people search by
  std::string name;
  std::string avatar;
  std::string description;
  std::string join_policy = join_policy::kApproval;
  std::string invite_policy = invite_policy::kDirect;
  std::int64_t member_limit = 500;
  std::int64_t member_count = 0;
  std::int64_t owner_id = 0;
  bool muted_all = false;
  bool full_history = false;  // members who join later see the history from before they joined
  std::int64_t created_at = 0;
  std::optional<std::string> role;  // the caller's, when a member
};

struct GroupCreateRequest {
  std::string name;
  std::optional<std::string> avatar;
  std::optional<std::string> description;
  std::optional<std::string> join_policy;
  std::optional<std::string> invite_policy;
  std::optional<std::int64_t> member_limit;
  std::optional<bool> full_history;
};

struct GroupSearchRequest {
  std::string query;  // a group number, or words of its name
  std::int64_t limit = 20;
};
struct GroupSearchResult {
  std::vector<GroupInfo> groups;
};

// group_info, group_leave, group_dissolve.
struct GroupRef {
  std::int64_t group_id = 0;
};

struct GroupUpdateRequest {
  std::int64_t group_id = 0;
  std::optional<std::string> name;
  std::optional<std::string> avatar;
  std::optional<std::string> description;
  std::optional<std::string> join_policy;
  std::optional<std::string> invite_policy;
  std::optional<std::int64_t> member_limit;
  std::optional<bool> full_history;
};

struct GroupJoinRequest {
  std::int64_t group_id = 0;
  std::optional<std::string> note;
};
// group_join and group_invite.
struct GroupJoinResult {
  std::string status;           // joined or pending
  std::int64_t request_id = 0;  // when pending; else 0
};

// A join request; also the data of the group_join_request event.
struct GroupJoinRequestInfo {
  std::int64_t request_id = 0;
  std::int64_t group_id = 0;
  std::string group_name;
  UserSummary user;             // who would join
  std::int64_t inviter_id = 0;  // 0: the user asked
  std::string note;
  std::string status;           // pending, accepted or rejected
  std::string reason;           // why it was rejected, when the deciding admin said
  std::int64_t created_at = 0;
  std::int64_t decided_at = 0;  // 0 while pending
};

struct GroupRequestsRequest {};
struct GroupRequestsResult {
  std::vector<GroupJoinRequestInfo> incoming;  // pending, to groups the caller runs (owner or admin)
  std::vector<GroupJoinRequestInfo> outgoing;  // the caller's own, of the last 30 days
};

struct GroupRespondRequest {
  std::int64_t request_id = 0;
  bool accept = false;
  std::optional<std::string> reason;
};

struct GroupJoinResponseEvent {
  std::int64_t request_id = 0;
  std::int64_t group_id = 0;
  std::string group_name;
  bool accepted = false;
  std::string reason;
};

// group_invite, group_kick, group_unmute, group_transfer.
struct GroupMemberRef {
  std::int64_t group_id = 0;
  std::int64_t user_id = 0;
};

struct GroupMuteRequest {
  std::int64_t group_id = 0;
  std::int64_t user_id = 0;
  std::int64_t duration_s = 0;  // 1 s to 30 days
};

struct GroupMuteAllRequest {
  std::int64_t group_id = 0;
  bool muted = false;
};

struct GroupAdminRequest {
  std::int64_t group_id = 0;
  std::int64_t user_id = 0;
  bool admin = false;
};

struct GroupCardRequest {
  std::int64_t group_id = 0;
  std::string card;  // "" clears it
};

struct GroupMembersRequest {
  std::int64_t group_id = 0;
  std::int64_t after_user_id = 0;  // paging: the last user_id of the previous page
  std::int64_t limit = 100;
};

struct GroupMember {
  std::int64_t user_id = 0;
  std::string username;
  std::string nickname;
  std::string avatar;
  std::string role;
  std::string card;
  std::int64_t joined_at = 0;
  std::int64_t muted_until = 0;  // 0: not muted
  std::string presence;
};

struct GroupMembersResult {
  std::vector<GroupMember> members;  // by user_id
  bool has_more = false;
};

}  // namespace parley::proto
