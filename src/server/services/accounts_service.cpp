#include "server/services/accounts_service.hpp"

#include <chrono>

#include <sodium.h>
#include <spdlog/spdlog.h>

#include "proto/validate.hpp"

namespace parley::server {
namespace {

using proto::Errc;
using proto::make_error;

constexpr std::size_t kTokenBytes = 32;

proto::Profile to_profile(const store::User& u, bool with_private) {
  proto::Profile p{u.id, u.username, u.nickname, u.signature, u.gender, u.avatar, u.created_at, {}, {}};
  if (with_private) {
    p.email = u.email;
    p.birthday = u.birthday;
  }
  return p;
}

proto::Error wrong_credentials() {
  return make_error(Errc::unauthorized, "wrong username or password");
}

}  // namespace

Clock system_clock() {
  return [] {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  };
}

proto::Error to_wire(const store::Error& error) {
  switch (error.code) {
    case store::Errc::not_found:
      return make_error(Errc::not_found, error.message);
    case store::Errc::conflict:
      return make_error(Errc::conflict, error.message);
    case store::Errc::failed:
      break;
  }
  spdlog::error("store failed error=\"{}\"", error.message);
  return make_error(Errc::internal, "the server could not complete the request");
}

std::string token_hash(std::string_view secret) {
  std::string out(crypto_generichash_BYTES, '\0');
  crypto_generichash(reinterpret_cast<unsigned char*>(out.data()), out.size(),
                     reinterpret_cast<const unsigned char*>(secret.data()), secret.size(), nullptr, 0);
  return out;
}

AccountsService::AccountsService(store::AccountsStore& store, const PasswordHasher& hasher, LoginThrottle& throttle,
                                 Clock clock, Options options)
    : store_(store), hasher_(hasher), throttle_(throttle), clock_(std::move(clock)), options_(options) {}

AccountsService::IssuedToken AccountsService::new_token(std::int64_t user_id, const std::string& device) const {
  unsigned char bytes[kTokenBytes];
  randombytes_buf(bytes, sizeof bytes);
  char encoded[sodium_base64_ENCODED_LEN(kTokenBytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(encoded, sizeof encoded, bytes, sizeof bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  std::int64_t now = clock_();
  IssuedToken issued{encoded, store::Token{"", user_id, device, now, now + options_.token_ttl_ms}};
  issued.record.hash = token_hash(issued.secret);
  return issued;
}

proto::Status AccountsService::check_throttle(const std::string& account, const std::string& address) const {
  std::int64_t wait = throttle_.retry_after(account, address, clock_());
  if (wait <= 0) return {};
  auto error = make_error(Errc::rate_limited, "too many failed logins; try again later");
  error.retry_after_ms = wait;
  return error;
}

void AccountsService::sweep_expired_tokens() {
  constexpr std::int64_t kHourMs = 3600 * 1000;
  std::int64_t now = clock_();
  std::int64_t last = last_sweep_.load();
  if (now - last < kHourMs || !last_sweep_.compare_exchange_strong(last, now)) return;
  auto deleted = store_.delete_expired_tokens(now);
  if (!deleted) {
    spdlog::warn("token sweep failed error=\"{}\"", deleted.error().message);
  } else if (*deleted > 0) {
    spdlog::info("token sweep deleted={}", *deleted);
  }
}

proto::Result<proto::RegisterResult> AccountsService::register_user(const proto::RegisterRequest& r) {
  std::string username = proto::fold_username(r.username);
  if (auto s = proto::check_username(username); !s) return s.error();
  if (auto s = proto::check_password(r.password, username); !s) return s.error();
  std::string nickname = r.nickname.value_or(username);
  if (auto s = proto::check_nickname(nickname); !s) return s.error();
  auto id = store_.create_user({username, hasher_.hash(r.password), nickname, clock_()});
  if (!id) {
    if (id.error().code == store::Errc::conflict) {
      return make_error(Errc::conflict, "username " + username + " is taken", "username");
    }
    return to_wire(id.error());
  }
  spdlog::info("register user_id={} username={}", *id, username);
  return proto::RegisterResult{*id, username};
}

proto::Result<std::pair<proto::LoginResult, Session>> AccountsService::login(const proto::LoginRequest& r,
                                                                             const std::string& address) {
  std::string username = proto::fold_username(r.username);
  if (auto s = proto::check_device(r.device); !s) return s.error();
  if (auto s = check_throttle(username, address); !s) return s.error();
  auto user = store_.user_by_name(username);
  if (!user) {
    if (user.error().code != store::Errc::not_found) return to_wire(user.error());
    hasher_.verify_dummy(r.password);
    throttle_.record_failure(username, address, clock_());
    return wrong_credentials();
  }
  if (!hasher_.verify(user->password_hash, r.password)) {
    throttle_.record_failure(username, address, clock_());
    return wrong_credentials();
  }
  throttle_.record_success(username);
  sweep_expired_tokens();
  auto issued = new_token(user->id, r.device);
  if (auto s = store_.issue_token(issued.record); !s) return to_wire(s.error());
  proto::LoginResult result{issued.secret, user->id, user->username, r.device, issued.record.expires_at};
  Session session{user->id, user->username, r.device, issued.record.hash, issued.record.expires_at};
  return std::pair{std::move(result), std::move(session)};
}

proto::Result<Session> AccountsService::authenticate(std::string_view secret) {
  auto token = store_.token(token_hash(secret));
  if (!token) {
    if (token.error().code == store::Errc::not_found) {
      return make_error(Errc::unauthorized, "the session token is unknown or was revoked; log in again");
    }
    return to_wire(token.error());
  }
  if (token->expires_at <= clock_()) return make_error(Errc::unauthorized, "the session expired; log in again");
  auto user = store_.user_by_id(token->user_id);
  if (!user) return to_wire(user.error());
  return Session{user->id, user->username, token->device, token->hash, token->expires_at};
}

proto::Status AccountsService::logout(const Session& session, bool all) {
  auto s = all ? store_.revoke_user_tokens(session.user_id) : store_.revoke_token(session.token_hash);
  if (!s) return to_wire(s.error());
  return {};
}

proto::Result<std::pair<proto::ChangePasswordResult, Session>> AccountsService::change_password(
    const Session& session, const proto::ChangePasswordRequest& r, const std::string& address) {
  if (auto s = check_throttle(session.username, address); !s) return s.error();
  auto user = store_.user_by_id(session.user_id);
  if (!user) return to_wire(user.error());
  if (!hasher_.verify(user->password_hash, r.old_password)) {
    throttle_.record_failure(session.username, address, clock_());
    return make_error(Errc::unauthorized, "the old password is wrong", "old_password");
  }
  if (auto s = proto::check_password(r.new_password, user->username, "new_password"); !s) return s.error();
  auto issued = new_token(user->id, session.device);
  if (auto s = store_.change_password(user->id, hasher_.hash(r.new_password), issued.record, clock_()); !s) {
    return to_wire(s.error());
  }
  spdlog::info("password changed user_id={}; all tokens revoked", user->id);
  Session renewed{user->id, user->username, session.device, issued.record.hash, issued.record.expires_at};
  return std::pair{proto::ChangePasswordResult{issued.secret, issued.record.expires_at}, std::move(renewed)};
}

proto::Result<proto::Profile> AccountsService::profile(const Session& viewer, const proto::ProfileGetRequest& r) {
  store::Result<store::User> user = r.user_id    ? store_.user_by_id(*r.user_id)
                                    : r.username ? store_.user_by_name(proto::fold_username(*r.username))
                                                 : store_.user_by_id(viewer.user_id);
  if (!user) {
    if (user.error().code == store::Errc::not_found) return make_error(Errc::not_found, "no such user");
    return to_wire(user.error());
  }
  return to_profile(*user, user->id == viewer.user_id);
}

proto::Result<proto::Profile> AccountsService::update_profile(const Session& session,
                                                              const proto::ProfileUpdateRequest& r) {
  using proto::Status;
  std::string today = proto::utc_date(clock_());
  const std::pair<const std::optional<std::string>&, std::function<Status(std::string_view)>> checks[] = {
      {r.nickname, proto::check_nickname},
      {r.signature, proto::check_signature},
      {r.gender, proto::check_gender},
      {r.birthday, [&](std::string_view b) { return proto::check_birthday(b, today); }},
      {r.email, proto::check_email},
      {r.avatar, proto::check_avatar},
  };
  for (const auto& [value, check] : checks) {
    if (!value) continue;
    if (auto s = check(*value); !s) return s.error();
  }
  store::ProfileChanges changes{r.nickname, r.signature, r.gender, r.birthday, r.email, r.avatar};
  if (auto s = store_.update_profile(session.user_id, changes, clock_()); !s) return to_wire(s.error());
  return profile(session, {});
}

proto::Result<proto::UserSearchResult> AccountsService::search(const proto::UserSearchRequest& r) {
  auto users = store_.search_users(r.query, static_cast<int>(r.limit));
  if (!users) return to_wire(users.error());
  proto::UserSearchResult result;
  for (const auto& u : *users) result.users.push_back(to_profile(u, false));
  return result;
}

proto::Result<bool> AccountsService::ensure_user(const std::string& username, const std::string& password,
                                                 const std::string& nickname) {
  auto existing = store_.user_by_name(username);
  if (existing) return false;
  auto created = register_user({username, password, nickname});
  if (!created) return created.error();
  return true;
}

}  // namespace parley::server
