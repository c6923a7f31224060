// Schemas of the chat messages (see proto/schema.hpp).
#include "proto/messages.hpp"
#include "proto/chat_schema.hpp"
#include "proto/schema.hpp"

#include <charconv>

#include <boost/json/serialize.hpp>

namespace parley::proto {
namespace schema {


template <>
struct Schema<MessageSendRequest> {
  static constexpr auto fields = std::make_tuple(
      optional("to", &MessageSendRequest::to, 1, kMax),
      optional("conversation_id", &MessageSendRequest::conversation_id, 1, kMax),
      required("client_id", &MessageSendRequest::client_id, 1, kClientIdCap),
      optional("kind", &MessageSendRequest::kind, 1, kNameCap), required("body", &MessageSendRequest::body, 0, 0));
};

template <>
struct Schema<MessageSendResult> {
  static constexpr auto fields = std::make_tuple(
      required("conversation_id", &MessageSendResult::conversation_id, 1, kMax),
      required("seq", &MessageSendResult::seq, 1, kMax), required("created_at", &MessageSendResult::created_at, 0, kMax),
      required("duplicate", &MessageSendResult::duplicate, 0, 0));
};

template <>
struct Schema<ConversationPeer> {
  static constexpr auto fields = std::make_tuple(
      required("user_id", &ConversationPeer::user_id, 0, kMax), required("username", &ConversationPeer::username, 0, kNameCap),
      required("nickname", &ConversationPeer::nickname, 0, kTextCap), required("avatar", &ConversationPeer::avatar, 0, kTextCap));
};

template <>
struct Schema<ConversationGroup> {
  static constexpr auto fields = std::make_tuple(
      required("group_id", &ConversationGroup::group_id, 0, kMax), required("name", &ConversationGroup::name, 0, kTextCap),
      required("avatar", &ConversationGroup::avatar, 0, kTextCap), required("role", &ConversationGroup::role, 0, kNameCap),
      required("muted_all", &ConversationGroup::muted_all, 0, 0), required("muted_until", &ConversationGroup::muted_until, 0, kMax));
};

template <>
struct Schema<ConversationInfo> {
  static constexpr auto fields = std::make_tuple(
      required("conversation_id", &ConversationInfo::conversation_id, 1, kMax),
      required("kind", &ConversationInfo::kind, 1, kNameCap), required("peer", &ConversationInfo::peer, 0, 0),
      required("last_seq", &ConversationInfo::last_seq, 0, kMax), required("read_seq", &ConversationInfo::read_seq, 0, kMax),
      required("peer_read_seq", &ConversationInfo::peer_read_seq, 0, kMax),
      required("unread", &ConversationInfo::unread, 0, kMax),
      required("mentions", &ConversationInfo::mentions, 0, kMax),
      optional("last_message", &ConversationInfo::last_message, 0, 0),
      optional("group", &ConversationInfo::group, 0, 0));
};

template <>
struct Schema<ConversationsRequest> {
  static constexpr auto fields = std::make_tuple();
};

template <>
struct Schema<ConversationsResult> {
  static constexpr auto fields = std::make_tuple(required("conversations", &ConversationsResult::conversations, 0, 100000));
};

template <>
struct Schema<SyncRequest> {
  static constexpr auto fields = std::make_tuple(required("conversation_id", &SyncRequest::conversation_id, 1, kMax),
                                                 required("after_seq", &SyncRequest::after_seq, 0, kMax),
                                                 optional("limit", &SyncRequest::limit, 1, 500));
};

template <>
struct Schema<MessagesResult> {
  static constexpr auto fields = std::make_tuple(required("messages", &MessagesResult::messages, 0, 100000),
                                                 required("has_more", &MessagesResult::has_more, 0, 0));
};

template <>
struct Schema<HistoryRequest> {
  static constexpr auto fields = std::make_tuple(required("conversation_id", &HistoryRequest::conversation_id, 1, kMax),
                                                 optional("before_seq", &HistoryRequest::before_seq, 1, kMax),
                                                 optional("limit", &HistoryRequest::limit, 1, 200));
};

template <>
struct Schema<MessageReadRequest> {
  static constexpr auto fields = std::make_tuple(required("conversation_id", &MessageReadRequest::conversation_id, 1, kMax),
                                                 required("seq", &MessageReadRequest::seq, 0, kMax));
};

template <>
struct Schema<MessageReadResult> {
  static constexpr auto fields = std::make_tuple(required("read_seq", &MessageReadResult::read_seq, 0, kMax));
};

template <>
struct Schema<MessageRecallRequest> {
  static constexpr auto fields = std::make_tuple(required("conversation_id", &MessageRecallRequest::conversation_id, 1, kMax),
                                                 required("seq", &MessageRecallRequest::seq, 1, kMax));
};

template <>
struct Schema<MessageRecallResult> {
  static constexpr auto fields = std::make_tuple(required("recall_seq", &MessageRecallResult::recall_seq, 1, kMax));
};

template <>
struct Schema<MessageSearchRequest> {
  static constexpr auto fields = std::make_tuple(
      optional("query", &MessageSearchRequest::query, 0, kNameCap),
      optional("conversation_id", &MessageSearchRequest::conversation_id, 1, kMax),
      optional("from", &MessageSearchRequest::from, 0, kMax), optional("to", &MessageSearchRequest::to, 0, kMax),
      optional("limit", &MessageSearchRequest::limit, 1, 200));
};

template <>
struct Schema<ReadEvent> {
  static constexpr auto fields = std::make_tuple(required("conversation_id", &ReadEvent::conversation_id, 1, kMax),
                                                 required("user_id", &ReadEvent::user_id, 0, kMax),
                                                 required("read_seq", &ReadEvent::read_seq, 0, kMax));
};

}  // namespace schema

PARLEY_PROTO_MESSAGE(ChatMessage)
PARLEY_PROTO_MESSAGE(MessageSendRequest)
PARLEY_PROTO_MESSAGE(MessageSendResult)
PARLEY_PROTO_MESSAGE(ConversationGroup)
PARLEY_PROTO_MESSAGE(ConversationsRequest)
PARLEY_PROTO_MESSAGE(ConversationsResult)
PARLEY_PROTO_MESSAGE(SyncRequest)
PARLEY_PROTO_MESSAGE(MessagesResult)
PARLEY_PROTO_MESSAGE(HistoryRequest)
PARLEY_PROTO_MESSAGE(MessageReadRequest)
PARLEY_PROTO_MESSAGE(MessageReadResult)
PARLEY_PROTO_MESSAGE(MessageRecallRequest)
PARLEY_PROTO_MESSAGE(MessageRecallResult)
PARLEY_PROTO_MESSAGE(MessageSearchRequest)
PARLEY_PROTO_MESSAGE(ReadEvent)

namespace {

void append_number(std::string& out, std::int64_t n) {
  char digits[24];
  auto end = std::to_chars(digits, digits + sizeof digits, n).ptr;
  out.append(digits, end);
}

}  // namespace

std::string message_event_text(const ChatMessage& m, std::string_view body_json) {
  std::string out;
  out.reserve(160 + m.client_id.size() + body_json.size());
  out += R"({"type":"message","data":{"conversation_id":)";
  append_number(out, m.conversation_id);
  out += R"(,"seq":)";
  append_number(out, m.seq);
  out += R"(,"sender_id":)";
  append_number(out, m.sender_id);
  out += R"(,"client_id":)";
  out += boost::json::serialize(boost::json::string_view(m.client_id));
  out += R"(,"kind":)";
  out += boost::json::serialize(boost::json::string_view(m.kind));
  out += R"(,"body":)";
  out += body_json;
  out += R"(,"created_at":)";
  append_number(out, m.created_at);
  out += m.recalled ? R"(,"recalled":true}})" : R"(,"recalled":false}})";
  return out;
}

}  // namespace parley::proto
