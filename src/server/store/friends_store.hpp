#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/store/errors.hpp"

namespace parley::store {

// The name of the category every user has, created the first time it is needed.
// Clients show it localized (they recognise it by is_default, not by name).
inline constexpr char kDefaultCategoryName[] = "My friends";


// Who another user is, as lists of friends, requests and blocks show them.
struct UserCard {
  std::int64_t id = 0;
  std::string username;
  std::string nickname;
  std::string avatar;
  std::string signature;
};

enum class RequestState { pending, accepted, rejected };

struct FriendRequestRow {
  std::int64_t id = 0;
  std::int64_t from_id = 0;
  std::int64_t to_id = 0;
  std::string note;
  RequestState state = RequestState::pending;
  std::string reason;  // given with a rejection
  // Sent while the recipient blocked the sender: never shown to the recipient, never
  // matched with the recipient's own request, never answerable by them.
  bool hidden = false;
  std::int64_t created_at = 0;
  std::int64_t decided_at = 0;  // 0 while pending
};

// A request together with the other user it concerns (the sender for incoming lists,
// the recipient for outgoing ones).
struct RequestWithUser {
  FriendRequestRow request;
  UserCard user;
};

// What send_request did.
struct SentRequest {
  enum class Outcome {
    created,   // a new pending request
    repeated,  // the sender's pending request existed; its note was updated
    accepted,  // the recipient had a visible pending request to the sender: now friends
  };
  Outcome outcome = Outcome::created;
  FriendRequestRow request;             // the sender's request as it now is
  std::int64_t matched_request_id = 0;  // accepted: the recipient's request that was accepted
  bool was_hidden = false;              // repeated: whether it was hidden before
  std::string old_note;                 // repeated: the note before
};

struct CategoryRow {
  std::int64_t id = 0;
  std::string name;
  std::int64_t position = 0;
  bool is_default = false;
};

struct FriendRow {
  UserCard user;  // the friend
  std::string remark;
  std::int64_t category_id = 0;
  std::int64_t since = 0;
};

// What may_message needs to know about a pair of users, read at once.
struct Relation {
  bool to_exists = false;           // `to` is a user
  bool friends = false;             // `from` is in the list of `to` (and vice versa)
  bool blocked = false;             // `to` blocked `from`
  bool to_allows_strangers = true;  // the privacy setting of `to`
};

// Friend requests, friendships, categories, blocks and privacy settings. Every user id
// refers to an existing user (foreign keys; an unknown one is `conflict`). Thread-safe; a
// call that returns success has committed durably, and a call that changes several rows
// changes all of them or none.
class FriendsStore {
 public:
  virtual ~FriendsStore() = default;

  // Requests.
  //
  // Sends a request from `from` to `to` in one transaction: conflict if they are already
  // friends; else, unless `hidden`, accepts the recipient's visible pending request to
  // the sender (both become friends, each in their default category, and the sender's
  // new request is stored as accepted); else updates the sender's pending request (its
  // note; it stays hidden only if it was and `hidden` is set); else creates one.
  virtual Result<SentRequest> send_request(std::int64_t from, std::int64_t to, std::string_view note, bool hidden,
                                           std::int64_t now) = 0;
  // Answers a visible pending request to `responder`: not_found if there is none with
  // that id addressed to them (hidden ones included), conflict if it is not pending.
  // Accepting makes both friends: the responder's side in `category_id` (one of theirs;
  // not_found otherwise) or their default category, the requester's in their default;
  // every other pending request between the two is marked accepted as well. Returns the
  // request as decided.
  virtual Result<FriendRequestRow> respond(std::int64_t request_id, std::int64_t responder, bool accept,
                                           std::string_view reason, std::optional<std::int64_t> category_id,
                                           std::int64_t now) = 0;
  // Visible pending requests to `user` from users it has not blocked, newest first.
  virtual Result<std::vector<RequestWithUser>> incoming_requests(std::int64_t user, int limit) = 0;
  // Requests `user` sent at or after `since`, newest first.
  virtual Result<std::vector<RequestWithUser>> outgoing_requests(std::int64_t user, std::int64_t since, int limit) = 0;

  // Friends and categories.
  //
  // The user's categories by position, creating the default category if missing.
  virtual Result<std::vector<CategoryRow>> categories(std::int64_t user, std::int64_t now) = 0;
  // The user's friends, by user id.
  virtual Result<std::vector<FriendRow>> friends(std::int64_t user) = 0;
  // One friend of `user`: not_found if `friend_id` is not in the list.
  virtual Result<FriendRow> friend_of(std::int64_t user, std::int64_t friend_id) = 0;
  // Removes the friendship on both sides: not_found if there is none.
  virtual Result<void> delete_friendship(std::int64_t user, std::int64_t friend_id) = 0;
  // not_found if `friend_id` is not a friend of `user`.
  virtual Result<void> set_remark(std::int64_t user, std::int64_t friend_id, std::string_view remark) = 0;
  // not_found if `friend_id` is not a friend, or the category is not the user's.
  virtual Result<void> move_friend(std::int64_t user, std::int64_t friend_id, std::int64_t category_id) = 0;
  // Creates a category after the others: conflict if the user has one of that name;
  // nullopt (and nothing created) if the user already has `max_categories`.
  virtual Result<std::optional<std::int64_t>> create_category(std::int64_t user, std::string_view name,
                                                              int max_categories, std::int64_t now) = 0;
  // not_found if the category is not the user's; conflict if the name is taken.
  virtual Result<void> rename_category(std::int64_t user, std::int64_t category_id, std::string_view name) = 0;
  // Sets each category's position to its index in `ids`, which must hold exactly the
  // user's categories: conflict otherwise (the caller checks first; this catches races).
  virtual Result<void> reorder_categories(std::int64_t user, const std::vector<std::int64_t>& ids) = 0;
  // Moves the category's friends to the default category and deletes it: not_found if
  // the category is not the user's or is the default one.
  virtual Result<void> delete_category(std::int64_t user, std::int64_t category_id, std::int64_t now) = 0;

  // Blocks and privacy.
  //
  // Blocks `blocked` (again: no change) and withdraws `user`'s pending requests to them.
  virtual Result<void> block(std::int64_t user, std::int64_t blocked, std::int64_t now) = 0;
  // Returns whether there was a block to lift.
  virtual Result<bool> unblock(std::int64_t user, std::int64_t blocked) = 0;
  virtual Result<bool> is_blocked(std::int64_t by, std::int64_t user) = 0;
  // How many friends, and how many blocked users, `user` has.
  virtual Result<std::int64_t> count_friends(std::int64_t user) = 0;
  virtual Result<std::int64_t> count_blocks(std::int64_t user) = 0;
  // The users `user` blocked, most recent first.
  virtual Result<std::vector<UserCard>> blocked_users(std::int64_t user) = 0;
  virtual Result<bool> allow_strangers(std::int64_t user) = 0;  // true unless set otherwise
  virtual Result<void> set_allow_strangers(std::int64_t user, bool allow) = 0;
  virtual Result<Relation> relation(std::int64_t from, std::int64_t to) = 0;
};

}  // namespace parley::store
