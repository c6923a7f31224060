#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "proto/chat.hpp"

// Protocol v1 messages of friends: friend requests, the friend list and its categories,
// remarks, blocking and privacy, and their events (docs/protocol.md, "Friends"). Encoded
// and decoded through proto/messages.hpp.
namespace parley::proto {

namespace type {
inline constexpr char kFriendRequest[] = "friend_request";
inline constexpr char kFriendRequests[] = "friend_requests";
inline constexpr char kFriendRespond[] = "friend_respond";
inline constexpr char kFriendsList[] = "friends_list";
inline constexpr char kFriendDelete[] = "friend_delete";
inline constexpr char kFriendRemark[] = "friend_remark";
inline constexpr char kFriendMove[] = "friend_move";
inline constexpr char kCategoryCreate[] = "category_create";
inline constexpr char kCategoryRename[] = "category_rename";
inline constexpr char kCategoryReorder[] = "category_reorder";
inline constexpr char kCategoryDelete[] = "category_delete";
inline constexpr char kBlock[] = "block";
inline constexpr char kUnblock[] = "unblock";
inline constexpr char kBlocksList[] = "blocks_list";
inline constexpr char kPrivacyGet[] = "privacy_get";
inline constexpr char kPrivacySet[] = "privacy_set";
}  // namespace type

namespace event {
inline constexpr char kFriendRequest[] = "friend_request";
inline constexpr char kFriendResponse[] = "friend_response";
inline constexpr char kFriendAdded[] = "friend_added";
inline constexpr char kFriendDeleted[] = "friend_deleted";
inline constexpr char kFriendsChanged[] = "friends_changed";
}  // namespace event

// The status of a friend request as the requester sees it.
namespace request_status {
inline constexpr char kPending[] = "pending";
inline constexpr char kAccepted[] = "accepted";
inline constexpr char kRejected[] = "rejected";
}  // namespace request_status

// Who another user is, in lists of requests and blocks.
struct UserSummary {
  std::int64_t user_id = 0;
  std::string username;
  std::string nickname;
  std::string avatar;
};

struct FriendRequestRequest {
  std::int64_t user_id = 0;
  std::optional<std::string> note;
};

struct FriendRequestResult {
  std::int64_t request_id = 0;
  std::string status;  // pending or accepted
};

struct FriendRequestsRequest {};

// A pending request to me; also the data of the friend_request event.
struct IncomingFriendRequest {
  std::int64_t request_id = 0;
  UserSummary from;
  std::string note;
  std::int64_t created_at = 0;
};
using FriendRequestEvent = IncomingFriendRequest;

struct OutgoingFriendRequest {
  std::int64_t request_id = 0;
  UserSummary to;
  std::string note;
  std::string status;  // pending, accepted or rejected
  std::string reason;  // the recipient's reason for a rejection, or ""
  std::int64_t created_at = 0;
  std::int64_t decided_at = 0;  // 0 while pending
};

struct FriendRequestsResult {
  std::vector<IncomingFriendRequest> incoming;
  std::vector<OutgoingFriendRequest> outgoing;
};

struct FriendRespondRequest {
  std::int64_t request_id = 0;
  bool accept = false;
  std::optional<std::string> reason;
  std::optional<std::int64_t> category_id;
};

struct FriendsListRequest {};

struct FriendCategory {
  std::int64_t category_id = 0;
  std::string name;
  std::int64_t position = 0;
  bool is_default = false;
};

// One entry of the friend list; also the data of the friend_added event.
struct Friend {
  std::int64_t user_id = 0;
  std::string username;
  std::string nickname;
  std::string avatar;
  std::string signature;
  std::string remark;
  std::int64_t category_id = 0;
  std::int64_t since = 0;
  // What one sees of the friend's presence (friends_list and friend_added), and the last
  // entry of the direct conversation with them, if any (friends_list only).
  std::optional<std::string> presence;
  std::optional<ChatMessage> last_message;
};
using FriendAddedEvent = Friend;

struct FriendsListResult {
  std::vector<FriendCategory> categories;
  std::vector<Friend> friends;
};

// The request of friend_delete, block and unblock.
struct UserRef {
  std::int64_t user_id = 0;
};
using FriendDeleteRequest = UserRef;
using BlockRequest = UserRef;
using UnblockRequest = UserRef;

struct FriendRemarkRequest {
  std::int64_t user_id = 0;
  std::string remark;
};

struct FriendMoveRequest {
  std::int64_t user_id = 0;
  std::int64_t category_id = 0;
};

struct CategoryCreateRequest {
  std::string name;
};

struct CategoryCreateResult {
  std::int64_t category_id = 0;
};

struct CategoryRenameRequest {
  std::int64_t category_id = 0;
  std::string name;
};

struct CategoryReorderRequest {
  std::vector<std::int64_t> category_ids;
};

struct CategoryDeleteRequest {
  std::int64_t category_id = 0;
};

struct BlocksListRequest {};

struct BlocksListResult {
  std::vector<UserSummary> users;
};

struct PrivacyGetRequest {};

// The result of privacy_get and privacy_set, and the request of privacy_set.
struct Privacy {
  bool allow_strangers = true;
};

struct FriendResponseEvent {
  std::int64_t request_id = 0;
  std::int64_t user_id = 0;  // who answered
  bool accepted = false;
  std::string reason;
};

struct FriendDeletedEvent {
  std::int64_t user_id = 0;  // the friend no longer in the list
};

struct FriendsChangedEvent {};

}  // namespace parley::proto
