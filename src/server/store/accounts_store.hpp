#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/store/errors.hpp"

namespace parley::store {

struct NewUser {
  std::string username;  // folded, validated
  std::string password_hash;
  std::string nickname;
  std::int64_t created_at = 0;
};

struct User {
  std::int64_t id = 0;
  std::string username;
  std::string password_hash;
  std::string nickname;
  std::string signature;
  std::string gender;
  std::string avatar;
  std::string email;
  std::string birthday;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
};

// Only the members that hold a value change.
struct ProfileChanges {
  std::optional<std::string> nickname;
  std::optional<std::string> signature;
  std::optional<std::string> gender;
  std::optional<std::string> birthday;
  std::optional<std::string> email;
  std::optional<std::string> avatar;
};

struct Token {
  std::string hash;  // hash of the secret the client holds; the secret is never stored
  std::int64_t user_id = 0;
  std::string device;
  std::int64_t created_at = 0;
  std::int64_t expires_at = 0;
};

// Users, password hashes, profiles and session tokens. Thread-safe; a call that
// returns success has committed durably.
class AccountsStore {
 public:
  virtual ~AccountsStore() = default;

  // Users. create_user fails with conflict when the username is taken.
  virtual Result<std::int64_t> create_user(const NewUser& user) = 0;
  virtual Result<User> user_by_id(std::int64_t id) = 0;
  virtual Result<User> user_by_name(std::string_view username) = 0;
  virtual Result<void> update_profile(std::int64_t id, const ProfileChanges& changes, std::int64_t now) = 0;
  // Users whose username starts with `query` or whose nickname contains it, by username.
  virtual Result<std::vector<User>> search_users(std::string_view query, int limit) = 0;
  virtual Result<std::int64_t> count_users() = 0;

  // Session tokens. issue_token replaces the device's older tokens in one transaction.
  virtual Result<void> issue_token(const Token& token) = 0;
  virtual Result<Token> token(std::string_view hash) = 0;
  virtual Result<void> revoke_token(std::string_view hash) = 0;
  virtual Result<void> revoke_user_tokens(std::int64_t user_id) = 0;
  // Sets a new password hash, revokes every token of the user and issues `token`, atomically.
  virtual Result<void> change_password(std::int64_t user_id, std::string_view password_hash,
                                       const Token& token, std::int64_t now) = 0;
  virtual Result<std::int64_t> delete_expired_tokens(std::int64_t now) = 0;

  // The presence a user chose (online, away, busy or invisible), kept across restarts.
  virtual Result<std::string> presence(std::int64_t user_id) = 0;
  virtual Result<void> set_presence(std::int64_t user_id, std::string_view status) = 0;
};

}  // namespace parley::store
