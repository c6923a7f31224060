#include "server/store/sqlite_database.hpp"

#include <stdexcept>
#include <string>

#include <spdlog/spdlog.h>

namespace parley::store {

void throw_exception_from_error(const Error& e, const boost::source_location&) {
  throw std::runtime_error("store: " + e.message);
}

namespace {

// SQLite's memory statistics (on by default) take one mutex for the whole process in
// every allocation SQLite makes: the threads of all connections (the writer, the
// indexer, the checkpointer) contend for it, and one descheduled while holding it stalls
// the others (with the indexer at idle priority, an experiment, the writer waited for it
// in sqlite3Malloc for up to 1.7 s; docs/benchmarks.md, the eighth round). Nothing reads
// the statistics. It has to be set before SQLite is initialised, that is before the
// process's first connection opens: the first SqliteDatabase does it.
bool memory_statistics_off() {
  const int rc = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  if (rc != SQLITE_OK) spdlog::warn("SQLite keeps its memory statistics: it was initialised before the store");
  return rc == SQLITE_OK;
}

// Opens a connection, SQLite's memory statistics off first.
SQLite::Database open_connection(const std::string& path) {
  [[maybe_unused]] static const bool statistics_off = memory_statistics_off();
  return SQLite::Database(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_NOMUTEX);
}

}  // namespace

SqliteDatabase::SqliteDatabase(const SqliteOptions& options)
    : path_(options.path),
      db_(open_connection(options.path)) {
  db_.exec("PRAGMA journal_mode=WAL");
  db_.exec(options.synchronous_full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
  db_.exec("PRAGMA foreign_keys=ON");
  // What is deleted or overwritten (a recalled text) is overwritten with zeros in the file,
  // not left in the page's free space. Debian builds SQLite with this on; others may not.
  db_.exec("PRAGMA secure_delete=ON");
  db_.setBusyTimeout(5000);
  db_.exec("CREATE TABLE IF NOT EXISTS schema_versions (domain TEXT PRIMARY KEY, version INTEGER NOT NULL)");
}

Prepared::Prepared(SqliteDatabase& db, const std::string& sql)
    : statement_([&]() -> SQLite::Statement& {
        auto& slot = db.prepared_[sql];
        if (!slot) slot = std::make_unique<SQLite::Statement>(db.db_, sql);
        return *slot;
      }()) {}

Prepared::~Prepared() {
  statement_.tryReset();
  try {
    statement_.clearBindings();
  } catch (const SQLite::Exception&) {
    // Cannot fail for a valid statement; the next bind replaces the values anyway.
  }
}

void SqliteDatabase::attach(const std::string& path, const std::string& name) {
  std::lock_guard lock(mutex_);
  SQLite::Statement q(db_, "ATTACH DATABASE ? AS " + name);
  q.bind(1, path);
  q.exec();
}

void SqliteDatabase::migrate(std::string_view domain, std::span<const char* const> migrations) {
  std::lock_guard lock(mutex_);
  std::int64_t version = 0;
  {
    SQLite::Statement q(db_, "SELECT version FROM schema_versions WHERE domain = ?");
    q.bind(1, std::string(domain));
    if (q.executeStep()) version = q.getColumn(0).getInt64();
  }
  const auto count = static_cast<std::int64_t>(migrations.size());
  if (version > count) {
    throw std::runtime_error("the " + std::string(domain) + " schema of this database is version " +
                             std::to_string(version) + ", newer than this parleyd knows (" + std::to_string(count) +
                             ")");
  }
  for (auto next = version; next < count; ++next) {
    SQLite::Transaction tx(db_);
    db_.exec(migrations[static_cast<std::size_t>(next)]);
    SQLite::Statement q(db_, "INSERT INTO schema_versions(domain, version) VALUES (?, ?) "
                             "ON CONFLICT(domain) DO UPDATE SET version = excluded.version");
    q.bind(1, std::string(domain));
    q.bind(2, next + 1);
    q.exec();
    tx.commit();
  }
}

}  // namespace parley::store
