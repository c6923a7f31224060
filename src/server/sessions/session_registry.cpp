#include "server/sessions/session_registry.hpp"

#include <algorithm>

namespace parley::server {

std::vector<std::shared_ptr<Connection>> SessionRegistry::attach(std::int64_t user_id, const std::string& device,
                                                                 const std::shared_ptr<Connection>& connection) {
  std::vector<std::shared_ptr<Connection>> displaced;
  bool first = false;
  {
    std::lock_guard lock(mutex_);
    auto& entries = users_[user_id];
    first = entries.empty();
    std::erase_if(entries, [&](const Entry& e) {
      if (e.device != device || e.connection_id == connection->id()) return false;
      if (auto live = e.connection.lock()) displaced.push_back(std::move(live));
      return true;
    });
    entries.push_back(Entry{device, connection->id(), connection});
  }
  if (first && observer_) observer_(user_id, true);
  return displaced;
}

void SessionRegistry::detach(std::int64_t user_id, std::uint64_t connection_id) {
  bool last = false;
  {
    std::lock_guard lock(mutex_);
    auto it = users_.find(user_id);
    if (it == users_.end()) return;
    std::erase_if(it->second, [&](const Entry& e) { return e.connection_id == connection_id; });
    if (it->second.empty()) {
      users_.erase(it);
      last = true;
    }
  }
  if (last && observer_) observer_(user_id, false);
}

bool SessionRegistry::is_online(std::int64_t user_id) const {
  std::lock_guard lock(mutex_);
  return users_.count(user_id) > 0;
}

template <class Keep>
std::vector<std::shared_ptr<Connection>> SessionRegistry::select(std::int64_t user_id, Keep keep) const {
  std::vector<std::shared_ptr<Connection>> out;
  std::lock_guard lock(mutex_);
  auto it = users_.find(user_id);
  if (it == users_.end()) return out;
  for (const auto& e : it->second) {
    if (!keep(e)) continue;
    if (auto live = e.connection.lock()) out.push_back(std::move(live));
  }
  return out;
}

std::vector<std::shared_ptr<Connection>> SessionRegistry::connections_of(std::int64_t user_id,
                                                                         std::uint64_t except_id) const {
  return select(user_id, [&](const Entry& e) { return e.connection_id != except_id; });
}

std::vector<std::shared_ptr<Connection>> SessionRegistry::device_connections(std::int64_t user_id,
                                                                             const std::string& device,
                                                                             std::uint64_t except_id) const {
  return select(user_id, [&](const Entry& e) { return e.connection_id != except_id && e.device == device; });
}

void SessionRegistry::send_to_user(std::int64_t user_id, const std::shared_ptr<const std::string>& frame,
                                   std::uint64_t except_id) const {
  for (auto& connection : connections_of(user_id, except_id)) connection->send(frame);
}

void SessionRegistry::send_to_users(std::span<const std::int64_t> user_ids,
                                    const std::shared_ptr<const std::string>& frame, std::uint64_t except_id) const {
  std::vector<std::shared_ptr<Connection>> targets;
  targets.reserve(user_ids.size());
  {
    std::lock_guard lock(mutex_);
    for (auto user_id : user_ids) {
      auto it = users_.find(user_id);
      if (it == users_.end()) continue;
      for (const auto& e : it->second) {
        if (e.connection_id == except_id) continue;
        if (auto live = e.connection.lock()) targets.push_back(std::move(live));
      }
    }
  }
  for (auto& connection : targets) connection->send(frame);
}

std::shared_ptr<const std::string> SessionRegistry::event_frame(std::string_view type, boost::json::object data) {
  return std::make_shared<const std::string>(proto::serialize(proto::Event{std::string(type), std::move(data)}));
}

}  // namespace parley::server
