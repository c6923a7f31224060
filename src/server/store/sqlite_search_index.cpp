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
};

}  // namespace

std::span<const char* const> SqliteSearchIndex::migrations() { return kMigrations; }

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
