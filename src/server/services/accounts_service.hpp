#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>

#include "proto/errors.hpp"
#include "proto/messages.hpp"
#include "server/services/login_throttle.hpp"
#include "server/services/password_hasher.hpp"
#include "server/store/accounts_store.hpp"

namespace parley::server {

// Milliseconds since the Unix epoch; injected so tests can move time.
using Clock = std::function<std::int64_t()>;
Clock system_clock();

// Who is logged in on a connection or HTTP request.
struct Session {
  std::int64_t user_id = 0;
  std::string username;
  std::string device;
  std::string token_hash;
  std::int64_t expires_at = 0;
};

// Accounts, passwords, session tokens and profiles (docs/protocol.md: register, login,
// auth, logout, change_password, profile_get, profile_update, user_search).
// Blocking and thread-safe: call it from worker threads. It validates every input.
class AccountsService {
 public:
  struct Options {
    std::int64_t token_ttl_ms = 30LL * 24 * 3600 * 1000;
  };
  // `store`, `hasher` and `throttle` must outlive the service.
  AccountsService(store::AccountsStore& store, const PasswordHasher& hasher, LoginThrottle& throttle, Clock clock,
                  Options options);

  proto::Result<proto::RegisterResult> register_user(const proto::RegisterRequest& request);
  proto::Result<std::pair<proto::LoginResult, Session>> login(const proto::LoginRequest& request,
                                                              const std::string& address);
  proto::Result<Session> authenticate(std::string_view token);
  proto::Status logout(const Session& session, bool all);
  proto::Result<std::pair<proto::ChangePasswordResult, Session>> change_password(
      const Session& session, const proto::ChangePasswordRequest& request, const std::string& address);
  proto::Result<proto::Profile> profile(const Session& viewer, const proto::ProfileGetRequest& request);
  proto::Result<proto::Profile> update_profile(const Session& session, const proto::ProfileUpdateRequest& request);
  proto::Result<proto::UserSearchResult> search(const proto::UserSearchRequest& request);

  // Creates the user unless the username exists (demo data). Returns whether it created.
  proto::Result<bool> ensure_user(const std::string& username, const std::string& password,
                                  const std::string& nickname);

  std::int64_t now() const { return clock_(); }

 private:
  struct IssuedToken {
    std::string secret;  // goes to the client, never stored
    store::Token record;
  };
  IssuedToken new_token(std::int64_t user_id, const std::string& device) const;
  proto::Status check_throttle(const std::string& account, const std::string& address) const;
  // Deletes expired tokens, at most once an hour (from login, so an idle server does nothing).
  void sweep_expired_tokens();

  store::AccountsStore& store_;
  const PasswordHasher& hasher_;
  LoginThrottle& throttle_;
  Clock clock_;
  Options options_;
  std::atomic<std::int64_t> last_sweep_{0};
};

// Maps a store failure to the wire: not_found and conflict pass through with their
// message; anything else is `internal` (and logged).
proto::Error to_wire(const store::Error& error);

// Hash of a token secret as the store keeps it.
std::string token_hash(std::string_view secret);

}  // namespace parley::server
