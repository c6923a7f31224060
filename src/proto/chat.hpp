#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

// Protocol v1 messages of chat: sending, syncing, history, read receipts, recall and
// search in conversations (docs/protocol.md, "Chat"). Encoded and decoded through
// proto/messages.hpp.
namespace parley::proto {

namespace type {
inline constexpr char kMessageSend[] = "message_send";
inline constexpr char kConversations[] = "conversations";
inline constexpr char kSync[] = "sync";
inline constexpr char kHistory[] = "history";
inline constexpr char kMessageRead[] = "message_read";
inline constexpr char kMessageRecall[] = "message_recall";
inline constexpr char kMessageSearch[] = "message_search";
}  // namespace type

namespace event {
inline constexpr char kMessage[] = "message";
inline constexpr char kRead[] = "read";
}  // namespace event

// Kinds of log entries. Others (image, file, voice, system) come later without a schema
// change: the body is a JSON object whose shape the kind defines.
namespace kind {
inline constexpr char kText[] = "text";      // body {"text": "..."}
inline constexpr char kRecall[] = "recall";  // body {"seq": N}: entry N was recalled
inline constexpr char kSystem[] = "system";  // body {"event": "...", ...}: a change to a group
}  // namespace kind

// One entry of a conversation's log.
struct ChatMessage {
  std::int64_t conversation_id = 0;
  std::int64_t seq = 0;
  std::int64_t sender_id = 0;
  std::string client_id;
  std::string kind;
  boost::json::object body;
  std::int64_t created_at = 0;
  bool recalled = false;  // the content was recalled by its sender; body is empty
};

struct MessageSendRequest {
  std::optional<std::int64_t> to;               // a user: the direct conversation with them
  std::optional<std::int64_t> conversation_id;  // or a conversation one is a member of
  std::string client_id;                        // makes the send idempotent
  std::string kind = kind::kText;
  boost::json::object body;
};
struct MessageSendResult {
  std::int64_t conversation_id = 0;
  std::int64_t seq = 0;
  std::int64_t created_at = 0;
  bool duplicate = false;  // this client_id was sent before; the stored message is returned
};

struct ConversationPeer {
  std::int64_t user_id = 0;
  std::string username;
  std::string nickname;
  std::string avatar;
};

// What a group conversation's entry in the list shows of the group.
struct ConversationGroup {
  std::int64_t group_id = 0;
  std::string name;
  std::string avatar;
  std::string role;              // mine
  bool muted_all = false;        // only the owner and admins may send
  std::int64_t muted_until = 0;  // ms: I may not send until then; 0: I am not muted
};

struct ConversationInfo {
  std::int64_t conversation_id = 0;
  std::string kind = "direct";  // or "group"
  ConversationPeer peer;        // direct conversations; zeros for a group
  std::int64_t last_seq = 0;
  std::int64_t read_seq = 0;       // mine
  std::int64_t peer_read_seq = 0;  // how far the other side has read
  std::int64_t unread = 0;         // messages from others after read_seq
  std::int64_t mentions = 0;       // of those, the ones that mention me (or all)
  std::optional<ChatMessage> last_message;
  std::optional<ConversationGroup> group;
};

struct ConversationsRequest {};
struct ConversationsResult {
  std::vector<ConversationInfo> conversations;
};

struct SyncRequest {
  std::int64_t conversation_id = 0;
  std::int64_t after_seq = 0;
  std::int64_t limit = 100;
};
struct MessagesResult {
  std::vector<ChatMessage> messages;  // ascending by seq
  bool has_more = false;
};

struct HistoryRequest {
  std::int64_t conversation_id = 0;
  std::optional<std::int64_t> before_seq;  // absent: from the newest
  std::int64_t limit = 50;
};

struct MessageReadRequest {
  std::int64_t conversation_id = 0;
  std::int64_t seq = 0;
};
struct MessageReadResult {
  std::int64_t read_seq = 0;
};

struct MessageRecallRequest {
  std::int64_t conversation_id = 0;
  std::int64_t seq = 0;
};
struct MessageRecallResult {
  std::int64_t recall_seq = 0;  // the seq of the recall entry in the log
};

struct MessageSearchRequest {
  std::optional<std::string> query;
  std::optional<std::int64_t> conversation_id;
  std::optional<std::int64_t> from;  // created_at >= from
  std::optional<std::int64_t> to;    // created_at < to
  std::int64_t limit = 50;
};

struct ReadEvent {
  std::int64_t conversation_id = 0;
  std::int64_t user_id = 0;
  std::int64_t read_seq = 0;
};

// The text of the `message` event for a log entry whose body is JSON text already: the
// bytes serialize(Event{"message", encode(message)}) gives, built without a JSON tree,
// since it runs for every message delivered. `message.body` is not used.
std::string message_event_text(const ChatMessage& message, std::string_view body_json);

}  // namespace parley::proto
