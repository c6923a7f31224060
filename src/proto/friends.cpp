// Schemas of the friends messages (see proto/schema.hpp).
#include "proto/messages.hpp"
#include "proto/chat_schema.hpp"
#include "proto/friends_schema.hpp"
#include "proto/schema.hpp"

namespace parley::proto {
namespace schema {

// Lists in results: generous caps that only guard a client's decoder.
inline constexpr std::int64_t kListCap = 100'000;

template <>
struct Schema<FriendRequestRequest> {
  static constexpr auto fields = std::make_tuple(required("user_id", &FriendRequestRequest::user_id, 1, kMax),
                                                 optional("note", &FriendRequestRequest::note, 0, kTextCap));
};

template <>
struct Schema<FriendRequestResult> {
  static constexpr auto fields = std::make_tuple(required("request_id", &FriendRequestResult::request_id, 0, kMax),
                                                 required("status", &FriendRequestResult::status, 0, kNameCap));
};

template <>
struct Schema<FriendRequestsRequest> {
  static constexpr auto fields = std::make_tuple();
};

template <>
struct Schema<IncomingFriendRequest> {
  static constexpr auto fields = std::make_tuple(required("request_id", &IncomingFriendRequest::request_id, 0, kMax),
                                                 required("from", &IncomingFriendRequest::from, 0, 0),
                                                 required("note", &IncomingFriendRequest::note, 0, kTextCap),
                                                 required("created_at", &IncomingFriendRequest::created_at, 0, kMax));
};

template <>
struct Schema<OutgoingFriendRequest> {
  static constexpr auto fields = std::make_tuple(required("request_id", &OutgoingFriendRequest::request_id, 0, kMax),
                                                 required("to", &OutgoingFriendRequest::to, 0, 0),
                                                 required("note", &OutgoingFriendRequest::note, 0, kTextCap),
                                                 required("status", &OutgoingFriendRequest::status, 0, kNameCap),
                                                 required("reason", &OutgoingFriendRequest::reason, 0, kTextCap),
                                                 required("created_at", &OutgoingFriendRequest::created_at, 0, kMax),
                                                 required("decided_at", &OutgoingFriendRequest::decided_at, 0, kMax));
};

template <>
struct Schema<FriendRequestsResult> {
  static constexpr auto fields = std::make_tuple(required("incoming", &FriendRequestsResult::incoming, 0, kListCap),
                                                 required("outgoing", &FriendRequestsResult::outgoing, 0, kListCap));
};

template <>
struct Schema<FriendRespondRequest> {
  static constexpr auto fields = std::make_tuple(required("request_id", &FriendRespondRequest::request_id, 1, kMax),
                                                 required("accept", &FriendRespondRequest::accept, 0, 0),
                                                 optional("reason", &FriendRespondRequest::reason, 0, kTextCap),
                                                 optional("category_id", &FriendRespondRequest::category_id, 1, kMax));
};

template <>
struct Schema<FriendsListRequest> {
  static constexpr auto fields = std::make_tuple();
};

template <>
struct Schema<FriendCategory> {
  static constexpr auto fields = std::make_tuple(required("category_id", &FriendCategory::category_id, 0, kMax),
                                                 required("name", &FriendCategory::name, 0, kTextCap),
                                                 required("position", &FriendCategory::position, 0, kMax),
                                                 required("is_default", &FriendCategory::is_default, 0, 0));
};

template <>
struct Schema<Friend> {
  static constexpr auto fields = std::make_tuple(
      required("user_id", &Friend::user_id, 0, kMax), required("username", &Friend::username, 0, kNameCap),
      required("nickname", &Friend::nickname, 0, kTextCap), required("avatar", &Friend::avatar, 0, kTextCap),
      required("signature", &Friend::signature, 0, kTextCap), required("remark", &Friend::remark, 0, kTextCap),
      required("category_id", &Friend::category_id, 0, kMax), required("since", &Friend::since, 0, kMax),
      optional("presence", &Friend::presence, 1, 32), optional("last_message", &Friend::last_message, 0, 0));
};

template <>
struct Schema<FriendsListResult> {
  static constexpr auto fields = std::make_tuple(required("categories", &FriendsListResult::categories, 0, kListCap),
                                                 required("friends", &FriendsListResult::friends, 0, kListCap));
};

template <>
struct Schema<UserRef> {
  static constexpr auto fields = std::make_tuple(required("user_id", &UserRef::user_id, 1, kMax));
};

template <>
struct Schema<FriendRemarkRequest> {
  static constexpr auto fields = std::make_tuple(required("user_id", &FriendRemarkRequest::user_id, 1, kMax),
                                                 required("remark", &FriendRemarkRequest::remark, 0, kTextCap));
};

template <>
struct Schema<FriendMoveRequest> {
  static constexpr auto fields = std::make_tuple(required("user_id", &FriendMoveRequest::user_id, 1, kMax),
                                                 required("category_id", &FriendMoveRequest::category_id, 1, kMax));
};

template <>
struct Schema<CategoryCreateRequest> {
  static constexpr auto fields = std::make_tuple(required("name", &CategoryCreateRequest::name, 0, kTextCap));
};

template <>
struct Schema<CategoryCreateResult> {
  static constexpr auto fields = std::make_tuple(required("category_id", &CategoryCreateResult::category_id, 0, kMax));
};

template <>
struct Schema<CategoryRenameRequest> {
  static constexpr auto fields = std::make_tuple(required("category_id", &CategoryRenameRequest::category_id, 1, kMax),
                                                 required("name", &CategoryRenameRequest::name, 0, kTextCap));
};

template <>
struct Schema<CategoryReorderRequest> {
  static constexpr auto fields =
      std::make_tuple(required("category_ids", &CategoryReorderRequest::category_ids, 1, kMax));
};

template <>
struct Schema<CategoryDeleteRequest> {
  static constexpr auto fields = std::make_tuple(required("category_id", &CategoryDeleteRequest::category_id, 1, kMax));
};

template <>
struct Schema<BlocksListRequest> {
  static constexpr auto fields = std::make_tuple();
};

template <>
struct Schema<BlocksListResult> {
  static constexpr auto fields = std::make_tuple(required("users", &BlocksListResult::users, 0, kListCap));
};

template <>
struct Schema<PrivacyGetRequest> {
  static constexpr auto fields = std::make_tuple();
};

template <>
struct Schema<Privacy> {
  static constexpr auto fields = std::make_tuple(required("allow_strangers", &Privacy::allow_strangers, 0, 0));
};

template <>
struct Schema<FriendResponseEvent> {
  static constexpr auto fields = std::make_tuple(required("request_id", &FriendResponseEvent::request_id, 0, kMax),
                                                 required("user_id", &FriendResponseEvent::user_id, 0, kMax),
                                                 required("accepted", &FriendResponseEvent::accepted, 0, 0),
                                                 required("reason", &FriendResponseEvent::reason, 0, kTextCap));
};

template <>
struct Schema<FriendDeletedEvent> {
  static constexpr auto fields = std::make_tuple(required("user_id", &FriendDeletedEvent::user_id, 0, kMax));
};

template <>
struct Schema<FriendsChangedEvent> {
  static constexpr auto fields = std::make_tuple();
};

}  // namespace schema

PARLEY_PROTO_MESSAGE(UserSummary)
PARLEY_PROTO_MESSAGE(FriendRequestRequest)
PARLEY_PROTO_MESSAGE(FriendRequestResult)
PARLEY_PROTO_MESSAGE(FriendRequestsRequest)
PARLEY_PROTO_MESSAGE(IncomingFriendRequest)
PARLEY_PROTO_MESSAGE(OutgoingFriendRequest)
PARLEY_PROTO_MESSAGE(FriendRequestsResult)
PARLEY_PROTO_MESSAGE(FriendRespondRequest)
PARLEY_PROTO_MESSAGE(FriendsListRequest)
PARLEY_PROTO_MESSAGE(FriendCategory)
PARLEY_PROTO_MESSAGE(Friend)
PARLEY_PROTO_MESSAGE(FriendsListResult)
PARLEY_PROTO_MESSAGE(UserRef)
PARLEY_PROTO_MESSAGE(FriendRemarkRequest)
PARLEY_PROTO_MESSAGE(FriendMoveRequest)
PARLEY_PROTO_MESSAGE(CategoryCreateRequest)
PARLEY_PROTO_MESSAGE(CategoryCreateResult)
PARLEY_PROTO_MESSAGE(CategoryRenameRequest)
PARLEY_PROTO_MESSAGE(CategoryReorderRequest)
PARLEY_PROTO_MESSAGE(CategoryDeleteRequest)
PARLEY_PROTO_MESSAGE(BlocksListRequest)
PARLEY_PROTO_MESSAGE(BlocksListResult)
PARLEY_PROTO_MESSAGE(PrivacyGetRequest)
PARLEY_PROTO_MESSAGE(Privacy)
PARLEY_PROTO_MESSAGE(FriendResponseEvent)
PARLEY_PROTO_MESSAGE(FriendDeletedEvent)
PARLEY_PROTO_MESSAGE(FriendsChangedEvent)

}  // namespace parley::proto
