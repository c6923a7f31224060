#include <filesystem>

#include <gtest/gtest.h>

#include "server/store/store.hpp"

namespace parley::store {
namespace {

class AccountsStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("parley-store-" + std::to_string(::getpid()) + "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    store_ = open();
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::unique_ptr<Store> open() {
    auto s = open_sqlite_store({(dir_ / "parley.db").string(), false});
    EXPECT_TRUE(s) << s.error().message;
    return std::move(*s);
  }
  Token token(std::string hash, std::int64_t user, std::string device, std::int64_t expires = 100) {
    return Token{std::move(hash), user, std::move(device), 1, expires};
  }

  AccountsStore& accounts() { return store_->accounts(); }

  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(AccountsStoreTest, UserIdsStartAt10001AndNamesAreUnique) {
  auto a = accounts().create_user({"alice", "h", "Alice", 5});
  ASSERT_TRUE(a);
  EXPECT_EQ(*a, 10001);
  auto b = accounts().create_user({"bob", "h", "Bob", 5});
  EXPECT_EQ(*b, 10002);
  auto again = accounts().create_user({"alice", "h2", "Other", 6});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, Errc::conflict);
  EXPECT_EQ(*accounts().count_users(), 2);
}

TEST_F(AccountsStoreTest, ProfileChangesTouchOnlyGivenFields) {
  auto id = *accounts().create_user({"alice", "h", "Alice", 5});
  ProfileChanges changes;
  changes.signature = "你好";
  changes.email = "a@b.c";
  ASSERT_TRUE(accounts().update_profile(id, changes, 9));
  auto u = accounts().user_by_id(id);
  ASSERT_TRUE(u);
  EXPECT_EQ(u->nickname, "Alice");
  EXPECT_EQ(u->signature, "你好");
  EXPECT_EQ(u->email, "a@b.c");
  EXPECT_EQ(u->updated_at, 9);
  EXPECT_EQ(accounts().update_profile(99999, changes, 9).error().code, Errc::not_found);
  EXPECT_EQ(accounts().user_by_name("nobody").error().code, Errc::not_found);
}

TEST_F(AccountsStoreTest, SearchByUsernamePrefixAndNickname) {
  accounts().create_user({"bob", "h", "Bob", 1});
  accounts().create_user({"bobby", "h", "Robert", 1});
  accounts().create_user({"carol", "h", "小鲍勃", 1});
  accounts().create_user({"dave", "h", "Dave", 1});
  auto found = accounts().search_users("bob", 10);
  ASSERT_TRUE(found);
  ASSERT_EQ(found->size(), 2u);
  EXPECT_EQ((*found)[0].username, "bob");
  auto cjk = accounts().search_users("鲍勃", 10);
  ASSERT_EQ(cjk->size(), 1u);
  EXPECT_EQ((*cjk)[0].username, "carol");
  auto percent = accounts().search_users("%", 10);
  EXPECT_TRUE(percent->empty());
  EXPECT_EQ(accounts().search_users("b", 1)->size(), 1u);
}

TEST_F(AccountsStoreTest, NicknameSearchFollowsNicknameChanges) {
  auto id = *accounts().create_user({"erin", "h", "Old_Name", 1});
  accounts().create_user({"frank", "h", "OldXName", 1});
  EXPECT_EQ(accounts().search_users("d_n", 10)->size(), 1u);  // '_' is literal, not a wildcard
  ProfileChanges changes;
  changes.nickname = "新的名字";
  ASSERT_TRUE(accounts().update_profile(id, changes, 2));
  EXPECT_EQ(accounts().search_users("old_name", 10)->size(), 0u);
  auto found = accounts().search_users("的名字", 10);
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0].username, "erin");
  EXPECT_EQ(accounts().search_users("oldxname", 10)->size(), 1u);  // case-insensitive
}

TEST_F(AccountsStoreTest, IssuingATokenReplacesTheDevicesOlderToken) {
  auto id = *accounts().create_user({"alice", "h", "Alice", 5});
  ASSERT_TRUE(accounts().issue_token(token("t1", id, "phone")));
  ASSERT_TRUE(accounts().issue_token(token("t2", id, "laptop")));
  ASSERT_TRUE(accounts().issue_token(token("t3", id, "phone")));
  EXPECT_EQ(accounts().token("t1").error().code, Errc::not_found);
  EXPECT_TRUE(accounts().token("t2"));
  EXPECT_EQ(accounts().token("t3")->device, "phone");
  ASSERT_TRUE(accounts().revoke_token("t2"));
  EXPECT_FALSE(accounts().token("t2"));
}

TEST_F(AccountsStoreTest, ChangePasswordRevokesEveryTokenAndIssuesOne) {
  auto id = *accounts().create_user({"alice", "old", "Alice", 5});
  accounts().issue_token(token("a", id, "phone"));
  accounts().issue_token(token("b", id, "laptop"));
  ASSERT_TRUE(accounts().change_password(id, "new", token("c", id, "phone"), 7));
  EXPECT_FALSE(accounts().token("a"));
  EXPECT_FALSE(accounts().token("b"));
  EXPECT_TRUE(accounts().token("c"));
  EXPECT_EQ(accounts().user_by_id(id)->password_hash, "new");
}

TEST_F(AccountsStoreTest, ExpiredTokensAreDeleted) {
  auto id = *accounts().create_user({"alice", "h", "Alice", 5});
  accounts().issue_token(token("old", id, "a", 10));
  accounts().issue_token(token("new", id, "b", 1000));
  EXPECT_EQ(*accounts().delete_expired_tokens(500), 1);
  EXPECT_FALSE(accounts().token("old"));
  EXPECT_TRUE(accounts().token("new"));
}

TEST_F(AccountsStoreTest, DataSurvivesReopening) {
  auto id = *accounts().create_user({"alice", "h", "Alice", 5});
  accounts().issue_token(token("t", id, "phone"));
  ASSERT_TRUE(store_->checkpoint());
  store_.reset();
  store_ = open();
  EXPECT_EQ(accounts().user_by_name("alice")->id, id);
  EXPECT_TRUE(accounts().token("t"));
  // A reopened store keeps counting from where it was.
  EXPECT_EQ(*accounts().create_user({"bob", "h", "Bob", 5}), id + 1);
}

TEST_F(AccountsStoreTest, TokenHashesMayHoldAnyBytes) {
  auto id = *accounts().create_user({"alice", "h", "Alice", 5});
  std::string hash("\0\xff\x01", 3);
  ASSERT_TRUE(accounts().issue_token(token(hash, id, "phone")));
  EXPECT_EQ(accounts().token(hash)->hash, hash);
}

}  // namespace
}  // namespace parley::store
