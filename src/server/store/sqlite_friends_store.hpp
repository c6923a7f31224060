#pragma once

#include <span>

#include "server/store/friends_store.hpp"
#include "server/store/sqlite_database.hpp"

namespace parley::store {

// FriendsStore on SQLite. `db` must outlive it; its "friends" migrations refer to the
// users table, so they run after the accounts ones.
class SqliteFriendsStore final : public FriendsStore {
 public:
  static std::span<const char* const> migrations();
  explicit SqliteFriendsStore(SqliteDatabase& db) : db_(db) {}

  Result<SentRequest> send_request(std::int64_t from, std::int64_t to, std::string_view note, bool hidden,
                                   std::int64_t now) override;
  Result<FriendRequestRow> respond(std::int64_t request_id, std::int64_t responder, bool accept,
                                   std::string_view reason, std::optional<std::int64_t> category_id,
                                   std::int64_t now) override;
  Result<std::vector<RequestWithUser>> incoming_requests(std::int64_t user, int limit) override;
  Result<std::vector<RequestWithUser>> outgoing_requests(std::int64_t user, std::int64_t since, int limit) override;

  Result<std::vector<CategoryRow>> categories(std::int64_t user, std::int64_t now) override;
  Result<std::vector<FriendRow>> friends(std::int64_t user) override;
  Result<FriendRow> friend_of(std::int64_t user, std::int64_t friend_id) override;
  Result<void> delete_friendship(std::int64_t user, std::int64_t friend_id) override;
  Result<void> set_remark(std::int64_t user, std::int64_t friend_id, std::string_view remark) override;
  Result<void> move_friend(std::int64_t user, std::int64_t friend_id, std::int64_t category_id) override;
  Result<std::optional<std::int64_t>> create_category(std::int64_t user, std::string_view name, int max_categories,
                                                      std::int64_t now) override;
  Result<void> rename_category(std::int64_t user, std::int64_t category_id, std::string_view name) override;
  Result<void> reorder_categories(std::int64_t user, const std::vector<std::int64_t>& ids) override;
  Result<void> delete_category(std::int64_t user, std::int64_t category_id, std::int64_t now) override;

  Result<void> block(std::int64_t user, std::int64_t blocked, std::int64_t now) override;
  Result<bool> unblock(std::int64_t user, std::int64_t blocked) override;
  Result<bool> is_blocked(std::int64_t by, std::int64_t user) override;
  Result<std::int64_t> count_friends(std::int64_t user) override;
  Result<std::int64_t> count_blocks(std::int64_t user) override;
  Result<std::vector<UserCard>> blocked_users(std::int64_t user) override;
  Result<bool> allow_strangers(std::int64_t user) override;
  Result<void> set_allow_strangers(std::int64_t user, bool allow) override;
  Result<Relation> relation(std::int64_t from, std::int64_t to) override;

 private:
  SqliteDatabase& db_;
};

}  // namespace parley::store
