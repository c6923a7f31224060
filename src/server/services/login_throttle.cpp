#include "server/services/login_throttle.hpp"

namespace parley::server {

void LoginThrottle::prune(Failures& failures, std::int64_t now) const {
  while (!failures.empty() && failures.front() <= now - options_.window_ms) failures.pop_front();
}

std::int64_t LoginThrottle::wait_for(Failures& failures, int limit, std::int64_t now) const {
  prune(failures, now);
  if (static_cast<int>(failures.size()) < limit) return 0;
  // The attempt is allowed again once enough of the oldest failures leave the window.
  return failures[failures.size() - static_cast<std::size_t>(limit)] + options_.window_ms - now;
}

std::int64_t LoginThrottle::retry_after(const std::string& account, const std::string& address, std::int64_t now) {
  std::lock_guard lock(mutex_);
  std::int64_t wait = 0;
  if (auto it = accounts_.find(account); it != accounts_.end()) {
    wait = std::max(wait, wait_for(it->second, options_.per_account, now));
  }
  if (auto it = addresses_.find(address); it != addresses_.end()) {
    wait = std::max(wait, wait_for(it->second, options_.per_address, now));
  }
  return wait;
}

void LoginThrottle::record_failure(const std::string& account, const std::string& address, std::int64_t now) {
  std::lock_guard lock(mutex_);
  for (auto* failures : {&accounts_[account], &addresses_[address]}) {
    prune(*failures, now);
    failures->push_back(now);
  }
  // Bound memory under a spray of random usernames: forget idle entries now and then.
  for (auto* table : {&accounts_, &addresses_}) {
    if (table->size() <= 100'000) continue;
    for (auto it = table->begin(); it != table->end();) {
      prune(it->second, now);
      it = it->second.empty() ? table->erase(it) : std::next(it);
    }
  }
}

void LoginThrottle::record_success(const std::string& account) {
  std::lock_guard lock(mutex_);
  accounts_.erase(account);
}

}  // namespace parley::server
