#include "server/services/message_writer.hpp"

#include "server/sessions/connection.hpp"

#include <pthread.h>

#include <future>
#include <vector>

namespace parley::server {

MessageWriter::MessageWriter(store::ChatStore& store, Options options)
    : store_(store), options_(options), completer_([this] { complete(); }), thread_([this] { run(); }) {}

MessageWriter::MessageWriter(store::ChatStore& store) : MessageWriter(store, Options{}) {}

MessageWriter::~MessageWriter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
  {
    std::lock_guard lock(committed_mutex_);
    written_all_ = true;
  }
  committed_wake_.notify_one();
  completer_.join();
}

void MessageWriter::submit(store::NewMessage message, Done done) {
  bool was_empty = false;
  {
    std::lock_guard lock(mutex_);
    was_empty = queue_.empty();
    queue_.push_back(Pending{std::move(message), std::move(done)});
  }
  // The writer sleeps only on an empty queue: one wake-up per batch is enough.
  if (was_empty) wake_.notify_one();
}

store::Result<store::Appended> MessageWriter::append(store::NewMessage message) {
  std::promise<store::Result<store::Appended>> committed;
  auto result = committed.get_future();
  submit(std::move(message), [&committed](store::Result<store::Appended> r) { committed.set_value(std::move(r)); });
  return result.get();
}

void MessageWriter::run() {
  pthread_setname_np(pthread_self(), "parley-writer");  // for top -H and perf
  const std::size_t max_batch = options_.max_batch;
  auto last_commit = std::chrono::steady_clock::time_point{};
  for (;;) {
    std::vector<Pending> batch;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything is written
      wake_.wait_until(lock, last_commit + options_.commit_interval,
                       [this, max_batch] { return stopping_ || queue_.size() >= max_batch; });
      last_commit = std::chrono::steady_clock::now();
      // Whatever queued while the last batch was committing goes into this one.
      if (queue_.size() <= max_batch) {
        batch.swap(queue_);
      } else {
        auto end = queue_.begin() + static_cast<std::ptrdiff_t>(max_batch);
        batch.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(end));
        queue_.erase(queue_.begin(), end);
      }
    }
    write(std::move(batch));
  }
}

void MessageWriter::write(std::vector<Pending> batch) {
  std::vector<store::NewMessage> messages;
  messages.reserve(batch.size());
  for (auto& p : batch) messages.push_back(std::move(p.message));
  auto appended = store_.append(messages);
  bool was_empty = false;
  {
    std::lock_guard lock(committed_mutex_);
    was_empty = committed_.empty();
    committed_.push_back(Committed{std::move(batch), std::move(appended)});
  }
  if (was_empty) committed_wake_.notify_one();
}

void MessageWriter::complete() {
  pthread_setname_np(pthread_self(), "parley-deliver");
  for (;;) {
    std::deque<Committed> ready;
    {
      std::unique_lock lock(committed_mutex_);
      committed_wake_.wait(lock, [this] { return written_all_ || !committed_.empty(); });
      if (committed_.empty()) return;  // the writer stopped, and everything is answered
      ready.swap(committed_);
    }
    SendBatch sends;  // the answers and events of all these messages, sent together
    for (auto& c : ready) {
      for (std::size_t i = 0; i < c.batch.size(); ++i) {
        if (c.appended) {
          c.batch[i].done(std::move((*c.appended)[i]));
        } else {
          c.batch[i].done(c.appended.error());
        }
      }
    }
  }
}

}  // namespace parley::server
