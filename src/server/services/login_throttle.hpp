#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

namespace parley::server {

// Counts failed logins per account and per client address over a sliding window and
// says when to refuse further attempts. In memory, per node. Thread-safe.
class LoginThrottle {
 public:
  struct Options {
    int per_account = 5;
    int per_address = 20;
    std::int64_t window_ms = 5 * 60 * 1000;
  };
  explicit LoginThrottle(Options options) : options_(options) {}

  // Milliseconds until another attempt is allowed; 0 when allowed now.
  std::int64_t retry_after(const std::string& account, const std::string& address, std::int64_t now);
  void record_failure(const std::string& account, const std::string& address, std::int64_t now);
  void record_success(const std::string& account);

 private:
  using Failures = std::deque<std::int64_t>;  // times of failures inside the window, oldest first
  std::int64_t wait_for(Failures& failures, int limit, std::int64_t now) const;
  void prune(Failures& failures, std::int64_t now) const;

  Options options_;
  std::mutex mutex_;
  std::unordered_map<std::string, Failures> accounts_;   // GUARDED_BY(mutex_)
  std::unordered_map<std::string, Failures> addresses_;  // GUARDED_BY(mutex_)
};

}  // namespace parley::server
