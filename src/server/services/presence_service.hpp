#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "proto/errors.hpp"
#include "proto/messages.hpp"
#include "server/services/accounts_service.hpp"
#include "server/sessions/session_registry.hpp"
#include "server/store/accounts_store.hpp"
#include "server/store/chat_store.hpp"

namespace parley::server {

// Presence (online, away, busy, invisible, offline) and typing indicators (docs/protocol.md,
// "Presence"). A user's friends see their presence change live; an invisible user looks
// offline and sends no typing events. Who is connected is known on this node; the
// status a user chose is stored (an invisible user stays invisible across restarts) and
// cached here. Thread-safe.
class PresenceService {
 public:
  // The friends of a user: whom presence changes are told to.
  using FriendsOf = std::function<std::vector<std::int64_t>(std::int64_t user_id)>;
  struct Options {
    std::int64_t typing_interval_ms = 2000;  // at most one typing event per user and conversation per interval
  };
  // `registry`, `accounts` and `chat` must outlive the service. Call attach() before the
  // server starts.
  PresenceService(SessionRegistry& registry, store::AccountsStore& accounts, store::ChatStore& chat,
                  FriendsOf friends_of, Clock clock, Options options);

  // Follows the registry's online/offline changes.
  void attach();

  // What others see of the user: offline when no device is connected or invisible.
  std::string visible_status(std::int64_t user_id) const;
  bool is_invisible(std::int64_t user_id) const;

  // The status the user chose: online, away, busy or invisible.
  std::string chosen(std::int64_t user_id) const;
  proto::Status set_status(const Session& session, const proto::PresenceSetRequest& request);
  proto::Status typing(const Session& session, const proto::TypingRequest& request, std::uint64_t connection_id);

 private:
  void on_online_change(std::int64_t user_id, bool online);
  // Tells the user's online friends and own devices what they now see of the user.
  void announce(std::int64_t user_id, const std::string& seen_by_friends, const std::string& seen_by_self);

  SessionRegistry& registry_;
  store::AccountsStore& accounts_;
  store::ChatStore& chat_;
  FriendsOf friends_of_;
  Clock clock_;
  Options options_;
  mutable std::mutex mutex_;
  mutable std::unordered_map<std::int64_t, std::string> chosen_;  // GUARDED_BY(mutex_); absent: not read yet
  std::unordered_map<std::int64_t, std::unordered_map<std::int64_t, std::int64_t>> last_typing_;  // GUARDED_BY(mutex_)
};

}  // namespace parley::server
