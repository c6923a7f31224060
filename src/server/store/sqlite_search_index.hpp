#pragma once

#include <span>

#include "server/store/chat_store.hpp"
#include "server/store/sqlite_database.hpp"

namespace parley::store {

// SearchIndex on SQLite FTS5, in its own database file with the log's database attached
// as `log`; the log's connection attaches this one as `search` to run searches. Its
// commits are not fsync'ed: the index can be rebuilt from the log, and is, from the last
// entry it recorded. `db` must outlive it.
class SqliteSearchIndex final : public SearchIndex {
 public:
  static std::span<const char* const> migrations();
  explicit SqliteSearchIndex(SqliteDatabase& db) : db_(db) {}

  Result<std::vector<Message>> unindexed(int limit) override;
  Result<void> add(std::span<const IndexEntry> entries, std::int64_t up_to) override;
  Result<void> remove(std::int64_t message_id) override;

 private:
  SqliteDatabase& db_;
};

}  // namespace parley::store
