// Accounts and sessions against the real parleyd, through the client library.
#include <thread>

#include <gtest/gtest.h>

#include "tests/server_process.hpp"

namespace parley::test {
namespace {

using namespace std::chrono_literals;
using proto::Errc;

proto::Result<proto::LoginResult> login(client::Client& c, const std::string& user, const std::string& password,
                                        const std::string& device = "test") {
  return c.call<proto::LoginResult>(proto::type::kLogin, proto::LoginRequest{user, password, device});
}

proto::Result<proto::AuthResult> auth(client::Client& c, const std::string& token) {
  return c.call<proto::AuthResult>(proto::type::kAuth, proto::AuthRequest{token});
}

proto::Result<proto::Profile> own_profile(client::Client& c) {
  return c.call<proto::Profile>(proto::type::kProfileGet, proto::ProfileGetRequest{});
}

TEST(Accounts, RegisterLogInAndReadOwnProfile) {
  ServerProcess server;
  auto c = connect(server);
  EXPECT_EQ(c->hello().version, 1);
  EXPECT_EQ(c->hello().limits.max_frame_bytes, 64 * 1024);
  auto reg = c->call<proto::RegisterResult>(proto::type::kRegister,
                                            proto::RegisterRequest{"Alice", kPassword, std::string("爱丽丝")});
  ASSERT_TRUE(reg) << reg.error().message;
  EXPECT_EQ(reg->user_id, 10001);
  EXPECT_EQ(reg->username, "alice");
  // Registering does not log in.
  EXPECT_EQ(own_profile(*c).error().code, Errc::unauthorized);
  auto in = login(*c, "ALICE", kPassword, "laptop");
  ASSERT_TRUE(in) << in.error().message;
  EXPECT_EQ(in->device, "laptop");
  EXPECT_GE(in->token.size(), 40u);
  auto me = own_profile(*c);
  ASSERT_TRUE(me);
  EXPECT_EQ(me->nickname, "爱丽丝");
  EXPECT_EQ(me->email, "");  // own profile carries the private fields
}

TEST(Accounts, DuplicateUsernameIsAConflict) {
  ServerProcess server;
  auto c = register_and_login(server, "alice");
  auto again = connect(server)->call<proto::RegisterResult>(proto::type::kRegister,
                                                            proto::RegisterRequest{"ALICE", kPassword, {}});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, Errc::conflict);
  EXPECT_EQ(again.error().field, "username");
}

TEST(Accounts, WeakPasswordsAndBadUsernamesAreRefusedWithTheRule) {
  ServerProcess server;
  auto c = connect(server);
  struct Case {
    const char* username;
    const char* password;
    const char* field;
    const char* says;
  };
  for (auto t : {Case{"alice", "short1", "password", "at least 8"},
                 Case{"alice", "lettersonly", "password", "one letter and one digit"},
                 Case{"alice", "alice", "password", "at least 8"},
                 Case{"alice1234", "Alice1234", "password", "not be the username"},
                 Case{"1alice", kPassword, "username", "start with a letter"},
                 Case{"al", kPassword, "username", "3 to 32"},
                 Case{"al ice", kPassword, "username", "only letters"}}) {
    auto r = c->call<proto::RegisterResult>(proto::type::kRegister, proto::RegisterRequest{t.username, t.password, {}});
    ASSERT_FALSE(r) << t.username << "/" << t.password;
    EXPECT_EQ(r.error().code, Errc::bad_request);
    EXPECT_EQ(r.error().field, t.field);
    EXPECT_NE(r.error().message.find(t.says), std::string::npos) << r.error().message;
  }
}

TEST(Accounts, WrongPasswordAndUnknownUserLookTheSame) {
  ServerProcess server;
  register_and_login(server, "alice");
  auto c = connect(server);
  auto wrong = login(*c, "alice", "wrong horse 9");
  auto unknown = login(*c, "nobody", "wrong horse 9");
  ASSERT_FALSE(wrong);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(wrong.error().code, Errc::unauthorized);
  EXPECT_EQ(wrong.error().message, unknown.error().message);
}

TEST(Accounts, FailedLoginsAreRateLimitedPerAccount) {
  ServerProcess server({"--login-failures-per-account", "3"});
  register_and_login(server, "alice");
  register_and_login(server, "bob");
  auto c = connect(server);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(login(*c, "alice", "wrong horse 9").error().code, Errc::unauthorized);
  auto limited = login(*c, "alice", kPassword);  // even the right password waits
  ASSERT_FALSE(limited);
  EXPECT_EQ(limited.error().code, Errc::rate_limited);
  EXPECT_GT(limited.error().retry_after_ms, 0);
  EXPECT_TRUE(login(*connect(server), "bob", kPassword));  // other accounts are unaffected
}

TEST(Accounts, FailedLoginsAreRateLimitedPerAddress) {
  ServerProcess server({"--login-failures-per-ip", "4"});
  register_and_login(server, "alice");
  auto c = connect(server);
  for (const char* user : {"u1", "u2", "u3", "u4"}) login(*c, user, "wrong horse 9");
  auto limited = login(*c, "alice", kPassword);
  ASSERT_FALSE(limited);
  EXPECT_EQ(limited.error().code, Errc::rate_limited);
}

TEST(Accounts, TokensResumeSessionsOnNewConnections) {
  ServerProcess server;
  auto first = register_and_login(server, "alice", "phone");
  auto token = login(*connect(server), "alice", kPassword, "laptop")->token;
  auto c = connect(server);
  auto a = auth(*c, token);
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->username, "alice");
  EXPECT_EQ(a->device, "laptop");
  EXPECT_TRUE(own_profile(*c));
  EXPECT_EQ(auth(*c, token).error().code, Errc::bad_request);  // already logged in
  EXPECT_EQ(auth(*connect(server), "forged-token").error().code, Errc::unauthorized);
}

TEST(Accounts, ExpiredTokensAreRefusedAndLiveSessionsSignedOut) {
  ServerProcess server({"--token-ttl-s", "2"});
  auto c = register_and_login(server, "alice");
  auto token = login(*connect(server), "alice", kPassword, "other")->token;
  std::this_thread::sleep_for(2500ms);
  EXPECT_EQ(auth(*connect(server), token).error().code, Errc::unauthorized);
  auto late = own_profile(*c);
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, Errc::unauthorized);
  auto kicked = wait_event(*c, proto::event::kKicked);
  ASSERT_TRUE(kicked);
  EXPECT_EQ(kicked->data.at("reason"), "session_expired");
  auto closed = c->wait_closed(10s);
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->code, 4002);
}

TEST(Accounts, LogoutRevokesTheTokenAndClosesTheConnection) {
  ServerProcess server;
  register_and_login(server, "alice");
  auto c = connect(server);
  auto token = login(*c, "alice", kPassword, "phone")->token;
  auto out = c->request(proto::type::kLogout, {});
  ASSERT_TRUE(out) << out.error().message;
  auto closed = c->wait_closed(10s);
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->code, 1000);
  EXPECT_EQ(auth(*connect(server), token).error().code, Errc::unauthorized);
}

TEST(Accounts, LogoutAllSignsOutEveryDevice) {
  ServerProcess server;
  auto phone = register_and_login(server, "alice", "phone");
  auto laptop = connect(server);
  ASSERT_TRUE(login(*laptop, "alice", kPassword, "laptop"));
  ASSERT_TRUE(phone->request(proto::type::kLogout, {{"all", true}}));
  auto kicked = wait_event(*laptop, proto::event::kKicked);
  ASSERT_TRUE(kicked);
  EXPECT_EQ(kicked->data.at("reason"), "logged_out");
  EXPECT_EQ(laptop->wait_closed(10s)->code, 4002);
}

TEST(Accounts, SameDeviceLoginSignsOutTheOlderConnection) {
  ServerProcess server;
  auto old_phone = register_and_login(server, "alice", "phone");
  auto laptop = connect(server);
  ASSERT_TRUE(login(*laptop, "alice", kPassword, "laptop"));
  auto new_phone = connect(server);
  auto in = login(*new_phone, "alice", kPassword, "phone");
  ASSERT_TRUE(in);
  auto kicked = wait_event(*old_phone, proto::event::kKicked);
  ASSERT_TRUE(kicked);
  EXPECT_EQ(kicked->data.at("reason"), "logged_in_elsewhere");
  auto closed = old_phone->wait_closed(10s);
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->code, 4001);
  // The other device and the new connection are untouched.
  EXPECT_TRUE(own_profile(*laptop));
  EXPECT_TRUE(own_profile(*new_phone));
  EXPECT_TRUE(laptop->is_open());
}

TEST(Accounts, ChangePasswordRevokesOtherSessions) {
  ServerProcess server;
  auto phone = register_and_login(server, "alice", "phone");
  auto laptop = connect(server);
  auto laptop_token = login(*laptop, "alice", kPassword, "laptop")->token;
  auto wrong = phone->call<proto::ChangePasswordResult>(proto::type::kChangePassword,
                                                        proto::ChangePasswordRequest{"wrong horse 9", "battery staple 2"});
  EXPECT_EQ(wrong.error().code, Errc::unauthorized);
  auto weak = phone->call<proto::ChangePasswordResult>(proto::type::kChangePassword,
                                                       proto::ChangePasswordRequest{kPassword, "weak"});
  EXPECT_EQ(weak.error().field, "new_password");
  auto changed = phone->call<proto::ChangePasswordResult>(proto::type::kChangePassword,
                                                          proto::ChangePasswordRequest{kPassword, "battery staple 2"});
  ASSERT_TRUE(changed) << changed.error().message;
  auto kicked = wait_event(*laptop, proto::event::kKicked);
  ASSERT_TRUE(kicked);
  EXPECT_EQ(kicked->data.at("reason"), "password_changed");
  EXPECT_EQ(laptop->wait_closed(10s)->code, 4002);
  EXPECT_TRUE(own_profile(*phone));  // the caller stays in
  EXPECT_EQ(auth(*connect(server), laptop_token).error().code, Errc::unauthorized);
  EXPECT_TRUE(auth(*connect(server), changed->token));
  EXPECT_FALSE(login(*connect(server), "alice", kPassword));
  EXPECT_TRUE(login(*connect(server), "alice", "battery staple 2"));
}

TEST(Accounts, ProfilesAreEditableByTheirOwnerAndPrivateFieldsStayPrivate) {
  ServerProcess server;
  auto alice = register_and_login(server, "alice");
  auto bob = register_and_login(server, "bob");
  proto::ProfileUpdateRequest update;
  update.nickname = "小爱";
  update.signature = "你好 👋\n第二行";
  update.gender = "female";
  update.birthday = "1999-04-01";
  update.email = "alice@example.com";
  update.avatar = "https://example.com/a.png";
  auto mine = alice->call<proto::Profile>(proto::type::kProfileUpdate, update);
  ASSERT_TRUE(mine) << mine.error().message;
  EXPECT_EQ(mine->birthday, "1999-04-01");

  auto seen = bob->call<proto::Profile>(proto::type::kProfileGet, proto::ProfileGetRequest{{}, std::string("alice")});
  ASSERT_TRUE(seen);
  EXPECT_EQ(seen->nickname, "小爱");
  EXPECT_EQ(seen->signature, "你好 👋\n第二行");
  EXPECT_FALSE(seen->email);
  EXPECT_FALSE(seen->birthday);
  auto raw = bob->request(proto::type::kProfileGet, {{"user_id", mine->user_id}});
  ASSERT_TRUE(raw);
  EXPECT_FALSE(raw->contains("email"));
  EXPECT_FALSE(raw->contains("birthday"));

  // Bob's update can only ever change Bob: a user_id in the request is ignored.
  ASSERT_TRUE(bob->request(proto::type::kProfileUpdate, {{"user_id", mine->user_id}, {"nickname", "hacked"}}));
  EXPECT_EQ(own_profile(*alice)->nickname, "小爱");
  EXPECT_EQ(own_profile(*bob)->nickname, "hacked");

  for (auto [field, value] : {std::pair{"birthday", "1999-02-30"}, std::pair{"gender", "robot"},
                              std::pair{"email", "not-an-email"}, std::pair{"nickname", ""}}) {
    auto r = alice->request(proto::type::kProfileUpdate, {{field, value}});
    ASSERT_FALSE(r) << field;
    EXPECT_EQ(r.error().field, field);
  }
  EXPECT_EQ(own_profile(*alice)->gender, "female");
  EXPECT_EQ(bob->call<proto::Profile>(proto::type::kProfileGet, proto::ProfileGetRequest{99999, {}}).error().code,
            Errc::not_found);
}

TEST(Accounts, SearchFindsUsersByUsernamePrefixAndNickname) {
  ServerProcess server;
  auto alice = register_and_login(server, "alice");
  register_and_login(server, "bob");
  register_and_login(server, "bobby");
  auto carol = register_and_login(server, "carol");
  proto::ProfileUpdateRequest update;
  update.nickname = "小鲍勃";
  update.email = "carol@example.com";
  ASSERT_TRUE(carol->call<proto::Profile>(proto::type::kProfileUpdate, update));

  auto found = alice->call<proto::UserSearchResult>(proto::type::kUserSearch, proto::UserSearchRequest{"BOB", 20});
  ASSERT_TRUE(found);
  ASSERT_EQ(found->users.size(), 2u);
  EXPECT_EQ(found->users[0].username, "bob");
  auto cjk = alice->call<proto::UserSearchResult>(proto::type::kUserSearch, proto::UserSearchRequest{"鲍勃", 20});
  ASSERT_EQ(cjk->users.size(), 1u);
  EXPECT_EQ(cjk->users[0].username, "carol");
  EXPECT_FALSE(cjk->users[0].email);  // search results are public profiles
  auto one = alice->call<proto::UserSearchResult>(proto::type::kUserSearch, proto::UserSearchRequest{"b", 1});
  EXPECT_EQ(one->users.size(), 1u);
  EXPECT_EQ(alice->request(proto::type::kUserSearch, {{"query", ""}}).error().field, "query");
  EXPECT_EQ(connect(server)->request(proto::type::kUserSearch, {{"query", "bob"}}).error().code, Errc::unauthorized);
}

}  // namespace
}  // namespace parley::test
