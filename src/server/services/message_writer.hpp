#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "server/store/chat_store.hpp"

namespace parley::server {

// Group commit for the message log: appends submitted from many threads are written by
// one thread, many to a transaction, so the cost of a commit (an fsync) is shared.
// Thread-safe. `store` must outlive the writer.
class MessageWriter {
 public:
  // Runs once the batch holding the message has committed (or failed), in submit order:
  // on the writer's second thread, which answers while the next batch is written, or on
  // the writer's own when there is no next batch. So it must not call append(), which
  // would wait for the writer (submit() is fine).
  using Done = std::function<void(store::Result<store::Appended>)>;

  struct Options {
    std::size_t max_batch = 2000;  // messages per transaction at most
    // A commit starts at least this long after the one before, unless a full batch is
    // waiting: at a steady trickle, messages then share commits instead of each paying
    // for one (page writes and an fsync). A message after a quiet spell is not delayed.
    std::chrono::microseconds commit_interval{0};
  };
  MessageWriter(store::ChatStore& store, Options options);
  explicit MessageWriter(store::ChatStore& store);
  // Writes what is queued, then stops.
  ~MessageWriter();
  MessageWriter(const MessageWriter&) = delete;
  MessageWriter& operator=(const MessageWriter&) = delete;

  // Queues `message`; messages are written in the order submitted.
  void submit(store::NewMessage message, Done done);
  // Submits and waits for the commit.
  store::Result<store::Appended> append(store::NewMessage message);

 private:
  struct Pending {
    store::NewMessage message;
    Done done;
  };
  struct Committed {
    std::vector<Pending> batch;
    store::Result<std::vector<store::Appended>> appended;
  };
  void run();
  void write(std::vector<Pending> batch);
  void complete();  // the second thread: runs the Done callbacks of committed batches
  void answer(Committed& c);  // runs c's Done callbacks, their sends together
  bool nothing_queued();

  store::ChatStore& store_;
  const Options options_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<Pending> queue_;  // GUARDED_BY(mutex_)
  bool stopping_ = false;       // GUARDED_BY(mutex_)

  std::mutex committed_mutex_;
  std::condition_variable committed_wake_;
  std::deque<Committed> committed_;  // GUARDED_BY(committed_mutex_)
  bool written_all_ = false;         // GUARDED_BY(committed_mutex_): the writer has stopped
  bool answering_ = false;           // GUARDED_BY(committed_mutex_): a batch's callbacks are running

  std::thread completer_;
  std::thread thread_;
};

}  // namespace parley::server
