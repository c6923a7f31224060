// The SQLite Store: one database, one store per domain on it.
#include "server/store/sqlite_accounts_store.hpp"
#include "server/store/sqlite_chat_store.hpp"
#include "server/store/sqlite_database.hpp"
#include "server/store/sqlite_friends_store.hpp"
#include "server/store/sqlite_search_index.hpp"
#include "server/store/store.hpp"

#include <pthread.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>

namespace parley::store {
namespace {

// Copies the write-ahead logs into the database files in the background (a passive
// checkpoint every 200 ms, on a connection of its own), so the message writer never
// does it inside a commit; the connections' automatic checkpoints are turned off.
class Checkpointer {
 public:
  explicit Checkpointer(std::vector<std::string> paths) : paths_(std::move(paths)), thread_([this] { run(); }) {}
  ~Checkpointer() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
  }

 private:
  void run() {
    pthread_setname_np(pthread_self(), "parley-ckpt");
    std::vector<std::unique_ptr<SQLite::Database>> dbs;
    for (const auto& path : paths_) {
      dbs.push_back(std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE));
      dbs.back()->setBusyTimeout(1000);
    }
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, std::chrono::milliseconds(200), [this] { return stopping_; })) {
      for (auto& db : dbs) {
        try {
          db->exec("PRAGMA wal_checkpoint(PASSIVE)");
        } catch (const std::exception& e) {
          spdlog::warn("checkpoint failed error=\"{}\"", e.what());
        }
      }
    }
  }

  std::vector<std::string> paths_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // GUARDED_BY(mutex_)
  std::thread thread_;     // last: starts once the rest is ready
};

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(const SqliteOptions& options)
      : db_(options),
        search_db_({options.path + "-search", false}),
        accounts_(db_),
        chat_(db_, options.max_unindexed_client_ids),
        friends_(db_),
        search_index_(search_db_) {
    // Domains in dependency order: later ones refer to users.
    db_.migrate("accounts", SqliteAccountsStore::migrations());
    db_.migrate("chat", SqliteChatStore::migrations());
    db_.migrate("friends", SqliteFriendsStore::migrations());
    search_db_.migrate("search", SqliteSearchIndex::migrations());
    search_db_.attach(options.path, "log");
    db_.attach(options.path + "-search", "search");
    if (auto s = search_index_.catch_up_lookups(); !s) throw std::runtime_error(s.error().message);
    for (auto* db : {&db_, &search_db_}) {
      db->with([](SQLite::Database& c) -> Result<void> {
        c.exec("PRAGMA wal_autocheckpoint=0");
        return {};
      });
    }
    checkpointer_ = std::make_unique<Checkpointer>(std::vector<std::string>{options.path, options.path + "-search"});
  }

  AccountsStore& accounts() override { return accounts_; }
  ChatStore& chat() override { return chat_; }
  FriendsStore& friends() override { return friends_; }
  SearchIndex& search_index() override { return search_index_; }

  Result<void> checkpoint() override {
    auto truncate_wal = [](SQLite::Database& db) -> Result<void> {
      db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
      return {};
    };
    if (auto s = db_.with(truncate_wal); !s) return s;
    return search_db_.with(truncate_wal);
  }

 private:
  SqliteDatabase db_;
  SqliteDatabase search_db_;
  SqliteAccountsStore accounts_;
  SqliteChatStore chat_;
  SqliteFriendsStore friends_;
  SqliteSearchIndex search_index_;
  std::unique_ptr<Checkpointer> checkpointer_;  // stops before the connections close
};

}  // namespace

Result<std::unique_ptr<Store>> open_sqlite_store(const SqliteOptions& options) {
  try {
    return std::unique_ptr<Store>(std::make_unique<SqliteStore>(options));
  } catch (const std::exception& e) {
    return Error{Errc::failed, "cannot open " + options.path + ": " + e.what()};
  }
}

}  // namespace parley::store
