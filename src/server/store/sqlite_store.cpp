// The SQLite Store: one database, one store per domain on it.
#include "server/store/sqlite_accounts_store.hpp"
#include "server/store/sqlite_chat_store.hpp"
#include "server/store/sqlite_database.hpp"
#include "server/store/sqlite_friends_store.hpp"
#include "server/store/sqlite_groups_store.hpp"
#include "server/store/sqlite_search_index.hpp"
#include "server/store/store.hpp"

#include <pthread.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
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
//
// SQLite starts a WAL over from its beginning only when a write begins after a
// checkpoint has copied every frame, and under steady writes a checkpoint on another
// connection never catches up with the last commit: the log would grow for as long as
// messages come (~90 MB/s at 20,000 msg/s), every commit would extend the file, and
// extending it makes each fdatasync also commit the file system's journal. So once a
// log passes SqliteOptions::wal_restart_bytes, the checkpointer copies what the bulk pass left while
// holding the connection the writes go through (a pause for the writer of a few
// frames' copy and the database file's sync, at most once per kRestartEvery), and the
// next write starts the log over, in place, without growing the file.
//
// The search index's file is written by the indexer in long transactions (batches of
// up to 20,000 entries, search_indexer.cpp): the checkpointer does not wait for its
// lock but tries again at its next round, so the log's checkpoints are never held up
// behind it.
class Checkpointer {
 public:
  // A database, and whether a restart may wait for its lock.
  struct File {
    SqliteDatabase* db;
    bool wait_for_lock;
  };
  Checkpointer(std::vector<File> files, std::int64_t restart_bytes)
      : files_(std::move(files)), restart_bytes_(restart_bytes), thread_([this] { run(); }) {}
  ~Checkpointer() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
  }

  // The pause (1-3 ms, as long as the database file's sync) comes at most this often.
  static constexpr auto kRestartEvery = std::chrono::seconds(1);

 private:
  // A database and the checkpointer's own connection to it.
  struct Target {
    SqliteDatabase* shared;
    bool wait_for_lock;
    std::unique_ptr<SQLite::Database> own;
    std::int64_t frame_bytes;  // a WAL frame: a page and its 24-byte header
    std::chrono::steady_clock::time_point last_restart;
  };

  void run() {
    pthread_setname_np(pthread_self(), "parley-ckpt");
    std::vector<Target> targets;
    for (auto [db, wait_for_lock] : files_) {
      auto own = std::make_unique<SQLite::Database>(db->path(), SQLite::OPEN_READWRITE);
      own->setBusyTimeout(1000);
      // A connection opens the WAL at its first read; until then a checkpoint on it does nothing.
      own->execAndGet("SELECT count(*) FROM sqlite_schema");
      const std::int64_t page_bytes = own->execAndGet("PRAGMA page_size").getInt64();
      targets.push_back({db, wait_for_lock, std::move(own), page_bytes + 24, {}});
    }
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, std::chrono::milliseconds(200), [this] { return stopping_; })) {
      for (auto& target : targets) checkpoint(target);
    }
  }

  void checkpoint(Target& target) const {
    auto passive = [](SQLite::Database& c) -> Result<int> {
      int log_frames = 0;
      int copied = 0;
      const int rc = sqlite3_wal_checkpoint_v2(c.getHandle(), "main", SQLITE_CHECKPOINT_PASSIVE, &log_frames, &copied);
      if (rc != SQLITE_OK && rc != SQLITE_BUSY) return Error{Errc::failed, sqlite3_errmsg(c.getHandle())};
      return log_frames;
    };
    auto log_frames = passive(*target.own);
    const auto now = std::chrono::steady_clock::now();
    if (log_frames && *log_frames * target.frame_bytes > restart_bytes_ && now - target.last_restart >= kRestartEvery) {
      if (target.wait_for_lock) {
        log_frames = target.shared->with(passive);
      } else if (auto done = target.shared->try_with(passive)) {
        log_frames = std::move(*done);
      } else {
        return;  // busy: the next round tries again
      }
      target.last_restart = now;
    }
    if (!log_frames) {
      spdlog::warn("checkpoint failed path={} error=\"{}\"", target.shared->path(), log_frames.error().message);
    }
  }

  std::vector<File> files_;
  const std::int64_t restart_bytes_;
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
        groups_(db_, chat_),
        search_index_(search_db_) {
    // Domains in dependency order: later ones refer to users.
    db_.migrate("accounts", SqliteAccountsStore::migrations());
    db_.migrate("chat", SqliteChatStore::migrations());
    db_.migrate("friends", SqliteFriendsStore::migrations());
    search_db_.migrate("search", SqliteSearchIndex::migrations());
    search_db_.attach(options.path, "log");
    db_.attach(options.path + "-search", "search");
    if (auto s = search_index_.catch_up_lookups(); !s) throw std::runtime_error(s.error().message);
    if (auto s = finish_recalls(); !s) throw std::runtime_error(s.error().message);
    for (auto* db : {&db_, &search_db_}) {
      db->with([](SQLite::Database& c) -> Result<void> {
        c.exec("PRAGMA wal_autocheckpoint=0");
        return {};
      });
    }
    checkpointer_ = std::make_unique<Checkpointer>(
        std::vector<Checkpointer::File>{{&db_, true}, {&search_db_, false}}, options.wal_restart_bytes);
  }

  AccountsStore& accounts() override { return accounts_; }
  ChatStore& chat() override { return chat_; }
  FriendsStore& friends() override { return friends_; }
  GroupsStore& groups() override { return groups_; }
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
  // Takes out of the index what recalls cut short by a crash or a power loss left there
  // (ChatStore::recall); at start, before any recall.
  Result<void> finish_recalls() {
    auto kept = chat_.index_removals();
    if (!kept) return kept.error();
    for (const auto& entry : *kept) {
      if (auto s = search_index_.remove(entry.message_id, entry.text); !s) return s;
      if (auto s = chat_.forget_index_removal(entry.message_id); !s) return s;
    }
    return {};
  }

  SqliteDatabase db_;
  SqliteDatabase search_db_;
  SqliteAccountsStore accounts_;
  SqliteChatStore chat_;
  SqliteFriendsStore friends_;
  SqliteGroupsStore groups_;
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
