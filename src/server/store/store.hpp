#pragma once

#include <memory>
#include <string>

#include "server/store/accounts_store.hpp"
#include "server/store/chat_store.hpp"
#include "server/store/errors.hpp"
#include "server/store/friends_store.hpp"
#include "server/store/groups_store.hpp"

// The storage every service writes through: one interface per domain, all backed by one
// database. They know rows, not protocol messages: SQL stays behind them, and a
// PostgreSQL implementation can sit beside the SQLite one. All methods are thread-safe.
// A call that returns success has committed durably: an acknowledged write survives a
// process crash.
namespace parley::store {

class Store {
 public:
  virtual ~Store() = default;

  virtual AccountsStore& accounts() = 0;
  virtual ChatStore& chat() = 0;
  virtual FriendsStore& friends() = 0;
  virtual GroupsStore& groups() = 0;
  virtual SearchIndex& search_index() = 0;

  // Writes everything to the main database file; called on shutdown.
  virtual Result<void> checkpoint() = 0;
};

struct SqliteOptions {
  // The database file; its directory must exist. The search index is kept beside it in
  // PATH-search (rebuilt from the log if lost).
  std::string path;
  bool synchronous_full = true;  // FULL survives power loss; NORMAL survives a process crash
  // Messages past the index file's lookups: their client ids are kept in memory (about 100
  // bytes each) and reads by seq scan them in the log; past this many the writer brings
  // the lookups up to date itself.
  std::size_t max_unindexed_client_ids = 500'000;
  // Past this size a write-ahead log is started over even under steady writes, at the
  // cost of a short pause for the writer, at most once a second (sqlite_store.cpp).
  std::int64_t wal_restart_bytes = 16 << 20;
};

Result<std::unique_ptr<Store>> open_sqlite_store(const SqliteOptions& options);

}  // namespace parley::store
