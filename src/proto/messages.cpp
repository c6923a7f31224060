#include "proto/messages.hpp"

#include "proto/fields.hpp"

namespace parley::proto {
namespace json = boost::json;
namespace {

// Byte caps applied while decoding, before the value rules: generous enough that the
// value rule, not this cap, explains what is wrong with an ordinary bad value.
constexpr std::size_t kNameCap = 128;
constexpr std::size_t kSecretCap = 1024;
constexpr std::size_t kTextCap = 1024;
constexpr std::int64_t kMaxId = INT64_MAX;

template <class T>
Result<T> finish(const FieldReader& r, T value) {
  if (auto s = r.status(); !s) return s.error();
  return value;
}

void put_optional(json::object& out, const char* key, const std::optional<std::string>& value) {
  if (value) out[key] = *value;
}

Result<Profile> decode_profile(const json::object& d) {
  FieldReader r(d);
  Profile p;
  p.user_id = r.required_int("user_id", 0, kMaxId);
  p.username = r.required_string("username", kNameCap);
  p.nickname = r.required_string("nickname", kTextCap);
  p.signature = r.required_string("signature", kTextCap);
  p.gender = r.required_string("gender", kNameCap);
  p.avatar = r.required_string("avatar", kTextCap);
  p.created_at = r.required_int("created_at", 0, kMaxId);
  p.email = r.optional_string("email", kTextCap);
  p.birthday = r.optional_string("birthday", kNameCap);
  return finish(r, std::move(p));
}

}  // namespace

template <>
Result<HelloRequest> decode(const json::object& d) {
  FieldReader r(d);
  HelloRequest m;
  m.versions = r.required_int_array("versions", 16, 1, 1000);
  m.client = r.optional_string("client", kNameCap).value_or("");
  return finish(r, std::move(m));
}

template <>
Result<HelloResult> decode(const json::object& d) {
  FieldReader r(d);
  HelloResult m;
  m.version = r.required_int("version", 1, 1000);
  m.server = r.required_string("server", kNameCap);
  if (!r.ok()) return r.status().error();
  auto* limits = d.if_contains("limits");
  if (limits == nullptr || !limits->is_object()) return make_error(Errc::bad_request, "limits must be an object", "limits");
  FieldReader l(limits->get_object());
  m.limits.max_frame_bytes = l.required_int("max_frame_bytes", 0, kMaxId);
  m.limits.max_requests_per_second = l.required_int("max_requests_per_second", 0, kMaxId);
  m.limits.idle_timeout_ms = l.required_int("idle_timeout_ms", 0, kMaxId);
  return finish(l, std::move(m));
}

template <>
Result<PingRequest> decode(const json::object&) {
  return PingRequest{};
}

template <>
Result<PingResult> decode(const json::object& d) {
  FieldReader r(d);
  PingResult m;
  m.time = r.required_int("time", 0, kMaxId);
  return finish(r, m);
}

template <>
Result<RegisterRequest> decode(const json::object& d) {
  FieldReader r(d);
  RegisterRequest m;
  m.username = r.required_string("username", kNameCap);
  m.password = r.required_string("password", kSecretCap);
  m.nickname = r.optional_string("nickname", kTextCap);
  return finish(r, std::move(m));
}

template <>
Result<RegisterResult> decode(const json::object& d) {
  FieldReader r(d);
  RegisterResult m;
  m.user_id = r.required_int("user_id", 0, kMaxId);
  m.username = r.required_string("username", kNameCap);
  return finish(r, std::move(m));
}

template <>
Result<LoginRequest> decode(const json::object& d) {
  FieldReader r(d);
  LoginRequest m;
  m.username = r.required_string("username", kNameCap);
  m.password = r.required_string("password", kSecretCap);
  m.device = r.optional_string("device", kNameCap).value_or("default");
  return finish(r, std::move(m));
}

template <>
Result<LoginResult> decode(const json::object& d) {
  FieldReader r(d);
  LoginResult m;
  m.token = r.required_string("token", kSecretCap);
  m.user_id = r.required_int("user_id", 0, kMaxId);
  m.username = r.required_string("username", kNameCap);
  m.device = r.required_string("device", kNameCap);
  m.expires_at = r.required_int("expires_at", 0, kMaxId);
  return finish(r, std::move(m));
}

template <>
Result<AuthRequest> decode(const json::object& d) {
  FieldReader r(d);
  AuthRequest m;
  m.token = r.required_string("token", kSecretCap);
  return finish(r, std::move(m));
}

template <>
Result<AuthResult> decode(const json::object& d) {
  FieldReader r(d);
  AuthResult m;
  m.user_id = r.required_int("user_id", 0, kMaxId);
  m.username = r.required_string("username", kNameCap);
  m.device = r.required_string("device", kNameCap);
  m.expires_at = r.required_int("expires_at", 0, kMaxId);
  return finish(r, std::move(m));
}

template <>
Result<LogoutRequest> decode(const json::object& d) {
  FieldReader r(d);
  LogoutRequest m;
  m.all = r.optional_bool("all").value_or(false);
  return finish(r, m);
}

template <>
Result<EmptyResult> decode(const json::object&) {
  return EmptyResult{};
}

template <>
Result<ChangePasswordRequest> decode(const json::object& d) {
  FieldReader r(d);
  ChangePasswordRequest m;
  m.old_password = r.required_string("old_password", kSecretCap);
  m.new_password = r.required_string("new_password", kSecretCap);
  return finish(r, std::move(m));
}

template <>
Result<ChangePasswordResult> decode(const json::object& d) {
  FieldReader r(d);
  ChangePasswordResult m;
  m.token = r.required_string("token", kSecretCap);
  m.expires_at = r.required_int("expires_at", 0, kMaxId);
  return finish(r, std::move(m));
}

template <>
Result<ProfileGetRequest> decode(const json::object& d) {
  FieldReader r(d);
  ProfileGetRequest m;
  m.user_id = r.optional_int("user_id", 1, kMaxId);
  m.username = r.optional_string("username", kNameCap);
  return finish(r, std::move(m));
}

template <>
Result<Profile> decode(const json::object& d) {
  return decode_profile(d);
}

template <>
Result<ProfileUpdateRequest> decode(const json::object& d) {
  FieldReader r(d);
  ProfileUpdateRequest m;
  m.nickname = r.optional_string("nickname", kTextCap);
  m.signature = r.optional_string("signature", kTextCap);
  m.gender = r.optional_string("gender", kNameCap);
  m.birthday = r.optional_string("birthday", kNameCap);
  m.email = r.optional_string("email", kTextCap);
  m.avatar = r.optional_string("avatar", kTextCap);
  return finish(r, std::move(m));
}

template <>
Result<UserSearchRequest> decode(const json::object& d) {
  FieldReader r(d);
  UserSearchRequest m;
  m.query = r.required_string("query", 64);
  m.limit = r.optional_int("limit", 1, 50).value_or(20);
  if (r.ok() && m.query.empty()) return make_error(Errc::bad_request, "query must not be empty", "query");
  return finish(r, std::move(m));
}

template <>
Result<UserSearchResult> decode(const json::object& d) {
  UserSearchResult m;
  auto* users = d.if_contains("users");
  if (users == nullptr || !users->is_array()) return make_error(Errc::bad_request, "users must be an array", "users");
  for (const auto& item : users->get_array()) {
    if (!item.is_object()) return make_error(Errc::bad_request, "users must hold objects", "users");
    auto profile = decode_profile(item.get_object());
    if (!profile) return profile.error();
    m.users.push_back(std::move(*profile));
  }
  return m;
}

template <>
Result<KickedEvent> decode(const json::object& d) {
  FieldReader r(d);
  KickedEvent m;
  m.reason = r.required_string("reason", kNameCap);
  m.message = r.required_string("message", kTextCap);
  return finish(r, std::move(m));
}

template <>
Result<ServerShutdownEvent> decode(const json::object& d) {
  FieldReader r(d);
  ServerShutdownEvent m;
  m.message = r.required_string("message", kTextCap);
  m.reconnect_after_ms = r.required_int("reconnect_after_ms", 0, kMaxId);
  return finish(r, std::move(m));
}

json::object encode(const HelloRequest& m) {
  json::array versions;
  for (auto v : m.versions) versions.push_back(v);
  return {{"versions", std::move(versions)}, {"client", m.client}};
}

json::object encode(const HelloResult& m) {
  json::object limits{{"max_frame_bytes", m.limits.max_frame_bytes},
                      {"max_requests_per_second", m.limits.max_requests_per_second},
                      {"idle_timeout_ms", m.limits.idle_timeout_ms}};
  return {{"version", m.version}, {"server", m.server}, {"limits", std::move(limits)}};
}

json::object encode(const PingRequest&) { return {}; }
json::object encode(const PingResult& m) { return {{"time", m.time}}; }

json::object encode(const RegisterRequest& m) {
  json::object out{{"username", m.username}, {"password", m.password}};
  put_optional(out, "nickname", m.nickname);
  return out;
}

json::object encode(const RegisterResult& m) { return {{"user_id", m.user_id}, {"username", m.username}}; }

json::object encode(const LoginRequest& m) {
  return {{"username", m.username}, {"password", m.password}, {"device", m.device}};
}

json::object encode(const LoginResult& m) {
  return {{"token", m.token},
          {"user_id", m.user_id},
          {"username", m.username},
          {"device", m.device},
          {"expires_at", m.expires_at}};
}

json::object encode(const AuthRequest& m) { return {{"token", m.token}}; }

json::object encode(const AuthResult& m) {
  return {{"user_id", m.user_id}, {"username", m.username}, {"device", m.device}, {"expires_at", m.expires_at}};
}

json::object encode(const LogoutRequest& m) { return {{"all", m.all}}; }
json::object encode(const EmptyResult&) { return {}; }

json::object encode(const ChangePasswordRequest& m) {
  return {{"old_password", m.old_password}, {"new_password", m.new_password}};
}

json::object encode(const ChangePasswordResult& m) { return {{"token", m.token}, {"expires_at", m.expires_at}}; }

json::object encode(const ProfileGetRequest& m) {
  json::object out;
  if (m.user_id) out["user_id"] = *m.user_id;
  put_optional(out, "username", m.username);
  return out;
}

json::object encode(const Profile& m) {
  json::object out{{"user_id", m.user_id},     {"username", m.username}, {"nickname", m.nickname},
                   {"signature", m.signature}, {"gender", m.gender},     {"avatar", m.avatar},
                   {"created_at", m.created_at}};
  put_optional(out, "email", m.email);
  put_optional(out, "birthday", m.birthday);
  return out;
}

json::object encode(const ProfileUpdateRequest& m) {
  json::object out;
  put_optional(out, "nickname", m.nickname);
  put_optional(out, "signature", m.signature);
  put_optional(out, "gender", m.gender);
  put_optional(out, "birthday", m.birthday);
  put_optional(out, "email", m.email);
  put_optional(out, "avatar", m.avatar);
  return out;
}

json::object encode(const UserSearchRequest& m) { return {{"query", m.query}, {"limit", m.limit}}; }

json::object encode(const UserSearchResult& m) {
  json::array users;
  for (const auto& p : m.users) users.push_back(encode(p));
  return {{"users", std::move(users)}};
}

json::object encode(const KickedEvent& m) { return {{"reason", m.reason}, {"message", m.message}}; }

json::object encode(const ServerShutdownEvent& m) {
  return {{"message", m.message}, {"reconnect_after_ms", m.reconnect_after_ms}};
}

}  // namespace parley::proto
