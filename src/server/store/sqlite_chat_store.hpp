#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "server/store/chat_store.hpp"
#include "server/store/sqlite_database.hpp"

namespace parley::store {

// The index file's lookup by time keeps a row per conversation and minute of created_at.
inline constexpr std::int64_t kMsPerMinute = 60'000;

// A log entry's columns, for a SELECT from the log as `m`, and what reads them back: the
// entry whose columns start at `first`, and every row of `q`.
inline constexpr const char* kMessageColumns =
    "m.conversation_id, m.seq, m.sender_id, m.client_id, m.kind, m.body, m.created_at, m.recalled, m.id";
Message read_message(SQLite::Statement& q, int first = 0);
std::vector<Message> read_all(SQLite::Statement& q);

// ChatStore on SQLite. `db` must outlive it.
class SqliteChatStore final : public ChatStore {
 public:
  static std::span<const char* const> migrations();
  // Past `max_recent` client ids not yet in the index file's lookups, append() brings the
  // lookups up to date itself (the indexer is far behind), so memory stays bounded.
  SqliteChatStore(SqliteDatabase& db, std::size_t max_recent) : db_(db), max_recent_(max_recent) {}

  Result<std::int64_t> direct_conversation(std::int64_t a, std::int64_t b, std::int64_t now) override;
  Result<Roster> roster(std::int64_t conversation_id) override;
  Result<std::vector<Appended>> append(std::span<const NewMessage> batch) override;
  Result<std::vector<Message>> messages_after(std::int64_t conversation_id, std::int64_t after_seq,
                                              int limit) override;
  Result<std::vector<Message>> messages_before(std::int64_t conversation_id, std::int64_t before_seq,
                                               int limit) override;
  Result<Message> message(std::int64_t conversation_id, std::int64_t seq) override;
  Result<std::int64_t> mark_read(std::int64_t conversation_id, std::int64_t user_id, std::int64_t seq) override;
  Result<Appended> recall(std::int64_t conversation_id, std::int64_t seq, const NewMessage& notice,
                          const std::string& index_text) override;
  Result<std::vector<IndexEntry>> index_removals() override;
  Result<void> forget_index_removal(std::int64_t message_id) override;
  Result<std::vector<ConversationRow>> conversations_of(std::int64_t user_id) override;
  Result<std::vector<Message>> search(const SearchQuery& query) override;

  // Runs `change` and appends `notice` in one transaction, so that a change to a
  // conversation and the log entry that tells its members commit together. `committed`
  // runs after the commit and before any later write commits (under the database's
  // lock): caches of what changed are updated there, so no later message is delivered
  // by the old state. For the groups store.
  using Change = std::function<Result<void>(SQLite::Database&)>;
  Result<Appended> append_after(const Change& change, const NewMessage& notice,
                                const std::function<void(const Appended&)>& committed = {});

  // The client ids of log entries the index file does not hold yet (its lookups trail the
  // log: SqliteSearchIndex), so that a repeated send is still found. Used under the
  // database's lock only. Entries added in a transaction count once it commits.
  class RecentClientIds {
   public:
    std::optional<std::int64_t> find(std::int64_t sender_id, const std::string& client_id) const;
    void add(std::int64_t id, std::int64_t sender_id, const std::string& client_id);
    void commit() { uncommitted_ = 0; }
    void drop_uncommitted();
    // Forgets the entries up to `id`: the index file holds them now.
    void forget_up_to(std::int64_t id);
    std::size_t size() const { return order_.size(); }

   private:
    static std::string key(std::int64_t sender_id, const std::string& client_id);
    std::unordered_map<std::string, std::int64_t> ids_;  // key -> message id
    std::deque<std::pair<std::int64_t, std::string>> order_;  // (message id, key), oldest first
    std::size_t uncommitted_ = 0;                              // the newest entries of order_
  };

 private:
  // Appends `batch` in the caller's transaction `tx` and commits it; the recent client ids
  // count only once it has committed.
  std::vector<Appended> append_and_commit(SQLite::Database& db, SQLite::Transaction& tx,
                                          std::span<const NewMessage> batch);
  // Forgets the recent client ids the lookups hold, after bringing the lookups up to date
  // if there are too many. Inside the caller's transaction.
  void trim_recent();

  SqliteDatabase& db_;
  const std::size_t max_recent_;
  RecentClientIds recent_;
};

}  // namespace parley::store
