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
  Committed committed{std::move(batch), store_.append(messages)};
  // With nothing else to write and nothing being answered, the writer answers the batch
  // itself: handing it to the second thread would cost a wake-up (~0.1-0.4 ms on a
  // virtual machine whose other core sleeps), at low rates the larger part of a send's
  // time. Under load the second thread answers while the next batch is written.
  bool answer_here = false;
  bool was_empty = false;
  {
    std::lock_guard lock(committed_mutex_);
    answer_here = committed_.empty() && !answering_ && nothing_queued();
    if (answer_here) {
      answering_ = true;
    } else {
      was_empty = committed_.empty();
      committed_.push_back(std::move(committed));
    }
  }
  if (answer_here) {
    {
      SendBatch sends;  // the answers and events of the batch, sent together
      answer(committed);
    }
    std::lock_guard lock(committed_mutex_);
    answering_ = false;
    return;
  }
  if (was_empty) committed_wake_.notify_one();
}

bool MessageWriter::nothing_queued() {
  std::lock_guard lock(mutex_);
  return queue_.empty();
}

void MessageWriter::answer(Committed& c) {
  for (std::size_t i = 0; i < c.batch.size(); ++i) {
    if (c.appended) {
      c.batch[i].done(std::move((*c.appended)[i]));
    } else {
      c.batch[i].done(c.appended.error());
    }
  }
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
      answering_ = true;
    }
    // The sends leave before answering_ is cleared: a later batch answered by the writer
    // must not overtake them.
    {
      SendBatch sends;  // the answers and events of all these batches, sent together
      for (auto& c : ready) answer(c);
    }
    std::lock_guard lock(committed_mutex_);
    answering_ = false;
  }
}

}  // namespace parley::server
