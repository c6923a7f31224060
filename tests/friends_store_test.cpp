// The SQLite friends store on a temp file: requests, friendships, categories, blocks.
#include <filesystem>

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include "server/store/store.hpp"

namespace parley::store {
namespace {

class FriendsStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("parley-friends-store-" + std::to_string(::getpid()) + "-" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    open();
    alice_ = *store_->accounts().create_user({"alice", "h", "Alice", 1});
    bob_ = *store_->accounts().create_user({"bob", "h", "Bob", 1});
    carol_ = *store_->accounts().create_user({"carol", "h", "Carol", 1});
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  void open() {
    store_.reset();
    auto s = open_sqlite_store({(dir_ / "parley.db").string(), false});
    ASSERT_TRUE(s) << s.error().message;
    store_ = std::move(*s);
  }

  FriendsStore& friends() { return store_->friends(); }

  std::int64_t default_category(std::int64_t user) {
    auto categories = friends().categories(user, 1);
    EXPECT_TRUE(categories);
    for (const auto& c : *categories) {
      if (c.is_default) return c.id;
    }
    ADD_FAILURE() << "no default category";
    return 0;
  }

  // alice and bob become friends through a request bob accepts.
  void befriend(std::int64_t a, std::int64_t b) {
    auto sent = friends().send_request(a, b, "", false, 10);
    ASSERT_TRUE(sent) << sent.error().message;
    ASSERT_TRUE(friends().respond(sent->request.id, b, true, "", std::nullopt, 11));
  }

  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
  std::int64_t alice_ = 0, bob_ = 0, carol_ = 0;
};

TEST_F(FriendsStoreTest, TheDefaultCategoryIsCreatedOnceWhenFirstNeeded) {
  auto first = friends().categories(alice_, 5);
  ASSERT_TRUE(first) << first.error().message;
  ASSERT_EQ(first->size(), 1u);
  EXPECT_TRUE((*first)[0].is_default);
  EXPECT_EQ((*first)[0].name, kDefaultCategoryName);
  EXPECT_EQ((*first)[0].position, 0);
  auto again = friends().categories(alice_, 6);
  ASSERT_EQ(again->size(), 1u);
  EXPECT_EQ((*again)[0].id, (*first)[0].id);
}

TEST_F(FriendsStoreTest, ARequestIsPendingThenAcceptedIntoBothLists) {
  auto sent = friends().send_request(alice_, bob_, "hi", false, 10);
  ASSERT_TRUE(sent) << sent.error().message;
  EXPECT_EQ(sent->outcome, SentRequest::Outcome::created);
  EXPECT_EQ(sent->request.state, RequestState::pending);
  EXPECT_EQ(sent->request.note, "hi");

  auto incoming = friends().incoming_requests(bob_, 100);
  ASSERT_EQ(incoming->size(), 1u);
  EXPECT_EQ((*incoming)[0].request.id, sent->request.id);
  EXPECT_EQ((*incoming)[0].user.username, "alice");
  auto outgoing = friends().outgoing_requests(alice_, 0, 100);
  ASSERT_EQ(outgoing->size(), 1u);
  EXPECT_EQ((*outgoing)[0].user.username, "bob");

  auto decided = friends().respond(sent->request.id, bob_, true, "", std::nullopt, 20);
  ASSERT_TRUE(decided) << decided.error().message;
  EXPECT_EQ(decided->state, RequestState::accepted);
  EXPECT_EQ(decided->decided_at, 20);

  auto bobs = friends().friends(bob_);
  ASSERT_EQ(bobs->size(), 1u);
  EXPECT_EQ((*bobs)[0].user.id, alice_);
  EXPECT_EQ((*bobs)[0].category_id, default_category(bob_));
  EXPECT_EQ((*bobs)[0].since, 20);
  auto alices = friends().friends(alice_);
  ASSERT_EQ(alices->size(), 1u);
  EXPECT_EQ((*alices)[0].user.id, bob_);
  EXPECT_EQ((*alices)[0].category_id, default_category(alice_));
  EXPECT_TRUE(friends().relation(alice_, bob_)->friends);
  EXPECT_TRUE(friends().incoming_requests(bob_, 100)->empty());

  // Answered once only.
  auto twice = friends().respond(sent->request.id, bob_, false, "", std::nullopt, 21);
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().code, Errc::conflict);
  // Already friends.
  auto again = friends().send_request(alice_, bob_, "", false, 22);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, Errc::conflict);
}

TEST_F(FriendsStoreTest, OnlyTheRecipientMayAnswer) {
  auto sent = friends().send_request(alice_, bob_, "", false, 10);
  for (auto who : {alice_, carol_}) {
    auto r = friends().respond(sent->request.id, who, true, "", std::nullopt, 11);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::not_found);
  }
  auto missing = friends().respond(9999, bob_, true, "", std::nullopt, 11);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, Errc::not_found);
}

TEST_F(FriendsStoreTest, ARepeatUpdatesTheNoteOfTheSameRequest) {
  auto first = friends().send_request(alice_, bob_, "one", false, 10);
  auto second = friends().send_request(alice_, bob_, "two", false, 11);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->outcome, SentRequest::Outcome::repeated);
  EXPECT_EQ(second->request.id, first->request.id);
  EXPECT_EQ(second->old_note, "one");
  EXPECT_EQ(second->request.note, "two");
  EXPECT_EQ(second->request.created_at, 10);
  EXPECT_EQ(friends().incoming_requests(bob_, 100)->size(), 1u);
}

TEST_F(FriendsStoreTest, MutualRequestsAcceptEachOther) {
  auto theirs = friends().send_request(bob_, alice_, "", false, 10);
  auto mine = friends().send_request(alice_, bob_, "me too", false, 11);
  ASSERT_TRUE(mine) << mine.error().message;
  EXPECT_EQ(mine->outcome, SentRequest::Outcome::accepted);
  EXPECT_EQ(mine->matched_request_id, theirs->request.id);
  EXPECT_EQ(mine->request.state, RequestState::accepted);
  EXPECT_TRUE(friends().relation(alice_, bob_)->friends);
  EXPECT_TRUE(friends().relation(bob_, alice_)->friends);
  auto bobs_out = friends().outgoing_requests(bob_, 0, 100);
  ASSERT_EQ(bobs_out->size(), 1u);
  EXPECT_EQ((*bobs_out)[0].request.state, RequestState::accepted);
  EXPECT_TRUE(friends().incoming_requests(alice_, 100)->empty());
}

TEST_F(FriendsStoreTest, AHiddenRequestIsNeitherListedNorAnswerableNorMatched) {
  auto hidden = friends().send_request(alice_, bob_, "", true, 10);
  ASSERT_TRUE(hidden);
  EXPECT_TRUE(hidden->request.hidden);
  EXPECT_TRUE(friends().incoming_requests(bob_, 100)->empty());
  auto answer = friends().respond(hidden->request.id, bob_, true, "", std::nullopt, 11);
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().code, Errc::not_found);
  // The sender still sees it, pending.
  auto outgoing = friends().outgoing_requests(alice_, 0, 100);
  ASSERT_EQ(outgoing->size(), 1u);
  EXPECT_EQ((*outgoing)[0].request.state, RequestState::pending);
  // Bob's own request to alice is not answered by the hidden one.
  auto bobs = friends().send_request(bob_, alice_, "", false, 12);
  EXPECT_EQ(bobs->outcome, SentRequest::Outcome::created);
  // A repeat while still hidden stays hidden; one that is no longer blocked shows.
  auto still = friends().send_request(alice_, bob_, "x", true, 13);
  EXPECT_TRUE(still->request.hidden);
  EXPECT_TRUE(still->was_hidden);
}

TEST_F(FriendsStoreTest, ARepeatNoLongerBlockedBecomesVisible) {
  auto hidden = friends().send_request(alice_, bob_, "", true, 10);
  auto shown = friends().send_request(alice_, bob_, "", false, 11);
  EXPECT_EQ(shown->outcome, SentRequest::Outcome::repeated);
  EXPECT_TRUE(shown->was_hidden);
  EXPECT_FALSE(shown->request.hidden);
  EXPECT_EQ(friends().incoming_requests(bob_, 100)->size(), 1u);
}

TEST_F(FriendsStoreTest, RejectionKeepsTheReasonAndAllowsANewRequest) {
  auto sent = friends().send_request(alice_, bob_, "", false, 10);
  auto decided = friends().respond(sent->request.id, bob_, false, "who?", std::nullopt, 12);
  ASSERT_TRUE(decided);
  EXPECT_EQ(decided->state, RequestState::rejected);
  EXPECT_EQ(decided->reason, "who?");
  EXPECT_FALSE(friends().relation(alice_, bob_)->friends);
  auto again = friends().send_request(alice_, bob_, "", false, 13);
  EXPECT_EQ(again->outcome, SentRequest::Outcome::created);
  EXPECT_NE(again->request.id, sent->request.id);
}

TEST_F(FriendsStoreTest, AcceptingFilesTheFriendInTheChosenCategory) {
  auto category = friends().create_category(bob_, "work", 50, 5);
  ASSERT_TRUE(category && *category);
  auto sent = friends().send_request(alice_, bob_, "", false, 10);
  auto foreign = friends().create_category(carol_, "x", 50, 5);
  auto wrong = friends().respond(sent->request.id, bob_, true, "", **foreign, 11);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, Errc::not_found);
  EXPECT_EQ(wrong.error().message, std::string("no such category"));
  ASSERT_TRUE(friends().respond(sent->request.id, bob_, true, "", **category, 11));
  EXPECT_EQ(friends().friend_of(bob_, alice_)->category_id, **category);
  EXPECT_EQ(friends().friend_of(alice_, bob_)->category_id, default_category(alice_));
}

TEST_F(FriendsStoreTest, OutgoingHonoursTheWindowAndLimitNewestFirst) {
  friends().send_request(alice_, bob_, "", false, 10);
  friends().send_request(alice_, carol_, "", false, 20);
  auto all = friends().outgoing_requests(alice_, 0, 100);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].user.username, "carol");
  EXPECT_EQ(friends().outgoing_requests(alice_, 15, 100)->size(), 1u);
  EXPECT_EQ(friends().outgoing_requests(alice_, 0, 1)->size(), 1u);
}

TEST_F(FriendsStoreTest, DeletingAFriendshipRemovesBothSides) {
  befriend(alice_, bob_);
  ASSERT_TRUE(friends().delete_friendship(bob_, alice_));
  EXPECT_TRUE(friends().friends(alice_)->empty());
  EXPECT_TRUE(friends().friends(bob_)->empty());
  auto again = friends().delete_friendship(bob_, alice_);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, Errc::not_found);
}

TEST_F(FriendsStoreTest, RemarksAndMovesAreOneSided) {
  befriend(alice_, bob_);
  ASSERT_TRUE(friends().set_remark(alice_, bob_, "Bobby"));
  EXPECT_EQ(friends().friend_of(alice_, bob_)->remark, "Bobby");
  EXPECT_EQ(friends().friend_of(bob_, alice_)->remark, "");
  EXPECT_EQ(friends().set_remark(alice_, carol_, "x").error().code, Errc::not_found);

  auto work = **friends().create_category(alice_, "work", 50, 5);
  ASSERT_TRUE(friends().move_friend(alice_, bob_, work));
  EXPECT_EQ(friends().friend_of(alice_, bob_)->category_id, work);
  auto bobs_category = **friends().create_category(bob_, "b", 50, 5);
  auto foreign = friends().move_friend(alice_, bob_, bobs_category);
  ASSERT_FALSE(foreign);
  EXPECT_EQ(foreign.error().message, std::string("no such category"));
  auto stranger = friends().move_friend(alice_, carol_, work);
  ASSERT_FALSE(stranger);
  EXPECT_EQ(stranger.error().code, Errc::not_found);
  EXPECT_NE(stranger.error().message, std::string("no such category"));
}

TEST_F(FriendsStoreTest, CategoriesAreUniquePerUserAndLimited) {
  auto work = friends().create_category(alice_, "work", 3, 5);
  ASSERT_TRUE(work && *work);
  auto dup = friends().create_category(alice_, "work", 3, 5);
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, Errc::conflict);
  EXPECT_TRUE(friends().create_category(bob_, "work", 3, 5));  // another user's may share the name
  auto dflt = friends().create_category(alice_, kDefaultCategoryName, 3, 5);
  ASSERT_FALSE(dflt);
  EXPECT_EQ(dflt.error().code, Errc::conflict);
  ASSERT_TRUE(*friends().create_category(alice_, "school", 3, 5));
  auto full = friends().create_category(alice_, "one too many", 3, 5);
  ASSERT_TRUE(full);
  EXPECT_FALSE(*full);
  auto categories = friends().categories(alice_, 6);
  ASSERT_EQ(categories->size(), 3u);
  EXPECT_TRUE((*categories)[0].is_default);
  EXPECT_EQ((*categories)[1].name, "work");
  EXPECT_EQ((*categories)[2].name, "school");
}

TEST_F(FriendsStoreTest, RenameReorderAndDelete) {
  auto work = **friends().create_category(alice_, "work", 50, 5);
  auto school = **friends().create_category(alice_, "school", 50, 5);
  ASSERT_TRUE(friends().rename_category(alice_, work, "office"));
  EXPECT_EQ(friends().rename_category(alice_, work, "school").error().code, Errc::conflict);
  EXPECT_EQ(friends().rename_category(bob_, work, "mine").error().code, Errc::not_found);

  auto dflt = default_category(alice_);
  ASSERT_TRUE(friends().reorder_categories(alice_, {school, dflt, work}));
  auto categories = friends().categories(alice_, 6);
  EXPECT_EQ((*categories)[0].id, school);
  EXPECT_EQ((*categories)[1].id, dflt);
  EXPECT_EQ((*categories)[2].id, work);
  EXPECT_EQ((*categories)[2].name, "office");
  EXPECT_EQ(friends().reorder_categories(alice_, {school, work}).error().code, Errc::conflict);

  befriend(alice_, bob_);
  ASSERT_TRUE(friends().move_friend(alice_, bob_, work));
  ASSERT_TRUE(friends().delete_category(alice_, work, 7));
  EXPECT_EQ(friends().friend_of(alice_, bob_)->category_id, dflt);
  EXPECT_EQ(friends().categories(alice_, 8)->size(), 2u);
  EXPECT_EQ(friends().delete_category(alice_, dflt, 9).error().code, Errc::not_found);
  EXPECT_EQ(friends().delete_category(alice_, work, 9).error().code, Errc::not_found);
}

TEST_F(FriendsStoreTest, BlocksKeepFriendshipsAndWithdrawMyPendingRequest) {
  befriend(alice_, bob_);
  auto mine = friends().send_request(alice_, carol_, "", false, 10);
  ASSERT_TRUE(friends().block(alice_, carol_, 11));
  ASSERT_TRUE(friends().block(alice_, carol_, 12));  // again: no change
  ASSERT_TRUE(friends().block(alice_, bob_, 13));
  EXPECT_TRUE(*friends().is_blocked(alice_, carol_));
  EXPECT_FALSE(*friends().is_blocked(carol_, alice_));
  EXPECT_TRUE(friends().relation(alice_, bob_)->friends);
  EXPECT_TRUE(friends().incoming_requests(carol_, 100)->empty());
  EXPECT_EQ(friends().respond(mine->request.id, carol_, true, "", std::nullopt, 14).error().code, Errc::not_found);
  auto blocked = friends().blocked_users(alice_);
  ASSERT_EQ(blocked->size(), 2u);
  EXPECT_EQ((*blocked)[0].username, "bob");  // most recent first
  EXPECT_TRUE(*friends().unblock(alice_, carol_));
  EXPECT_FALSE(*friends().unblock(alice_, carol_));
  EXPECT_EQ(friends().blocked_users(alice_)->size(), 1u);
}

TEST_F(FriendsStoreTest, IncomingHidesRequestsFromUsersIBlocked) {
  friends().send_request(carol_, alice_, "", false, 10);
  ASSERT_TRUE(friends().block(alice_, carol_, 11));
  EXPECT_TRUE(friends().incoming_requests(alice_, 100)->empty());
  ASSERT_TRUE(friends().unblock(alice_, carol_));
  EXPECT_EQ(friends().incoming_requests(alice_, 100)->size(), 1u);
}

TEST_F(FriendsStoreTest, PrivacyAndRelation) {
  EXPECT_TRUE(*friends().allow_strangers(alice_));
  ASSERT_TRUE(friends().set_allow_strangers(alice_, false));
  EXPECT_FALSE(*friends().allow_strangers(alice_));
  auto r = friends().relation(bob_, alice_);
  EXPECT_TRUE(r->to_exists);
  EXPECT_FALSE(r->friends);
  EXPECT_FALSE(r->blocked);
  EXPECT_FALSE(r->to_allows_strangers);
  ASSERT_TRUE(friends().block(alice_, bob_, 5));
  EXPECT_TRUE(friends().relation(bob_, alice_)->blocked);
  EXPECT_FALSE(friends().relation(alice_, bob_)->blocked);
  EXPECT_FALSE(friends().relation(alice_, 99999)->to_exists);
}

TEST_F(FriendsStoreTest, EverythingSurvivesReopening) {
  befriend(alice_, bob_);
  ASSERT_TRUE(friends().set_remark(alice_, bob_, "B"));
  ASSERT_TRUE(friends().block(alice_, carol_, 5));
  ASSERT_TRUE(friends().set_allow_strangers(bob_, false));
  open();
  EXPECT_EQ(friends().friend_of(alice_, bob_)->remark, "B");
  EXPECT_TRUE(*friends().is_blocked(alice_, carol_));
  EXPECT_FALSE(*friends().allow_strangers(bob_));
}

TEST_F(FriendsStoreTest, UnknownUsersAreRefusedByForeignKeys) {
  auto r = friends().send_request(alice_, 99999, "", false, 10);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::conflict);
  EXPECT_FALSE(friends().block(alice_, 99999, 10));
}

TEST_F(FriendsStoreTest, EveryQueryUsesAnIndex) {
  store_.reset();
  SQLite::Database db((dir_ / "parley.db").string());
  // The statements of the hot paths, with the tables they must not scan.
  const char* queries[] = {
      "SELECT 1 FROM friend_requests r WHERE r.to_id = 1 AND r.status = 'pending' AND r.hidden = 0 "
      "ORDER BY r.created_at DESC",
      "SELECT 1 FROM friend_requests r WHERE r.from_id = 1 AND r.created_at >= 0 ORDER BY r.created_at DESC",
      "SELECT 1 FROM friend_requests r WHERE r.from_id = 1 AND r.to_id = 2 AND r.status = 'pending'",
      "SELECT 1 FROM friendships f WHERE f.user_id = 1",
      "SELECT 1 FROM friendships WHERE friend_id = 1",
      "SELECT 1 FROM friendships WHERE category_id = 1 AND user_id = 2",
      "SELECT 1 FROM friend_categories WHERE user_id = 1 ORDER BY position",
      "SELECT 1 FROM blocks WHERE user_id = 1 AND blocked_id = 2",
      "SELECT 1 FROM blocks WHERE blocked_id = 1",
      "SELECT 1 FROM privacy WHERE user_id = 1",
  };
  for (const char* sql : queries) {
    SQLite::Statement plan(db, std::string("EXPLAIN QUERY PLAN ") + sql);
    while (plan.executeStep()) {
      std::string detail = plan.getColumn(3).getString();
      EXPECT_EQ(detail.rfind("SCAN", 0), std::string::npos) << sql << ": " << detail;
    }
  }
}

}  // namespace
}  // namespace parley::store
