#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include "server/store/errors.hpp"
#include "server/store/store.hpp"

// Internal to store/: the one SQLite connection that every domain's SQLite store uses.
namespace parley::store {

class SqliteDatabase;

// A statement from the connection's cache of prepared statements, reset and unbound when
// the handle goes out of scope (so no statement keeps a read transaction open). Use only
// inside SqliteDatabase::with(), and one handle per SQL text at a time.
class Prepared {
 public:
  Prepared(SqliteDatabase& db, const std::string& sql);
  ~Prepared();
  Prepared(const Prepared&) = delete;
  Prepared& operator=(const Prepared&) = delete;
  SQLite::Statement& operator*() { return statement_; }
  SQLite::Statement* operator->() { return &statement_; }

 private:
  SQLite::Statement& statement_;
};

class SqliteDatabase {
 public:
  // Opens (creating if needed) the database in WAL mode with foreign keys on.
  explicit SqliteDatabase(const SqliteOptions& options);

  // Applies the domain's numbered migrations that this database has not seen yet, each
  // in its own transaction; the version per domain is kept in schema_versions. Never
  // edit a released migration: append the next one.
  void migrate(std::string_view domain, std::span<const char* const> migrations);

  // Makes the database file at `path` readable (and writable) on this connection as `name`.
  void attach(const std::string& path, const std::string& name);

  const std::string& path() const { return path_; }

  // Runs `f(SQLite::Database&)` under the connection's lock and turns exceptions into
  // errors (a constraint violation is `conflict`). `f` returns a Result.
  template <class F>
  auto with(F&& f) -> decltype(f(std::declval<SQLite::Database&>())) {
    std::lock_guard lock(mutex_);
    return run(f);
  }
  // The same if the lock is free now; nothing (nullopt) if another thread holds it.
  template <class F>
  auto try_with(F&& f) -> std::optional<decltype(f(std::declval<SQLite::Database&>()))> {
    std::unique_lock lock(mutex_, std::try_to_lock);
    if (!lock) return std::nullopt;
    return run(f);
  }

 private:
  template <class F>
  auto run(F& f) -> decltype(f(std::declval<SQLite::Database&>())) {
    try {
      return f(db_);
    } catch (const SQLite::Exception& e) {
      return Error{(e.getErrorCode() == SQLITE_CONSTRAINT) ? Errc::conflict : Errc::failed, e.what()};
    } catch (const std::exception& e) {
      return Error{Errc::failed, e.what()};
    }
  }

  friend class Prepared;
  const std::string path_;

  std::mutex mutex_;
  SQLite::Database db_;  // GUARDED_BY(mutex_)
  // Preparing costs more than running most of our statements, so each SQL text is
  // prepared once. Declared after db_: statements must be finalized first.
  std::unordered_map<std::string, std::unique_ptr<SQLite::Statement>> prepared_;  // GUARDED_BY(mutex_)
};

// Binds bytes as a BLOB.
inline void bind_blob(SQLite::Statement& q, int index, std::string_view bytes) {
  q.bind(index, bytes.data(), static_cast<int>(bytes.size()));
}

}  // namespace parley::store
