#include "server/sessions/connection.hpp"

#include <utility>

namespace parley::server {
namespace {
thread_local SendBatch* current_batch = nullptr;
}

SendBatch::SendBatch() : outer_(current_batch) {
  if (outer_ == nullptr) current_batch = this;
}

SendBatch::~SendBatch() {
  if (outer_ != nullptr) return;  // the outer batch sends
  current_batch = nullptr;
  for (auto& group : groups_) {
    group.post(group.target, [work = std::move(group.work)] {
      for (auto& w : work) w();
    });
  }
}

SendBatch* SendBatch::current() { return current_batch; }

void SendBatch::add(void* target, Post post, std::function<void()> work) {
  // A handful of network threads: a linear search beats a map.
  for (auto& group : groups_) {
    if (group.target == target) {
      group.work.push_back(std::move(work));
      return;
    }
  }
  groups_.push_back(Group{target, post, {}});
  groups_.back().work.push_back(std::move(work));
}

}  // namespace parley::server
