// Schemas of the accounts messages (see proto/schema.hpp).
#include "proto/messages.hpp"
#include "proto/schema.hpp"

namespace parley::proto {
namespace schema {

template <>
struct Schema<RegisterRequest> {
  static constexpr auto fields = std::make_tuple(required("username", &RegisterRequest::username, 0, kNameCap),
                                                 required("password", &RegisterRequest::password, 0, kSecretCap),
                                                 optional("nickname", &RegisterRequest::nickname, 0, kTextCap));
};

template <>
struct Schema<RegisterResult> {
  static constexpr auto fields = std::make_tuple(required("user_id", &RegisterResult::user_id, 0, kMax),
                                                 required("username", &RegisterResult::username, 0, kNameCap));
};

template <>
struct Schema<LoginRequest> {
  static constexpr auto fields = std::make_tuple(required("username", &LoginRequest::username, 0, kNameCap),
                                                 required("password", &LoginRequest::password, 0, kSecretCap),
                                                 optional("device", &LoginRequest::device, 0, kNameCap));
};

template <>
struct Schema<LoginResult> {
  static constexpr auto fields = std::make_tuple(required("token", &LoginResult::token, 0, kSecretCap),
                                                 required("user_id", &LoginResult::user_id, 0, kMax),
                                                 required("username", &LoginResult::username, 0, kNameCap),
                                                 required("device", &LoginResult::device, 0, kNameCap),
                                                 required("expires_at", &LoginResult::expires_at, 0, kMax));
};

template <>
struct Schema<AuthRequest> {
  static constexpr auto fields = std::make_tuple(required("token", &AuthRequest::token, 0, kSecretCap));
};

template <>
struct Schema<AuthResult> {
  static constexpr auto fields = std::make_tuple(required("user_id", &AuthResult::user_id, 0, kMax),
                                                 required("username", &AuthResult::username, 0, kNameCap),
                                                 required("device", &AuthResult::device, 0, kNameCap),
                                                 required("expires_at", &AuthResult::expires_at, 0, kMax));
};

template <>
struct Schema<LogoutRequest> {
  static constexpr auto fields = std::make_tuple(optional("all", &LogoutRequest::all, 0, 0));
};

template <>
struct Schema<ChangePasswordRequest> {
  static constexpr auto fields =
      std::make_tuple(required("old_password", &ChangePasswordRequest::old_password, 0, kSecretCap),
                      required("new_password", &ChangePasswordRequest::new_password, 0, kSecretCap));
};

template <>
struct Schema<ChangePasswordResult> {
  static constexpr auto fields = std::make_tuple(required("token", &ChangePasswordResult::token, 0, kSecretCap),
                                                 required("expires_at", &ChangePasswordResult::expires_at, 0, kMax));
};

template <>
struct Schema<ProfileGetRequest> {
  static constexpr auto fields = std::make_tuple(optional("user_id", &ProfileGetRequest::user_id, 1, kMax),
                                                 optional("username", &ProfileGetRequest::username, 0, kNameCap));
};

template <>
struct Schema<Profile> {
  static constexpr auto fields = std::make_tuple(
      required("user_id", &Profile::user_id, 0, kMax), required("username", &Profile::username, 0, kNameCap),
      required("nickname", &Profile::nickname, 0, kTextCap), required("signature", &Profile::signature, 0, kTextCap),
      required("gender", &Profile::gender, 0, kNameCap), required("avatar", &Profile::avatar, 0, kTextCap),
      required("created_at", &Profile::created_at, 0, kMax), optional("email", &Profile::email, 0, kTextCap),
      optional("birthday", &Profile::birthday, 0, kNameCap));
};

template <>
struct Schema<ProfileUpdateRequest> {
  static constexpr auto fields = std::make_tuple(
      optional("nickname", &ProfileUpdateRequest::nickname, 0, kTextCap),
      optional("signature", &ProfileUpdateRequest::signature, 0, kTextCap),
      optional("gender", &ProfileUpdateRequest::gender, 0, kNameCap),
      optional("birthday", &ProfileUpdateRequest::birthday, 0, kNameCap),
      optional("email", &ProfileUpdateRequest::email, 0, kTextCap),
      optional("avatar", &ProfileUpdateRequest::avatar, 0, kTextCap));
};

template <>
struct Schema<UserSearchRequest> {
  static constexpr auto fields = std::make_tuple(required("query", &UserSearchRequest::query, 1, 64),
                                                 optional("limit", &UserSearchRequest::limit, 1, 50));
};

template <>
struct Schema<UserSearchResult> {
  static constexpr auto fields = std::make_tuple(required("users", &UserSearchResult::users, 0, 1000));
};

template <>
struct Schema<KickedEvent> {
  static constexpr auto fields = std::make_tuple(required("reason", &KickedEvent::reason, 0, kNameCap),
                                                 required("message", &KickedEvent::message, 0, kTextCap));
};

}  // namespace schema

PARLEY_PROTO_MESSAGE(RegisterRequest)
PARLEY_PROTO_MESSAGE(RegisterResult)
PARLEY_PROTO_MESSAGE(LoginRequest)
PARLEY_PROTO_MESSAGE(LoginResult)
PARLEY_PROTO_MESSAGE(AuthRequest)
PARLEY_PROTO_MESSAGE(AuthResult)
PARLEY_PROTO_MESSAGE(LogoutRequest)
PARLEY_PROTO_MESSAGE(ChangePasswordRequest)
PARLEY_PROTO_MESSAGE(ChangePasswordResult)
PARLEY_PROTO_MESSAGE(ProfileGetRequest)
PARLEY_PROTO_MESSAGE(Profile)
PARLEY_PROTO_MESSAGE(ProfileUpdateRequest)
PARLEY_PROTO_MESSAGE(UserSearchRequest)
PARLEY_PROTO_MESSAGE(UserSearchResult)
PARLEY_PROTO_MESSAGE(KickedEvent)

}  // namespace parley::proto
