#pragma once

#include <span>

#include "server/store/chat_store.hpp"
#include "server/store/sqlite_database.hpp"

namespace parley::store {

// ChatStore on SQLite. `db` must outlive it.
class SqliteChatStore final : public ChatStore {
 public:
  static std::span<const char* const> migrations();
  explicit SqliteChatStore(SqliteDatabase& db) : db_(db) {}

  Result<std::int64_t> direct_conversation(std::int64_t a, std::int64_t b, std::int64_t now) override;
  Result<std::vector<std::int64_t>> members(std::int64_t conversation_id) override;
  Result<bool> is_member(std::int64_t conversation_id, std::int64_t user_id) override;
  Result<std::vector<Appended>> append(std::span<const NewMessage> batch) override;
  Result<std::vector<Message>> messages_after(std::int64_t conversation_id, std::int64_t after_seq,
                                              int limit) override;
  Result<std::vector<Message>> messages_before(std::int64_t conversation_id, std::int64_t before_seq,
                                               int limit) override;
  Result<Message> message(std::int64_t conversation_id, std::int64_t seq) override;
  Result<std::int64_t> mark_read(std::int64_t conversation_id, std::int64_t user_id, std::int64_t seq) override;
  Result<Appended> recall(std::int64_t conversation_id, std::int64_t seq, const NewMessage& notice) override;
  Result<std::vector<ConversationRow>> conversations_of(std::int64_t user_id) override;
  Result<std::vector<Message>> search(const SearchQuery& query) override;

 private:
  SqliteDatabase& db_;
};

}  // namespace parley::store
