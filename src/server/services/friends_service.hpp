#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>

#include "proto/errors.hpp"
#include "proto/messages.hpp"
#include "server/services/accounts_service.hpp"
#include "server/services/user_pair_map.hpp"
#include "server/sessions/session_registry.hpp"
#include "server/store/accounts_store.hpp"
#include "server/store/friends_store.hpp"

namespace parley::server {

// Who makes a request: the user, and the connection it came on (0 over HTTP). Events
// meant for "my other devices" go to every connection of the user but that one.
struct Caller {
  std::int64_t user_id = 0;
  std::uint64_t connection_id = 0;
};

// Friends (docs/protocol.md, "Friends"): friend requests and their answers, the friend
// list with its categories and remarks, blocking, the privacy setting, and the events
// these send through the registry. Also answers the chat domain's question "may this
// user message that one?". Blocking and thread-safe: call it from worker threads. It
// validates every input; user ids in requests are checked against the accounts store.
class FriendsService {
 public:
  struct Options {
    // Server-wide: whether users who are not friends may message each other at all
    // (chat.allow_strangers). When true, each user's own privacy setting decides.
    bool allow_strangers = true;
    int max_categories = 50;
    // A friend list and a block list hold at most this many users.
    int max_friends = 2000;
    int max_blocks = 1000;
    int max_incoming_requests = 500;
    int max_outgoing_requests = 100;
    std::int64_t outgoing_window_ms = 30LL * 24 * 3600 * 1000;
  };
  // `store`, `accounts` and `registry` must outlive the service.
  FriendsService(store::FriendsStore& store, store::AccountsStore& accounts, SessionRegistry& registry, Clock clock,
                 Options options);

  // What one sees of a user's presence (PresenceService::visible_status, which needs this
  // service for friends): each side's friend_added carries the other's. Call before the
  // server starts.
  using PresenceOf = std::function<std::string(std::int64_t user_id)>;
  void show_presence(PresenceOf presence_of);

  // Requests.
  proto::Result<proto::FriendRequestResult> send_request(const Caller& me, const proto::FriendRequestRequest& request);
  proto::Result<proto::FriendRequestsResult> requests(const Caller& me);
  proto::Status respond(const Caller& me, const proto::FriendRespondRequest& request);

  // The friend list and its categories.
  proto::Result<proto::FriendsListResult> list(const Caller& me);
  proto::Status remove_friend(const Caller& me, const proto::FriendDeleteRequest& request);
  proto::Status set_remark(const Caller& me, const proto::FriendRemarkRequest& request);
  proto::Status move_friend(const Caller& me, const proto::FriendMoveRequest& request);
  proto::Result<proto::CategoryCreateResult> create_category(const Caller& me,
                                                             const proto::CategoryCreateRequest& request);
  proto::Status rename_category(const Caller& me, const proto::CategoryRenameRequest& request);
  proto::Status reorder_categories(const Caller& me, const proto::CategoryReorderRequest& request);
  proto::Status delete_category(const Caller& me, const proto::CategoryDeleteRequest& request);

  // Blocks and privacy.
  proto::Status block(const Caller& me, const proto::BlockRequest& request);
  proto::Status unblock(const Caller& me, const proto::UnblockRequest& request);
  proto::Result<proto::BlocksListResult> blocks(const Caller& me);
  proto::Result<proto::Privacy> privacy(const Caller& me);
  proto::Result<proto::Privacy> set_privacy(const Caller& me, const proto::Privacy& request);

  // For the chat domain. may_message: ok when `from` may send `to` a message; not_found
  // when `to` is no user; forbidden, always with the same message so the sender cannot
  // tell why, when `to` blocked `from`, or when they are not friends and strangers are
  // refused (by the server setting or by `to`'s privacy); internal when the store fails.
  // A user may always message themself. Answered from a cache on the path of every
  // message; any change to friendships, blocks or privacy empties it.
  proto::Status may_message(std::int64_t from, std::int64_t to);
  // Whether each is in the other's friend list; false when the store fails (logged).
  bool are_friends(std::int64_t a, std::int64_t b);
  // The ids of the user's friends whom the user has not blocked: who may see the user's
  // presence. Empty when the store fails (logged).
  std::vector<std::int64_t> friend_ids(std::int64_t user);
  // Whether `by` blocked `user`; false when the store fails (logged).
  bool is_blocked(std::int64_t by, std::int64_t user);

 private:
  proto::Result<store::User> existing_user(std::int64_t id);
  // The caller's category with that id, or not_found naming `field`.
  proto::Result<store::CategoryRow> own_category(const Caller& me, std::int64_t category_id);
  proto::Result<std::vector<store::CategoryRow>> own_categories(const Caller& me);
  // Sends friend_added to every device of both users, each with the other's entry.
  void announce_friendship(std::int64_t a, std::int64_t b);
  void changed_elsewhere(const Caller& me);
  // Called after every change that may_message depends on.
  void relations_changed();
  // forbidden when `user`'s friend list is full (`mine`: the caller's own list).
  proto::Status room_for_friend(std::int64_t user, bool mine);

  store::FriendsStore& store_;
  store::AccountsStore& accounts_;
  SessionRegistry& registry_;
  Clock clock_;
  Options options_;
  PresenceOf presence_of_;

  // may_message's answers, valid while relations_version_ is what it was when they were
  // computed. The version is read before the store and bumped after a change, so an
  // answer computed across a change is never kept.
  std::atomic<std::uint64_t> relations_version_{0};
  struct CachedAnswer {
    std::uint64_t version = 0;
    proto::Status answer;
  };
  std::mutex answers_mutex_;
  UserPairMap<CachedAnswer> answers_;  // GUARDED_BY(answers_mutex_)
};

// The generic refusal of may_message.
inline constexpr char kMayNotMessage[] = "this user does not accept messages from you";

}  // namespace parley::server
