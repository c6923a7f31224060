#pragma once

#include <span>
#include <string>
#include <unordered_set>

#include "server/store/chat_store.hpp"
#include "server/store/sqlite_database.hpp"

namespace parley::store {

// SearchIndex on SQLite FTS5, in its own database file with the log's database attached
// as `log`; the log's connection attaches this one as `search` to run searches. Its
// commits are not fsync'ed: the index can be rebuilt from the log, and is, from the last
// entry it recorded. `db` must outlive it.
//
// The file also holds the log's lookups by sender's client id and by time. They are
// written with each batch of the index, not with each append: an index on the log costs
// a page write per conversation per commit. SqliteChatStore finds a repeated client id
// among the entries the lookups do not hold yet in memory.
// Adds the log's entries after the lookups' mark and up to `up_to` to the lookups by
// client id and by time, and moves the mark. `log` and `index` name the two databases
// as the connection `db` sees them ("main", or the name they are attached as).
void add_log_lookups(SqliteDatabase& db, const std::string& log, const std::string& index, std::int64_t up_to);

class SqliteSearchIndex final : public SearchIndex {
 public:
  static std::span<const char* const> migrations();
  explicit SqliteSearchIndex(SqliteDatabase& db) : db_(db) {}

  Result<std::vector<Message>> unindexed(std::int64_t after, int limit) override;
  Result<void> add(std::span<const Message> logged, std::span<const IndexEntry> entries) override;
  Result<void> remove(std::int64_t message_id, const std::string& text) override;
  // Brings the lookups up to the end of the log (at start, before any append: after a
  // crash or a lost index file they may trail it by any amount).
  Result<void> catch_up_lookups();

 private:
  // Takes the entry out of the full-text index if it holds it; under db_'s lock.
  void take_out(std::int64_t message_id, const std::string& text);

  SqliteDatabase& db_;
  // Entries taken out (recalled) before a batch reached them; under db_'s lock.
  std::unordered_set<std::int64_t> removed_ahead_;
};

}  // namespace parley::store
