// The accounts service over a real SQLite store, with a clock the test moves.
#include <filesystem>

#include <gtest/gtest.h>

#include "server/services/accounts_service.hpp"
#include "server/store/store.hpp"
#include "server/token_bucket.hpp"

namespace parley::server {
namespace {

using proto::Errc;

TEST(LoginThrottle, RefusesAfterTheLimitUntilTheWindowPasses) {
  LoginThrottle t({.per_account = 3, .per_address = 10, .window_ms = 1000});
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(t.retry_after("alice", "1.2.3.4", 100), 0);
    t.record_failure("alice", "1.2.3.4", 100 + i);
  }
  EXPECT_GT(t.retry_after("alice", "1.2.3.4", 200), 0);
  EXPECT_EQ(t.retry_after("bob", "1.2.3.4", 200), 0);  // other accounts are not affected
  EXPECT_EQ(t.retry_after("alice", "1.2.3.4", 1101), 0);
  t.record_success("alice");
  EXPECT_EQ(t.retry_after("alice", "1.2.3.4", 300), 0);
}

TEST(LoginThrottle, CountsPerAddressAcrossAccounts) {
  LoginThrottle t({.per_account = 100, .per_address = 3, .window_ms = 1000});
  for (const char* user : {"a", "b", "c"}) t.record_failure(user, "9.9.9.9", 10);
  EXPECT_GT(t.retry_after("d", "9.9.9.9", 20), 0);
  EXPECT_EQ(t.retry_after("d", "8.8.8.8", 20), 0);
}

TEST(TokenBucket, AllowsABurstThenTheRate) {
  TokenBucket b(10, 3);
  EXPECT_TRUE(b.take(1000));
  EXPECT_TRUE(b.take(1000));
  EXPECT_TRUE(b.take(1000));
  EXPECT_FALSE(b.take(1000));
  EXPECT_GT(b.wait_ms(), 0);
  EXPECT_TRUE(b.take(1100));  // 100 ms at 10/s is one token
  EXPECT_FALSE(b.take(1100));
}

class AccountsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("parley-accounts-" + std::to_string(::getpid()) + "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    store_ = std::move(*store::open_sqlite_store({(dir_ / "db").string(), false}));
    accounts_ = std::make_unique<AccountsService>(store_->accounts(), hasher_, throttle_, [this] { return now_; },
                                                  AccountsService::Options{.token_ttl_ms = 1000});
  }
  void TearDown() override {
    accounts_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  Session login(const std::string& user, const std::string& password, const std::string& device = "d") {
    auto r = accounts_->login({user, password, device}, "127.0.0.1");
    EXPECT_TRUE(r) << r.error().message;
    return r->second;
  }

  std::int64_t now_ = 1'795'312'496'000;
  PasswordHasher hasher_{{1, 8 * 1024}};
  LoginThrottle throttle_{{.per_account = 3, .per_address = 100, .window_ms = 60'000}};
  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<AccountsService> accounts_;
};

TEST_F(AccountsTest, RegisterFoldsTheUsernameAndStoresOnlyAHash) {
  auto r = accounts_->register_user({"Alice", "correct horse 1", std::nullopt});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->username, "alice");
  auto user = store_->accounts().user_by_name("alice");
  EXPECT_EQ(user->nickname, "alice");
  EXPECT_EQ(user->password_hash.rfind("$argon2id$", 0), 0u);
  EXPECT_EQ(user->password_hash.find("correct horse"), std::string::npos);
  auto again = accounts_->register_user({"ALICE", "correct horse 1", std::nullopt});
  EXPECT_EQ(again.error().code, Errc::conflict);
  EXPECT_EQ(again.error().field, "username");
}

TEST_F(AccountsTest, LoginChecksThePasswordAndThrottles) {
  accounts_->register_user({"alice", "correct horse 1", std::nullopt});
  EXPECT_EQ(accounts_->login({"alice", "wrong horse 1", "d"}, "a").error().code, Errc::unauthorized);
  EXPECT_EQ(accounts_->login({"nobody", "wrong horse 1", "d"}, "a").error().message,
            accounts_->login({"alice", "wrong horse 1", "d"}, "a").error().message);
  accounts_->login({"alice", "wrong horse 1", "d"}, "a");  // the third failure for alice
  auto limited = accounts_->login({"alice", "correct horse 1", "d"}, "a");
  ASSERT_FALSE(limited);
  EXPECT_EQ(limited.error().code, Errc::rate_limited);
  EXPECT_GT(limited.error().retry_after_ms, 0);
  now_ += 61'000;
  EXPECT_TRUE(accounts_->login({"alice", "correct horse 1", "d"}, "a"));
}

TEST_F(AccountsTest, TokensAuthenticateUntilTheyExpire) {
  accounts_->register_user({"alice", "correct horse 1", std::nullopt});
  auto r = accounts_->login({"alice", "correct horse 1", "phone"}, "a");
  ASSERT_TRUE(r);
  auto s = accounts_->authenticate(r->first.token);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->device, "phone");
  EXPECT_EQ(s->username, "alice");
  EXPECT_EQ(accounts_->authenticate("forged").error().code, Errc::unauthorized);
  now_ += 1000;
  EXPECT_EQ(accounts_->authenticate(r->first.token).error().code, Errc::unauthorized);
}

TEST_F(AccountsTest, LoginsSweepExpiredTokensHourly) {
  accounts_->register_user({"alice", "correct horse 1", std::nullopt});
  auto old = login("alice", "correct horse 1", "old-device");
  EXPECT_TRUE(store_->accounts().token(old.token_hash));
  now_ += 2 * 3600 * 1000;  // the token (ttl 1 s) expired long ago, and an hour passed
  login("alice", "correct horse 1", "new-device");
  EXPECT_EQ(store_->accounts().token(old.token_hash).error().code, store::Errc::not_found);
}

TEST_F(AccountsTest, ChangePasswordNeedsTheOldOneAndRevokesTokens) {
  accounts_->register_user({"alice", "correct horse 1", std::nullopt});
  auto phone = login("alice", "correct horse 1", "phone");
  auto laptop = accounts_->login({"alice", "correct horse 1", "laptop"}, "a");
  EXPECT_EQ(accounts_->change_password(phone, {"wrong one 1", "battery staple 2"}, "a").error().code,
            Errc::unauthorized);
  EXPECT_EQ(accounts_->change_password(phone, {"correct horse 1", "short"}, "a").error().field, "new_password");
  auto changed = accounts_->change_password(phone, {"correct horse 1", "battery staple 2"}, "a");
  ASSERT_TRUE(changed);
  EXPECT_FALSE(accounts_->authenticate(laptop->first.token));
  EXPECT_TRUE(accounts_->authenticate(changed->first.token));
  EXPECT_FALSE(accounts_->login({"alice", "correct horse 1", "x"}, "b"));
  EXPECT_TRUE(accounts_->login({"alice", "battery staple 2", "x"}, "b"));
}

TEST_F(AccountsTest, OthersSeeOnlyThePublicProfile) {
  accounts_->register_user({"alice", "correct horse 1", std::nullopt});
  accounts_->register_user({"bob", "correct horse 1", std::nullopt});
  auto alice = login("alice", "correct horse 1");
  auto bob = login("bob", "correct horse 1");
  proto::ProfileUpdateRequest update;
  update.email = "alice@example.com";
  update.birthday = "1999-04-01";
  update.nickname = "爱丽丝";
  auto own = accounts_->update_profile(alice, update);
  ASSERT_TRUE(own);
  EXPECT_EQ(own->email, "alice@example.com");
  auto seen = accounts_->profile(bob, {std::nullopt, std::string("alice")});
  ASSERT_TRUE(seen);
  EXPECT_EQ(seen->nickname, "爱丽丝");
  EXPECT_FALSE(seen->email);
  EXPECT_FALSE(seen->birthday);
  EXPECT_EQ(accounts_->profile(bob, {std::int64_t{1}, std::nullopt}).error().code, Errc::not_found);
}

TEST_F(AccountsTest, ProfileUpdateValidatesEveryField) {
  accounts_->register_user({"alice", "correct horse 1", std::nullopt});
  auto alice = login("alice", "correct horse 1");
  auto field_of = [&](proto::ProfileUpdateRequest r) { return accounts_->update_profile(alice, r).error().field; };
  proto::ProfileUpdateRequest r;
  r.gender = "robot";
  EXPECT_EQ(field_of(r), "gender");
  r = {};
  r.birthday = "2999-01-01";
  EXPECT_EQ(field_of(r), "birthday");
  r = {};
  r.nickname = "";
  EXPECT_EQ(field_of(r), "nickname");
  r = {};
  r.email = "nope";
  EXPECT_EQ(field_of(r), "email");
  // Nothing changed by the refused updates.
  EXPECT_EQ(accounts_->profile(alice, {})->gender, "unspecified");
}

}  // namespace
}  // namespace parley::server
