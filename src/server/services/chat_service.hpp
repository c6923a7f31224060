#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "proto/errors.hpp"
#include "proto/messages.hpp"
#include "server/services/accounts_service.hpp"
#include "server/services/message_writer.hpp"
#include "server/services/search_indexer.hpp"
#include "server/services/user_pair_map.hpp"
#include "server/sessions/session_registry.hpp"
#include "server/store/accounts_store.hpp"
#include "server/store/chat_store.hpp"

namespace parley::server {

// Whether `from` may send to `to` (friendship, blocks, privacy): the friends domain's rule.
using MayMessage = std::function<proto::Status(std::int64_t from, std::int64_t to)>;

// 1:1 chat on the conversation log (docs/protocol.md, "Chat"): send with idempotent
// client ids and group commit, fan-out to every device once stored, sync from a seq,
// history, read receipts, recall and search. Thread-safe. send() does not wait for the
// disk and, once the conversation is known (cached), not for the store either: it may
// run on a network thread. Everything else blocks: call it from worker threads.
// `connection_id` is the caller's connection (0 over HTTP): it gets the response, and
// every other device of every member gets the event.
class ChatService {
 public:
  struct Options {
    std::int64_t max_text_chars = 4000;
    std::int64_t recall_window_ms = 120'000;
  };
  // Everything passed by reference must outlive the service.
  ChatService(store::ChatStore& chat, store::AccountsStore& accounts, MessageWriter& writer, SearchIndexer& indexer,
              SessionRegistry& registry, MayMessage may_message, Clock clock, Options options);

  using SendDone = std::function<void(proto::Result<proto::MessageSendResult>)>;
  // Validates the message and queues it for the log. `done` runs exactly once: at once on
  // a refusal, else on the writer's delivery thread after the commit, once the members'
  // devices have been sent the event. Sends from one thread are stored in call order.
  void send(const Session& session, const proto::MessageSendRequest& request, std::uint64_t connection_id,
            SendDone done);
  proto::Result<proto::ConversationsResult> conversations(const Session& session);
  proto::Result<proto::MessagesResult> sync(const Session& session, const proto::SyncRequest& request);
  proto::Result<proto::MessagesResult> history(const Session& session, const proto::HistoryRequest& request);
  proto::Result<proto::MessageReadResult> mark_read(const Session& session, const proto::MessageReadRequest& request,
                                                    std::uint64_t connection_id);
  proto::Result<proto::MessageRecallResult> recall(const Session& session, const proto::MessageRecallRequest& request,
                                                   std::uint64_t connection_id);
  proto::Result<proto::MessagesResult> search(const Session& session, const proto::MessageSearchRequest& request);

  // The last entry of each of the user's direct conversations, by the other member's id
  // (for the friend list).
  proto::Result<std::unordered_map<std::int64_t, proto::ChatMessage>> last_messages(std::int64_t user_id);

 private:
  // The conversation a send goes to, checking membership and may_message.
  proto::Result<std::int64_t> target(const Session& session, const proto::MessageSendRequest& request);
  proto::Status check_member(std::int64_t conversation_id, std::int64_t user_id);
  proto::Result<std::string> check_body(const proto::MessageSendRequest& request);
  void fan_out(const store::Message& message, std::uint64_t except_connection);
  // A conversation's members, from the cache (a direct conversation's never change).
  proto::Result<std::vector<std::int64_t>> members(std::int64_t conversation_id);
  // The direct conversation of two users, from the cache or the store.
  proto::Result<std::int64_t> direct_conversation(std::int64_t user_id, std::int64_t peer_id);

  store::ChatStore& chat_;
  store::AccountsStore& accounts_;
  MessageWriter& writer_;
  SearchIndexer& indexer_;
  SessionRegistry& registry_;
  MayMessage may_message_;
  Clock clock_;
  Options options_;

  // Every message looks these up; they change only when a conversation is created.
  std::mutex cache_mutex_;
  std::unordered_map<std::int64_t, std::vector<std::int64_t>> members_;  // GUARDED_BY(cache_mutex_)
  // (smaller user id, larger user id) -> direct conversation id.
  UserPairMap<std::int64_t> direct_;  // GUARDED_BY(cache_mutex_)
};

// The wire form of a stored log entry.
proto::ChatMessage to_proto(const store::Message& message);

}  // namespace parley::server
