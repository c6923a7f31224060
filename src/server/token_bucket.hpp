#pragma once

#include <algorithm>
#include <cstdint>

namespace parley::server {

// A token bucket: `rate` tokens a second, holding at most `burst`. Not thread-safe: one
// per connection, used by that connection only.
class TokenBucket {
 public:
  TokenBucket(double rate, double burst) : rate_(rate), burst_(burst), tokens_(burst) {}

  // Takes a token if there is one at time `now_ms`.
  bool take(std::int64_t now_ms) {
    refill(now_ms);
    if (tokens_ < 1.0) return false;
    tokens_ -= 1.0;
    return true;
  }

  // Milliseconds until the next token (after a failed take()).
  std::int64_t wait_ms() const { return static_cast<std::int64_t>((1.0 - tokens_) * 1000.0 / rate_) + 1; }

 private:
  void refill(std::int64_t now_ms) {
    if (last_ms_ != 0) tokens_ = std::min(burst_, tokens_ + static_cast<double>(now_ms - last_ms_) * rate_ / 1000.0);
    last_ms_ = now_ms;
  }

  double rate_;
  double burst_;
  double tokens_;
  std::int64_t last_ms_ = 0;
};

}  // namespace parley::server
