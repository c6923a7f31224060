// Feeds every example in docs/protocol.md through the real codec and the typed decoder
// of its message type, so the contract cannot drift from the code.
#include <fstream>
#include <regex>
#include <sstream>

#include <algorithm>
#include <map>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include "proto/codec.hpp"
#include "proto/messages.hpp"

namespace parley::proto {
namespace {

struct Example {
  std::string kind;  // request, response or event
  std::string text;
  int line = 0;
};

std::vector<Example> examples() {
  std::ifstream file(PARLEY_SOURCE_DIR "/docs/protocol.md");
  std::vector<Example> out;
  std::string line;
  int number = 0;
  Example* current = nullptr;
  while (std::getline(file, line)) {
    ++number;
    if (current == nullptr && line.rfind("```json ", 0) == 0) {
      out.push_back({line.substr(8), "", number});
      current = &out.back();
    } else if (current != nullptr && line == "```") {
      current = nullptr;
    } else if (current != nullptr) {
      current->text += line + "\n";
    }
  }
  return out;
}

// Decodes `data` as the typed message T and encodes it again: the example must come
// back unchanged, so the schema's decode and encode agree with the document.
template <class T>
Status round_trip(const boost::json::object& data) {
  auto r = decode<T>(data);
  if (!r) return r.error();
  if (encode(*r) != data) {
    return make_error(Errc::internal, "encodes back as " + boost::json::serialize(encode(*r)));
  }
  return {};
}

template <class Request, class Result>
Status check_pair(bool is_request, const boost::json::object& data) {
  return is_request ? round_trip<Request>(data) : round_trip<Result>(data);
}

Status decode_typed(const std::string& type, bool is_request, const boost::json::object& data) {
  if (type == type::kHello) return check_pair<HelloRequest, HelloResult>(is_request, data);
  if (type == type::kPing) return check_pair<PingRequest, PingResult>(is_request, data);
  if (type == type::kRegister) return check_pair<RegisterRequest, RegisterResult>(is_request, data);
  if (type == type::kLogin) return check_pair<LoginRequest, LoginResult>(is_request, data);
  if (type == type::kAuth) return check_pair<AuthRequest, AuthResult>(is_request, data);
  if (type == type::kLogout) return check_pair<LogoutRequest, EmptyResult>(is_request, data);
  if (type == type::kChangePassword) return check_pair<ChangePasswordRequest, ChangePasswordResult>(is_request, data);
  if (type == type::kProfileGet) return check_pair<ProfileGetRequest, Profile>(is_request, data);
  if (type == type::kProfileUpdate) return check_pair<ProfileUpdateRequest, Profile>(is_request, data);
  if (type == type::kUserSearch) return check_pair<UserSearchRequest, UserSearchResult>(is_request, data);
  if (type == type::kMessageSend) return check_pair<MessageSendRequest, MessageSendResult>(is_request, data);
  if (type == type::kConversations) return check_pair<ConversationsRequest, ConversationsResult>(is_request, data);
  if (type == type::kSync) return check_pair<SyncRequest, MessagesResult>(is_request, data);
  if (type == type::kHistory) return check_pair<HistoryRequest, MessagesResult>(is_request, data);
  if (type == type::kMessageRead) return check_pair<MessageReadRequest, MessageReadResult>(is_request, data);
  if (type == type::kMessageRecall) return check_pair<MessageRecallRequest, MessageRecallResult>(is_request, data);
  if (type == type::kMessageSearch) return check_pair<MessageSearchRequest, MessagesResult>(is_request, data);
  if (type == type::kPresenceGet) return check_pair<PresenceGetRequest, PresenceGetResult>(is_request, data);
  if (type == type::kPresenceSet) return check_pair<PresenceSetRequest, EmptyResult>(is_request, data);
  if (type == type::kTyping) return check_pair<TypingRequest, EmptyResult>(is_request, data);
  if (type == type::kFriendRequest) return check_pair<FriendRequestRequest, FriendRequestResult>(is_request, data);
  if (type == type::kFriendRequests) return check_pair<FriendRequestsRequest, FriendRequestsResult>(is_request, data);
  if (type == type::kFriendRespond) return check_pair<FriendRespondRequest, EmptyResult>(is_request, data);
  if (type == type::kFriendsList) return check_pair<FriendsListRequest, FriendsListResult>(is_request, data);
  if (type == type::kFriendDelete) return check_pair<FriendDeleteRequest, EmptyResult>(is_request, data);
  if (type == type::kFriendRemark) return check_pair<FriendRemarkRequest, EmptyResult>(is_request, data);
  if (type == type::kFriendMove) return check_pair<FriendMoveRequest, EmptyResult>(is_request, data);
  if (type == type::kCategoryCreate) return check_pair<CategoryCreateRequest, CategoryCreateResult>(is_request, data);
  if (type == type::kCategoryRename) return check_pair<CategoryRenameRequest, EmptyResult>(is_request, data);
  if (type == type::kCategoryReorder) return check_pair<CategoryReorderRequest, EmptyResult>(is_request, data);
  if (type == type::kCategoryDelete) return check_pair<CategoryDeleteRequest, EmptyResult>(is_request, data);
  if (type == type::kBlock) return check_pair<BlockRequest, EmptyResult>(is_request, data);
  if (type == type::kUnblock) return check_pair<UnblockRequest, EmptyResult>(is_request, data);
  if (type == type::kBlocksList) return check_pair<BlocksListRequest, BlocksListResult>(is_request, data);
  if (type == type::kPrivacyGet) return check_pair<PrivacyGetRequest, Privacy>(is_request, data);
  if (type == type::kPrivacySet) return check_pair<Privacy, Privacy>(is_request, data);
  if (type == type::kGroupCreate) return check_pair<GroupCreateRequest, GroupInfo>(is_request, data);
  if (type == type::kGroupSearch) return check_pair<GroupSearchRequest, GroupSearchResult>(is_request, data);
  if (type == type::kGroupInfo) return check_pair<GroupRef, GroupInfo>(is_request, data);
  if (type == type::kGroupUpdate) return check_pair<GroupUpdateRequest, GroupInfo>(is_request, data);
  if (type == type::kGroupJoin) return check_pair<GroupJoinRequest, GroupJoinResult>(is_request, data);
  if (type == type::kGroupRequests) return check_pair<GroupRequestsRequest, GroupRequestsResult>(is_request, data);
  if (type == type::kGroupRespond) return check_pair<GroupRespondRequest, EmptyResult>(is_request, data);
  if (type == type::kGroupInvite) return check_pair<GroupMemberRef, GroupJoinResult>(is_request, data);
  if (type == type::kGroupLeave) return check_pair<GroupRef, EmptyResult>(is_request, data);
  if (type == type::kGroupKick) return check_pair<GroupMemberRef, EmptyResult>(is_request, data);
  if (type == type::kGroupMute) return check_pair<GroupMuteRequest, EmptyResult>(is_request, data);
  if (type == type::kGroupUnmute) return check_pair<GroupMemberRef, EmptyResult>(is_request, data);
  if (type == type::kGroupMuteAll) return check_pair<GroupMuteAllRequest, EmptyResult>(is_request, data);
  if (type == type::kGroupAdmin) return check_pair<GroupAdminRequest, EmptyResult>(is_request, data);
  if (type == type::kGroupTransfer) return check_pair<GroupMemberRef, EmptyResult>(is_request, data);
  if (type == type::kGroupDissolve) return check_pair<GroupRef, EmptyResult>(is_request, data);
  if (type == type::kGroupMembers) return check_pair<GroupMembersRequest, GroupMembersResult>(is_request, data);
  if (type == type::kGroupCard) return check_pair<GroupCardRequest, EmptyResult>(is_request, data);
  return make_error(Errc::unknown_type, "no typed decoder for " + type);
}

Status decode_event(const std::string& type, const boost::json::object& data) {
  if (type == event::kKicked) return round_trip<KickedEvent>(data);
  if (type == event::kServerShutdown) return round_trip<ServerShutdownEvent>(data);
  if (type == event::kMessage) return round_trip<ChatMessage>(data);
  if (type == event::kRead) return round_trip<ReadEvent>(data);
  if (type == event::kPresence) return round_trip<PresenceEvent>(data);
  if (type == event::kTyping) return round_trip<TypingEvent>(data);
  if (type == event::kFriendRequest) return round_trip<FriendRequestEvent>(data);
  if (type == event::kFriendResponse) return round_trip<FriendResponseEvent>(data);
  if (type == event::kFriendAdded) return round_trip<FriendAddedEvent>(data);
  if (type == event::kFriendDeleted) return round_trip<FriendDeletedEvent>(data);
  if (type == event::kFriendsChanged) return round_trip<FriendsChangedEvent>(data);
  if (type == event::kGroupJoinRequest) return round_trip<GroupJoinRequestInfo>(data);
  if (type == event::kGroupJoinResponse) return round_trip<GroupJoinResponseEvent>(data);
  return make_error(Errc::unknown_type, "no typed decoder for event " + type);
}

// Every friends request and event has an example (and so is checked by the test below).
TEST(ProtocolDoc, EveryFriendsMessageIsDocumented) {
  std::ifstream file(PARLEY_SOURCE_DIR "/docs/protocol.md");
  std::stringstream text;
  text << file.rdbuf();
  for (const char* type : {type::kFriendRequest, type::kFriendRequests, type::kFriendRespond, type::kFriendsList,
                           type::kFriendDelete, type::kFriendRemark, type::kFriendMove, type::kCategoryCreate,
                           type::kCategoryRename, type::kCategoryReorder, type::kCategoryDelete, type::kBlock,
                           type::kUnblock, type::kBlocksList, type::kPrivacyGet, type::kPrivacySet}) {
    EXPECT_NE(text.str().find("\"type\":\"" + std::string(type) + "\",\"data\""), std::string::npos) << type;
  }
  for (const char* type : {event::kFriendRequest, event::kFriendResponse, event::kFriendAdded, event::kFriendDeleted,
                           event::kFriendsChanged}) {
    EXPECT_NE(text.str().find("{\"type\":\"" + std::string(type) + "\",\"data\""), std::string::npos) << type;
  }
}

// Every groups request and event has an example.
TEST(ProtocolDoc, EveryGroupsMessageIsDocumented) {
  std::ifstream file(PARLEY_SOURCE_DIR "/docs/protocol.md");
  std::stringstream text;
  text << file.rdbuf();
  for (const char* type :
       {type::kGroupCreate, type::kGroupSearch, type::kGroupInfo, type::kGroupUpdate, type::kGroupJoin,
        type::kGroupRequests, type::kGroupRespond, type::kGroupInvite, type::kGroupLeave, type::kGroupKick,
        type::kGroupMute, type::kGroupUnmute, type::kGroupMuteAll, type::kGroupAdmin, type::kGroupTransfer,
        type::kGroupDissolve, type::kGroupMembers, type::kGroupCard}) {
    EXPECT_NE(text.str().find("\"type\":\"" + std::string(type) + "\",\"data\""), std::string::npos) << type;
  }
  for (const char* type : {event::kGroupJoinRequest, event::kGroupJoinResponse}) {
    EXPECT_NE(text.str().find("{\"type\":\"" + std::string(type) + "\",\"data\""), std::string::npos) << type;
  }
}

TEST(ProtocolDoc, HasExamplesOfEveryKind) {
  auto all = examples();
  ASSERT_GT(all.size(), 20u);
  for (const char* kind : {"request", "response", "event"}) {
    EXPECT_TRUE(std::any_of(all.begin(), all.end(), [&](const Example& e) { return e.kind == kind; })) << kind;
  }
}

TEST(ProtocolDoc, EveryExampleParses) {
  const ParseLimits limits;
  // The request types seen so far, so each response is decoded as its request's result.
  std::map<std::string, std::string> type_of_id;
  std::string last_type;
  for (const auto& e : examples()) {
    SCOPED_TRACE("docs/protocol.md line " + std::to_string(e.line) + ": " + e.text);
    if (e.kind == "request") {
      auto parsed = parse_request(e.text, limits);
      ASSERT_TRUE(parsed.request) << parsed.request.error().message;
      auto s = decode_typed(parsed.request->type, true, parsed.request->data);
      EXPECT_TRUE(s) << (s ? "" : s.error().message);
      last_type = parsed.request->type;
      // A serialised request parses back to the same thing.
      auto again = parse_request(serialize(*parsed.request), limits);
      ASSERT_TRUE(again.request);
      EXPECT_EQ(again.request->data, parsed.request->data);
    } else if (e.kind == "response") {
      auto parsed = parse_response(e.text, limits);
      ASSERT_TRUE(parsed) << parsed.error().message;
      if (parsed->ok) {
        ASSERT_FALSE(last_type.empty()) << "a result example must follow its request example";
        auto s = decode_typed(last_type, false, parsed->result);
        EXPECT_TRUE(s) << (s ? "" : s.error().message);
      }
      EXPECT_EQ(boost::json::parse(serialize(*parsed)), boost::json::parse(e.text));
    } else if (e.kind == "event") {
      auto parsed = parse_event(e.text, limits);
      ASSERT_TRUE(parsed) << parsed.error().message;
      auto s = decode_event(parsed->type, parsed->data);
      EXPECT_TRUE(s) << (s ? "" : s.error().message);
    } else {
      ADD_FAILURE() << "unknown example kind " << e.kind;
    }
  }
}

TEST(ProtocolDoc, EveryErrorCodeIsDocumented) {
  std::ifstream file(PARLEY_SOURCE_DIR "/docs/protocol.md");
  std::stringstream text;
  text << file.rdbuf();
  for (int i = 0; i <= static_cast<int>(Errc::unavailable); ++i) {
    std::string code = "| `" + std::string(to_string(static_cast<Errc>(i))) + "` |";
    EXPECT_NE(text.str().find(code), std::string::npos) << code;
  }
}

}  // namespace
}  // namespace parley::proto
