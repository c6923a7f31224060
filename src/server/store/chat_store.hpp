#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "server/store/errors.hpp"

namespace parley::store {

// One entry of a conversation's log, as stored. The body is JSON text whose shape the
// kind defines; a recalled entry keeps its place with an empty body.
struct Message {
  std::int64_t id = 0;  // the entry's place in the store's one log of all conversations
  std::int64_t conversation_id = 0;
  std::int64_t seq = 0;
  std::int64_t sender_id = 0;
  std::string client_id;
  std::string kind;
  std::string body;
  std::int64_t created_at = 0;
  bool recalled = false;
};

// A message to append: seq is assigned by the store.
struct NewMessage {
  std::int64_t conversation_id = 0;
  std::int64_t sender_id = 0;
  std::string client_id;  // unique per sender: a repeat returns the stored message
  std::string kind;
  std::string body;
  std::int64_t created_at = 0;
};

// Why a group refused a message when it came to be stored: the sender was removed or
// muted, or the group muted, after the send was checked. Nothing was stored.
enum class Refusal { none, not_member, muted, muted_all };

struct Appended {
  Message message;
  bool duplicate = false;  // the (sender, client_id) was stored before
  Refusal refused = Refusal::none;
  std::int64_t muted_until = 0;  // Refusal::muted: when the mute ends
};

struct ConversationRow {
  std::int64_t conversation_id = 0;
  std::string kind;
  std::int64_t peer_id = 0;  // direct conversations: the other member
  std::int64_t last_seq = 0;
  std::int64_t read_seq = 0;
  std::int64_t peer_read_seq = 0;
  std::int64_t unread = 0;    // text from others after read_seq (not recall or system entries)
  std::int64_t mentions = 0;  // of those, the ones that mention the user or all
  std::optional<Message> last_message;
  // Groups: the group's name and avatar, the user's role, whether the group is muted for
  // all but its admins, and until when the user is muted in it (ms; 0: not muted).
  std::string group_name;
  std::string group_avatar;
  std::string role;
  bool muted_all = false;
  std::int64_t muted_until = 0;
};

// A member of a conversation, with what groups keep of each member.
struct MemberRow {
  std::int64_t user_id = 0;
  std::string role = "member";  // groups: owner, admin or member
  std::string card;             // groups: the member's name in the group
  std::int64_t joined_at = 0;
  std::int64_t muted_until = 0;   // ms; 0: not muted
  std::int64_t visible_from = 0;  // the first seq the member may read (0: all)
};

// A conversation's members and the rules of sending in it, read together.
struct Roster {
  std::string kind;  // direct or group
  bool muted_all = false;
  bool full_history = false;
  std::vector<MemberRow> members;      // by user_id
  std::vector<std::int64_t> user_ids;  // the members' ids, in the same order: for fan-out
};

struct SearchQuery {
  std::int64_t user_id = 0;            // only conversations this user is a member of, from what they may read
  std::string match;                   // an FTS5 query, or "" for none
  std::optional<std::int64_t> conversation_id;
  std::optional<std::int64_t> from;    // created_at >= from
  std::optional<std::int64_t> to;      // created_at < to
  int limit = 50;
};

// A log entry's text for the search index.
struct IndexEntry {
  std::int64_t message_id = 0;
  std::string text;
};

// Conversations, their logs and members' read cursors. Each conversation (1:1 or, later,
// group) is one log stored once, with its own sequence numbers; members keep cursors
// into it. Thread-safe; a call that returns success has committed durably.
class ChatStore {
 public:
  virtual ~ChatStore() = default;

  // The direct conversation of two users, created (with both as members) on first use.
  virtual Result<std::int64_t> direct_conversation(std::int64_t a, std::int64_t b, std::int64_t now) = 0;
  // not_found when there is no such conversation (or it was a group, dissolved).
  virtual Result<Roster> roster(std::int64_t conversation_id) = 0;

  // Appends all of `batch` in one transaction (group commit), in order; each message gets
  // the next seq of its conversation. Results are in the order of `batch`. A group's
  // rules are checked again for each message sent by a client (not system or recall
  // entries), in the transaction: one the group refuses now is not stored (`refused`).
  virtual Result<std::vector<Appended>> append(std::span<const NewMessage> batch) = 0;

  // Entries with seq > after_seq, ascending, at most `limit`.
  virtual Result<std::vector<Message>> messages_after(std::int64_t conversation_id, std::int64_t after_seq,
                                                      int limit) = 0;
  // Entries with seq < before_seq, the newest `limit` of them, ascending.
  virtual Result<std::vector<Message>> messages_before(std::int64_t conversation_id, std::int64_t before_seq,
                                                       int limit) = 0;
  virtual Result<Message> message(std::int64_t conversation_id, std::int64_t seq) = 0;

  // Moves the member's read cursor forward to `seq` (never back, never past the log's
  // end) and returns where it is.
  virtual Result<std::int64_t> mark_read(std::int64_t conversation_id, std::int64_t user_id, std::int64_t seq) = 0;

  // Removes the content of entry `seq` and appends `notice`, the recall entry that tells
  // every member, in one transaction. `index_text` is what the search index holds for the
  // entry (empty: nothing): it is kept, in the same transaction, until the entry is out
  // of the index (SearchIndex::remove, then forget_index_removal), so that a crash or a
  // power loss in between cannot leave its words there.
  virtual Result<Appended> recall(std::int64_t conversation_id, std::int64_t seq, const NewMessage& notice,
                                  const std::string& index_text) = 0;
  // The entries recalls have yet to take out of the search index, with their words.
  virtual Result<std::vector<IndexEntry>> index_removals() = 0;
  // The entry is out of the search index: its words need not be kept any longer.
  virtual Result<void> forget_index_removal(std::int64_t message_id) = 0;

  virtual Result<std::vector<ConversationRow>> conversations_of(std::int64_t user_id) = 0;
  // Searches what the SearchIndex holds.
  virtual Result<std::vector<Message>> search(const SearchQuery& query) = 0;
};

// The full-text index of the logs, kept apart from them (its own file and lock) so that
// indexing never slows a send: it is written in the background and may trail the log.
// Every entry is indexed exactly once, in log order; what was indexed is recorded with
// the index itself, so after a crash indexing resumes where it stopped.
class SearchIndex {
 public:
  virtual ~SearchIndex() = default;
  // Log entries not indexed yet and after entry `after` (0: from the first not
  // indexed), oldest first, at most `limit`. Recalled ones have no body.
  virtual Result<std::vector<Message>> unindexed(std::int64_t after, int limit) = 0;
  // Adds `entries` (the texts of some of `logged`, in log order) and the lookups of every
  // entry in `logged` (what unindexed() returned), and records every entry up to the
  // last of `logged` as indexed, in one transaction. An entry taken out with remove()
  // meanwhile is left out.
  virtual Result<void> add(std::span<const Message> logged, std::span<const IndexEntry> entries) = 0;
  // Takes a (recalled) entry out of the index, or keeps it out if it is not there yet.
  // A recall calls it after the log has the entry as recalled. `text` is what was indexed
  // for it (as in IndexEntry): the index keeps no copy of the texts, and taking an entry
  // out needs its words. Durable when it returns (ChatStore::recall says why).
  virtual Result<void> remove(std::int64_t message_id, const std::string& text) = 0;
};

}  // namespace parley::store
