// The SQLite groups store: each change with its log entry, limits, requests, dissolving.
#include <filesystem>

#include <gtest/gtest.h>

#include "server/store/store.hpp"

namespace parley::store {
namespace {

class GroupsStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("parley-groups-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    store_ = std::move(*open_sqlite_store({(dir_ / "db").string(), false}));
    for (const char* name : {"alice", "bob", "carol"}) store_->accounts().create_user({name, "h", name, 1});
    GroupRow g;
    g.name = "hikers";
    g.join_policy = "open";
    g.invite_policy = "direct";
    g.member_limit = 2;
    g.owner_id = alice_;
    g.created_at = 100;
    auto created = groups().create(g, notice(0, alice_, "created"));
    ASSERT_TRUE(created) << created.error().message;
    group_ = created->first.id;
    EXPECT_EQ(created->second.message.conversation_id, group_);
    EXPECT_EQ(created->second.message.seq, 1);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  GroupsStore& groups() { return store_->groups(); }

  NewMessage notice(std::int64_t group, std::int64_t by, const std::string& event) {
    return {group, by, "system:" + std::to_string(++notices_), "system", "{\"event\":\"" + event + "\"}", 200};
  }

  const std::int64_t alice_ = 10001, bob_ = 10002, carol_ = 10003;
  std::int64_t group_ = 0;
  int notices_ = 0;
  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(GroupsStoreTest, TheCreatorOwnsTheGroupAndTheLogStartsWithItsEntry) {
  auto roster = store_->chat().roster(group_);
  ASSERT_TRUE(roster);
  EXPECT_EQ(roster->kind, "group");
  ASSERT_EQ(roster->members.size(), 1u);
  EXPECT_EQ(roster->members[0].role, "owner");
  EXPECT_EQ(roster->user_ids, std::vector<std::int64_t>{alice_});
  auto log = store_->chat().messages_after(group_, 0, 10);
  ASSERT_EQ(log->size(), 1u);
  EXPECT_EQ((*log)[0].kind, "system");
  EXPECT_EQ(*groups().owned_count(alice_), 1);
}

TEST_F(GroupsStoreTest, ANewMemberReadsFromTheEntryOfTheirJoiningOn) {
  bool committed = false;
  auto joined = groups().add_member(group_, bob_, notice(group_, bob_, "joined"), [&](const Appended& entry) { committed = entry.message.seq == 2; });
  ASSERT_TRUE(joined) << joined.error().message;
  EXPECT_TRUE(committed);
  EXPECT_EQ(joined->message.seq, 2);
  auto bob = *groups().member(group_, bob_);
  ASSERT_TRUE(bob);
  EXPECT_EQ(bob->visible_from, 2);
  EXPECT_EQ(bob->role, "member");
}

TEST_F(GroupsStoreTest, AFullGroupAndARepeatedJoinAreRefusedAndLeaveNoEntry) {
  ASSERT_TRUE(groups().add_member(group_, bob_, notice(group_, bob_, "joined"), {}));
  auto again = groups().add_member(group_, bob_, notice(group_, bob_, "joined"), {});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, Errc::conflict);
  auto full = groups().add_member(group_, carol_, notice(group_, carol_, "joined"), {});
  ASSERT_FALSE(full);
  EXPECT_EQ(full.error().code, Errc::conflict);
  EXPECT_EQ(store_->chat().messages_after(group_, 0, 10)->size(), 2u);
  auto limit = groups().change_group(group_, {.member_limit = 1}, notice(group_, alice_, "updated"), {});
  ASSERT_FALSE(limit);
  EXPECT_EQ(limit.error().code, Errc::conflict);
}

TEST_F(GroupsStoreTest, ARequestIsDecidedOnce) {
  auto request = groups().add_request({0, group_, bob_, 0, "hi", "", "", 150, 0});
  ASSERT_TRUE(request);
  EXPECT_EQ(groups().add_request({0, group_, bob_, 0, "again", "", "", 160, 0})->id, request->id);
  EXPECT_EQ(groups().pending_for(alice_)->size(), 1u);
  EXPECT_TRUE(groups().pending_for(bob_)->empty());
  auto accepted = groups().decide(request->id, true, "", 170, notice(group_, alice_, "joined"), {});
  ASSERT_TRUE(accepted) << accepted.error().message;
  ASSERT_TRUE(*accepted);
  EXPECT_TRUE(*groups().member(group_, bob_));
  auto twice = groups().decide(request->id, false, "", 180, notice(group_, alice_, "joined"), {});
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().code, Errc::conflict);
  EXPECT_EQ(groups().request(request->id)->status, "accepted");
  EXPECT_EQ(groups().requests_of(bob_, 0)->size(), 1u);
}

TEST_F(GroupsStoreTest, TransferSwapsTheRolesAndDissolvingRemovesEveryone) {
  ASSERT_TRUE(groups().add_member(group_, bob_, notice(group_, bob_, "joined"), {}));
  ASSERT_TRUE(groups().transfer(group_, bob_, notice(group_, alice_, "owner"), {}));
  EXPECT_EQ((*groups().member(group_, alice_))->role, "member");
  EXPECT_EQ((*groups().member(group_, bob_))->role, "owner");
  EXPECT_EQ(groups().group(group_)->owner_id, bob_);
  auto gone = groups().dissolve(group_, notice(group_, bob_, "dissolved"), {});
  ASSERT_TRUE(gone);
  EXPECT_EQ(gone->message.seq, 4);
  EXPECT_NE(groups().group(group_)->dissolved_at, 0);
  EXPECT_FALSE(*groups().member(group_, bob_));
  auto roster = store_->chat().roster(group_);
  ASSERT_FALSE(roster);
  EXPECT_EQ(roster.error().code, Errc::not_found);
  EXPECT_TRUE(groups().search(group_, {}, 10)->empty());
}

TEST_F(GroupsStoreTest, SearchFindsByNumberOrByEveryWordOfTheName) {
  EXPECT_EQ(groups().search(group_, {}, 10)->size(), 1u);
  EXPECT_EQ(groups().search(std::nullopt, {"HIK"}, 10)->size(), 1u);
  EXPECT_TRUE(groups().search(std::nullopt, {"hik", "nope"}, 10)->empty());
  EXPECT_TRUE(groups().search(std::nullopt, {"%"}, 10)->empty());
}

TEST_F(GroupsStoreTest, AMuteOutlivesLeavingAndJoiningAgain) {
  ASSERT_TRUE(groups().add_member(group_, bob_, notice(group_, bob_, "joined"), {}));
  ASSERT_TRUE(groups().change_member(group_, bob_, {.muted_until = 5000}, notice(group_, alice_, "muted"), {}));
  ASSERT_TRUE(groups().remove_member(group_, bob_, notice(group_, bob_, "left"), {}));
  ASSERT_TRUE(groups().add_member(group_, bob_, notice(group_, bob_, "joined"), {}));
  EXPECT_EQ((*groups().member(group_, bob_))->muted_until, 5000);
  // Kept only while away: once back, leaving after the mute ended keeps nothing.
  ASSERT_TRUE(groups().change_member(group_, bob_, {.muted_until = 150}, notice(group_, alice_, "muted"), {}));
  ASSERT_TRUE(groups().remove_member(group_, bob_, notice(group_, bob_, "left"), {}));
  ASSERT_TRUE(groups().add_member(group_, bob_, notice(group_, bob_, "joined"), {}));
  EXPECT_EQ((*groups().member(group_, bob_))->muted_until, 0);
}

TEST_F(GroupsStoreTest, AFailedChangeLeavesNoEntry) {
  auto kicked = groups().remove_member(group_, carol_, notice(group_, alice_, "removed"), {});
  ASSERT_FALSE(kicked);
  EXPECT_EQ(kicked.error().code, Errc::not_found);
  EXPECT_EQ(store_->chat().messages_after(group_, 0, 10)->size(), 1u);
}

}  // namespace
}  // namespace parley::store
