#include "server/store/sqlite_chat_store.hpp"

#include "server/store/sqlite_search_index.hpp"

#include <algorithm>
#include <unordered_map>

namespace parley::store {
namespace {

constexpr const char* kMigrations[] = {
    // 1: conversations as logs stored once, members' cursors, and the search index.
    R"sql(
    CREATE TABLE conversations (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      kind TEXT NOT NULL,
      direct_key TEXT UNIQUE,  -- "a:b" with a < b, for direct conversations
      last_seq INTEGER NOT NULL DEFAULT 0,
      created_at INTEGER NOT NULL
    );
    CREATE TABLE conversation_members (
      conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
      user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      read_seq INTEGER NOT NULL DEFAULT 0,
      joined_at INTEGER NOT NULL,
      PRIMARY KEY (conversation_id, user_id)
    ) WITHOUT ROWID;
    CREATE INDEX members_by_user ON conversation_members(user_id, conversation_id);
    CREATE TABLE messages (
      id INTEGER PRIMARY KEY,
      conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
      seq INTEGER NOT NULL,
      sender_id INTEGER NOT NULL,
      client_id TEXT NOT NULL,
      kind TEXT NOT NULL,
      body TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      recalled INTEGER NOT NULL DEFAULT 0,
      UNIQUE (conversation_id, seq)
    );
    CREATE UNIQUE INDEX messages_by_client_id ON messages(sender_id, client_id);
    CREATE INDEX messages_by_time ON messages(conversation_id, created_at);
    -- rowid = messages.id; the text is prepared by the chat service (CJK split into
    -- characters, so a phrase query finds a word inside a sentence).
    CREATE VIRTUAL TABLE messages_fts USING fts5(text, tokenize='unicode61');
    )sql",
    // 2: the search index moved to its own file (SqliteSearchIndex), indexed in the background.
    "DROP TABLE messages_fts;",
    // 3: the lookups by client id and by time moved to the index file too: each index
    // on the log costs a page write per conversation per commit.
    "DROP INDEX messages_by_client_id; DROP INDEX messages_by_time;",
    // 4: the lookup by conversation and seq moved to the index file as well: with it the
    // log took a page write per conversation per commit (~33 pages a commit at 20,000
    // msg/s instead of ~5). The log is now keyed by its sequential id alone.
    R"sql(
    CREATE TABLE messages_log (
      id INTEGER PRIMARY KEY,
      conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
      seq INTEGER NOT NULL,
      sender_id INTEGER NOT NULL,
      client_id TEXT NOT NULL,
      kind TEXT NOT NULL,
      body TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      recalled INTEGER NOT NULL DEFAULT 0
    );
    INSERT INTO messages_log SELECT id, conversation_id, seq, sender_id, client_id, kind, body, created_at, recalled
      FROM messages;
    DROP TABLE messages;
    ALTER TABLE messages_log RENAME TO messages;
    )sql",
    // 5: what groups keep of each member (the groups store has the groups themselves).
    R"sql(
    ALTER TABLE conversation_members ADD COLUMN role TEXT NOT NULL DEFAULT 'member';
    ALTER TABLE conversation_members ADD COLUMN card TEXT NOT NULL DEFAULT '';
    ALTER TABLE conversation_members ADD COLUMN muted_until INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE conversation_members ADD COLUMN visible_from INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE groups (
      conversation_id INTEGER PRIMARY KEY REFERENCES conversations(id),
      name TEXT NOT NULL,
      avatar TEXT NOT NULL DEFAULT '',
      description TEXT NOT NULL DEFAULT '',
      join_policy TEXT NOT NULL,
      invite_policy TEXT NOT NULL,
      member_limit INTEGER NOT NULL,
      owner_id INTEGER NOT NULL,
      muted_all INTEGER NOT NULL DEFAULT 0,
      full_history INTEGER NOT NULL DEFAULT 0,
      created_at INTEGER NOT NULL,
      dissolved_at INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX groups_by_owner ON groups(owner_id) WHERE dissolved_at = 0;
    CREATE TABLE group_requests (
      id INTEGER PRIMARY KEY,
      group_id INTEGER NOT NULL REFERENCES groups(conversation_id),
      user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      inviter_id INTEGER NOT NULL DEFAULT 0,
      note TEXT NOT NULL DEFAULT '',
      status TEXT NOT NULL DEFAULT 'pending',
      reason TEXT NOT NULL DEFAULT '',
      created_at INTEGER NOT NULL,
      decided_at INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX group_requests_by_group ON group_requests(group_id, status);
    CREATE INDEX group_requests_by_user ON group_requests(user_id, created_at);
    )sql",
    // 6: a mute outlives leaving the group, so that leaving and joining again does not
    // end it: it is kept here while the user is not a member.
    R"sql(
    CREATE TABLE group_mutes (
      group_id INTEGER NOT NULL REFERENCES groups(conversation_id),
      user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      muted_until INTEGER NOT NULL,
      PRIMARY KEY (group_id, user_id)
    ) WITHOUT ROWID;
    )sql",
    // 7: what a recall has yet to take out of the search index, with its words (the row
    // goes once the index has; the store finishes what a crash left when it opens).
    R"sql(
    CREATE TABLE index_removals (message_id INTEGER PRIMARY KEY, text TEXT NOT NULL);
    )sql",
};

// The log is keyed by its sequential id alone. Where a conversation's messages are by
// seq is in the index file (search.message_seqs), up to the last id its lookups hold
// (lookups_up_to); the newer ones, the log's tail, are found by scanning it from there
// (the tail stays short: the indexer keeps the lookups up to date in the background).
// Both are read in one statement, so from one snapshot of each file.
constexpr const char* kTailStart = "(SELECT lookups_up_to FROM search.index_state WHERE id = 1)";

// The id of message `seq` of `conversation` (SQL expressions), or NULL.
std::string id_of(const std::string& conversation, const std::string& seq) {
  return "coalesce((SELECT s.id FROM search.message_seqs s WHERE s.conversation_id = " + conversation +
         " AND s.seq = " + seq + "), (SELECT t.id FROM messages t WHERE t.id > " + kTailStart +
         " AND t.conversation_id = " + conversation + " AND t.seq = " + seq + "))";
}

// The ids of `conversation`'s messages whose seq is `comparison` (as "> me.read_seq"),
// as a parenthesised list.
std::string ids_of(const std::string& conversation, const std::string& comparison) {
  return "(SELECT s.id FROM search.message_seqs s WHERE s.conversation_id = " + conversation + " AND s.seq " +
         comparison + " UNION ALL SELECT t.id FROM messages t WHERE t.id > " + kTailStart +
         " AND t.conversation_id = " + conversation + " AND t.seq " + comparison + ")";
}

// A page of conversation ?1's messages whose seq is `comparison` (as "> ?2"), in seq
// order (`direction`), at most ?3.
std::string in_seq_order(const std::string& comparison, const std::string& direction) {
  return std::string("SELECT ") + kMessageColumns +
         " FROM messages m WHERE m.id IN (SELECT s.id FROM search.message_seqs s WHERE s.conversation_id = ?1 AND s.seq " +
         comparison + " ORDER BY s.seq " + direction + " LIMIT ?3) UNION ALL SELECT " + kMessageColumns +
         " FROM messages m WHERE m.id > " + kTailStart + " AND m.conversation_id = ?1 AND m.seq " + comparison +
         " ORDER BY 2 " + direction + " LIMIT ?3";
}

// Appends log entries inside the caller's transaction. Each conversation's last seq is
// read once per batch and written back once by finish(), rather than once per message.
// A repeated client id is found among the entries the index file holds, or else among
// the recent ones it does not hold yet (`recent`, kept by the store in memory).
class Appender {
 public:
  Appender(SqliteDatabase& db, SqliteChatStore::RecentClientIds& recent) : db_(db), recent_(recent) {}

  Appended append(SQLite::Database& db, const NewMessage& m) {
    if (auto id = recent_.find(m.sender_id, m.client_id)) return {by_id(*id), true};
    {
      Prepared find(db_, std::string("SELECT ") + kMessageColumns +
                             " FROM search.message_client_ids k JOIN messages m ON m.id = k.id "
                             "WHERE k.sender_id = ? AND k.client_id = ?");
      find->bind(1, m.sender_id);
      find->bind(2, m.client_id);
      if (find->executeStep()) return {read_message(*find), true};
    }
    auto& conversation = conversation_of(m.conversation_id);
    if (conversation.group && m.kind != "system" && m.kind != "recall") {
      if (auto refusal = check_sender(m, conversation); refusal.refused != Refusal::none) return refusal;
    }
    std::int64_t seq = ++conversation.last_seq;
    {
      Prepared insert(db_,
                      "INSERT INTO messages(conversation_id, seq, sender_id, client_id, kind, body, created_at) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?)");
      insert->bind(1, m.conversation_id);
      insert->bind(2, seq);
      insert->bind(3, m.sender_id);
      insert->bind(4, m.client_id);
      insert->bind(5, m.kind);
      insert->bind(6, m.body);
      insert->bind(7, m.created_at);
      insert->exec();
    }
    const std::int64_t id = db.getLastInsertRowid();
    recent_.add(id, m.sender_id, m.client_id);
    return {Message{id, m.conversation_id, seq, m.sender_id, m.client_id, m.kind, m.body, m.created_at, false},
            false};
  }

// Records each conversation's new last seq. Call before committing.
  void finish() {
    Prepared update(db_, "UPDATE conversations SET last_seq = ? WHERE id = ?");
    for (const auto& [id, conversation] : conversations_) {
      update->bind(1, conversation.last_seq);
      update->bind(2, id);
      update->exec();
      update->reset();
    }
  }

 private:
  // What a batch keeps of each conversation it appends to: nothing changes them while
  // the batch's transaction is open.
  struct Conversation {
    std::int64_t last_seq = 0;
    bool group = false;
    bool muted_all = false;
  };

  Conversation& conversation_of(std::int64_t conversation_id) {
    auto it = conversations_.find(conversation_id);
    if (it == conversations_.end()) {
      Prepared q(db_, "SELECT c.last_seq, c.kind = 'group', coalesce(g.muted_all, 0) FROM conversations c "
                      "LEFT JOIN groups g ON g.conversation_id = c.id WHERE c.id = ?");
      q->bind(1, conversation_id);
      if (!q->executeStep()) throw std::runtime_error("no such conversation");
      Conversation c{q->getColumn(0).getInt64(), q->getColumn(1).getInt() != 0, q->getColumn(2).getInt() != 0};
      it = conversations_.emplace(conversation_id, c).first;
    }
    return it->second;
  }

  // The group's rules for this sender as they are now.
  Appended check_sender(const NewMessage& m, const Conversation& c) {
    Prepared q(db_, "SELECT role, muted_until FROM conversation_members WHERE conversation_id = ? AND user_id = ?");
    q->bind(1, m.conversation_id);
    q->bind(2, m.sender_id);
    Appended out;
    if (!q->executeStep()) {
      out.refused = Refusal::not_member;
    } else if (const auto until = q->getColumn(1).getInt64(); until > m.created_at) {
      out.refused = Refusal::muted;
      out.muted_until = until;
    } else if (c.muted_all && q->getColumn(0).getString() == "member") {
      out.refused = Refusal::muted_all;
    }
    return out;
  }

  Message by_id(std::int64_t id) {
    Prepared q(db_, std::string("SELECT ") + kMessageColumns + " FROM messages m WHERE m.id = ?");
    q->bind(1, id);
    if (!q->executeStep()) throw std::runtime_error("a recent message is missing from the log");
    return read_message(*q);
  }

  SqliteDatabase& db_;
  SqliteChatStore::RecentClientIds& recent_;
  std::unordered_map<std::int64_t, Conversation> conversations_;
};

// How far the index file's lookups reach, as this transaction sees it.
std::int64_t lookups_up_to(SqliteDatabase& db) {
  Prepared q(db, "SELECT lookups_up_to FROM search.index_state WHERE id = 1");
  return q->executeStep() ? q->getColumn(0).getInt64() : 0;
}

}  // namespace

Message read_message(SQLite::Statement& q, int first) {
  Message m;
  m.conversation_id = q.getColumn(first + 0).getInt64();
  m.seq = q.getColumn(first + 1).getInt64();
  m.sender_id = q.getColumn(first + 2).getInt64();
  m.client_id = q.getColumn(first + 3).getString();
  m.kind = q.getColumn(first + 4).getString();
  m.body = q.getColumn(first + 5).getString();
  m.created_at = q.getColumn(first + 6).getInt64();
  m.recalled = q.getColumn(first + 7).getInt() != 0;
  m.id = q.getColumn(first + 8).getInt64();
  return m;
}

std::vector<Message> read_all(SQLite::Statement& q) {
  std::vector<Message> out;
  while (q.executeStep()) out.push_back(read_message(q));
  return out;
}

std::span<const char* const> SqliteChatStore::migrations() { return kMigrations; }

void SqliteChatStore::trim_recent() {
  if (recent_.size() > max_recent_) {
    std::int64_t last = 0;
    {
      Prepared q(db_, "SELECT coalesce(max(id), 0) FROM messages");
      if (q->executeStep()) last = q->getColumn(0).getInt64();
    }
    add_log_lookups(db_, "main", "search", last);
  }
  recent_.forget_up_to(lookups_up_to(db_));
}

std::vector<Appended> SqliteChatStore::append_and_commit(SQLite::Database& db, SQLite::Transaction& tx,
                                                         std::span<const NewMessage> batch) {
  trim_recent();
  Appender appender(db_, recent_);
  std::vector<Appended> out;
  out.reserve(batch.size());
  try {
    for (const auto& m : batch) out.push_back(appender.append(db, m));
    appender.finish();
    tx.commit();
  } catch (...) {
    recent_.drop_uncommitted();  // a repeat of these must not be found: they are not stored
    throw;
  }
  recent_.commit();
  return out;
}

std::string SqliteChatStore::RecentClientIds::key(std::int64_t sender_id, const std::string& client_id) {
  return std::to_string(sender_id) + ':' + client_id;
}

std::optional<std::int64_t> SqliteChatStore::RecentClientIds::find(std::int64_t sender_id,
                                                                   const std::string& client_id) const {
  auto it = ids_.find(key(sender_id, client_id));
  if (it == ids_.end()) return std::nullopt;
  return it->second;
}

void SqliteChatStore::RecentClientIds::add(std::int64_t id, std::int64_t sender_id, const std::string& client_id) {
  auto k = key(sender_id, client_id);
  ids_[k] = id;
  order_.emplace_back(id, std::move(k));
  ++uncommitted_;
}

void SqliteChatStore::RecentClientIds::drop_uncommitted() {
  for (; uncommitted_ > 0; --uncommitted_) {
    ids_.erase(order_.back().second);
    order_.pop_back();
  }
}

void SqliteChatStore::RecentClientIds::forget_up_to(std::int64_t id) {
  while (order_.size() > uncommitted_ && order_.front().first <= id) {
    auto it = ids_.find(order_.front().second);
    if (it != ids_.end() && it->second == order_.front().first) ids_.erase(it);
    order_.pop_front();
  }
}

Result<std::int64_t> SqliteChatStore::direct_conversation(std::int64_t a, std::int64_t b, std::int64_t now) {
  std::string key = std::to_string(std::min(a, b)) + ":" + std::to_string(std::max(a, b));
  return db_.with([&](SQLite::Database& db) -> Result<std::int64_t> {
    Prepared find(db_, "SELECT id FROM conversations WHERE direct_key = ?");
    find->bind(1, key);
    if (find->executeStep()) return find->getColumn(0).getInt64();
    SQLite::Transaction tx(db);
    Prepared create(db_, "INSERT INTO conversations(kind, direct_key, created_at) VALUES ('direct', ?, ?)");
    create->bind(1, key);
    create->bind(2, now);
    create->exec();
    std::int64_t id = db.getLastInsertRowid();
    Prepared member(db_, "INSERT INTO conversation_members(conversation_id, user_id, joined_at) VALUES (?, ?, ?)");
    for (std::int64_t user : {a, b}) {
      member->reset();
      member->bind(1, id);
      member->bind(2, user);
      member->bind(3, now);
      member->exec();
    }
    tx.commit();
    return id;
  });
}

Result<Roster> SqliteChatStore::roster(std::int64_t conversation_id) {
  return db_.with([&](SQLite::Database&) -> Result<Roster> {
    Roster out;
    {
      Prepared q(db_, "SELECT c.kind, coalesce(g.muted_all, 0), coalesce(g.full_history, 0), coalesce(g.dissolved_at, 0) "
                      "FROM conversations c LEFT JOIN groups g ON g.conversation_id = c.id WHERE c.id = ?");
      q->bind(1, conversation_id);
      if (!q->executeStep() || q->getColumn(3).getInt64() != 0) return Error{Errc::not_found, "no such conversation"};
      out.kind = q->getColumn(0).getString();
      out.muted_all = q->getColumn(1).getInt() != 0;
      out.full_history = q->getColumn(2).getInt() != 0;
    }
    Prepared q(db_, "SELECT user_id, role, card, joined_at, muted_until, visible_from FROM conversation_members "
                    "WHERE conversation_id = ? ORDER BY user_id");
    q->bind(1, conversation_id);
    while (q->executeStep()) {
      out.members.push_back({q->getColumn(0).getInt64(), q->getColumn(1).getString(), q->getColumn(2).getString(),
                             q->getColumn(3).getInt64(), q->getColumn(4).getInt64(), q->getColumn(5).getInt64()});
    }
    for (const auto& m : out.members) out.user_ids.push_back(m.user_id);
    return out;
  });
}

Result<Appended> SqliteChatStore::append_after(const Change& change, const NewMessage& notice,
                                               const std::function<void(const Appended&)>& committed) {
  return db_.with([&](SQLite::Database& db) -> Result<Appended> {
    SQLite::Transaction tx(db);
    if (auto s = change(db); !s) return s.error();
    auto appended = append_and_commit(db, tx, {&notice, 1}).front();
    if (committed) committed(appended);
    return appended;
  });
}

Result<std::vector<Appended>> SqliteChatStore::append(std::span<const NewMessage> batch) {
  return db_.with([&](SQLite::Database& db) -> Result<std::vector<Appended>> {
    SQLite::Transaction tx(db);
    return append_and_commit(db, tx, batch);
  });
}

Result<std::vector<Message>> SqliteChatStore::messages_after(std::int64_t conversation_id, std::int64_t after_seq,
                                                             int limit) {
  return db_.with([&](SQLite::Database&) -> Result<std::vector<Message>> {
    Prepared q(db_, in_seq_order("> ?2", "ASC"));
    q->bind(1, conversation_id);
    q->bind(2, after_seq);
    q->bind(3, limit);
    return read_all(*q);
  });
}

Result<std::vector<Message>> SqliteChatStore::messages_before(std::int64_t conversation_id, std::int64_t before_seq,
                                                              int limit) {
  return db_.with([&](SQLite::Database&) -> Result<std::vector<Message>> {
    Prepared q(db_, in_seq_order("< ?2", "DESC"));
    q->bind(1, conversation_id);
    q->bind(2, before_seq);
    q->bind(3, limit);
    auto out = read_all(*q);
    std::reverse(out.begin(), out.end());
    return out;
  });
}

Result<Message> SqliteChatStore::message(std::int64_t conversation_id, std::int64_t seq) {
  return db_.with([&](SQLite::Database&) -> Result<Message> {
    Prepared q(db_, std::string("SELECT ") + kMessageColumns + " FROM messages m WHERE m.id = " + id_of("?1", "?2"));
    q->bind(1, conversation_id);
    q->bind(2, seq);
    if (!q->executeStep()) return Error{Errc::not_found, "no such message"};
    return read_message(*q);
  });
}

Result<std::int64_t> SqliteChatStore::mark_read(std::int64_t conversation_id, std::int64_t user_id, std::int64_t seq) {
  return db_.with([&](SQLite::Database&) -> Result<std::int64_t> {
    Prepared q(db_,
                        "UPDATE conversation_members SET read_seq = "
                        "max(read_seq, min(?, (SELECT last_seq FROM conversations WHERE id = ?))) "
                        "WHERE conversation_id = ? AND user_id = ? RETURNING read_seq");
    q->bind(1, seq);
    q->bind(2, conversation_id);
    q->bind(3, conversation_id);
    q->bind(4, user_id);
    if (!q->executeStep()) return Error{Errc::not_found, "not a member of this conversation"};
    std::int64_t read_seq = q->getColumn(0).getInt64();
    while (q->executeStep()) {
    }
    return read_seq;
  });
}

Result<Appended> SqliteChatStore::recall(std::int64_t conversation_id, std::int64_t seq, const NewMessage& notice,
                                         const std::string& index_text) {
  return append_after(
      [&](SQLite::Database&) -> Result<void> {
        Prepared wipe(db_, "UPDATE messages SET body = '{}', recalled = 1 WHERE id = " + id_of("?1", "?2") +
                               " AND recalled = 0 RETURNING id");
        wipe->bind(1, conversation_id);
        wipe->bind(2, seq);
        if (!wipe->executeStep()) return Error{Errc::not_found, "no such message, or it was recalled already"};
        const std::int64_t id = wipe->getColumn(0).getInt64();
        while (wipe->executeStep()) {
        }
        if (index_text.empty()) return {};
        Prepared keep(db_, "INSERT OR REPLACE INTO index_removals(message_id, text) VALUES (?, ?)");
        keep->bind(1, id);
        keep->bind(2, index_text);
        keep->exec();
        return {};
      },
      notice);
}

Result<std::vector<IndexEntry>> SqliteChatStore::index_removals() {
  return db_.with([&](SQLite::Database&) -> Result<std::vector<IndexEntry>> {
    std::vector<IndexEntry> kept;
    Prepared q(db_, "SELECT message_id, text FROM index_removals ORDER BY message_id");
    while (q->executeStep()) kept.push_back({q->getColumn(0).getInt64(), q->getColumn(1).getString()});
    return kept;
  });
}

Result<void> SqliteChatStore::forget_index_removal(std::int64_t message_id) {
  return db_.with([&](SQLite::Database&) -> Result<void> {
    Prepared q(db_, "DELETE FROM index_removals WHERE message_id = ?");
    q->bind(1, message_id);
    q->exec();
    return {};
  });
}

Result<std::vector<ConversationRow>> SqliteChatStore::conversations_of(std::int64_t user_id) {
  return db_.with([&](SQLite::Database&) -> Result<std::vector<ConversationRow>> {
    // Other members' columns are for direct conversations, which have exactly one other.
    // Mentions are counted in groups only, where a text's body may carry them.
    const std::string unread_texts = "FROM messages u WHERE u.id IN " + ids_of("c.id", "> me.read_seq") +
                                     " AND u.sender_id != ?1 AND u.kind NOT IN ('recall', 'system') AND u.recalled = 0";
    Prepared q(db_, std::string("SELECT c.id, c.kind, c.last_seq, me.read_seq, "
                        "(SELECT o.user_id FROM conversation_members o WHERE c.kind = 'direct' AND o.conversation_id = c.id AND o.user_id != ?1), "
                        "(SELECT o.read_seq FROM conversation_members o WHERE c.kind = 'direct' AND o.conversation_id = c.id AND o.user_id != ?1), "
                        "(SELECT count(*) " + unread_texts + "), "
                        "CASE WHEN c.kind = 'group' THEN (SELECT count(*) " + unread_texts +
                        "  AND (json_extract(u.body, '$.mention_all') = 1 OR "
                        "       EXISTS (SELECT 1 FROM json_each(u.body, '$.mentions') WHERE value = ?1))) ELSE 0 END, "
                        "coalesce(g.name, ''), coalesce(g.avatar, ''), me.role, coalesce(g.muted_all, 0), me.muted_until, ") +
                kMessageColumns +
                " FROM conversation_members me JOIN conversations c ON c.id = me.conversation_id "
                "LEFT JOIN groups g ON g.conversation_id = c.id "
                "LEFT JOIN messages m ON m.id = " + id_of("c.id", "c.last_seq") + " "
                "WHERE me.user_id = ?1 ORDER BY coalesce(m.created_at, c.created_at) DESC");
    q->bind(1, user_id);
    std::vector<ConversationRow> out;
    while (q->executeStep()) {
      ConversationRow row;
      row.conversation_id = q->getColumn(0).getInt64();
      row.kind = q->getColumn(1).getString();
      row.last_seq = q->getColumn(2).getInt64();
      row.read_seq = q->getColumn(3).getInt64();
      row.peer_id = q->getColumn(4).getInt64();
      row.peer_read_seq = q->getColumn(5).getInt64();
      row.unread = q->getColumn(6).getInt64();
      row.mentions = q->getColumn(7).getInt64();
      row.group_name = q->getColumn(8).getString();
      row.group_avatar = q->getColumn(9).getString();
      row.role = q->getColumn(10).getString();
      row.muted_all = q->getColumn(11).getInt() != 0;
      row.muted_until = q->getColumn(12).getInt64();
      if (!q->getColumn(13).isNull()) row.last_message = read_message(*q, 13);
      out.push_back(std::move(row));
    }
    return out;
  });
}

Result<std::vector<Message>> SqliteChatStore::search(const SearchQuery& s) {
  return db_.with([&](SQLite::Database&) -> Result<std::vector<Message>> {
    // Words go through the full-text index; without words, through the lookup by time.
    // Conditions are appended only when given; every value is still a bound parameter.
    std::string sql = std::string("SELECT ") + kMessageColumns;
    if (!s.match.empty()) {
      sql += " FROM messages m JOIN conversation_members me ON me.conversation_id = m.conversation_id "
             "AND me.user_id = :user WHERE m.id IN (SELECT rowid FROM search.messages_fts WHERE messages_fts "
             "MATCH :match)";
    } else {
      // The range's minutes give each conversation's seqs to read: every entry created
      // in the range has a seq between the lowest and highest of its minute's row.
      sql += " FROM conversation_members me JOIN search.message_seqs k ON k.conversation_id = me.conversation_id";
      if (s.from || s.to) {
        std::string minutes = " FROM search.message_minutes b WHERE b.conversation_id = me.conversation_id";
        if (s.from) minutes += " AND b.minute >= :from_minute";
        if (s.to) minutes += " AND b.minute <= :to_minute";
        sql += " AND k.seq >= (SELECT min(b.first_seq)" + minutes + ") AND k.seq <= (SELECT max(b.last_seq)" +
               minutes + ")";
      }
      sql += " JOIN messages m ON m.id = k.id WHERE me.user_id = :user";
    }
    if (s.from) sql += " AND m.created_at >= :from";
    if (s.to) sql += " AND m.created_at < :to";
    sql += " AND m.recalled = 0 AND m.kind NOT IN ('recall', 'system')";
    // A group member reads from their joining on, unless the group shows all history.
    sql += " AND (m.seq >= me.visible_from OR EXISTS (SELECT 1 FROM groups g WHERE g.conversation_id = "
           "m.conversation_id AND g.full_history = 1))";
    if (s.conversation_id) sql += " AND me.conversation_id = :conversation";
    sql += " ORDER BY m.created_at DESC, m.id DESC LIMIT :limit";
    Prepared q(db_, sql);
    q->bind(":user", s.user_id);
    if (!s.match.empty()) q->bind(":match", s.match);
    if (s.from) {
      q->bind(":from", *s.from);
      if (s.match.empty()) q->bind(":from_minute", *s.from / kMsPerMinute);
    }
    if (s.to) {
      q->bind(":to", *s.to);
      if (s.match.empty()) q->bind(":to_minute", *s.to / kMsPerMinute);
    }
    if (s.conversation_id) q->bind(":conversation", *s.conversation_id);
    q->bind(":limit", s.limit);
    return read_all(*q);
  });
}

}  // namespace parley::store
