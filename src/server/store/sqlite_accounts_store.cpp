#include "server/store/sqlite_accounts_store.hpp"

#include <cctype>

namespace parley::store {
namespace {

constexpr const char* kMigrations[] = {
    // 1: accounts and session tokens.
    R"sql(
    CREATE TABLE users (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      username TEXT NOT NULL UNIQUE,
      password_hash TEXT NOT NULL,
      nickname TEXT NOT NULL,
      signature TEXT NOT NULL DEFAULT '',
      gender TEXT NOT NULL DEFAULT 'unspecified',
      avatar TEXT NOT NULL DEFAULT '',
      email TEXT NOT NULL DEFAULT '',
      birthday TEXT NOT NULL DEFAULT '',
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    );
    -- User numbers start at 10001, as QQ numbers do; AUTOINCREMENT never reuses one.
    INSERT INTO sqlite_sequence(name, seq) VALUES ('users', 10000);
    CREATE TABLE tokens (
      hash BLOB PRIMARY KEY,
      user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      device TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX tokens_by_user_device ON tokens(user_id, device);
    CREATE INDEX tokens_by_expiry ON tokens(expires_at);
    )sql",
    // 2: a trigram index over nicknames, so a search for part of a nickname (any script,
    // CJK included) does not scan every user. External content: the text lives in users.
    R"sql(
    CREATE VIRTUAL TABLE users_nickname USING fts5(
      nickname, content='users', content_rowid='id', tokenize='trigram');
    INSERT INTO users_nickname(rowid, nickname) SELECT id, nickname FROM users;
    CREATE TRIGGER users_nickname_insert AFTER INSERT ON users BEGIN
      INSERT INTO users_nickname(rowid, nickname) VALUES (new.id, new.nickname);
    END;
    CREATE TRIGGER users_nickname_update AFTER UPDATE OF nickname ON users BEGIN
      INSERT INTO users_nickname(users_nickname, rowid, nickname) VALUES ('delete', old.id, old.nickname);
      INSERT INTO users_nickname(rowid, nickname) VALUES (new.id, new.nickname);
    END;
    CREATE TRIGGER users_nickname_delete AFTER DELETE ON users BEGIN
      INSERT INTO users_nickname(users_nickname, rowid, nickname) VALUES ('delete', old.id, old.nickname);
    END;
    )sql",
    // 3: the presence a user chose (online, away, busy, invisible), kept across restarts.
    "ALTER TABLE users ADD COLUMN presence TEXT NOT NULL DEFAULT 'online';",
};

constexpr const char* kUserColumns =
    "id, username, password_hash, nickname, signature, gender, avatar, email, birthday, created_at, updated_at";

User read_user(SQLite::Statement& q) {
  User u;
  u.id = q.getColumn(0).getInt64();
  u.username = q.getColumn(1).getString();
  u.password_hash = q.getColumn(2).getString();
  u.nickname = q.getColumn(3).getString();
  u.signature = q.getColumn(4).getString();
  u.gender = q.getColumn(5).getString();
  u.avatar = q.getColumn(6).getString();
  u.email = q.getColumn(7).getString();
  u.birthday = q.getColumn(8).getString();
  u.created_at = q.getColumn(9).getInt64();
  u.updated_at = q.getColumn(10).getInt64();
  return u;
}

// A LIKE pattern (escape character: backslash) matching any text that contains `text`.
std::string contains_pattern(std::string_view text) {
  std::string out = "%";
  for (char ch : text) {
    if (ch == '%' || ch == '_' || ch == '\\') out.push_back('\\');
    out.push_back(ch);
  }
  out.push_back('%');
  return out;
}

// The smallest string greater than every string that starts with `prefix`.
std::string prefix_upper_bound(std::string_view prefix) {
  std::string upper(prefix);
  upper.push_back('\xff');
  return upper;
}

void insert_token(SQLite::Database& db, const Token& token) {
  SQLite::Statement q(db, "INSERT INTO tokens(hash, user_id, device, created_at, expires_at) VALUES (?, ?, ?, ?, ?)");
  bind_blob(q, 1, token.hash);
  q.bind(2, token.user_id);
  q.bind(3, token.device);
  q.bind(4, token.created_at);
  q.bind(5, token.expires_at);
  q.exec();
}

void delete_user_tokens(SQLite::Database& db, std::int64_t user_id) {
  SQLite::Statement q(db, "DELETE FROM tokens WHERE user_id = ?");
  q.bind(1, user_id);
  q.exec();
}

}  // namespace

std::span<const char* const> SqliteAccountsStore::migrations() { return kMigrations; }

Result<std::int64_t> SqliteAccountsStore::create_user(const NewUser& user) {
  auto id = db_.with([&](SQLite::Database& db) -> Result<std::int64_t> {
    SQLite::Statement q(db,
                        "INSERT INTO users(username, password_hash, nickname, created_at, updated_at) "
                        "VALUES (?, ?, ?, ?, ?)");
    q.bind(1, user.username);
    q.bind(2, user.password_hash);
    q.bind(3, user.nickname);
    q.bind(4, user.created_at);
    q.bind(5, user.created_at);
    q.exec();
    return db.getLastInsertRowid();
  });
  if (!id && id.error().code == Errc::conflict) return Error{Errc::conflict, "username is taken"};
  return id;
}

template <class Bind>
Result<User> SqliteAccountsStore::one_user(const std::string& sql, Bind bind) {
  return db_.with([&](SQLite::Database&) -> Result<User> {
    Prepared q(db_, sql);
    bind(*q);
    if (!q->executeStep()) return Error{Errc::not_found, "no such user"};
    return read_user(*q);
  });
}

Result<User> SqliteAccountsStore::user_by_id(std::int64_t id) {
  return one_user(std::string("SELECT ") + kUserColumns + " FROM users WHERE id = ?",
                  [&](SQLite::Statement& q) { q.bind(1, id); });
}

Result<User> SqliteAccountsStore::user_by_name(std::string_view username) {
  return one_user(std::string("SELECT ") + kUserColumns + " FROM users WHERE username = ?",
                  [&](SQLite::Statement& q) { q.bind(1, std::string(username)); });
}

Result<void> SqliteAccountsStore::update_profile(std::int64_t id, const ProfileChanges& c, std::int64_t now) {
  return db_.with([&](SQLite::Database& db) -> Result<void> {
    // COALESCE keeps a column when its parameter is NULL (not being changed).
    SQLite::Statement q(db,
                        "UPDATE users SET nickname = COALESCE(?, nickname), signature = COALESCE(?, signature), "
                        "gender = COALESCE(?, gender), birthday = COALESCE(?, birthday), "
                        "email = COALESCE(?, email), avatar = COALESCE(?, avatar), updated_at = ? WHERE id = ?");
    int i = 1;
    for (const auto* field : {&c.nickname, &c.signature, &c.gender, &c.birthday, &c.email, &c.avatar}) {
      if (*field) {
        q.bind(i, **field);
      } else {
        q.bind(i);
      }
      ++i;
    }
    q.bind(7, now);
    q.bind(8, id);
    if (q.exec() == 0) return Error{Errc::not_found, "no such user"};
    return {};
  });
}

Result<std::vector<User>> SqliteAccountsStore::search_users(std::string_view query, int limit) {
  return db_.with([&](SQLite::Database& db) -> Result<std::vector<User>> {
    // The username prefix uses the unique index, the nickname part the trigram index
    // (queries under three characters make SQLite scan that index instead).
    SQLite::Statement q(db, std::string("SELECT ") + kUserColumns +
                                " FROM users WHERE (username >= ? AND username < ?) OR id IN "
                                "(SELECT rowid FROM users_nickname WHERE nickname LIKE ? ESCAPE '\\') "
                                "ORDER BY username LIMIT ?");
    std::string folded(query);
    for (char& ch : folded) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    q.bind(1, folded);
    q.bind(2, prefix_upper_bound(folded));
    q.bind(3, contains_pattern(query));
    q.bind(4, limit);
    std::vector<User> users;
    while (q.executeStep()) users.push_back(read_user(q));
    return users;
  });
}

Result<std::int64_t> SqliteAccountsStore::count_users() {
  return db_.with([](SQLite::Database& db) -> Result<std::int64_t> {
    return db.execAndGet("SELECT count(*) FROM users").getInt64();
  });
}

Result<std::string> SqliteAccountsStore::presence(std::int64_t user_id) {
  return db_.with([&](SQLite::Database&) -> Result<std::string> {
    Prepared q(db_, "SELECT presence FROM users WHERE id = ?");
    q->bind(1, user_id);
    if (!q->executeStep()) return Error{Errc::not_found, "no such user"};
    return q->getColumn(0).getString();
  });
}

Result<void> SqliteAccountsStore::set_presence(std::int64_t user_id, std::string_view status) {
  return db_.with([&](SQLite::Database& db) -> Result<void> {
    Prepared q(db_, "UPDATE users SET presence = ? WHERE id = ?");
    q->bind(1, std::string(status));
    q->bind(2, user_id);
    q->exec();
    if (db.getChanges() == 0) return Error{Errc::not_found, "no such user"};
    return {};
  });
}

Result<void> SqliteAccountsStore::issue_token(const Token& token) {
  return db_.with([&](SQLite::Database& db) -> Result<void> {
    SQLite::Transaction tx(db);
    SQLite::Statement del(db, "DELETE FROM tokens WHERE user_id = ? AND device = ?");
    del.bind(1, token.user_id);
    del.bind(2, token.device);
    del.exec();
    insert_token(db, token);
    tx.commit();
    return {};
  });
}

Result<Token> SqliteAccountsStore::token(std::string_view hash) {
  return db_.with([&](SQLite::Database& db) -> Result<Token> {
    SQLite::Statement q(db, "SELECT hash, user_id, device, created_at, expires_at FROM tokens WHERE hash = ?");
    bind_blob(q, 1, hash);
    if (!q.executeStep()) return Error{Errc::not_found, "no such token"};
    Token t;
    const auto& column = q.getColumn(0);
    t.hash.assign(static_cast<const char*>(column.getBlob()), static_cast<std::size_t>(column.getBytes()));
    t.user_id = q.getColumn(1).getInt64();
    t.device = q.getColumn(2).getString();
    t.created_at = q.getColumn(3).getInt64();
    t.expires_at = q.getColumn(4).getInt64();
    return t;
  });
}

Result<void> SqliteAccountsStore::revoke_token(std::string_view hash) {
  return db_.with([&](SQLite::Database& db) -> Result<void> {
    SQLite::Statement q(db, "DELETE FROM tokens WHERE hash = ?");
    bind_blob(q, 1, hash);
    q.exec();
    return {};
  });
}

Result<void> SqliteAccountsStore::revoke_user_tokens(std::int64_t user_id) {
  return db_.with([&](SQLite::Database& db) -> Result<void> {
    delete_user_tokens(db, user_id);
    return {};
  });
}

Result<void> SqliteAccountsStore::change_password(std::int64_t user_id, std::string_view password_hash,
                                                  const Token& token, std::int64_t now) {
  return db_.with([&](SQLite::Database& db) -> Result<void> {
    SQLite::Transaction tx(db);
    SQLite::Statement q(db, "UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?");
    q.bind(1, std::string(password_hash));
    q.bind(2, now);
    q.bind(3, user_id);
    if (q.exec() == 0) return Error{Errc::not_found, "no such user"};
    delete_user_tokens(db, user_id);
    insert_token(db, token);
    tx.commit();
    return {};
  });
}

Result<std::int64_t> SqliteAccountsStore::delete_expired_tokens(std::int64_t now) {
  return db_.with([&](SQLite::Database& db) -> Result<std::int64_t> {
    SQLite::Statement q(db, "DELETE FROM tokens WHERE expires_at <= ?");
    q.bind(1, now);
    return q.exec();
  });
}

}  // namespace parley::store
