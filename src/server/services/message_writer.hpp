#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <future>
#include <mutex>
#include <thread>

#include "server/store/chat_store.hpp"

namespace parley::server {

// Group commit for the message log: appends submitted from many threads are written by
// one thread, many to a transaction, so the cost of a commit (an fsync) is shared.
// Thread-safe. `store` must outlive the writer.
class MessageWriter {
 public:
  explicit MessageWriter(store::ChatStore& store, std::size_t max_batch = 1000);
  // Writes what is queued, then stops.
  ~MessageWriter();
  MessageWriter(const MessageWriter&) = delete;
  MessageWriter& operator=(const MessageWriter&) = delete;

  // Returns once the batch holding `message` has committed (or failed).
  store::Result<store::Appended> append(store::NewMessage message);

 private:
  struct Pending {
    store::NewMessage message;
    std::promise<store::Result<store::Appended>> done;
  };
  void run();
  void write(std::deque<Pending>& batch);

  store::ChatStore& store_;
  const std::size_t max_batch_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Pending> queue_;  // GUARDED_BY(mutex_)
  bool stopping_ = false;      // GUARDED_BY(mutex_)
  std::thread thread_;
};

}  // namespace parley::server
