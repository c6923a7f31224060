#pragma once

#include "server/store/groups_store.hpp"
#include "server/store/sqlite_chat_store.hpp"
#include "server/store/sqlite_database.hpp"

namespace parley::store {

// GroupsStore on SQLite, beside the chat store whose log and members it shares (its
// tables are in the chat domain's migrations). `db` and `chat` must outlive it.
class SqliteGroupsStore final : public GroupsStore {
 public:
  SqliteGroupsStore(SqliteDatabase& db, SqliteChatStore& chat) : db_(db), chat_(chat) {}

  Result<std::pair<GroupRow, Appended>> create(const GroupRow& group, NewMessage notice) override;
  Result<GroupRow> group(std::int64_t group_id) override;
  Result<std::vector<GroupRow>> search(std::optional<std::int64_t> number, const std::vector<std::string>& words,
                                       int limit) override;
  Result<std::int64_t> owned_count(std::int64_t user_id) override;
  Result<std::optional<MemberRow>> member(std::int64_t group_id, std::int64_t user_id) override;
  Result<std::vector<MemberRow>> members(std::int64_t group_id, std::int64_t after_user_id, int limit) override;

  Result<Appended> add_member(std::int64_t group_id, std::int64_t user_id, const NewMessage& notice,
                              const Committed& committed) override;
  Result<Appended> remove_member(std::int64_t group_id, std::int64_t user_id, const NewMessage& notice,
                                 const Committed& committed) override;
  Result<Appended> change_member(std::int64_t group_id, std::int64_t user_id, const MemberChange& change,
                                 const NewMessage& notice, const Committed& committed) override;
  Result<Appended> transfer(std::int64_t group_id, std::int64_t to, const NewMessage& notice,
                            const Committed& committed) override;
  Result<Appended> change_group(std::int64_t group_id, const GroupChange& change, const NewMessage& notice,
                                const Committed& committed) override;
  Result<Appended> dissolve(std::int64_t group_id, const NewMessage& notice, const Committed& committed) override;

  Result<JoinRequestRow> add_request(const JoinRequestRow& request) override;
  Result<JoinRequestRow> request(std::int64_t request_id) override;
  Result<std::vector<JoinRequestRow>> pending_for(std::int64_t user_id) override;
  Result<std::vector<JoinRequestRow>> requests_of(std::int64_t user_id, std::int64_t since) override;
  Result<std::optional<Appended>> decide(std::int64_t request_id, bool accept, const std::string& reason,
                                         std::int64_t now, const NewMessage& notice,
                                         const Committed& committed) override;

 private:
  // Inside a transaction: adds the member, who reads from the next entry on.
  Result<void> insert_member(std::int64_t group_id, std::int64_t user_id, std::int64_t now);

  SqliteDatabase& db_;
  SqliteChatStore& chat_;
};

}  // namespace parley::store
