// The SQLite chat store: logs, cursors, recall and search, on a temp database.
#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <thread>

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include "server/services/chat_text.hpp"
#include "server/services/message_writer.hpp"
#include "server/services/search_indexer.hpp"
#include "server/store/sqlite_chat_store.hpp"
#include "server/store/sqlite_database.hpp"
#include "server/store/sqlite_search_index.hpp"
#include "server/store/store.hpp"

namespace parley::store {
namespace {

class ChatStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("parley-chat-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    store_ = std::move(*open_sqlite_store({(dir_ / "db").string(), false}));
    for (const char* name : {"alice", "bob", "carol"}) store_->accounts().create_user({name, "h", name, 1});
    conversation_ = *chat().direct_conversation(alice_, bob_, 5);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  ChatStore& chat() { return store_->chat(); }

  NewMessage text(std::int64_t sender, const std::string& client_id, const std::string& words, std::int64_t at = 10) {
    return NewMessage{conversation_, sender, client_id, "text", "{\"text\":\"" + words + "\"}", at};
  }
  Appended send(std::int64_t sender, const std::string& client_id, const std::string& words, std::int64_t at = 10) {
    NewMessage m = text(sender, client_id, words, at);
    auto r = chat().append({&m, 1});
    EXPECT_TRUE(r) << r.error().message;
    return (*r)[0];
  }

  // Indexes the whole log, as a server does when it starts.
  void index_all() {
    server::SearchIndexer indexer(store_->search_index());
    ASSERT_TRUE(indexer.wait_indexed(std::chrono::seconds(10)));
  }
  // How many entries of the search index hold `phrase`, looked up in its file directly.
  int indexed(const std::string& phrase) {
    SQLite::Database db((dir_ / "db-search").string(), SQLite::OPEN_READONLY);
    SQLite::Statement q(db, "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH ?");
    q.bind(1, server::match_query(phrase));
    q.executeStep();
    return q.getColumn(0).getInt();
  }

  const std::int64_t alice_ = 10001, bob_ = 10002, carol_ = 10003;
  std::int64_t conversation_ = 0;
  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(ChatStoreTest, ADirectConversationIsCreatedOnceForBothOrders) {
  EXPECT_EQ(*chat().direct_conversation(bob_, alice_, 6), conversation_);
  EXPECT_NE(*chat().direct_conversation(alice_, carol_, 6), conversation_);
  auto roster = *chat().roster(conversation_);
  EXPECT_EQ(roster.kind, "direct");
  EXPECT_EQ(roster.user_ids, (std::vector<std::int64_t>{alice_, bob_}));
  EXPECT_EQ(chat().roster(999).error().code, Errc::not_found);
}

TEST_F(ChatStoreTest, AppendsGetConsecutiveSeqsAndRepeatsAreStoredOnce) {
  std::vector<NewMessage> batch = {text(alice_, "a1", "one"), text(bob_, "b1", "two"), text(alice_, "a1", "again")};
  auto r = chat().append(batch);
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)[0].message.seq, 1);
  EXPECT_EQ((*r)[1].message.seq, 2);
  EXPECT_TRUE((*r)[2].duplicate);
  EXPECT_EQ((*r)[2].message.seq, 1);
  EXPECT_EQ(send(alice_, "a2", "three").message.seq, 3);
  auto all = *chat().messages_after(conversation_, 0, 100);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[2].body, "{\"text\":\"three\"}");
}

TEST_F(ChatStoreTest, ARepeatIsFoundBeforeAndAfterTheIndexFileHoldsItAndAfterAReopen) {
  EXPECT_FALSE(send(alice_, "a1", "one").duplicate);
  EXPECT_TRUE(send(alice_, "a1", "one").duplicate);  // found in memory: not indexed yet
  index_all();
  auto again = send(alice_, "a1", "one");  // found in the index file's lookup
  EXPECT_TRUE(again.duplicate);
  EXPECT_EQ(again.message.seq, 1);
  EXPECT_FALSE(send(bob_, "a1", "same id, other sender").duplicate);
  // Reopened before the index caught up (as after a crash): the lookups are brought up
  // to the end of the log before anything is appended.
  store_.reset();
  store_ = std::move(*open_sqlite_store({(dir_ / "db").string(), false}));
  EXPECT_TRUE(send(bob_, "a1", "again").duplicate);
  EXPECT_TRUE(send(alice_, "a1", "again").duplicate);
  EXPECT_EQ(chat().messages_after(conversation_, 0, 100)->size(), 2u);
}

TEST_F(ChatStoreTest, ARepeatIsFoundAfterTheIndexFileIsLost) {
  send(alice_, "a1", "one");
  index_all();
  send(alice_, "a2", "two");
  store_.reset();
  std::filesystem::remove(dir_ / "db-search");
  std::filesystem::remove(dir_ / "db-search-wal");
  std::filesystem::remove(dir_ / "db-search-shm");
  store_ = std::move(*open_sqlite_store({(dir_ / "db").string(), false}));
  EXPECT_TRUE(send(alice_, "a1", "one").duplicate);
  EXPECT_TRUE(send(alice_, "a2", "two").duplicate);
  index_all();
  EXPECT_EQ(indexed("one"), 1);
  EXPECT_EQ(chat().search({bob_, "", {}, 0, 100, 10})->size(), 2u);  // by time, from the rebuilt lookup
}

TEST(ChatStoreLimits, ClientIdsNotYetIndexedStayBoundedAndRepeatsAreStillFound) {
  auto dir = std::filesystem::temp_directory_path() / ("parley-recent-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  SqliteOptions options{(dir / "db").string(), false};
  options.max_unindexed_client_ids = 10;  // no indexer runs here: the writer catches up itself
  auto store = std::move(*open_sqlite_store(options));
  store->accounts().create_user({"alice", "h", "a", 1});
  store->accounts().create_user({"bob", "h", "b", 1});
  auto conversation = *store->chat().direct_conversation(10001, 10002, 1);
  auto send = [&](const std::string& client_id) {
    NewMessage m{conversation, 10001, client_id, "text", "{\"text\":\"hi\"}", 1};
    auto r = store->chat().append({&m, 1});
    EXPECT_TRUE(r) << r.error().message;
    return r ? (*r)[0] : Appended{};
  };
  for (int i = 1; i <= 25; ++i) EXPECT_FALSE(send("m" + std::to_string(i)).duplicate);
  for (int i = 1; i <= 25; ++i) EXPECT_TRUE(send("m" + std::to_string(i)).duplicate) << i;
  EXPECT_EQ(store->chat().messages_after(conversation, 0, 100)->size(), 25u);
  {
    SQLite::Database db((dir / "db-search").string(), SQLite::OPEN_READONLY);
    EXPECT_GE(db.execAndGet("SELECT count(*) FROM message_client_ids").getInt(), 15);
  }
  store.reset();
  std::filesystem::remove_all(dir);
}

// A data dir from before the lookup by seq left the log (chat migration 4, search 3):
// the log is rebuilt without its (conversation_id, seq) index, the lookups are brought up
// to date again from its start, and reads and sends go on where they were.
TEST(ChatStoreUpgrade, AnOlderLogIsRebuiltAndItsLookupsCaughtUp) {
  auto dir = std::filesystem::temp_directory_path() / ("parley-upgrade-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "db").string();
  {
    SqliteDatabase log({path, false});
    log.migrate("chat", SqliteChatStore::migrations().first(3));
    ASSERT_TRUE(log.with([](SQLite::Database& db) -> Result<void> {
      db.exec("INSERT INTO conversations(id, kind, direct_key, last_seq, created_at) VALUES (7, 'direct', '1:2', 3, 1)");
      db.exec("INSERT INTO messages(conversation_id, seq, sender_id, client_id, kind, body, created_at) VALUES "
              "(7, 1, 1, 'a', 'text', '{\"text\":\"one\"}', 1), (7, 2, 2, 'b', 'text', '{\"text\":\"two\"}', 2), "
              "(7, 3, 1, 'c', 'text', '{\"text\":\"three\"}', 3)");
      return {};
    }));
    // The index file as that version left it: its lookups caught up to the last message.
    SqliteDatabase index({path + "-search", false});
    index.migrate("search", SqliteSearchIndex::migrations().first(2));
    ASSERT_TRUE(index.with([](SQLite::Database& db) -> Result<void> {
      db.exec("UPDATE index_state SET up_to = 3, lookups_up_to = 3");
      return {};
    }));
  }
  auto opened = open_sqlite_store({path, false});
  ASSERT_TRUE(opened) << opened.error().message;
  auto store = std::move(*opened);
  auto page = *store->chat().messages_after(7, 0, 10);
  ASSERT_EQ(page.size(), 3u);
  EXPECT_EQ(page[1].seq, 2);
  EXPECT_EQ(page[1].body, "{\"text\":\"two\"}");
  NewMessage next{7, 1, "d", "text", "{\"text\":\"four\"}", 4};
  auto appended = store->chat().append({&next, 1});
  ASSERT_TRUE(appended);
  EXPECT_EQ((*appended)[0].message.seq, 4);
  NewMessage again{7, 1, "a", "text", "{\"text\":\"one\"}", 5};
  EXPECT_TRUE((*store->chat().append({&again, 1}))[0].duplicate);
  {
    SQLite::Database db(path, SQLite::OPEN_READONLY);
    EXPECT_EQ(db.execAndGet("SELECT count(*) FROM pragma_index_list('messages')").getInt(), 0);
  }
  store.reset();
  std::filesystem::remove_all(dir);
}

// The salt a WAL's header changes each time SQLite starts the log over.
std::uint32_t wal_salt(const std::filesystem::path& wal) {
  std::ifstream in(wal, std::ios::binary);
  unsigned char header[20] = {};
  in.read(reinterpret_cast<char*>(header), sizeof header);
  return (std::uint32_t{header[16]} << 24) | (std::uint32_t{header[17]} << 16) | (std::uint32_t{header[18]} << 8) |
         header[19];
}

// SQLite's memory statistics take one mutex for the whole process in every allocation:
// a thread descheduled while holding it (the indexer, at idle priority) would stall
// the writer. The store turns them off before SQLite starts; SQLite then counts nothing.
TEST_F(ChatStoreTest, SqliteKeepsNoMemoryStatistics) {
  for (int i = 0; i < 100; ++i) send(alice_, "m" + std::to_string(i), "words");
  index_all();
  EXPECT_EQ(sqlite3_memory_used(), 0);
}

TEST(ChatStoreLimits, TheWriteAheadLogStartsOverUnderSteadyWrites) {
  auto dir = std::filesystem::temp_directory_path() / ("parley-wal-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  SqliteOptions options{(dir / "db").string(), false};
  options.wal_restart_bytes = 1 << 20;
  auto store = std::move(*open_sqlite_store(options));
  store->accounts().create_user({"alice", "h", "a", 1});
  store->accounts().create_user({"bob", "h", "b", 1});
  auto conversation = *store->chat().direct_conversation(10001, 10002, 1);
  const std::string body = "{\"text\":\"" + std::string(1000, 'x') + "\"}";
  const auto wal = dir / "db-wal";
  NewMessage first{conversation, 10001, "m0", "text", body, 1};
  ASSERT_TRUE(store->chat().append({&first, 1}));
  const std::uint32_t first_salt = wal_salt(wal);
  std::set<std::uint32_t> salts{first_salt};
  int n = 0;
  // Writes without a pause, so a checkpoint on another connection never sees the log's end.
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(6);
  while (salts.size() < 3 && std::chrono::steady_clock::now() < until) {
    std::vector<NewMessage> batch;
    for (int i = 0; i < 20; ++i) batch.push_back({conversation, 10001, "m" + std::to_string(++n), "text", body, 1});
    ASSERT_TRUE(store->chat().append(batch));
    salts.insert(wal_salt(wal));
  }
  EXPECT_GE(salts.size(), 3u) << "the log was started over " << salts.size() - 1 << " times in " << n << " messages";
  store.reset();
  std::filesystem::remove_all(dir);
}

TEST_F(ChatStoreTest, PagesForwardAndBackward) {
  for (int i = 1; i <= 10; ++i) send(alice_, "m" + std::to_string(i), "n" + std::to_string(i));
  auto after = *chat().messages_after(conversation_, 7, 100);
  ASSERT_EQ(after.size(), 3u);
  EXPECT_EQ(after.front().seq, 8);
  auto before = *chat().messages_before(conversation_, 6, 3);
  ASSERT_EQ(before.size(), 3u);
  EXPECT_EQ(before.front().seq, 3);
  EXPECT_EQ(before.back().seq, 5);
}

// Where a conversation's messages are by seq is kept in the index file up to the last id
// its lookups hold; newer ones are found in the log's tail. Reads must join the two.
TEST_F(ChatStoreTest, ReadsJoinTheIndexedLookupsAndTheLogsTail) {
  for (int i = 1; i <= 10; ++i) send(alice_, "a" + std::to_string(i), "old " + std::to_string(i));
  index_all();
  {
    SQLite::Database db((dir_ / "db-search").string(), SQLite::OPEN_READONLY);
    ASSERT_EQ(db.execAndGet("SELECT count(*) FROM message_seqs").getInt(), 10);
  }
  for (int i = 11; i <= 20; ++i) send(alice_, "a" + std::to_string(i), "new " + std::to_string(i));
  auto seqs = [](const std::vector<Message>& page) {
    std::vector<std::int64_t> out;
    for (const auto& m : page) out.push_back(m.seq);
    return out;
  };
  auto range = [](std::int64_t from, std::int64_t to) {
    std::vector<std::int64_t> out;
    for (auto i = from; i <= to; ++i) out.push_back(i);
    return out;
  };
  EXPECT_EQ(seqs(*chat().messages_after(conversation_, 0, 100)), range(1, 20));
  EXPECT_EQ(seqs(*chat().messages_after(conversation_, 5, 10)), range(6, 15));
  EXPECT_EQ(seqs(*chat().messages_after(conversation_, 12, 3)), range(13, 15));
  EXPECT_EQ(seqs(*chat().messages_before(conversation_, 21, 5)), range(16, 20));
  EXPECT_EQ(seqs(*chat().messages_before(conversation_, 13, 5)), range(8, 12));
  EXPECT_EQ(seqs(*chat().messages_before(conversation_, 4, 5)), range(1, 3));
  EXPECT_EQ(chat().message(conversation_, 3)->body, "{\"text\":\"old 3\"}");
  EXPECT_EQ(chat().message(conversation_, 15)->body, "{\"text\":\"new 15\"}");
  EXPECT_EQ(chat().message(conversation_, 21).error().code, Errc::not_found);
  auto rows = *chat().conversations_of(bob_);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].unread, 20);
  EXPECT_EQ(rows[0].last_message->seq, 20);
  // Recall one message on each side of the boundary.
  NewMessage notice = text(alice_, "r1", "", 11);
  notice.kind = "recall";
  ASSERT_TRUE(chat().recall(conversation_, 4, notice, ""));
  notice.client_id = "r2";
  ASSERT_TRUE(chat().recall(conversation_, 14, notice, ""));
  EXPECT_TRUE(chat().message(conversation_, 4)->recalled);
  EXPECT_TRUE(chat().message(conversation_, 14)->recalled);
  EXPECT_EQ(chat().recall(conversation_, 14, notice, "").error().code, Errc::not_found);  // once
  rows = *chat().conversations_of(bob_);
  EXPECT_EQ(rows[0].unread, 18);  // recalled ones and recall notices are not unread
  EXPECT_EQ(rows[0].last_message->seq, 22);
  ASSERT_TRUE(chat().mark_read(conversation_, bob_, 12));
  EXPECT_EQ((*chat().conversations_of(bob_))[0].unread, 7);  // 13..20 but 14
}

// Sync while the indexer moves the boundary between lookup and tail under it: every page
// goes on from where the last one ended, with no gap and no repeat.
TEST_F(ChatStoreTest, SyncSeesNoGapWhileTheIndexerCatchesUp) {
  constexpr int kMessages = 3000;
  // Small pages, no gathering: the lookups move many times while the reader pages.
  server::SearchIndexer indexer(store_->search_index(), {.page = 100, .gather = std::chrono::milliseconds(1)});
  std::thread writer([&] {
    for (int i = 1; i <= kMessages; i += 10) {
      std::vector<NewMessage> batch;
      for (int j = i; j < i + 10; ++j) batch.push_back(text(alice_, "c" + std::to_string(j), "m"));
      auto appended = chat().append(batch);
      ASSERT_TRUE(appended);
      indexer.logged(appended->back().message.id);
    }
  });
  std::int64_t last = 0;
  int pages = 0;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (last < kMessages && std::chrono::steady_clock::now() < until) {
    auto page = chat().messages_after(conversation_, last, 7);
    ASSERT_TRUE(page);
    for (const auto& m : *page) {
      ASSERT_EQ(m.seq, last + 1) << "after page " << pages;
      last = m.seq;
    }
    ++pages;
  }
  writer.join();
  EXPECT_EQ(last, kMessages);
  ASSERT_TRUE(indexer.wait_indexed(std::chrono::seconds(10)));
  EXPECT_EQ(chat().messages_after(conversation_, 0, kMessages + 1)->size(), static_cast<std::size_t>(kMessages));
}

// A page is read from the log a chunk at a time; every chunk reaches the index and the
// lookups, once.
TEST_F(ChatStoreTest, APageLongerThanAReadChunkIsIndexedWhole) {
  constexpr int kMessages = 2'500;
  for (int i = 0; i < kMessages; i += 100) {
    std::vector<NewMessage> batch;
    for (int j = i; j < i + 100; ++j) batch.push_back(text(alice_, "c" + std::to_string(j), "haystack"));
    ASSERT_TRUE(chat().append(batch));
  }
  {
    server::SearchIndexer indexer(store_->search_index());
    ASSERT_TRUE(indexer.wait_indexed(std::chrono::seconds(30)));
  }
  EXPECT_EQ(indexed("haystack"), kMessages);
  SQLite::Database db((dir_ / "db-search").string(), SQLite::OPEN_READONLY);
  EXPECT_EQ(db.execAndGet("SELECT up_to FROM index_state").getInt(), kMessages);
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM message_seqs").getInt(), kMessages);
  EXPECT_EQ(chat().messages_after(conversation_, 0, kMessages + 1)->size(), static_cast<std::size_t>(kMessages));
}

// The index and its lookups take rows many to a statement: each entry of a batch longer
// than one such statement, and not a multiple of it, lands in each with its own values.
TEST_F(ChatStoreTest, EveryEntryOfABatchReachesTheIndexAndEachLookupWithItsOwnValues) {
  constexpr int kMessages = 2 * 64 + 5;
  std::vector<NewMessage> batch;
  for (int i = 0; i < kMessages; ++i) {
    // Two a minute: the lookup by time keeps a row per minute, more than one statement's.
    batch.push_back(text(i % 2 ? alice_ : bob_, "c" + std::to_string(i), "w" + std::to_string(i), 30'000 * i));
  }
  auto appended = chat().append(batch);
  ASSERT_TRUE(appended);
  index_all();
  SQLite::Database db((dir_ / "db-search").string(), SQLite::OPEN_READONLY);
  SQLite::Statement client_id(db, "SELECT sender_id, client_id FROM message_client_ids WHERE id = ?");
  SQLite::Statement seq(db, "SELECT conversation_id, seq FROM message_seqs WHERE id = ?");
  SQLite::Statement words(db, "SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?");
  for (int i = 0; i < kMessages; ++i) {
    const Message& m = (*appended)[i].message;
    for (auto* q : {&client_id, &seq}) {
      q->reset();
      q->bind(1, m.id);
      ASSERT_TRUE(q->executeStep()) << i;
    }
    EXPECT_EQ(client_id.getColumn(0).getInt64(), m.sender_id) << i;
    EXPECT_EQ(client_id.getColumn(1).getString(), m.client_id) << i;
    EXPECT_EQ(seq.getColumn(0).getInt64(), conversation_) << i;
    EXPECT_EQ(seq.getColumn(1).getInt64(), i + 1) << i;
    words.reset();
    words.bind(1, "w" + std::to_string(i));
    ASSERT_TRUE(words.executeStep()) << i;
    EXPECT_EQ(words.getColumn(0).getInt64(), m.id) << i;
    EXPECT_FALSE(words.executeStep()) << i;
  }
  for (const char* table : {"message_client_ids", "message_seqs"}) {
    EXPECT_EQ(db.execAndGet(std::string("SELECT count(*) FROM ") + table).getInt(), kMessages) << table;
  }
  SQLite::Statement minutes(db,
                            "SELECT conversation_id, minute, first_seq, last_seq FROM message_minutes ORDER BY minute");
  int minute = 0;
  for (; minutes.executeStep(); ++minute) {
    EXPECT_EQ(minutes.getColumn(0).getInt64(), conversation_);
    EXPECT_EQ(minutes.getColumn(1).getInt(), minute);
    EXPECT_EQ(minutes.getColumn(2).getInt(), 2 * minute + 1);
    EXPECT_EQ(minutes.getColumn(3).getInt(), std::min(2 * minute + 2, kMessages));
  }
  EXPECT_EQ(minute, (kMessages + 1) / 2);
}

// The indexer gathers entries into big transactions, but a search that waits for the
// index must not wait for the gathering: here it would last an hour.
TEST_F(ChatStoreTest, ASearchDoesNotWaitForTheIndexerToGather) {
  server::SearchIndexer indexer(store_->search_index(), {.page = 1000, .gather = std::chrono::hours(1)});
  ASSERT_TRUE(indexer.wait_indexed(std::chrono::seconds(10)));  // the start-up pass
  auto sent = send(alice_, "m1", "needle 针");
  indexer.logged(sent.message.id);
  ASSERT_TRUE(indexer.wait_indexed(std::chrono::seconds(10)));
  EXPECT_EQ(indexed("needle"), 1);
  EXPECT_EQ(indexed("针"), 1);
}

// Nor does a page's worth of entries wait for the gathering to end.
TEST_F(ChatStoreTest, APageOfEntriesIsIndexedWithoutWaitingForTheGathering) {
  server::SearchIndexer indexer(store_->search_index(), {.page = 3, .gather = std::chrono::hours(1)});
  ASSERT_TRUE(indexer.wait_indexed(std::chrono::seconds(10)));
  for (const char* id : {"m1", "m2", "m3"}) indexer.logged(send(alice_, id, "haystack").message.id);
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (indexed("haystack") < 3 && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(indexed("haystack"), 3);
}

TEST_F(ChatStoreTest, ReadCursorsMoveForwardOnlyAndCountUnread) {
  for (int i = 1; i <= 4; ++i) send(alice_, "m" + std::to_string(i), "hi");
  EXPECT_EQ(*chat().mark_read(conversation_, bob_, 2), 2);
  EXPECT_EQ(*chat().mark_read(conversation_, bob_, 1), 2);    // never back
  EXPECT_EQ(*chat().mark_read(conversation_, bob_, 999), 4);  // never past the end
  EXPECT_EQ(chat().mark_read(conversation_, carol_, 1).error().code, Errc::not_found);
  send(alice_, "m5", "more");
  auto rows = *chat().conversations_of(bob_);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].peer_id, alice_);
  EXPECT_EQ(rows[0].unread, 1);
  EXPECT_EQ(rows[0].last_message->seq, 5);
  auto mine = *chat().conversations_of(alice_);
  EXPECT_EQ(mine[0].unread, 0);  // one's own messages are never unread
  EXPECT_EQ(mine[0].peer_read_seq, 4);
}

TEST_F(ChatStoreTest, RecallRemovesContentAndSearchTextAndAppendsANotice) {
  auto sent = send(alice_, "m1", "secret 密码");
  index_all();
  EXPECT_EQ(indexed("密码"), 1);
  NewMessage notice{conversation_, alice_, "recall:1", "recall", "{\"seq\":1}", 20};
  auto r = chat().recall(conversation_, 1, notice, server::search_text("secret 密码"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->message.seq, 2);
  auto m = *chat().message(conversation_, 1);
  EXPECT_TRUE(m.recalled);
  EXPECT_EQ(m.body, "{}");
  EXPECT_EQ(chat().recall(conversation_, 1, notice, server::search_text("secret 密码")).error().code, Errc::not_found);
  SearchQuery q{bob_, server::match_query("密码"), {}, {}, {}, 10};
  EXPECT_TRUE(chat().search(q)->empty());
  ASSERT_TRUE(store_->search_index().remove(sent.message.id, server::search_text("secret 密码")));
  EXPECT_EQ(indexed("密码"), 0);
}

// What the log keeps of the texts that recalls have yet to take out of the index.
int kept_for_removal(const std::filesystem::path& dir) {
  SQLite::Database db((dir / "db").string(), SQLite::OPEN_READONLY);
  return db.execAndGet("SELECT count(*) FROM index_removals").getInt();
}

// A recall keeps the entry's words in the log until the entry is out of the index. A
// crash or a power loss at any point leaves them there, and the next open finishes the
// removal with them; done twice, it changes nothing.
TEST_F(ChatStoreTest, ARecallCutShortByACrashIsFinishedWhenTheStoreOpens) {
  send(alice_, "m1", "secret 密码");
  send(alice_, "m2", "public 公开");
  send(alice_, "m3", "hidden 公开");
  index_all();
  auto reopen = [&] {
    store_.reset();
    store_ = std::move(*open_sqlite_store({(dir_ / "db").string(), false}));
  };
  // Cut short after the log's commit: the index still holds the words.
  NewMessage notice{conversation_, alice_, "recall:1", "recall", "{\"seq\":1}", 20};
  ASSERT_TRUE(chat().recall(conversation_, 1, notice, server::search_text("secret 密码")));
  EXPECT_EQ(kept_for_removal(dir_), 1);
  EXPECT_EQ(indexed("密码"), 1);
  reopen();
  EXPECT_EQ(indexed("密码"), 0);
  EXPECT_EQ(indexed("secret"), 0);
  EXPECT_EQ(kept_for_removal(dir_), 0);
  // Cut short after the index's removal, before the log forgot the words: the second
  // removal leaves the entry that shares a word alone.
  const std::string hidden = server::search_text("hidden 公开");
  NewMessage notice3{conversation_, alice_, "recall:3", "recall", "{\"seq\":3}", 30};
  ASSERT_TRUE(chat().recall(conversation_, 3, notice3, hidden));
  ASSERT_TRUE(store_->search_index().remove(chat().message(conversation_, 3)->id, hidden));
  EXPECT_EQ(kept_for_removal(dir_), 1);
  reopen();
  EXPECT_EQ(kept_for_removal(dir_), 0);
  EXPECT_EQ(indexed("hidden"), 0);
  EXPECT_EQ(indexed("公开"), 1);
  EXPECT_EQ(indexed("public 公开"), 1);
  // Cut short before the index reached the entry: it never gets there.
  send(alice_, "m6", "trailing 尾巴");
  const std::int64_t seq = chat().message(conversation_, 6)->seq;
  NewMessage notice6{conversation_, alice_, "recall:6", "recall", "{\"seq\":6}", 40};
  ASSERT_TRUE(chat().recall(conversation_, seq, notice6, server::search_text("trailing 尾巴")));
  reopen();
  index_all();
  EXPECT_EQ(indexed("尾巴"), 0);
  EXPECT_EQ(indexed("trailing"), 0);
  EXPECT_EQ(kept_for_removal(dir_), 0);
  EXPECT_TRUE(chat().index_removals()->empty());
}

// Texts with no words for the index (emoji, punctuation, quotes) are taken out without
// an error, and leave the others alone.
TEST_F(ChatStoreTest, TextsWithoutWordsOrWithQuotesAreTakenOutCleanly) {
  const char* texts[] = {"😀😀", "!!!", "say \\\"yes\\\" 好"};
  for (int i = 0; i < 3; ++i) send(alice_, "w" + std::to_string(i), texts[i]);
  send(alice_, "w3", "say yes 好");
  index_all();
  ASSERT_EQ(indexed("yes"), 2);
  for (int i = 0; i < 3; ++i) {
    const std::int64_t seq = i + 1;
    const std::string words = server::index_text_of(*chat().message(conversation_, seq));
    NewMessage notice{conversation_, alice_, "recall:" + std::to_string(seq), "recall", "{}", 20};
    ASSERT_TRUE(chat().recall(conversation_, seq, notice, words));
    const std::int64_t id = chat().message(conversation_, seq)->id;
    ASSERT_TRUE(store_->search_index().remove(id, words)) << texts[i];
    ASSERT_TRUE(chat().forget_index_removal(id));
  }
  EXPECT_EQ(indexed("yes"), 1);
  EXPECT_EQ(indexed("好"), 1);
  EXPECT_TRUE(chat().index_removals()->empty());
}

// A recalled text leaves no bytes behind in the log's file: SQLite writes zeros over
// what it deletes (secure_delete), and once checkpointed the file holds only those.
// (Debian builds SQLite with secure_delete on by default; the store sets it for builds
// that do not, and this fails with it off.)
TEST_F(ChatStoreTest, ARecalledTextLeavesNoBytesInTheLogOnceCheckpointed) {
  send(alice_, "m1", "the secret word is 密码");
  send(alice_, "m2", "a public word");
  index_all();
  ASSERT_TRUE(store_->checkpoint());
  const std::string words = server::search_text("the secret word is 密码");
  NewMessage notice{conversation_, alice_, "recall:1", "recall", "{\"seq\":1}", 20};
  ASSERT_TRUE(chat().recall(conversation_, 1, notice, words));
  const std::int64_t id = chat().message(conversation_, 1)->id;
  ASSERT_TRUE(store_->search_index().remove(id, words));
  ASSERT_TRUE(chat().forget_index_removal(id));
  ASSERT_TRUE(store_->checkpoint());
  for (const char* file : {"db", "db-wal"}) {
    std::ifstream in(dir_ / file, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(bytes.find("secret word is"), std::string::npos) << file;
    EXPECT_EQ(bytes.find(words), std::string::npos) << file;
    if (std::string(file) == "db") {
      EXPECT_NE(bytes.find("a public word"), std::string::npos);  // the test reads the right file
    }
  }
}

// The index keeps no copy of the texts, so an entry is taken out by its words: only if it
// is there, and without touching the other entries that share them.
TEST_F(ChatStoreTest, TakingAnEntryOutLeavesTheOthersThatShareItsWords) {
  auto first = send(alice_, "m1", "secret 密码");
  auto second = send(alice_, "m2", "secret public 密码");
  index_all();
  auto& index = store_->search_index();
  ASSERT_TRUE(index.remove(first.message.id, server::search_text("secret 密码")));
  EXPECT_EQ(indexed("secret"), 1);
  EXPECT_EQ(indexed("密码"), 1);
  // Told again, or told of an entry it never held, the index changes nothing.
  ASSERT_TRUE(index.remove(first.message.id, server::search_text("secret 密码")));
  ASSERT_TRUE(index.remove(second.message.id + 100, server::search_text("secret public 密码")));
  ASSERT_TRUE(index.remove(second.message.id, ""));
  EXPECT_EQ(indexed("secret public"), 1);
  SQLite::Database db((dir_ / "db-search").string(), SQLite::OPEN_READWRITE);
  db.exec("INSERT INTO messages_fts(messages_fts) VALUES ('integrity-check')");
  ASSERT_TRUE(index.remove(second.message.id, server::search_text("secret public 密码")));
  EXPECT_EQ(indexed("secret"), 0);
  EXPECT_EQ(indexed("密码"), 0);
}

// Its words are there, one by one, but not the text.
TEST_F(ChatStoreTest, TheIndexFileKeepsNoCopyOfTheTexts) {
  send(alice_, "m1", "the secret word is 密码");
  index_all();
  EXPECT_EQ(indexed("secret word"), 1);
  for (const char* file : {"db-search", "db-search-wal"}) {
    std::ifstream in(dir_ / file, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(bytes.find("secret word is"), std::string::npos) << file;
  }
  SQLite::Database db((dir_ / "db-search").string(), SQLite::OPEN_READONLY);
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM sqlite_schema WHERE name IN "
                          "('messages_fts_content', 'messages_fts_docsize')")
                .getInt(),
            0);
}

// An index file made before the full-text index stopped keeping the texts is built again
// from the log when the store opens.
TEST_F(ChatStoreTest, AnIndexThatKeptTheTextsIsBuiltAgain) {
  send(alice_, "m1", "first 第一");
  index_all();
  store_.reset();
  {
    SQLite::Database db((dir_ / "db-search").string(), SQLite::OPEN_READWRITE);
    db.exec("DROP TABLE messages_fts");
    db.exec("CREATE VIRTUAL TABLE messages_fts USING fts5(text, tokenize='unicode61')");
    db.exec("INSERT INTO messages_fts(rowid, text) VALUES (1, 'first  第  一 ')");
    db.exec("DROP TABLE message_minutes");
    db.exec("CREATE TABLE message_times (conversation_id INTEGER NOT NULL, created_at INTEGER NOT NULL, "
            "id INTEGER NOT NULL, PRIMARY KEY (conversation_id, created_at, id)) WITHOUT ROWID");
    db.exec("UPDATE schema_versions SET version = 3 WHERE domain = 'search'");
  }
  store_ = std::move(*open_sqlite_store({(dir_ / "db").string(), false}));
  send(alice_, "m2", "second 第二");
  index_all();
  EXPECT_EQ(indexed("第一"), 1);
  EXPECT_EQ(indexed("第二"), 1);
  EXPECT_EQ(chat().search({bob_, "", {}, 0, 100, 10})->size(), 2u);  // by time, from the lookup by minute
  SQLite::Database db((dir_ / "db-search").string(), SQLite::OPEN_READONLY);
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM sqlite_schema WHERE name = 'messages_fts_content'").getInt(), 0);
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM sqlite_schema WHERE name = 'message_times'").getInt(), 0);
}

TEST_F(ChatStoreTest, AnEntryRecalledBeforeItIsIndexedNeverReachesTheIndex) {
  send(alice_, "m1", "secret 密码");
  send(alice_, "m2", "public 公开");
  NewMessage notice{conversation_, alice_, "recall:1", "recall", "{\"seq\":1}", 20};
  ASSERT_TRUE(chat().recall(conversation_, 1, notice, server::search_text("secret 密码")));
  // What the chat service does next: the index does not hold the entry yet, so nothing
  // is taken out of it.
  const std::int64_t id = chat().message(conversation_, 1)->id;
  ASSERT_TRUE(store_->search_index().remove(id, server::search_text("secret 密码")));
  index_all();
  EXPECT_EQ(indexed("密码"), 0);
  EXPECT_EQ(indexed("公开"), 1);
}

// The indexer reads a page of the log, prepares the texts without any lock, then adds
// them: an entry recalled in between (the log, then the index, as the chat service
// does) must not reach the index, and the lookups still get every entry of the page.
TEST_F(ChatStoreTest, AnEntryRecalledWhileItsBatchIsPreparedIsLeftOut) {
  send(alice_, "m1", "secret 密码");
  send(alice_, "m2", "public 公开");
  auto& index = store_->search_index();
  auto logged = index.unindexed(0, 100);
  ASSERT_TRUE(logged) << logged.error().message;
  ASSERT_EQ(logged->size(), 2u);
  NewMessage notice{conversation_, alice_, "recall:1", "recall", "{\"seq\":1}", 20};
  ASSERT_TRUE(chat().recall(conversation_, 1, notice, server::search_text("secret 密码")));
  ASSERT_TRUE(index.remove((*logged)[0].id, server::search_text("secret 密码")));
  const IndexEntry entries[] = {{(*logged)[0].id, server::search_text("secret 密码")},
                                {(*logged)[1].id, server::search_text("public 公开")}};
  ASSERT_TRUE(index.add(*logged, entries));
  EXPECT_EQ(indexed("密码"), 0);
  EXPECT_EQ(indexed("公开"), 1);
  // The page is recorded as indexed and the lookups reach its end: only the notice is left.
  auto rest = index.unindexed(0, 100);
  ASSERT_TRUE(rest);
  ASSERT_EQ(rest->size(), 1u);
  EXPECT_EQ((*rest)[0].kind, "recall");
  SQLite::Database db((dir_ / "db-search").string(), SQLite::OPEN_READONLY);
  EXPECT_EQ(db.execAndGet("SELECT lookups_up_to FROM index_state").getInt64(), logged->back().id);
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM message_seqs").getInt(), 2);
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM message_client_ids").getInt(), 2);
}

TEST_F(ChatStoreTest, TheIndexResumesWhereItStoppedAndIndexesEachEntryOnce) {
  send(alice_, "m1", "first 第一");
  index_all();
  send(alice_, "m2", "second 第二");
  index_all();  // a restart: only the new entry is added
  EXPECT_EQ(indexed("第一"), 1);
  EXPECT_EQ(indexed("第二"), 1);
}

TEST_F(ChatStoreTest, SearchFindsCjkWordsInsideSentencesAndOnlyInOwnConversations) {
  send(alice_, "m1", "我们明天去北京开会", 100);
  send(bob_, "m2", "Meeting tomorrow in Beijing", 200);
  send(alice_, "m3", "京北 is not 北京", 300);
  index_all();
  auto cjk = *chat().search({bob_, server::match_query("北京"), {}, {}, {}, 10});
  ASSERT_EQ(cjk.size(), 2u);
  EXPECT_EQ(cjk[0].seq, 3);  // newest first
  EXPECT_EQ(chat().search({bob_, server::match_query("开北"), {}, {}, {}, 10})->size(), 0u);
  EXPECT_EQ(chat().search({bob_, server::match_query("beijing tomorrow"), {}, {}, {}, 10})->size(), 1u);
  EXPECT_EQ(chat().search({bob_, "", {}, 150, 301, 10})->size(), 2u);
  EXPECT_EQ(chat().search({bob_, "", {}, 150, 300, 10})->size(), 1u);  // `to` is exclusive
  EXPECT_EQ(chat().search({bob_, server::match_query("北京"), {}, 200, {}, 10})->size(), 1u);
  EXPECT_EQ(chat().search({bob_, "", conversation_, {}, {}, 10})->size(), 3u);
  EXPECT_TRUE(chat().search({carol_, server::match_query("北京"), {}, {}, {}, 10})->empty());
}

// The indexer thread's nice value, found by its name; -100 if there is none.
int indexer_nice() {
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream comm(task.path() / "comm");
    std::string name;
    if (std::getline(comm, name) && name == "parley-indexer") {
      errno = 0;
      const int nice = ::getpriority(PRIO_PROCESS, static_cast<id_t>(std::stoi(task.path().filename().string())));
      return errno == 0 ? nice : -100;
    }
  }
  return -100;
}

// Waits up to `wait` for the indexer's thread to be at `nice`.
bool indexer_reaches(int nice, std::chrono::milliseconds wait = std::chrono::seconds(10)) {
  const auto until = std::chrono::steady_clock::now() + wait;
  while (indexer_nice() != nice && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return indexer_nice() == nice;
}

// Holds the index file's write lock, so the indexer's next transaction waits.
class IndexWriteLock {
 public:
  explicit IndexWriteLock(const std::filesystem::path& file) : db_(file.string(), SQLite::OPEN_READWRITE) {
    db_.setBusyTimeout(5000);
    db_.exec("BEGIN IMMEDIATE");
  }
  ~IndexWriteLock() { db_.exec("COMMIT"); }

 private:
  SQLite::Database db_;
};

// Once caught up the indexer runs at nice 19; whatever would wait for it brings it back
// to the normal priority until it has caught up. Lowering a nice value again takes
// privilege (CAP_SYS_NICE), which these tests need.
class IndexerPriorityTest : public ChatStoreTest {
 protected:
  void SetUp() override {
    errno = 0;
    normal_ = ::getpriority(PRIO_PROCESS, 0);
    bool may = false;
    std::thread probe([&] {
      may = ::setpriority(PRIO_PROCESS, 0, 19) == 0 && ::setpriority(PRIO_PROCESS, 0, normal_) == 0;
    });
    probe.join();
    if (errno != 0 || !may || normal_ >= 19) GTEST_SKIP() << "this process may not lower a nice value";
    ChatStoreTest::SetUp();
  }
  int normal_ = 0;
};

// Raising a nice value takes no privilege: this holds for every process.
TEST_F(ChatStoreTest, TheIndexerRunsAtItsNiceOnceCaughtUp) {
  server::SearchIndexer indexer(store_->search_index(), {.page = 1, .gather = std::chrono::hours(1), .nice = 19});
  ASSERT_TRUE(indexer.wait_indexed(std::chrono::seconds(10)));
  EXPECT_TRUE(indexer_reaches(19));
}

TEST_F(IndexerPriorityTest, AWaitingSearchBringsTheIndexerBackToNormalPriority) {
  server::SearchIndexer indexer(store_->search_index(), {.page = 1, .gather = std::chrono::hours(1), .nice = 19});
  ASSERT_TRUE(indexer.wait_indexed(std::chrono::seconds(10)));
  ASSERT_TRUE(indexer_reaches(19));
  {
    IndexWriteLock lock(dir_ / "db-search");
    indexer.logged(send(alice_, "m1", "needle").message.id);  // a page: its batch waits for the lock
    EXPECT_FALSE(indexer.wait_indexed(std::chrono::milliseconds(50)));
    EXPECT_EQ(indexer_nice(), normal_);
  }
  ASSERT_TRUE(indexer.wait_indexed(std::chrono::seconds(10)));
  EXPECT_EQ(indexed("needle"), 1);
  EXPECT_TRUE(indexer_reaches(19));  // caught up again
}

TEST_F(IndexerPriorityTest, ARecallBringsTheIndexerBackToNormalPriority) {
  send(alice_, "m1", "secret");
  server::SearchIndexer indexer(store_->search_index(), {.page = 1, .gather = std::chrono::hours(1), .nice = 19});
  ASSERT_TRUE(indexer.wait_indexed(std::chrono::seconds(10)));
  ASSERT_TRUE(indexer_reaches(19));
  auto original = chat().message(conversation_, 1);
  ASSERT_TRUE(original);
  std::thread recall;
  {
    IndexWriteLock lock(dir_ / "db-search");
    indexer.logged(send(alice_, "m2", "public").message.id);  // its batch waits for the lock
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_EQ(indexer_nice(), 19);
    recall = std::thread([&] { EXPECT_TRUE(indexer.remove({original->id, server::index_text_of(*original)})); });
    EXPECT_TRUE(indexer_reaches(normal_));
  }
  recall.join();
  ASSERT_TRUE(indexer.wait_indexed(std::chrono::seconds(10)));
  EXPECT_EQ(indexed("secret"), 0);
}

TEST_F(IndexerPriorityTest, AnIndexerMoreThanTwoPagesBehindRunsAtNormalPriority) {
  server::SearchIndexer indexer(store_->search_index(), {.page = 10, .gather = std::chrono::hours(1), .nice = 19});
  ASSERT_TRUE(indexer.wait_indexed(std::chrono::seconds(10)));
  ASSERT_TRUE(indexer_reaches(19));
  IndexWriteLock lock(dir_ / "db-search");
  std::int64_t last = 0;
  for (int i = 1; i <= 20; ++i) last = send(alice_, "m" + std::to_string(i), "haystack").message.id;
  indexer.logged(last);  // two pages behind, not more
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(indexer_nice(), 19);
  indexer.logged(send(alice_, "m21", "haystack").message.id);
  EXPECT_EQ(indexer_nice(), normal_);
}

// Entries can be logged out of time order (created_at is taken as a send arrives, and a
// clock can be set back); a search by time still finds exactly the entries in range.
TEST_F(ChatStoreTest, ASearchByTimeFindsExactlyTheEntriesInRangeThoughLoggedOutOfTimeOrder) {
  constexpr std::int64_t kMinute = 60'000;
  // Another conversation of bob's at the same times, and one bob is not in.
  const std::int64_t with_carol = *chat().direct_conversation(bob_, carol_, 5);
  const std::int64_t not_bobs = *chat().direct_conversation(alice_, carol_, 5);
  std::mt19937 random(7);
  std::vector<Message> all;
  for (int i = 0; i < 300; ++i) {
    // Every 20 s over 100 minutes (a conversation's every minute), each up to 50 s early
    // or late; and the clock set back 30 minutes for the last 30 entries.
    const std::int64_t back = i >= 270 ? 30 * kMinute : 0;
    const std::int64_t at =
        10 * kMinute + 20'000 * i - back + static_cast<std::int64_t>(random() % 100'001) - 50'000;
    const std::int64_t conversation = i % 3 == 0 ? conversation_ : i % 3 == 1 ? with_carol : not_bobs;
    NewMessage m{conversation, i % 3 == 2 ? carol_ : bob_, "c" + std::to_string(i), "text", "{\"text\":\"x\"}", at};
    all.push_back((*chat().append({&m, 1}))[0].message);
  }
  {
    // Small batches: a minute's entries reach its row in several.
    server::SearchIndexer indexer(store_->search_index(), {.page = 7, .gather = std::chrono::milliseconds(0)});
    ASSERT_TRUE(indexer.wait_indexed(std::chrono::seconds(30)));
  }
  auto expect = [&](std::optional<std::int64_t> conversation, std::optional<std::int64_t> from,
                    std::optional<std::int64_t> to) {
    std::vector<std::int64_t> want;
    for (auto it = all.rbegin(); it != all.rend(); ++it) {
      if (it->conversation_id == not_bobs || (conversation && it->conversation_id != *conversation)) continue;
      if ((from && it->created_at < *from) || (to && it->created_at >= *to)) continue;
      want.push_back(it->id);
    }
    std::stable_sort(want.begin(), want.end(), [&](std::int64_t a, std::int64_t b) {
      return all[a - all.front().id].created_at > all[b - all.front().id].created_at;
    });
    std::vector<std::int64_t> got;
    for (const auto& m : *chat().search({bob_, "", conversation, from, to, 200})) got.push_back(m.id);
    EXPECT_EQ(got, want) << "from " << (from ? *from : -1) << " to " << (to ? *to : -1);
  };
  for (int q = 0; q < 100; ++q) {
    const std::int64_t from = 9 * kMinute + static_cast<std::int64_t>(random() % (105 * kMinute));
    const std::int64_t to = from + static_cast<std::int64_t>(random() % (8 * kMinute));
    expect({}, from, to);
    expect(with_carol, from, to);
  }
  // At the edges of minutes, where entries out of order sit.
  for (std::int64_t minute = 9; minute <= 112; ++minute) {
    expect({}, minute * kMinute, minute * kMinute + kMinute);
    expect({}, minute * kMinute - 1, minute * kMinute + 1);
  }
  expect({}, 50 * kMinute, {});
  expect(conversation_, {}, 50 * kMinute);
}

// Appends from many threads, with commits as soon as possible or at most one per interval.
void concurrent_appends_get_distinct_consecutive_seqs(server::MessageWriter::Options options) {
  auto dir = std::filesystem::temp_directory_path() / ("parley-writer-" + std::to_string(::getpid()) + "-" + std::to_string(options.commit_interval.count()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto store = std::move(*open_sqlite_store({(dir / "db").string(), false}));
  store->accounts().create_user({"alice", "h", "a", 1});
  store->accounts().create_user({"bob", "h", "b", 1});
  auto conversation = *store->chat().direct_conversation(10001, 10002, 1);
  {
    server::MessageWriter writer(store->chat(), options);
    std::vector<std::thread> threads;
    std::vector<std::vector<std::int64_t>> seqs(8);
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < 50; ++i) {
          auto r = writer.append({conversation, 10001, std::to_string(t) + "-" + std::to_string(i), "text", "{}", 1});
          ASSERT_TRUE(r);
          seqs[t].push_back(r->message.seq);
        }
      });
    }
    for (auto& th : threads) th.join();
    for (const auto& s : seqs) EXPECT_TRUE(std::is_sorted(s.begin(), s.end()));  // order per sender kept
  }
  auto all = *store->chat().messages_after(conversation, 0, 1000);
  ASSERT_EQ(all.size(), 400u);
  for (std::size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i].seq, static_cast<std::int64_t>(i + 1));
  store.reset();
  std::filesystem::remove_all(dir);
}

TEST(MessageWriter, ConcurrentAppendsGetDistinctConsecutiveSeqs) {
  concurrent_appends_get_distinct_consecutive_seqs({.max_batch = 16, .commit_interval = {}});
}

TEST(MessageWriter, ConcurrentAppendsGetDistinctConsecutiveSeqsWithACommitInterval) {
  concurrent_appends_get_distinct_consecutive_seqs({.max_batch = 16, .commit_interval = std::chrono::milliseconds(2)});
}

}  // namespace
}  // namespace parley::store
