#pragma once

#include <span>

#include "server/store/accounts_store.hpp"
#include "server/store/sqlite_database.hpp"

namespace parley::store {

// AccountsStore on SQLite. `db` must outlive it.
class SqliteAccountsStore final : public AccountsStore {
 public:
  static std::span<const char* const> migrations();
  explicit SqliteAccountsStore(SqliteDatabase& db) : db_(db) {}

  Result<std::int64_t> create_user(const NewUser& user) override;
  Result<User> user_by_id(std::int64_t id) override;
  Result<User> user_by_name(std::string_view username) override;
  Result<void> update_profile(std::int64_t id, const ProfileChanges& changes, std::int64_t now) override;
  Result<std::vector<User>> search_users(std::string_view query, int limit) override;
  Result<std::int64_t> count_users() override;
  Result<void> issue_token(const Token& token) override;
  Result<Token> token(std::string_view hash) override;
  Result<void> revoke_token(std::string_view hash) override;
  Result<void> revoke_user_tokens(std::int64_t user_id) override;
  Result<void> change_password(std::int64_t user_id, std::string_view password_hash, const Token& token,
                               std::int64_t now) override;
  Result<std::int64_t> delete_expired_tokens(std::int64_t now) override;
  Result<std::string> presence(std::int64_t user_id) override;
  Result<void> set_presence(std::int64_t user_id, std::string_view status) override;

 private:
  template <class Bind>
  Result<User> one_user(const std::string& sql, Bind bind);

  SqliteDatabase& db_;
};

}  // namespace parley::store
