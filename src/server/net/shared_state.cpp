#include "server/net/shared_state.hpp"

namespace parley::server::net {

std::shared_ptr<SharedState::AddressSlot> SharedState::acquire_address(const std::string& address) {
  {
    std::lock_guard lock(mutex_);
    int& count = per_address_[address];
    if (count >= config.max_connections_per_ip) return nullptr;
    ++count;
  }
  return std::make_shared<AddressSlot>(shared_from_this(), address);
}

void SharedState::release_address(const std::string& address) {
  std::lock_guard lock(mutex_);
  auto it = per_address_.find(address);
  if (it != per_address_.end() && --it->second <= 0) per_address_.erase(it);
}

void SharedState::track(std::uint64_t id, std::weak_ptr<Connection> connection) {
  std::lock_guard lock(mutex_);
  live_.emplace(id, std::move(connection));
}

void SharedState::untrack(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  live_.erase(id);
}

std::vector<std::shared_ptr<Connection>> SharedState::live_connections() const {
  std::vector<std::shared_ptr<Connection>> out;
  std::lock_guard lock(mutex_);
  for (const auto& [id, weak] : live_) {
    if (auto c = weak.lock()) out.push_back(std::move(c));
  }
  return out;
}

std::size_t SharedState::live_count() const {
  std::lock_guard lock(mutex_);
  return live_.size();
}

}  // namespace parley::server::net
