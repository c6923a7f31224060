#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

// Protocol v1 messages of accounts and sessions: register, login, auth, logout,
// change_password, profiles, user search, kicked (docs/protocol.md). Encoded and
// decoded through proto/messages.hpp.
namespace parley::proto {

namespace type {
inline constexpr char kRegister[] = "register";
inline constexpr char kLogin[] = "login";
inline constexpr char kAuth[] = "auth";
inline constexpr char kLogout[] = "logout";
inline constexpr char kChangePassword[] = "change_password";
inline constexpr char kProfileGet[] = "profile_get";
inline constexpr char kProfileUpdate[] = "profile_update";
inline constexpr char kUserSearch[] = "user_search";
}  // namespace type

namespace event {
inline constexpr char kKicked[] = "kicked";
}  // namespace event

struct RegisterRequest {
  std::string username;
  std::string password;
  std::optional<std::string> nickname;
};

struct RegisterResult {
  std::int64_t user_id = 0;
  std::string username;
};

struct LoginRequest {
  std::string username;
  std::string password;
  std::string device = "default";
};

struct LoginResult {
  std::string token;
  std::int64_t user_id = 0;
  std::string username;
  std::string device;
  std::int64_t expires_at = 0;
};

struct AuthRequest {
  std::string token;
};

struct AuthResult {
  std::int64_t user_id = 0;
  std::string username;
  std::string device;
  std::int64_t expires_at = 0;
};

struct LogoutRequest {
  bool all = false;
};

struct ChangePasswordRequest {
  std::string old_password;
  std::string new_password;
};

struct ChangePasswordResult {
  std::string token;
  std::int64_t expires_at = 0;
};

struct ProfileGetRequest {
  std::optional<std::int64_t> user_id;
  std::optional<std::string> username;
};

// A profile as the reader may see it: email and birthday only in one's own.
struct Profile {
  std::int64_t user_id = 0;
  std::string username;
  std::string nickname;
  std::string signature;
  std::string gender = "unspecified";
  std::string avatar;
  std::int64_t created_at = 0;
  std::optional<std::string> email;
  std::optional<std::string> birthday;
};

struct ProfileUpdateRequest {
  std::optional<std::string> nickname;
  std::optional<std::string> signature;
  std::optional<std::string> gender;
  std::optional<std::string> birthday;
  std::optional<std::string> email;
  std::optional<std::string> avatar;
};

struct UserSearchRequest {
  std::string query;
  std::int64_t limit = 20;
};

struct UserSearchResult {
  std::vector<Profile> users;
};

struct KickedEvent {
  std::string reason;  // logged_in_elsewhere, logged_out, password_changed, session_expired
  std::string message;
};

}  // namespace parley::proto
