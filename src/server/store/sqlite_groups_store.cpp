#include "server/store/sqlite_groups_store.hpp"

namespace parley::store {
namespace {

constexpr const char* kGroupColumns =
    "g.conversation_id, g.name, g.avatar, g.description, g.join_policy, g.invite_policy, g.member_limit, "
    "(SELECT count(*) FROM conversation_members cm WHERE cm.conversation_id = g.conversation_id), g.owner_id, "
    "g.muted_all, g.full_history, g.created_at, g.dissolved_at";

GroupRow read_group(SQLite::Statement& q) {
  GroupRow g;
  g.id = q.getColumn(0).getInt64();
  g.name = q.getColumn(1).getString();
  g.avatar = q.getColumn(2).getString();
  g.description = q.getColumn(3).getString();
  g.join_policy = q.getColumn(4).getString();
  g.invite_policy = q.getColumn(5).getString();
  g.member_limit = q.getColumn(6).getInt64();
  g.member_count = q.getColumn(7).getInt64();
  g.owner_id = q.getColumn(8).getInt64();
  g.muted_all = q.getColumn(9).getInt() != 0;
  g.full_history = q.getColumn(10).getInt() != 0;
  g.created_at = q.getColumn(11).getInt64();
  g.dissolved_at = q.getColumn(12).getInt64();
  return g;
}

constexpr const char* kMemberColumns = "user_id, role, card, joined_at, muted_until, visible_from";

MemberRow read_member(SQLite::Statement& q) {
  return {q.getColumn(0).getInt64(), q.getColumn(1).getString(), q.getColumn(2).getString(),
          q.getColumn(3).getInt64(), q.getColumn(4).getInt64(),  q.getColumn(5).getInt64()};
}

constexpr const char* kRequestColumns =
    "id, group_id, user_id, inviter_id, note, status, reason, created_at, decided_at";

JoinRequestRow read_request(SQLite::Statement& q) {
  return {q.getColumn(0).getInt64(), q.getColumn(1).getInt64(), q.getColumn(2).getInt64(),
          q.getColumn(3).getInt64(), q.getColumn(4).getString(), q.getColumn(5).getString(),
          q.getColumn(6).getString(), q.getColumn(7).getInt64(), q.getColumn(8).getInt64()};
}

// Runs a statement that changes one row of a member; not_found when it changed none.
Result<void> exec_one(SQLite::Statement& q) {
  q.exec();
  if (q.getChanges() == 0) return Error{Errc::not_found, "not a member of this group"};
  return {};
}

}  // namespace

Result<void> SqliteGroupsStore::insert_member(std::int64_t group_id, std::int64_t user_id, std::int64_t now) {
  {
    Prepared q(db_, "SELECT (SELECT count(*) FROM conversation_members WHERE conversation_id = ?1) >= member_limit, "
                    "EXISTS (SELECT 1 FROM conversation_members WHERE conversation_id = ?1 AND user_id = ?2) "
                    "FROM groups WHERE conversation_id = ?1 AND dissolved_at = 0");
    q->bind(1, group_id);
    q->bind(2, user_id);
    if (!q->executeStep()) return Error{Errc::not_found, "no such group"};
    if (q->getColumn(1).getInt() != 0) return Error{Errc::conflict, "already a member of this group"};
    if (q->getColumn(0).getInt() != 0) return Error{Errc::conflict, "the group is full"};
  }
  // The member reads from the entry that tells of the joining (the next seq) on, and
  // has read everything before it.
  {
    Prepared q(db_, "INSERT INTO conversation_members(conversation_id, user_id, joined_at, read_seq, visible_from, "
                    "muted_until) SELECT c.id, ?2, ?3, c.last_seq, c.last_seq + 1, coalesce((SELECT m.muted_until "
                    "FROM group_mutes m WHERE m.group_id = c.id AND m.user_id = ?2 AND m.muted_until > ?3), 0) "
                    "FROM conversations c WHERE c.id = ?1");
    q->bind(1, group_id);
    q->bind(2, user_id);
    q->bind(3, now);
    q->exec();
  }
  Prepared q(db_, "DELETE FROM group_mutes WHERE group_id = ? AND user_id = ?");
  q->bind(1, group_id);
  q->bind(2, user_id);
  q->exec();
  return {};
}

Result<std::pair<GroupRow, Appended>> SqliteGroupsStore::create(const GroupRow& g, NewMessage notice) {
  std::int64_t id = 0;
  auto appended = chat_.append_after(
      [&](SQLite::Database& db) -> Result<void> {
        {
          Prepared q(db_, "INSERT INTO conversations(kind, created_at) VALUES ('group', ?)");
          q->bind(1, g.created_at);
          q->exec();
        }
        id = db.getLastInsertRowid();
        {
          Prepared q(db_, "INSERT INTO groups(conversation_id, name, avatar, description, join_policy, invite_policy, "
                          "member_limit, owner_id, full_history, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
          q->bind(1, id);
          q->bind(2, g.name);
          q->bind(3, g.avatar);
          q->bind(4, g.description);
          q->bind(5, g.join_policy);
          q->bind(6, g.invite_policy);
          q->bind(7, g.member_limit);
          q->bind(8, g.owner_id);
          q->bind(9, g.full_history ? 1 : 0);
          q->bind(10, g.created_at);
          q->exec();
        }
        if (auto s = insert_member(id, g.owner_id, g.created_at); !s) return s;
        Prepared q(db_, "UPDATE conversation_members SET role = 'owner' WHERE conversation_id = ? AND user_id = ?");
        q->bind(1, id);
        q->bind(2, g.owner_id);
        q->exec();
        notice.conversation_id = id;
        return {};
      },
      notice);
  if (!appended) return appended.error();
  auto row = group(id);
  if (!row) return row.error();
  return std::pair{std::move(*row), std::move(*appended)};
}

Result<GroupRow> SqliteGroupsStore::group(std::int64_t group_id) {
  return db_.with([&](SQLite::Database&) -> Result<GroupRow> {
    Prepared q(db_, std::string("SELECT ") + kGroupColumns + " FROM groups g WHERE g.conversation_id = ?");
    q->bind(1, group_id);
    if (!q->executeStep()) return Error{Errc::not_found, "no such group"};
    return read_group(*q);
  });
}

Result<std::vector<GroupRow>> SqliteGroupsStore::search(std::optional<std::int64_t> number,
                                                        const std::vector<std::string>& words, int limit) {
  return db_.with([&](SQLite::Database& db) -> Result<std::vector<GroupRow>> {
    // Each word is a bound parameter; LIKE's own wildcards in it are escaped.
    std::string sql = std::string("SELECT ") + kGroupColumns + " FROM groups g WHERE g.dissolved_at = 0 AND (";
    sql += number ? "g.conversation_id = ?" : "0";
    if (!words.empty()) {
      sql += " OR (1";
      for (std::size_t i = 0; i < words.size(); ++i) sql += " AND g.name LIKE ? ESCAPE '\\'";
      sql += ")";
    }
    sql += ") ORDER BY g.conversation_id LIMIT ?";
    SQLite::Statement q(db, sql);  // its shape varies: not kept prepared
    int i = 1;
    if (number) q.bind(i++, *number);
    for (const auto& word : words) {
      std::string escaped;
      for (char c : word) {
        if (c == '%' || c == '_' || c == '\\') escaped += '\\';
        escaped += c;
      }
      q.bind(i++, "%" + escaped + "%");
    }
    q.bind(i, limit);
    std::vector<GroupRow> out;
    while (q.executeStep()) out.push_back(read_group(q));
    return out;
  });
}

Result<std::int64_t> SqliteGroupsStore::owned_count(std::int64_t user_id) {
  return db_.with([&](SQLite::Database&) -> Result<std::int64_t> {
    Prepared q(db_, "SELECT count(*) FROM groups WHERE owner_id = ? AND dissolved_at = 0");
    q->bind(1, user_id);
    q->executeStep();
    return q->getColumn(0).getInt64();
  });
}

Result<std::optional<MemberRow>> SqliteGroupsStore::member(std::int64_t group_id, std::int64_t user_id) {
  return db_.with([&](SQLite::Database&) -> Result<std::optional<MemberRow>> {
    Prepared q(db_, std::string("SELECT ") + kMemberColumns +
                        " FROM conversation_members WHERE conversation_id = ? AND user_id = ?");
    q->bind(1, group_id);
    q->bind(2, user_id);
    if (!q->executeStep()) return std::optional<MemberRow>{};
    return std::optional<MemberRow>{read_member(*q)};
  });
}

Result<std::vector<MemberRow>> SqliteGroupsStore::members(std::int64_t group_id, std::int64_t after_user_id,
                                                          int limit) {
  return db_.with([&](SQLite::Database&) -> Result<std::vector<MemberRow>> {
    Prepared q(db_, std::string("SELECT ") + kMemberColumns +
                        " FROM conversation_members WHERE conversation_id = ? AND user_id > ? ORDER BY user_id LIMIT ?");
    q->bind(1, group_id);
    q->bind(2, after_user_id);
    q->bind(3, limit);
    std::vector<MemberRow> out;
    while (q->executeStep()) out.push_back(read_member(*q));
    return out;
  });
}

Result<Appended> SqliteGroupsStore::add_member(std::int64_t group_id, std::int64_t user_id, const NewMessage& notice,
                                               const Committed& committed) {
  return chat_.append_after(
      [&](SQLite::Database&) { return insert_member(group_id, user_id, notice.created_at); }, notice, committed);
}

Result<Appended> SqliteGroupsStore::remove_member(std::int64_t group_id, std::int64_t user_id,
                                                  const NewMessage& notice, const Committed& committed) {
  return chat_.append_after(
      [&](SQLite::Database&) -> Result<void> {
        {
          // A mute still running waits for the user to come back (migration 6).
          Prepared q(db_, "INSERT OR REPLACE INTO group_mutes(group_id, user_id, muted_until) SELECT conversation_id, "
                          "user_id, muted_until FROM conversation_members WHERE conversation_id = ? AND user_id = ? "
                          "AND muted_until > ?");
          q->bind(1, group_id);
          q->bind(2, user_id);
          q->bind(3, notice.created_at);
          q->exec();
        }
        Prepared q(db_, "DELETE FROM conversation_members WHERE conversation_id = ? AND user_id = ?");
        q->bind(1, group_id);
        q->bind(2, user_id);
        return exec_one(*q);
      },
      notice, committed);
}

Result<Appended> SqliteGroupsStore::change_member(std::int64_t group_id, std::int64_t user_id,
                                                  const MemberChange& change, const NewMessage& notice,
                                                  const Committed& committed) {
  return chat_.append_after(
      [&](SQLite::Database&) -> Result<void> {
        Prepared q(db_, "UPDATE conversation_members SET role = coalesce(?, role), card = coalesce(?, card), "
                        "muted_until = coalesce(?, muted_until) WHERE conversation_id = ? AND user_id = ?");
        if (change.role) q->bind(1, *change.role);
        if (change.card) q->bind(2, *change.card);
        if (change.muted_until) q->bind(3, *change.muted_until);
        q->bind(4, group_id);
        q->bind(5, user_id);
        return exec_one(*q);
      },
      notice, committed);
}

Result<Appended> SqliteGroupsStore::transfer(std::int64_t group_id, std::int64_t to, const NewMessage& notice,
                                             const Committed& committed) {
  return chat_.append_after(
      [&](SQLite::Database&) -> Result<void> {
        {
          Prepared q(db_, "UPDATE conversation_members SET role = 'member' WHERE conversation_id = ? AND role = 'owner'");
          q->bind(1, group_id);
          q->exec();
        }
        {
          Prepared q(db_, "UPDATE conversation_members SET role = 'owner', muted_until = 0 "
                          "WHERE conversation_id = ? AND user_id = ?");
          q->bind(1, group_id);
          q->bind(2, to);
          if (auto s = exec_one(*q); !s) return s;
        }
        Prepared q(db_, "UPDATE groups SET owner_id = ? WHERE conversation_id = ?");
        q->bind(1, to);
        q->bind(2, group_id);
        q->exec();
        return {};
      },
      notice, committed);
}

Result<Appended> SqliteGroupsStore::change_group(std::int64_t group_id, const GroupChange& c, const NewMessage& notice,
                                                 const Committed& committed) {
  return chat_.append_after(
      [&](SQLite::Database&) -> Result<void> {
        if (c.member_limit) {
          Prepared q(db_, "SELECT count(*) FROM conversation_members WHERE conversation_id = ?");
          q->bind(1, group_id);
          q->executeStep();
          if (q->getColumn(0).getInt64() > *c.member_limit) {
            return Error{Errc::conflict, "the group has more members than that"};
          }
        }
        Prepared q(db_, "UPDATE groups SET name = coalesce(?, name), avatar = coalesce(?, avatar), "
                        "description = coalesce(?, description), join_policy = coalesce(?, join_policy), "
                        "invite_policy = coalesce(?, invite_policy), member_limit = coalesce(?, member_limit), "
                        "full_history = coalesce(?, full_history), muted_all = coalesce(?, muted_all) "
                        "WHERE conversation_id = ? AND dissolved_at = 0");
        if (c.name) q->bind(1, *c.name);
        if (c.avatar) q->bind(2, *c.avatar);
        if (c.description) q->bind(3, *c.description);
        if (c.join_policy) q->bind(4, *c.join_policy);
        if (c.invite_policy) q->bind(5, *c.invite_policy);
        if (c.member_limit) q->bind(6, *c.member_limit);
        if (c.full_history) q->bind(7, *c.full_history ? 1 : 0);
        if (c.muted_all) q->bind(8, *c.muted_all ? 1 : 0);
        q->bind(9, group_id);
        q->exec();
        if (q->getChanges() == 0) return Error{Errc::not_found, "no such group"};
        return {};
      },
      notice, committed);
}

Result<Appended> SqliteGroupsStore::dissolve(std::int64_t group_id, const NewMessage& notice,
                                             const Committed& committed) {
  return chat_.append_after(
      [&](SQLite::Database&) -> Result<void> {
        {
          Prepared q(db_, "UPDATE groups SET dissolved_at = ? WHERE conversation_id = ? AND dissolved_at = 0");
          q->bind(1, notice.created_at);
          q->bind(2, group_id);
          q->exec();
          if (q->getChanges() == 0) return Error{Errc::not_found, "no such group"};
        }
        for (const char* sql : {"DELETE FROM conversation_members WHERE conversation_id = ?",
                                "DELETE FROM group_mutes WHERE group_id = ?"}) {
          Prepared q(db_, sql);
          q->bind(1, group_id);
          q->exec();
        }
        Prepared q(db_, "UPDATE group_requests SET status = 'rejected', reason = 'the group was dissolved', "
                        "decided_at = ? WHERE group_id = ? AND status = 'pending'");
        q->bind(1, notice.created_at);
        q->bind(2, group_id);
        q->exec();
        return {};
      },
      notice, committed);
}

Result<JoinRequestRow> SqliteGroupsStore::add_request(const JoinRequestRow& r) {
  return db_.with([&](SQLite::Database& db) -> Result<JoinRequestRow> {
    {
      Prepared q(db_, std::string("SELECT ") + kRequestColumns +
                          " FROM group_requests WHERE group_id = ? AND user_id = ? AND status = 'pending'");
      q->bind(1, r.group_id);
      q->bind(2, r.user_id);
      if (q->executeStep()) return read_request(*q);
    }
    Prepared q(db_, "INSERT INTO group_requests(group_id, user_id, inviter_id, note, created_at) VALUES (?, ?, ?, ?, ?)");
    q->bind(1, r.group_id);
    q->bind(2, r.user_id);
    q->bind(3, r.inviter_id);
    q->bind(4, r.note);
    q->bind(5, r.created_at);
    q->exec();
    auto out = r;
    out.id = db.getLastInsertRowid();
    out.status = "pending";
    return out;
  });
}

Result<JoinRequestRow> SqliteGroupsStore::request(std::int64_t request_id) {
  return db_.with([&](SQLite::Database&) -> Result<JoinRequestRow> {
    Prepared q(db_, std::string("SELECT ") + kRequestColumns + " FROM group_requests WHERE id = ?");
    q->bind(1, request_id);
    if (!q->executeStep()) return Error{Errc::not_found, "no such request"};
    return read_request(*q);
  });
}

Result<std::vector<JoinRequestRow>> SqliteGroupsStore::pending_for(std::int64_t user_id) {
  return db_.with([&](SQLite::Database&) -> Result<std::vector<JoinRequestRow>> {
    Prepared q(db_, std::string("SELECT ") + kRequestColumns +
                        " FROM group_requests WHERE status = 'pending' AND group_id IN (SELECT conversation_id "
                        "FROM conversation_members WHERE user_id = ? AND role IN ('owner', 'admin')) ORDER BY id");
    q->bind(1, user_id);
    std::vector<JoinRequestRow> out;
    while (q->executeStep()) out.push_back(read_request(*q));
    return out;
  });
}

Result<std::vector<JoinRequestRow>> SqliteGroupsStore::requests_of(std::int64_t user_id, std::int64_t since) {
  return db_.with([&](SQLite::Database&) -> Result<std::vector<JoinRequestRow>> {
    Prepared q(db_, std::string("SELECT ") + kRequestColumns +
                        " FROM group_requests WHERE user_id = ? AND created_at >= ? ORDER BY id DESC LIMIT 500");
    q->bind(1, user_id);
    q->bind(2, since);
    std::vector<JoinRequestRow> out;
    while (q->executeStep()) out.push_back(read_request(*q));
    return out;
  });
}

Result<std::optional<Appended>> SqliteGroupsStore::decide(std::int64_t request_id, bool accept,
                                                          const std::string& reason, std::int64_t now,
                                                          const NewMessage& notice, const Committed& committed) {
  auto mark = [&]() -> Result<JoinRequestRow> {
    Prepared q(db_, std::string("UPDATE group_requests SET status = ?, reason = ?, decided_at = ? "
                                "WHERE id = ? AND status = 'pending' RETURNING ") + kRequestColumns);
    q->bind(1, accept ? "accepted" : "rejected");
    q->bind(2, reason);
    q->bind(3, now);
    q->bind(4, request_id);
    if (!q->executeStep()) return Error{Errc::conflict, "the request was decided already"};
    auto row = read_request(*q);
    while (q->executeStep()) {
    }
    return row;
  };
  if (!accept) {
    auto done = db_.with([&](SQLite::Database&) -> Result<void> {
      auto row = mark();
      if (!row) return row.error();
      return {};
    });
    if (!done) return done.error();
    return std::optional<Appended>{};
  }
  auto appended = chat_.append_after(
      [&](SQLite::Database&) -> Result<void> {
        auto row = mark();
        if (!row) return row.error();
        return insert_member(row->group_id, row->user_id, now);
      },
      notice, committed);
  if (!appended) return appended.error();
  return std::optional<Appended>{std::move(*appended)};
}

}  // namespace parley::store
