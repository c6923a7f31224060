// The SQLite Store: one database, one store per domain on it.
#include "server/store/sqlite_accounts_store.hpp"
#include "server/store/sqlite_chat_store.hpp"
#include "server/store/sqlite_database.hpp"
#include "server/store/sqlite_friends_store.hpp"
#include "server/store/sqlite_search_index.hpp"
#include "server/store/store.hpp"

namespace parley::store {
namespace {

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(const SqliteOptions& options)
      : db_(options),
        search_db_({options.path + "-search", false}),
        accounts_(db_),
        chat_(db_),
        friends_(db_),
        search_index_(search_db_) {
    // Domains in dependency order: later ones refer to users.
    db_.migrate("accounts", SqliteAccountsStore::migrations());
    db_.migrate("chat", SqliteChatStore::migrations());
    db_.migrate("friends", SqliteFriendsStore::migrations());
    search_db_.migrate("search", SqliteSearchIndex::migrations());
    search_db_.attach(options.path, "log");
    db_.attach(options.path + "-search", "search");
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
