// The SQLite Store: one database, one store per domain on it.
#include "server/store/sqlite_accounts_store.hpp"
#include "server/store/sqlite_chat_store.hpp"
#include "server/store/sqlite_database.hpp"
#include "server/store/sqlite_friends_store.hpp"
#include "server/store/store.hpp"

namespace parley::store {
namespace {

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(const SqliteOptions& options) : db_(options), accounts_(db_), chat_(db_), friends_(db_) {
    // Domains in dependency order: later ones refer to users.
    db_.migrate("accounts", SqliteAccountsStore::migrations());
    db_.migrate("chat", SqliteChatStore::migrations());
    db_.migrate("friends", SqliteFriendsStore::migrations());
  }

  AccountsStore& accounts() override { return accounts_; }
  ChatStore& chat() override { return chat_; }
  FriendsStore& friends() override { return friends_; }

  Result<void> checkpoint() override {
    return db_.with([](SQLite::Database& db) -> Result<void> {
      db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
      return {};
    });
  }

 private:
  SqliteDatabase db_;
  SqliteAccountsStore accounts_;
  SqliteChatStore chat_;
  SqliteFriendsStore friends_;
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
