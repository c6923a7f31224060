#include "server/store/sqlite_search_index.hpp"

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
};

}  // namespace

std::span<const char* const> SqliteSearchIndex::migrations() { return kMigrations; }

void add_log_lookups(SqliteDatabase& db, const std::string& log, const std::string& index, std::int64_t up_to) {
  const std::string after = "(SELECT lookups_up_to FROM " + index + ".index_state WHERE id = 1)";
  for (const std::string& sql :
       {"INSERT OR IGNORE INTO " + index + ".message_client_ids(sender_id, client_id, id) SELECT sender_id, "
        "client_id, id FROM " + log + ".messages WHERE id > " + after + " AND id <= ?",
        "INSERT OR IGNORE INTO " + index + ".message_times(conversation_id, created_at, id) SELECT "
        "conversation_id, created_at, id FROM " + log + ".messages WHERE id > " + after + " AND id <= ?",
        "INSERT OR IGNORE INTO " + index + ".message_seqs(conversation_id, seq, id) SELECT conversation_id, seq, id "
        "FROM " + log + ".messages WHERE id > " + after + " AND id <= ?",
        "UPDATE " + index + ".index_state SET lookups_up_to = max(lookups_up_to, ?) WHERE id = 1"}) {
    Prepared q(db, sql);
    q->bind(1, up_to);
    q->exec();
  }
}

Result<std::vector<Message>> SqliteSearchIndex::unindexed(int limit) {
  return db_.with([&](SQLite::Database&) -> Result<std::vector<Message>> {
    Prepared q(db_,
               "SELECT m.id, m.conversation_id, m.kind, m.body, m.recalled FROM log.messages m "
               "WHERE m.id > (SELECT up_to FROM index_state WHERE id = 1) ORDER BY m.id LIMIT ?");
    q->bind(1, limit);
    std::vector<Message> out;
    while (q->executeStep()) {
      Message m;
      m.id = q->getColumn(0).getInt64();
      m.conversation_id = q->getColumn(1).getInt64();
      m.kind = q->getColumn(2).getString();
      m.body = q->getColumn(3).getString();
      m.recalled = q->getColumn(4).getInt() != 0;
      out.push_back(std::move(m));
    }
    return out;
  });
}

Result<void> SqliteSearchIndex::add(std::span<const IndexEntry> entries, std::int64_t up_to) {
  return db_.with([&](SQLite::Database& db) -> Result<void> {
    SQLite::Transaction tx(db);
    {
      Prepared insert(db_, "INSERT INTO messages_fts(rowid, text) VALUES (?, ?)");
      for (const auto& e : entries) {
        insert->bind(1, e.message_id);
        insert->bind(2, e.text);
        insert->exec();
        insert->reset();
      }
    }
    if (!entries.empty()) {
      // An entry recalled after it was read for this batch is taken out again. The log is
      // first read here, inside the transaction: a recall that committed before this is
      // seen, and one after it waits for this connection to remove the entry itself.
      // (Checking each entry as it is inserted costs 5x the indexing.)
      Prepared drop(db_,
                    "DELETE FROM messages_fts WHERE rowid IN "
                    "(SELECT id FROM log.messages WHERE id BETWEEN ? AND ? AND recalled = 1)");
      drop->bind(1, entries.front().message_id);
      drop->bind(2, entries.back().message_id);
      drop->exec();
    }
    Prepared mark(db_, "UPDATE index_state SET up_to = max(up_to, ?) WHERE id = 1");
    mark->bind(1, up_to);
    mark->exec();
    add_log_lookups(db_, "log", "main", up_to);
    tx.commit();
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

Result<void> SqliteSearchIndex::remove(std::int64_t message_id) {
  return db_.with([&](SQLite::Database&) -> Result<void> {
    Prepared q(db_, "DELETE FROM messages_fts WHERE rowid = ?");
    q->bind(1, message_id);
    q->exec();
    return {};
  });
}

}  // namespace parley::store
