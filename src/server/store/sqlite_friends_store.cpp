#include "server/store/sqlite_friends_store.hpp"

#include <algorithm>
#include <string>

namespace parley::store {
namespace {

constexpr const char* kMigrations[] = {
    // 1: categories, friendships (one row per side), requests, blocks, privacy.
    R"sql(
    CREATE TABLE friend_categories (
      id INTEGER PRIMARY KEY,
      user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      name TEXT NOT NULL,
      position INTEGER NOT NULL,
      is_default INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
      created_at INTEGER NOT NULL,
      UNIQUE (user_id, name),
      -- The target of friendships' composite key: a friend is filed only in a category
      -- of the same user.
      UNIQUE (id, user_id)
    );
    CREATE UNIQUE INDEX friend_categories_one_default ON friend_categories(user_id) WHERE is_default = 1;

    CREATE TABLE friendships (
      user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      friend_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      category_id INTEGER NOT NULL,
      remark TEXT NOT NULL DEFAULT '',
      since INTEGER NOT NULL,
      PRIMARY KEY (user_id, friend_id),
      FOREIGN KEY (category_id, user_id) REFERENCES friend_categories(id, user_id),
      CHECK (user_id <> friend_id)
    ) WITHOUT ROWID;
    CREATE INDEX friendships_by_friend ON friendships(friend_id);
    CREATE INDEX friendships_by_category ON friendships(category_id, user_id);

    CREATE TABLE friend_requests (
      id INTEGER PRIMARY KEY,
      from_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      to_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      note TEXT NOT NULL DEFAULT '',
      status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected')),
      reason TEXT NOT NULL DEFAULT '',
      hidden INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1)),
      created_at INTEGER NOT NULL,
      decided_at INTEGER NOT NULL DEFAULT 0,
      CHECK (from_id <> to_id)
    );
    -- At most one pending request per direction: a repeat updates it.
    CREATE UNIQUE INDEX friend_requests_one_pending ON friend_requests(from_id, to_id) WHERE status = 'pending';
    CREATE INDEX friend_requests_incoming ON friend_requests(to_id, status, created_at);
    CREATE INDEX friend_requests_outgoing ON friend_requests(from_id, created_at);

    CREATE TABLE blocks (
      user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      blocked_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      created_at INTEGER NOT NULL,
      PRIMARY KEY (user_id, blocked_id),
      CHECK (user_id <> blocked_id)
    ) WITHOUT ROWID;
    CREATE INDEX blocks_by_blocked ON blocks(blocked_id);

    CREATE TABLE privacy (
      user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
      allow_strangers INTEGER NOT NULL CHECK (allow_strangers IN (0, 1))
    );
    )sql",
};

constexpr const char* kRequestColumns =
    "r.id, r.from_id, r.to_id, r.note, r.status, r.reason, r.hidden, r.created_at, r.decided_at";
constexpr int kRequestColumnCount = 9;
constexpr const char* kCardColumns = "u.id, u.username, u.nickname, u.avatar, u.signature";

const char* state_text(RequestState state) {
  switch (state) {
    case RequestState::pending:
      return "pending";
    case RequestState::accepted:
      return "accepted";
    case RequestState::rejected:
      return "rejected";
  }
  return "pending";
}

RequestState state_of(const std::string& text) {
  if (text == "accepted") return RequestState::accepted;
  if (text == "rejected") return RequestState::rejected;
  return RequestState::pending;
}

FriendRequestRow read_request(SQLite::Statement& q, int first = 0) {
  FriendRequestRow r;
  r.id = q.getColumn(first).getInt64();
  r.from_id = q.getColumn(first + 1).getInt64();
  r.to_id = q.getColumn(first + 2).getInt64();
  r.note = q.getColumn(first + 3).getString();
  r.state = state_of(q.getColumn(first + 4).getString());
  r.reason = q.getColumn(first + 5).getString();
  r.hidden = q.getColumn(first + 6).getInt() != 0;
  r.created_at = q.getColumn(first + 7).getInt64();
  r.decided_at = q.getColumn(first + 8).getInt64();
  return r;
}

UserCard read_card(SQLite::Statement& q, int first) {
  UserCard c;
  c.id = q.getColumn(first).getInt64();
  c.username = q.getColumn(first + 1).getString();
  c.nickname = q.getColumn(first + 2).getString();
  c.avatar = q.getColumn(first + 3).getString();
  c.signature = q.getColumn(first + 4).getString();
  return c;
}

std::optional<FriendRequestRow> request_by_id(SQLite::Database& db, std::int64_t id) {
  SQLite::Statement q(db, std::string("SELECT ") + kRequestColumns + " FROM friend_requests r WHERE r.id = ?");
  q.bind(1, id);
  if (!q.executeStep()) return std::nullopt;
  return read_request(q);
}

std::optional<FriendRequestRow> pending_request(SQLite::Database& db, std::int64_t from, std::int64_t to) {
  SQLite::Statement q(db, std::string("SELECT ") + kRequestColumns +
                              " FROM friend_requests r WHERE r.from_id = ? AND r.to_id = ? AND r.status = 'pending'");
  q.bind(1, from);
  q.bind(2, to);
  if (!q.executeStep()) return std::nullopt;
  return read_request(q);
}

bool friendship_exists(SQLite::Database& db, std::int64_t user, std::int64_t friend_id) {
  SQLite::Statement q(db, "SELECT 1 FROM friendships WHERE user_id = ? AND friend_id = ?");
  q.bind(1, user);
  q.bind(2, friend_id);
  return q.executeStep();
}

bool category_of(SQLite::Database& db, std::int64_t user, std::int64_t category_id) {
  SQLite::Statement q(db, "SELECT 1 FROM friend_categories WHERE id = ? AND user_id = ?");
  q.bind(1, category_id);
  q.bind(2, user);
  return q.executeStep();
}

// The user's default category, created if missing. Call inside the caller's lock.
std::int64_t default_category(SQLite::Database& db, std::int64_t user, std::int64_t now) {
  {
    SQLite::Statement q(db, "SELECT id FROM friend_categories WHERE user_id = ? AND is_default = 1");
    q.bind(1, user);
    if (q.executeStep()) return q.getColumn(0).getInt64();
  }
  // Every other category is created after the default one (create_category asks for it
  // first), so position 0 comes before them all.
  SQLite::Statement q(db,
                      "INSERT INTO friend_categories(user_id, name, position, is_default, created_at) "
                      "VALUES (?, ?, 0, 1, ?)");
  q.bind(1, user);
  q.bind(2, kDefaultCategoryName);
  q.bind(3, now);
  q.exec();
  return db.getLastInsertRowid();
}

void insert_friendship(SQLite::Database& db, std::int64_t user, std::int64_t friend_id, std::int64_t category_id,
                       std::int64_t now) {
  SQLite::Statement q(db,
                      "INSERT INTO friendships(user_id, friend_id, category_id, since) VALUES (?, ?, ?, ?) "
                      "ON CONFLICT(user_id, friend_id) DO NOTHING");
  q.bind(1, user);
  q.bind(2, friend_id);
  q.bind(3, category_id);
  q.bind(4, now);
  q.exec();
}

// Makes the two users friends: `a` files `b` in `a_category`, `b` files `a` in its
// default category; every pending request between them is settled as accepted.
void make_friends(SQLite::Database& db, std::int64_t a, std::int64_t b, std::int64_t a_category, std::int64_t now) {
  SQLite::Statement settle(db,
                           "UPDATE friend_requests SET status = 'accepted', decided_at = ? WHERE status = 'pending' "
                           "AND ((from_id = ? AND to_id = ?) OR (from_id = ? AND to_id = ?))");
  settle.bind(1, now);
  settle.bind(2, a);
  settle.bind(3, b);
  settle.bind(4, b);
  settle.bind(5, a);
  settle.exec();
  insert_friendship(db, a, b, a_category, now);
  insert_friendship(db, b, a, default_category(db, b, now), now);
}

std::int64_t insert_request(SQLite::Database& db, std::int64_t from, std::int64_t to, std::string_view note,
                            RequestState state, bool hidden, std::int64_t now) {
  SQLite::Statement q(db,
                      "INSERT INTO friend_requests(from_id, to_id, note, status, hidden, created_at, decided_at) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?)");
  q.bind(1, from);
  q.bind(2, to);
  q.bind(3, std::string(note));
  q.bind(4, state_text(state));
  q.bind(5, hidden ? 1 : 0);
  q.bind(6, now);
  q.bind(7, state == RequestState::pending ? 0 : now);
  q.exec();
  return db.getLastInsertRowid();
}

Error no_friend() { return Error{Errc::not_found, "this user is not in your friend list"}; }
Error no_category() { return Error{Errc::not_found, "no such category"}; }

std::vector<RequestWithUser> read_requests_with_users(SQLite::Statement& q) {
  std::vector<RequestWithUser> out;
  while (q.executeStep()) out.push_back({read_request(q), read_card(q, kRequestColumnCount)});
  return out;
}

FriendRow read_friend(SQLite::Statement& q) {
  FriendRow f;
  f.user = read_card(q, 0);
  f.remark = q.getColumn(5).getString();
  f.category_id = q.getColumn(6).getInt64();
  f.since = q.getColumn(7).getInt64();
  return f;
}

const std::string kFriendSelect = std::string("SELECT ") + kCardColumns +
                                  ", f.remark, f.category_id, f.since FROM friendships f "
                                  "JOIN users u ON u.id = f.friend_id WHERE f.user_id = ?";

}  // namespace

std::span<const char* const> SqliteFriendsStore::migrations() { return kMigrations; }

Result<SentRequest> SqliteFriendsStore::send_request(std::int64_t from, std::int64_t to, std::string_view note,
                                                     bool hidden, std::int64_t now) {
  return db_.with([&](SQLite::Database& db) -> Result<SentRequest> {
    SQLite::Transaction tx(db);
    if (friendship_exists(db, from, to)) return Error{Errc::conflict, "you are already friends"};
    auto mine = pending_request(db, from, to);
    SentRequest sent;
    if (!hidden) {
      auto theirs = pending_request(db, to, from);
      if (theirs && !theirs->hidden) {
        // They asked first: this request answers theirs.
        std::int64_t id = 0;
        if (mine) {
          SQLite::Statement q(db, "UPDATE friend_requests SET note = ? WHERE id = ?");
          q.bind(1, std::string(note));
          q.bind(2, mine->id);
          q.exec();
          id = mine->id;
        } else {
          id = insert_request(db, from, to, note, RequestState::accepted, false, now);
        }
        make_friends(db, from, to, default_category(db, from, now), now);
        sent.outcome = SentRequest::Outcome::accepted;
        sent.matched_request_id = theirs->id;
        sent.request = *request_by_id(db, id);
        tx.commit();
        return sent;
      }
    }
    if (mine) {
      SQLite::Statement q(db, "UPDATE friend_requests SET note = ?, hidden = ? WHERE id = ?");
      q.bind(1, std::string(note));
      q.bind(2, (mine->hidden && hidden) ? 1 : 0);
      q.bind(3, mine->id);
      q.exec();
      sent.outcome = SentRequest::Outcome::repeated;
      sent.was_hidden = mine->hidden;
      sent.old_note = mine->note;
      sent.request = *request_by_id(db, mine->id);
    } else {
      std::int64_t id = insert_request(db, from, to, note, RequestState::pending, hidden, now);
      sent.outcome = SentRequest::Outcome::created;
      sent.request = *request_by_id(db, id);
    }
    tx.commit();
    return sent;
  });
}

Result<FriendRequestRow> SqliteFriendsStore::respond(std::int64_t request_id, std::int64_t responder, bool accept,
                                                     std::string_view reason, std::optional<std::int64_t> category_id,
                                                     std::int64_t now) {
  return db_.with([&](SQLite::Database& db) -> Result<FriendRequestRow> {
    SQLite::Transaction tx(db);
    auto request = request_by_id(db, request_id);
    if (!request || request->to_id != responder || request->hidden) {
      return Error{Errc::not_found, "no such friend request"};
    }
    if (request->state != RequestState::pending)
      return Error{Errc::conflict, "this friend request was already answered"};
    if (accept) {
      std::int64_t category = 0;
      if (category_id) {
        if (!category_of(db, responder, *category_id)) return no_category();
        category = *category_id;
      } else {
        category = default_category(db, responder, now);
      }
      make_friends(db, responder, request->from_id, category, now);
    } else {
      SQLite::Statement q(db,
                          "UPDATE friend_requests SET status = 'rejected', reason = ?, decided_at = ? WHERE id = ?");
      q.bind(1, std::string(reason));
      q.bind(2, now);
      q.bind(3, request_id);
      q.exec();
    }
    auto decided = *request_by_id(db, request_id);
    tx.commit();
    return decided;
  });
}

Result<std::vector<RequestWithUser>> SqliteFriendsStore::incoming_requests(std::int64_t user, int limit) {
  return db_.with([&](SQLite::Database& db) -> Result<std::vector<RequestWithUser>> {
    SQLite::Statement q(db, std::string("SELECT ") + kRequestColumns + ", " + kCardColumns +
                                " FROM friend_requests r JOIN users u ON u.id = r.from_id "
                                "WHERE r.to_id = ? AND r.status = 'pending' AND r.hidden = 0 AND NOT EXISTS "
                                "(SELECT 1 FROM blocks b WHERE b.user_id = r.to_id AND b.blocked_id = r.from_id) "
                                "ORDER BY r.created_at DESC, r.id DESC LIMIT ?");
    q.bind(1, user);
    q.bind(2, limit);
    return read_requests_with_users(q);
  });
}

Result<std::vector<RequestWithUser>> SqliteFriendsStore::outgoing_requests(std::int64_t user, std::int64_t since,
                                                                           int limit) {
  return db_.with([&](SQLite::Database& db) -> Result<std::vector<RequestWithUser>> {
    SQLite::Statement q(db, std::string("SELECT ") + kRequestColumns + ", " + kCardColumns +
                                " FROM friend_requests r JOIN users u ON u.id = r.to_id "
                                "WHERE r.from_id = ? AND r.created_at >= ? "
                                "ORDER BY r.created_at DESC, r.id DESC LIMIT ?");
    q.bind(1, user);
    q.bind(2, since);
    q.bind(3, limit);
    return read_requests_with_users(q);
  });
}

Result<std::vector<CategoryRow>> SqliteFriendsStore::categories(std::int64_t user, std::int64_t now) {
  return db_.with([&](SQLite::Database& db) -> Result<std::vector<CategoryRow>> {
    SQLite::Transaction tx(db);
    default_category(db, user, now);
    SQLite::Statement q(db,
                        "SELECT id, name, position, is_default FROM friend_categories WHERE user_id = ? "
                        "ORDER BY position, id");
    q.bind(1, user);
    std::vector<CategoryRow> out;
    while (q.executeStep()) {
      out.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getString(), q.getColumn(2).getInt64(),
                     q.getColumn(3).getInt() != 0});
    }
    tx.commit();
    return out;
  });
}

Result<std::vector<FriendRow>> SqliteFriendsStore::friends(std::int64_t user) {
  return db_.with([&](SQLite::Database& db) -> Result<std::vector<FriendRow>> {
    SQLite::Statement q(db, kFriendSelect + " ORDER BY f.friend_id");
    q.bind(1, user);
    std::vector<FriendRow> out;
    while (q.executeStep()) out.push_back(read_friend(q));
    return out;
  });
}

Result<FriendRow> SqliteFriendsStore::friend_of(std::int64_t user, std::int64_t friend_id) {
  return db_.with([&](SQLite::Database& db) -> Result<FriendRow> {
    SQLite::Statement q(db, kFriendSelect + " AND f.friend_id = ?");
    q.bind(1, user);
    q.bind(2, friend_id);
    if (!q.executeStep()) return no_friend();
    return read_friend(q);
  });
}

Result<void> SqliteFriendsStore::delete_friendship(std::int64_t user, std::int64_t friend_id) {
  return db_.with([&](SQLite::Database& db) -> Result<void> {
    SQLite::Transaction tx(db);
    SQLite::Statement q(
        db, "DELETE FROM friendships WHERE (user_id = ? AND friend_id = ?) OR (user_id = ? AND friend_id = ?)");
    q.bind(1, user);
    q.bind(2, friend_id);
    q.bind(3, friend_id);
    q.bind(4, user);
    if (q.exec() == 0) return no_friend();
    tx.commit();
    return {};
  });
}

Result<void> SqliteFriendsStore::set_remark(std::int64_t user, std::int64_t friend_id, std::string_view remark) {
  return db_.with([&](SQLite::Database& db) -> Result<void> {
    SQLite::Statement q(db, "UPDATE friendships SET remark = ? WHERE user_id = ? AND friend_id = ?");
    q.bind(1, std::string(remark));
    q.bind(2, user);
    q.bind(3, friend_id);
    if (q.exec() == 0) return no_friend();
    return {};
  });
}

Result<void> SqliteFriendsStore::move_friend(std::int64_t user, std::int64_t friend_id, std::int64_t category_id) {
  return db_.with([&](SQLite::Database& db) -> Result<void> {
    SQLite::Transaction tx(db);
    if (!category_of(db, user, category_id)) return no_category();
    SQLite::Statement q(db, "UPDATE friendships SET category_id = ? WHERE user_id = ? AND friend_id = ?");
    q.bind(1, category_id);
    q.bind(2, user);
    q.bind(3, friend_id);
    if (q.exec() == 0) return no_friend();
    tx.commit();
    return {};
  });
}

Result<std::optional<std::int64_t>> SqliteFriendsStore::create_category(std::int64_t user, std::string_view name,
                                                                        int max_categories, std::int64_t now) {
  auto id = db_.with([&](SQLite::Database& db) -> Result<std::optional<std::int64_t>> {
    SQLite::Transaction tx(db);
    default_category(db, user, now);
    SQLite::Statement count(db, "SELECT count(*), max(position) FROM friend_categories WHERE user_id = ?");
    count.bind(1, user);
    count.executeStep();
    if (count.getColumn(0).getInt64() >= max_categories) return std::optional<std::int64_t>{};
    std::int64_t position = count.getColumn(1).getInt64() + 1;
    SQLite::Statement q(db,
                        "INSERT INTO friend_categories(user_id, name, position, is_default, created_at) "
                        "VALUES (?, ?, ?, 0, ?)");
    q.bind(1, user);
    q.bind(2, std::string(name));
    q.bind(3, position);
    q.bind(4, now);
    q.exec();
    std::int64_t created = db.getLastInsertRowid();
    tx.commit();
    return std::optional<std::int64_t>{created};
  });
  if (!id && id.error().code == Errc::conflict)
    return Error{Errc::conflict, "you already have a category of that name"};
  return id;
}

Result<void> SqliteFriendsStore::rename_category(std::int64_t user, std::int64_t category_id, std::string_view name) {
  auto renamed = db_.with([&](SQLite::Database& db) -> Result<void> {
    SQLite::Statement q(db, "UPDATE friend_categories SET name = ? WHERE id = ? AND user_id = ?");
    q.bind(1, std::string(name));
    q.bind(2, category_id);
    q.bind(3, user);
    if (q.exec() == 0) return no_category();
    return {};
  });
  if (!renamed && renamed.error().code == Errc::conflict) {
    return Error{Errc::conflict, "you already have a category of that name"};
  }
  return renamed;
}

Result<void> SqliteFriendsStore::reorder_categories(std::int64_t user, const std::vector<std::int64_t>& ids) {
  return db_.with([&](SQLite::Database& db) -> Result<void> {
    SQLite::Transaction tx(db);
    std::vector<std::int64_t> existing;
    {
      SQLite::Statement q(db, "SELECT id FROM friend_categories WHERE user_id = ?");
      q.bind(1, user);
      while (q.executeStep()) existing.push_back(q.getColumn(0).getInt64());
    }
    std::vector<std::int64_t> given = ids;
    std::sort(existing.begin(), existing.end());
    std::sort(given.begin(), given.end());
    if (existing != given) return Error{Errc::conflict, "the list must hold each of your categories once"};
    SQLite::Statement q(db, "UPDATE friend_categories SET position = ? WHERE id = ? AND user_id = ?");
    for (std::size_t i = 0; i < ids.size(); ++i) {
      q.bind(1, static_cast<std::int64_t>(i));
      q.bind(2, ids[i]);
      q.bind(3, user);
      q.exec();
      q.reset();
    }
    tx.commit();
    return {};
  });
}

Result<void> SqliteFriendsStore::delete_category(std::int64_t user, std::int64_t category_id, std::int64_t now) {
  return db_.with([&](SQLite::Database& db) -> Result<void> {
    SQLite::Transaction tx(db);
    {
      SQLite::Statement q(db, "SELECT is_default FROM friend_categories WHERE id = ? AND user_id = ?");
      q.bind(1, category_id);
      q.bind(2, user);
      if (!q.executeStep() || q.getColumn(0).getInt() != 0) return no_category();
    }
    std::int64_t fallback = default_category(db, user, now);
    SQLite::Statement move(db, "UPDATE friendships SET category_id = ? WHERE user_id = ? AND category_id = ?");
    move.bind(1, fallback);
    move.bind(2, user);
    move.bind(3, category_id);
    move.exec();
    SQLite::Statement del(db, "DELETE FROM friend_categories WHERE id = ? AND user_id = ?");
    del.bind(1, category_id);
    del.bind(2, user);
    del.exec();
    tx.commit();
    return {};
  });
}

Result<void> SqliteFriendsStore::block(std::int64_t user, std::int64_t blocked, std::int64_t now) {
  return db_.with([&](SQLite::Database& db) -> Result<void> {
    SQLite::Transaction tx(db);
    SQLite::Statement q(db,
                        "INSERT INTO blocks(user_id, blocked_id, created_at) VALUES (?, ?, ?) "
                        "ON CONFLICT(user_id, blocked_id) DO NOTHING");
    q.bind(1, user);
    q.bind(2, blocked);
    q.bind(3, now);
    q.exec();
    // A pending request to someone one blocks would let them befriend their blocker.
    SQLite::Statement withdraw(db,
                               "DELETE FROM friend_requests WHERE from_id = ? AND to_id = ? AND status = 'pending'");
    withdraw.bind(1, user);
    withdraw.bind(2, blocked);
    withdraw.exec();
    tx.commit();
    return {};
  });
}

Result<bool> SqliteFriendsStore::unblock(std::int64_t user, std::int64_t blocked) {
  return db_.with([&](SQLite::Database& db) -> Result<bool> {
    SQLite::Statement q(db, "DELETE FROM blocks WHERE user_id = ? AND blocked_id = ?");
    q.bind(1, user);
    q.bind(2, blocked);
    return q.exec() > 0;
  });
}

Result<bool> SqliteFriendsStore::is_blocked(std::int64_t by, std::int64_t user) {
  return db_.with([&](SQLite::Database& db) -> Result<bool> {
    SQLite::Statement q(db, "SELECT 1 FROM blocks WHERE user_id = ? AND blocked_id = ?");
    q.bind(1, by);
    q.bind(2, user);
    return q.executeStep();
  });
}

namespace {

Result<std::int64_t> count_rows(SqliteDatabase& db, const char* sql, std::int64_t user) {
  return db.with([&](SQLite::Database&) -> Result<std::int64_t> {
    Prepared q(db, sql);
    q->bind(1, user);
    q->executeStep();
    return q->getColumn(0).getInt64();
  });
}

}  // namespace

Result<std::int64_t> SqliteFriendsStore::count_friends(std::int64_t user) {
  return count_rows(db_, "SELECT count(*) FROM friendships WHERE user_id = ?", user);
}

Result<std::int64_t> SqliteFriendsStore::count_blocks(std::int64_t user) {
  return count_rows(db_, "SELECT count(*) FROM blocks WHERE user_id = ?", user);
}

Result<std::vector<UserCard>> SqliteFriendsStore::blocked_users(std::int64_t user) {
  return db_.with([&](SQLite::Database& db) -> Result<std::vector<UserCard>> {
    SQLite::Statement q(db, std::string("SELECT ") + kCardColumns +
                                " FROM blocks b JOIN users u ON u.id = b.blocked_id WHERE b.user_id = ? "
                                "ORDER BY b.created_at DESC, b.blocked_id");
    q.bind(1, user);
    std::vector<UserCard> out;
    while (q.executeStep()) out.push_back(read_card(q, 0));
    return out;
  });
}

Result<bool> SqliteFriendsStore::allow_strangers(std::int64_t user) {
  return db_.with([&](SQLite::Database& db) -> Result<bool> {
    SQLite::Statement q(db, "SELECT allow_strangers FROM privacy WHERE user_id = ?");
    q.bind(1, user);
    return !q.executeStep() || q.getColumn(0).getInt() != 0;
  });
}

Result<void> SqliteFriendsStore::set_allow_strangers(std::int64_t user, bool allow) {
  return db_.with([&](SQLite::Database& db) -> Result<void> {
    SQLite::Statement q(db,
                        "INSERT INTO privacy(user_id, allow_strangers) VALUES (?, ?) "
                        "ON CONFLICT(user_id) DO UPDATE SET allow_strangers = excluded.allow_strangers");
    q.bind(1, user);
    q.bind(2, allow ? 1 : 0);
    q.exec();
    return {};
  });
}

Result<Relation> SqliteFriendsStore::relation(std::int64_t from, std::int64_t to) {
  return db_.with([&](SQLite::Database&) -> Result<Relation> {
    // One statement, four primary-key lookups.
    Prepared q(db_,
                        "SELECT EXISTS(SELECT 1 FROM users WHERE id = ?1), "
                        "EXISTS(SELECT 1 FROM friendships WHERE user_id = ?1 AND friend_id = ?2), "
                        "EXISTS(SELECT 1 FROM blocks WHERE user_id = ?1 AND blocked_id = ?2), "
                        "COALESCE((SELECT allow_strangers FROM privacy WHERE user_id = ?1), 1)");
    q->bind(1, to);
    q->bind(2, from);
    q->executeStep();
    return Relation{q->getColumn(0).getInt() != 0, q->getColumn(1).getInt() != 0, q->getColumn(2).getInt() != 0,
                    q->getColumn(3).getInt() != 0};
  });
}

}  // namespace parley::store
