#include "server/services/presence_service.hpp"

#include <algorithm>

namespace parley::server {

using proto::Errc;
using proto::make_error;
namespace presence = proto::presence;

PresenceService::PresenceService(SessionRegistry& registry, store::AccountsStore& accounts, store::ChatStore& chat,
                                 FriendsOf friends_of, Clock clock, Options options)
    : registry_(registry),
      accounts_(accounts),
      chat_(chat),
      friends_of_(std::move(friends_of)),
      clock_(std::move(clock)),
      options_(options) {}

void PresenceService::attach() {
  registry_.set_online_observer([this](std::int64_t user_id, bool online) { on_online_change(user_id, online); });
}

std::string PresenceService::chosen(std::int64_t user_id) const {
  {
    std::lock_guard lock(mutex_);
    if (auto it = chosen_.find(user_id); it != chosen_.end()) return it->second;
  }
  // First asked since start (usually at login, on a worker thread): read it once.
  auto stored = accounts_.presence(user_id);
  if (!stored) return presence::kOnline;  // no such user: nothing to hide
  std::lock_guard lock(mutex_);
  return chosen_.emplace(user_id, std::move(*stored)).first->second;
}

bool PresenceService::is_invisible(std::int64_t user_id) const { return chosen(user_id) == presence::kInvisible; }

std::string PresenceService::visible_status(std::int64_t user_id) const {
  if (!registry_.is_online(user_id)) return presence::kOffline;
  std::string status = chosen(user_id);
  return status == presence::kInvisible ? presence::kOffline : status;
}

void PresenceService::on_online_change(std::int64_t user_id, bool online) {
  if (!online) {
    std::lock_guard lock(mutex_);
    last_typing_.erase(user_id);
  }
  if (is_invisible(user_id)) return;  // an invisible user's friends saw nothing change
  std::string status = online ? chosen(user_id) : std::string(presence::kOffline);
  announce(user_id, status, status);
}

void PresenceService::announce(std::int64_t user_id, const std::string& seen_by_friends,
                               const std::string& seen_by_self) {
  auto to_friends = SessionRegistry::event_frame(proto::event::kPresence,
                                                 proto::encode(proto::PresenceEvent{user_id, seen_by_friends}));
  for (auto friend_id : friends_of_(user_id)) registry_.send_to_user(friend_id, to_friends);
  registry_.notify(user_id, proto::event::kPresence, proto::PresenceEvent{user_id, seen_by_self});
}

proto::Status PresenceService::set_status(const Session& session, const proto::PresenceSetRequest& r) {
  const std::string& s = r.status;
  if (s != presence::kOnline && s != presence::kAway && s != presence::kBusy && s != presence::kInvisible) {
    return make_error(Errc::bad_request, "status must be online, away, busy or invisible", "status");
  }
  std::string before = visible_status(session.user_id);
  if (auto stored = accounts_.set_presence(session.user_id, s); !stored) return to_wire(stored.error());
  {
    std::lock_guard lock(mutex_);
    chosen_[session.user_id] = s;
  }
  std::string after = visible_status(session.user_id);
  // Friends hear only of a change they can see; one's own devices always learn the choice.
  if (after != before) {
    announce(session.user_id, after, s);
  } else {
    registry_.notify(session.user_id, proto::event::kPresence, proto::PresenceEvent{session.user_id, s});
  }
  return {};
}

proto::Status PresenceService::typing(const Session& session, const proto::TypingRequest& r,
                                      std::uint64_t connection_id) {
  auto roster = chat_.roster(r.conversation_id);
  if (!roster && roster.error().code != store::Errc::not_found) return to_wire(roster.error());
  auto is_me = [&](const store::MemberRow& m) { return m.user_id == session.user_id; };
  if (!roster || std::none_of(roster->members.begin(), roster->members.end(), is_me)) {
    return make_error(Errc::not_found, "no such conversation", "conversation_id");
  }
  // Invisible users never show typing; nor does anyone in a group (too many to tell).
  if (is_invisible(session.user_id) || roster->kind != "direct") return {};
  std::int64_t now = clock_();
  {
    std::lock_guard lock(mutex_);
    std::int64_t& last = last_typing_[session.user_id][r.conversation_id];
    if (now - last < options_.typing_interval_ms) return {};  // rate-limited: dropped, not an error
    last = now;
  }
  auto frame = SessionRegistry::event_frame(proto::event::kTyping,
                                            proto::encode(proto::TypingEvent{r.conversation_id, session.user_id}));
  for (const auto& member : roster->members) {
    if (member.user_id != session.user_id) registry_.send_to_user(member.user_id, frame, connection_id);
  }
  return {};
}

}  // namespace parley::server
