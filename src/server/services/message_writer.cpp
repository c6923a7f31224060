#include "server/services/message_writer.hpp"

#include <vector>

namespace parley::server {

MessageWriter::MessageWriter(store::ChatStore& store, std::size_t max_batch)
    : store_(store), max_batch_(max_batch), thread_([this] { run(); }) {}

MessageWriter::~MessageWriter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

store::Result<store::Appended> MessageWriter::append(store::NewMessage message) {
  std::future<store::Result<store::Appended>> done;
  {
    std::lock_guard lock(mutex_);
    Pending& pending = queue_.emplace_back(Pending{std::move(message), {}});
    done = pending.done.get_future();
  }
  wake_.notify_one();
  return done.get();
}

void MessageWriter::run() {
  for (;;) {
    std::deque<Pending> batch;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything is written
      // Whatever queued while the last batch was committing goes into this one.
      std::size_t n = std::min(queue_.size(), max_batch_);
      for (std::size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    write(batch);
  }
}

void MessageWriter::write(std::deque<Pending>& batch) {
  std::vector<store::NewMessage> messages;
  messages.reserve(batch.size());
  for (auto& p : batch) messages.push_back(p.message);
  auto appended = store_.append(messages);
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (appended) {
      batch[i].done.set_value((*appended)[i]);
    } else {
      batch[i].done.set_value(appended.error());
    }
  }
}

}  // namespace parley::server
