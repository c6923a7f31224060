// Schemas of the groups messages (see proto/schema.hpp).
#include "proto/friends_schema.hpp"
#include "proto/messages.hpp"
#include "proto/schema.hpp"

namespace parley::proto {
namespace schema {

inline constexpr std::int64_t kGroupListCap = 100'000;
// The largest member limit a group may have.
inline constexpr std::int64_t kMaxMemberLimit = 10'000;
inline constexpr std::int64_t kMaxMuteSeconds = 30LL * 24 * 3600;

template <>
struct Schema<GroupInfo> {
  static constexpr auto fields = std::make_tuple(
      required("group_id", &GroupInfo::group_id, 0, kMax), required("name", &GroupInfo::name, 0, kTextCap),
      required("avatar", &GroupInfo::avatar, 0, kTextCap), required("description", &GroupInfo::description, 0, kTextCap),
      required("join_policy", &GroupInfo::join_policy, 0, kNameCap),
      required("invite_policy", &GroupInfo::invite_policy, 0, kNameCap),
      required("member_limit", &GroupInfo::member_limit, 0, kMax),
      required("member_count", &GroupInfo::member_count, 0, kMax), required("owner_id", &GroupInfo::owner_id, 0, kMax),
      required("muted_all", &GroupInfo::muted_all, 0, 0), required("full_history", &GroupInfo::full_history, 0, 0),
      required("created_at", &GroupInfo::created_at, 0, kMax), optional("role", &GroupInfo::role, 0, kNameCap));
};

template <>
struct Schema<GroupCreateRequest> {
  static constexpr auto fields = std::make_tuple(
      required("name", &GroupCreateRequest::name, 0, kTextCap),
      optional("avatar", &GroupCreateRequest::avatar, 0, kTextCap),
      optional("description", &GroupCreateRequest::description, 0, kTextCap),
      optional("join_policy", &GroupCreateRequest::join_policy, 0, kNameCap),
      optional("invite_policy", &GroupCreateRequest::invite_policy, 0, kNameCap),
      optional("member_limit", &GroupCreateRequest::member_limit, 2, kMaxMemberLimit),
      optional("full_history", &GroupCreateRequest::full_history, 0, 0));
};

template <>
struct Schema<GroupSearchRequest> {
  static constexpr auto fields = std::make_tuple(required("query", &GroupSearchRequest::query, 0, kNameCap),
                                                 optional("limit", &GroupSearchRequest::limit, 1, 100));
};

template <>
struct Schema<GroupSearchResult> {
  static constexpr auto fields = std::make_tuple(required("groups", &GroupSearchResult::groups, 0, kGroupListCap));
};

template <>
struct Schema<GroupRef> {
  static constexpr auto fields = std::make_tuple(required("group_id", &GroupRef::group_id, 1, kMax));
};

template <>
struct Schema<GroupUpdateRequest> {
  static constexpr auto fields = std::make_tuple(
      required("group_id", &GroupUpdateRequest::group_id, 1, kMax),
      optional("name", &GroupUpdateRequest::name, 0, kTextCap),
      optional("avatar", &GroupUpdateRequest::avatar, 0, kTextCap),
      optional("description", &GroupUpdateRequest::description, 0, kTextCap),
      optional("join_policy", &GroupUpdateRequest::join_policy, 0, kNameCap),
      optional("invite_policy", &GroupUpdateRequest::invite_policy, 0, kNameCap),
      optional("member_limit", &GroupUpdateRequest::member_limit, 2, kMaxMemberLimit),
      optional("full_history", &GroupUpdateRequest::full_history, 0, 0));
};

template <>
struct Schema<GroupJoinRequest> {
  static constexpr auto fields = std::make_tuple(required("group_id", &GroupJoinRequest::group_id, 1, kMax),
                                                 optional("note", &GroupJoinRequest::note, 0, kTextCap));
};

template <>
struct Schema<GroupJoinResult> {
  static constexpr auto fields = std::make_tuple(required("status", &GroupJoinResult::status, 0, kNameCap),
                                                 required("request_id", &GroupJoinResult::request_id, 0, kMax));
};

template <>
struct Schema<GroupJoinRequestInfo> {
  static constexpr auto fields = std::make_tuple(
      required("request_id", &GroupJoinRequestInfo::request_id, 0, kMax),
      required("group_id", &GroupJoinRequestInfo::group_id, 0, kMax),
      required("group_name", &GroupJoinRequestInfo::group_name, 0, kTextCap),
      required("user", &GroupJoinRequestInfo::user, 0, 0),
      required("inviter_id", &GroupJoinRequestInfo::inviter_id, 0, kMax),
      required("note", &GroupJoinRequestInfo::note, 0, kTextCap),
      required("status", &GroupJoinRequestInfo::status, 0, kNameCap),
      required("reason", &GroupJoinRequestInfo::reason, 0, kTextCap),
      required("created_at", &GroupJoinRequestInfo::created_at, 0, kMax),
      required("decided_at", &GroupJoinRequestInfo::decided_at, 0, kMax));
};

template <>
struct Schema<GroupRequestsRequest> {
  static constexpr auto fields = std::make_tuple();
};

template <>
struct Schema<GroupRequestsResult> {
  static constexpr auto fields = std::make_tuple(required("incoming", &GroupRequestsResult::incoming, 0, kGroupListCap),
                                                 required("outgoing", &GroupRequestsResult::outgoing, 0, kGroupListCap));
};

template <>
struct Schema<GroupRespondRequest> {
  static constexpr auto fields = std::make_tuple(required("request_id", &GroupRespondRequest::request_id, 1, kMax),
                                                 required("accept", &GroupRespondRequest::accept, 0, 0),
                                                 optional("reason", &GroupRespondRequest::reason, 0, kTextCap));
};

template <>
struct Schema<GroupJoinResponseEvent> {
  static constexpr auto fields = std::make_tuple(
      required("request_id", &GroupJoinResponseEvent::request_id, 0, kMax),
      required("group_id", &GroupJoinResponseEvent::group_id, 0, kMax),
      required("group_name", &GroupJoinResponseEvent::group_name, 0, kTextCap),
      required("accepted", &GroupJoinResponseEvent::accepted, 0, 0),
      required("reason", &GroupJoinResponseEvent::reason, 0, kTextCap));
};

template <>
struct Schema<GroupMemberRef> {
  static constexpr auto fields = std::make_tuple(required("group_id", &GroupMemberRef::group_id, 1, kMax),
                                                 required("user_id", &GroupMemberRef::user_id, 1, kMax));
};

template <>
struct Schema<GroupMuteRequest> {
  static constexpr auto fields = std::make_tuple(required("group_id", &GroupMuteRequest::group_id, 1, kMax),
                                                 required("user_id", &GroupMuteRequest::user_id, 1, kMax),
                                                 required("duration_s", &GroupMuteRequest::duration_s, 1, kMaxMuteSeconds));
};

template <>
struct Schema<GroupMuteAllRequest> {
  static constexpr auto fields = std::make_tuple(required("group_id", &GroupMuteAllRequest::group_id, 1, kMax),
                                                 required("muted", &GroupMuteAllRequest::muted, 0, 0));
};

template <>
struct Schema<GroupAdminRequest> {
  static constexpr auto fields = std::make_tuple(required("group_id", &GroupAdminRequest::group_id, 1, kMax),
                                                 required("user_id", &GroupAdminRequest::user_id, 1, kMax),
                                                 required("admin", &GroupAdminRequest::admin, 0, 0));
};

template <>
struct Schema<GroupCardRequest> {
  static constexpr auto fields = std::make_tuple(required("group_id", &GroupCardRequest::group_id, 1, kMax),
                                                 required("card", &GroupCardRequest::card, 0, kTextCap));
};

template <>
struct Schema<GroupMembersRequest> {
  static constexpr auto fields = std::make_tuple(required("group_id", &GroupMembersRequest::group_id, 1, kMax),
                                                 optional("after_user_id", &GroupMembersRequest::after_user_id, 0, kMax),
                                                 optional("limit", &GroupMembersRequest::limit, 1, 500));
};

template <>
struct Schema<GroupMember> {
  static constexpr auto fields = std::make_tuple(
      required("user_id", &GroupMember::user_id, 0, kMax), required("username", &GroupMember::username, 0, kNameCap),
      required("nickname", &GroupMember::nickname, 0, kTextCap), required("avatar", &GroupMember::avatar, 0, kTextCap),
      required("role", &GroupMember::role, 0, kNameCap), required("card", &GroupMember::card, 0, kTextCap),
      required("joined_at", &GroupMember::joined_at, 0, kMax),
      required("muted_until", &GroupMember::muted_until, 0, kMax),
      required("presence", &GroupMember::presence, 0, kNameCap));
};

template <>
struct Schema<GroupMembersResult> {
  static constexpr auto fields = std::make_tuple(required("members", &GroupMembersResult::members, 0, kGroupListCap),
                                                 required("has_more", &GroupMembersResult::has_more, 0, 0));
};

}  // namespace schema

PARLEY_PROTO_MESSAGE(GroupInfo)
PARLEY_PROTO_MESSAGE(GroupCreateRequest)
PARLEY_PROTO_MESSAGE(GroupSearchRequest)
PARLEY_PROTO_MESSAGE(GroupSearchResult)
PARLEY_PROTO_MESSAGE(GroupRef)
PARLEY_PROTO_MESSAGE(GroupUpdateRequest)
PARLEY_PROTO_MESSAGE(GroupJoinRequest)
PARLEY_PROTO_MESSAGE(GroupJoinResult)
PARLEY_PROTO_MESSAGE(GroupJoinRequestInfo)
PARLEY_PROTO_MESSAGE(GroupRequestsRequest)
PARLEY_PROTO_MESSAGE(GroupRequestsResult)
PARLEY_PROTO_MESSAGE(GroupRespondRequest)
PARLEY_PROTO_MESSAGE(GroupJoinResponseEvent)
PARLEY_PROTO_MESSAGE(GroupMemberRef)
PARLEY_PROTO_MESSAGE(GroupMuteRequest)
PARLEY_PROTO_MESSAGE(GroupMuteAllRequest)
PARLEY_PROTO_MESSAGE(GroupAdminRequest)
PARLEY_PROTO_MESSAGE(GroupCardRequest)
PARLEY_PROTO_MESSAGE(GroupMembersRequest)
PARLEY_PROTO_MESSAGE(GroupMember)
PARLEY_PROTO_MESSAGE(GroupMembersResult)

}  // namespace parley::proto
