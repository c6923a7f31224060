#include "server/store/sqlite_search_index.hpp"

#include <algorithm>
#include <map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "server/store/sqlite_chat_store.hpp"

namespace parley::store {
namespace {

constexpr const char* kMigrations[] = {
    // 1: the index and how far into the log it reaches. rowid = log.messages.id; the text
    // is prepared by the chat service (CJK split into characters, so a phrase query finds
    // a word inside a sentence).
    R"sql(
    CREATE VIRTUAL TABLE messages_fts USING fts5(text, tokenize='unicode61');
    CREATE TABLE index_state (id INTEGER PRIMARY KEY CHECK (id = 1), up_to INTEGER NOT NULL);
    INSERT INTO index_state(id, up_to) VALUES (1, 0);
    )sql",
    // 2: the log's lookups by sender's client id (to find a repeated send) and by time,
    // moved here from the log's own indexes; lookups_up_to: the last message id they hold.
    R"sql(
    ALTER TABLE index_state ADD COLUMN lookups_up_to INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE message_client_ids (
      sender_id INTEGER NOT NULL,
      client_id TEXT NOT NULL,
      id INTEGER NOT NULL,
      PRIMARY KEY (sender_id, client_id)
    ) WITHOUT ROWID;
    CREATE TABLE message_times (
      conversation_id INTEGER NOT NULL,
      created_at INTEGER NOT NULL,
      id INTEGER NOT NULL,
      PRIMARY KEY (conversation_id, created_at, id)
    ) WITHOUT ROWID;
    )sql",
    // 3: the lookup by conversation and seq moved here too (the log keeps only its own
    // sequential key). The lookups are brought up to date again from the start of the
    // log when the server opens the store (the others are kept; re-adding them is a no-op).
    R"sql(
    CREATE TABLE message_seqs (
      conversation_id INTEGER NOT NULL,
      seq INTEGER NOT NULL,
      id INTEGER NOT NULL,
      PRIMARY KEY (conversation_id, seq)
    ) WITHOUT ROWID;
    UPDATE index_state SET lookups_up_to = 0;
    )sql",
    // 4: the full-text index keeps no copy of the texts (content='': the log has them, and
    // a search reads only the ids) and no sizes per entry (columnsize=0: results are not
    // ranked); each entry costs about half as much to add. Built again from the log.
    R"sql(
    DROP TABLE messages_fts;
    CREATE VIRTUAL TABLE messages_fts USING fts5(text, tokenize='unicode61', content='', columnsize=0);
    UPDATE index_state SET up_to = 0;
    )sql",
    // 5: the lookup by time keeps one row per conversation and minute (the lowest and
    // highest seq of the entries created in it) instead of one per message: a date search
    // reads the seqs between them (SqliteChatStore::search). Filled from the log when the
    // store opens, as in 3.
    R"sql(
    DROP TABLE message_times;
    CREATE TABLE message_minutes (
      conversation_id INTEGER NOT NULL,
      minute INTEGER NOT NULL,
      first_seq INTEGER NOT NULL,
      last_seq INTEGER NOT NULL,
      PRIMARY KEY (conversation_id, minute)
    ) WITHOUT ROWID;
    UPDATE index_state SET lookups_up_to = 0;
    )sql",
};

}  // namespace

std::span<const char* const> SqliteSearchIndex::migrations() { return kMigrations; }

namespace {

// A minute's row takes in a new batch's seqs: an entry's created_at is taken as its send
// arrives, so a later batch (or the writer's catch-up) can hold entries of a minute
// already seen, with higher seqs, and a clock set back can bring earlier minutes again.
constexpr const char* kWidenMinute =
    "ON CONFLICT (conversation_id, minute) DO UPDATE SET first_seq = min(first_seq, excluded.first_seq), "
    "last_seq = max(last_seq, excluded.last_seq)";

}  // namespace

void add_log_lookups(SqliteDatabase& db, const std::string& log, const std::string& index, std::int64_t up_to) {
  const std::string after = "(SELECT lookups_up_to FROM " + index + ".index_state WHERE id = 1)";
  for (const std::string& sql :
       {"INSERT OR IGNORE INTO " + index + ".message_client_ids(sender_id, client_id, id) SELECT sender_id, "
        "client_id, id FROM " + log + ".messages WHERE id > " + after + " AND id <= ?",
        "INSERT INTO " + index + ".message_minutes(conversation_id, minute, first_seq, last_seq) SELECT "
        "conversation_id, created_at / " + std::to_string(kMsPerMinute) + ", min(seq), max(seq) FROM " + log +
        ".messages WHERE id > " + after + " AND id <= ? GROUP BY 1, 2 " + kWidenMinute,
        "INSERT OR IGNORE INTO " + index + ".message_seqs(conversation_id, seq, id) SELECT conversation_id, seq, id "
        "FROM " + log + ".messages WHERE id > " + after + " AND id <= ?",
        "UPDATE " + index + ".index_state SET lookups_up_to = max(lookups_up_to, ?) WHERE id = 1"}) {
    Prepared q(db, sql);
    q->bind(1, up_to);
    q->exec();
  }
}

Result<std::vector<Message>> SqliteSearchIndex::unindexed(std::int64_t after, int limit) {
  return db_.with([&](SQLite::Database&) -> Result<std::vector<Message>> {
    Prepared q(db_, std::string("SELECT ") + kMessageColumns +
                        " FROM log.messages m WHERE m.id > max(?1, (SELECT up_to FROM index_state WHERE id = 1)) "
                        "ORDER BY m.id LIMIT ?2");
    q->bind(1, after);
    q->bind(2, limit);
    return read_all(*q);
  });
}

namespace {

// One statement that inserts many rows costs much less per row than a statement per row
// (the statement starts, opens its cursor and finishes once): one row at a time, the
// lookups took about half of the indexer's time. Not for FTS5 (see add()).
constexpr std::size_t kRowsPerInsert = 64;

// Inserts a row for each of `items` with `insert` ("INSERT ... INTO table(columns)") and
// `on_conflict` after the values, `bind(statement, first parameter index, item)` binding
// one row's `columns` values.
template <class Item, class Bind>
void insert_rows(SqliteDatabase& db, const std::string& insert, int columns, std::span<const Item> items,
                 Bind bind, const std::string& on_conflict = "") {
  auto statement = [&](std::size_t rows) {
    std::string row = "(?";
    for (int c = 1; c < columns; ++c) row += ", ?";
    row += ")";
    std::string sql = insert + " VALUES " + row;
    for (std::size_t r = 1; r < rows; ++r) sql += ", " + row;
    if (!on_conflict.empty()) sql += " " + on_conflict;
    return sql;
  };
  auto run = [&](Prepared& q, std::span<const Item> rows) {
    for (std::size_t r = 0; r < rows.size(); ++r) bind(*q, static_cast<int>(r) * columns + 1, rows[r]);
    q->exec();
    q->reset();
  };
  std::size_t done = 0;
  if (items.size() >= kRowsPerInsert) {
    Prepared many(db, statement(kRowsPerInsert));
    for (; done + kRowsPerInsert <= items.size(); done += kRowsPerInsert) {
      run(many, items.subspan(done, kRowsPerInsert));
    }
  }
  if (done < items.size()) {
    Prepared one(db, statement(1));
    for (; done < items.size(); ++done) run(one, items.subspan(done, 1));
  }
}

// Each lookup gets a pass of its own: interleaving them keeps fewer of each table's
// pages in the cache.
void add_lookups(SqliteDatabase& db, std::span<const Message> logged) {
  insert_rows(db, "INSERT OR IGNORE INTO message_client_ids(sender_id, client_id, id)", 3, logged,
              [](SQLite::Statement& q, int at, const Message& m) {
                q.bind(at, m.sender_id);
                q.bindNoCopy(at + 1, m.client_id);
                q.bind(at + 2, m.id);
              });
  // Each conversation's lowest and highest seq in each minute of created_at.
  struct Minute {
    std::int64_t conversation_id, minute, first_seq, last_seq;
  };
  std::map<std::pair<std::int64_t, std::int64_t>, Minute> minutes;
  for (const auto& m : logged) {
    const std::int64_t minute = m.created_at / kMsPerMinute;
    auto& row = minutes.try_emplace({m.conversation_id, minute}, Minute{m.conversation_id, minute, m.seq, m.seq})
                    .first->second;
    row.first_seq = std::min(row.first_seq, m.seq);
    row.last_seq = std::max(row.last_seq, m.seq);
  }
  std::vector<Minute> rows;
  rows.reserve(minutes.size());
  for (const auto& [key, row] : minutes) rows.push_back(row);
  insert_rows(db, "INSERT INTO message_minutes(conversation_id, minute, first_seq, last_seq)", 4,
              std::span<const Minute>(rows), [](SQLite::Statement& q, int at, const Minute& m) {
                q.bind(at, m.conversation_id);
                q.bind(at + 1, m.minute);
                q.bind(at + 2, m.first_seq);
                q.bind(at + 3, m.last_seq);
              }, kWidenMinute);
  insert_rows(db, "INSERT OR IGNORE INTO message_seqs(conversation_id, seq, id)", 3, logged,
              [](SQLite::Statement& q, int at, const Message& m) {
                q.bind(at, m.conversation_id);
                q.bind(at + 1, m.seq);
                q.bind(at + 2, m.id);
              });
}

}  // namespace

// The transaction writes this file only and reads nothing of the log: a read of the log
// inside it would hold a snapshot of the log until the commit, and while any reader
// holds one, the log's write-ahead log cannot start over (see the Checkpointer in
// sqlite_store.cpp) and grows. A batch is up to 20,000 entries: a long transaction.
//
// An entry recalled after unindexed() read it is left out: its recall removed it
// (remove()) before this batch took the connection's lock, and found it not there yet;
// a recall that comes later waits for the lock, and takes it out after the commit.
//
// The lookups get every entry of `logged`; they already hold everything up to where the
// index reached (they are brought to the end of the log when the store opens, and only
// move forward), so with `logged` they reach its last entry.
Result<void> SqliteSearchIndex::add(std::span<const Message> logged, std::span<const IndexEntry> entries) {
  if (logged.empty()) return {};
  return db_.with([&](SQLite::Database& db) -> Result<void> {
    SQLite::Transaction tx(db);
    {
      // One row a statement: a statement of many rows takes a savepoint, and FTS5 writes
      // out what it holds in memory at each one, as a segment of its own.
      Prepared insert(db_, "INSERT INTO messages_fts(rowid, text) VALUES (?, ?)");
      for (const auto& e : entries) {
        if (removed_ahead_.contains(e.message_id)) continue;
        insert->bind(1, e.message_id);
        insert->bindNoCopy(2, e.text);
        insert->exec();
        insert->reset();
      }
    }
    add_lookups(db_, logged);
    Prepared mark(db_,
                  "UPDATE index_state SET up_to = max(up_to, ?1), lookups_up_to = max(lookups_up_to, ?1) WHERE id = 1");
    mark->bind(1, logged.back().id);
    mark->exec();
    tx.commit();
    std::erase_if(removed_ahead_, [&](std::int64_t id) { return id <= logged.back().id; });
    return {};
  });
}

Result<void> SqliteSearchIndex::catch_up_lookups() {
  return db_.with([&](SQLite::Database& db) -> Result<void> {
    SQLite::Transaction tx(db);
    std::int64_t last = 0;
    {
      Prepared q(db_, "SELECT coalesce(max(id), 0) FROM log.messages");
      if (q->executeStep()) last = q->getColumn(0).getInt64();
    }
    add_log_lookups(db_, "log", "main", last);
    tx.commit();
    return {};
  });
}

// Without a copy of the text, the index takes an entry out by being told its words again,
// and FTS5 leaves it undefined what happens when they are not the words of an entry it
// holds. So it first looks for the entry: the whole text as one phrase, at that rowid.
// An entry that is not there was left out of its batch (add()), or is not reached yet:
// it is remembered, so that the batch that reaches it leaves it out even if it read the
// entry from the log before the recall. The lock keeps a batch from running in between.
//
// The index's commits are not flushed (it can be rebuilt from the log), but this one is:
// the recall's words, kept in the log until now, are forgotten once it returns, and a
// removal lost in a power failure could not be made again.
Result<void> SqliteSearchIndex::remove(std::int64_t message_id, const std::string& text) {
  if (text.empty()) return {};
  return db_.with([&](SQLite::Database& db) -> Result<void> {
    const std::string was = db.execAndGet("PRAGMA main.synchronous").getString();
    db.exec("PRAGMA main.synchronous=FULL");
    struct Restore {
      SQLite::Database& db;
      const std::string& was;
      ~Restore() { db.tryExec("PRAGMA main.synchronous=" + was); }
    } restore{db, was};
    take_out(message_id, text);
    return {};
  });
}

void SqliteSearchIndex::take_out(std::int64_t message_id, const std::string& text) {
  std::string phrase = "\"";
  for (char c : text) {
    if (c == '"') phrase.push_back('"');  // FTS5 escapes a quote by doubling it
    phrase.push_back(c);
  }
  phrase.push_back('"');
  {
    Prepared held(db_, "SELECT 1 FROM messages_fts WHERE messages_fts MATCH ? AND rowid = ?");
    held->bind(1, phrase);
    held->bind(2, message_id);
    if (!held->executeStep()) {
      removed_ahead_.insert(message_id);
      return;
    }
  }
  Prepared q(db_, "INSERT INTO messages_fts(messages_fts, rowid, text) VALUES ('delete', ?, ?)");
  q->bind(1, message_id);
  q->bind(2, text);
  q->exec();
}

}  // namespace parley::store
