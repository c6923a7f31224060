#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
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
    // Group owners and admins recall others' messages within this.
    std::int64_t admin_recall_window_ms = 7'200'000;
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

  using RosterPtr = std::shared_ptr<const store::Roster>;
  // A conversation's members and rules, from the cache; not_found when there is no such
  // conversation.
  proto::Result<RosterPtr> roster(std::int64_t conversation_id);
  // The conversation's members or rules changed: what is cached of it is dropped, so the
  // next send and delivery read them again.
  void forget(std::int64_t conversation_id);
  // Delivers a stored entry (a group's system entry, say) to every device of its
  // conversation's members and of `also` (who just left it), except one connection, and
  // has it indexed.
  void publish(const store::Message& entry, std::uint64_t except_connection, std::span<const std::int64_t> also = {});

  // The last entry of each of the user's direct conversations, by the other member's id
  // (for the friend list).
  proto::Result<std::unordered_map<std::int64_t, proto::ChatMessage>> last_messages(std::int64_t user_id);

 private:
  // The caller's membership of a conversation, with the conversation's roster.
  struct Membership {
    std::int64_t conversation_id = 0;
    RosterPtr roster;
    const store::MemberRow* me = nullptr;  // points into *roster
    // The first seq the member may read.
    std::int64_t visible_from() const { return roster->full_history ? 0 : me->visible_from; }
  };
  // not_found (as for no such conversation) when the user is not a member.
  proto::Result<Membership> membership(std::int64_t conversation_id, std::int64_t user_id);
  // The conversation a send goes to, checking membership, mutes and may_message.
  proto::Result<Membership> target(const Session& session, const proto::MessageSendRequest& request);
  // The body to store: the text, and a group message's mentions.
  proto::Result<std::string> check_body(const proto::MessageSendRequest& request, const Membership& to);
  proto::Status check_recall(const Membership& mine, const store::Message& original, std::int64_t now);
  void fan_out(const store::Message& message, std::uint64_t except_connection, std::span<const std::int64_t> also = {});
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

  // Every message looks these up. forget() drops a roster and bumps the generation, so
  // a roster read from the store before a change is not cached after it.
  std::mutex cache_mutex_;
  std::uint64_t generation_ = 0;                                // GUARDED_BY(cache_mutex_)
  std::unordered_map<std::int64_t, RosterPtr> rosters_;         // GUARDED_BY(cache_mutex_)
  // (smaller user id, larger user id) -> direct conversation id.
  UserPairMap<std::int64_t> direct_;  // GUARDED_BY(cache_mutex_)
};

// The wire form of a stored log entry.
proto::ChatMessage to_proto(const store::Message& message);

}  // namespace parley::server
