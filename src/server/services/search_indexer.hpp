#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "server/store/chat_store.hpp"

namespace parley::server {

// How the indexer batches entries, and its priority (search_indexer.cpp says why these defaults).
struct IndexerOptions {
  int page = 20'000;                        // entries to a transaction, at most
  std::chrono::milliseconds gather{1'000};  // how long entries gather unless a page's worth waits
  int nice = 0;                             // the indexer's nice value once caught up (parleyd: 19; search_indexer.cpp)
};

// What the search index holds for a log entry: the text of a text message, prepared
// (search_text), else nothing.
std::string index_text_of(const store::Message& m);

// Keeps the search index up with the message log on a thread of its own, so a send never
// waits for indexing (docs/protocol.md, "Delivery guarantees"). On start it indexes
// whatever the log holds beyond the index (after a crash, or an upgrade). Thread-safe.
// `index` must outlive it.
class SearchIndexer {
 public:
  explicit SearchIndexer(store::SearchIndex& index, IndexerOptions options = {});
  ~SearchIndexer();
  SearchIndexer(const SearchIndexer&) = delete;
  SearchIndexer& operator=(const SearchIndexer&) = delete;

  // The log holds entries up to `message_id` now.
  void logged(std::int64_t message_id);
  // Waits until every entry logged before the call is indexed; false after `timeout`.
  bool wait_indexed(std::chrono::milliseconds timeout);
  // Takes a recalled entry out of the index, by the words it was indexed with
  // (index_text_of the message as it was before its recall); blocking.
  store::Result<void> remove(const store::IndexEntry& entry);

 private:
  void run();
  // Indexes a page of the log in one transaction; returns whether the page was full
  // (more may be waiting).
  store::Result<bool> index_page();
  bool stopping();
  // Puts the indexer's thread at options_.nice unless someone waits for it; on the
  // indexer's thread, once caught up.
  void relax();
  // Brings the indexer's thread back to the normal priority until it has caught up
  // again, if the process may. Holding mutex_.
  void hurry();
  // Whether a search, a recall or a backlog waits for the indexer. Holding mutex_.
  bool waited_for() const;

  store::SearchIndex& index_;
  const IndexerOptions options_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::int64_t logged_ = 0;   // GUARDED_BY(mutex_): the newest entry known to be logged
  std::int64_t indexed_ = 0;  // GUARDED_BY(mutex_): every entry up to here is indexed
  bool caught_up_ = false;    // GUARDED_BY(mutex_): the start-up pass is done
  std::int64_t wanted_ = 0;   // GUARDED_BY(mutex_): a search waits for entries up to here
  bool stopping_ = false;     // GUARDED_BY(mutex_)
  int removing_ = 0;          // GUARDED_BY(mutex_): recalls waiting to take entries out
  bool relaxed_ = false;      // GUARDED_BY(mutex_): the indexer's thread is at options_.nice
  const int normal_nice_;     // the nice value of the thread that made the indexer
  const bool may_hurry_;      // the process may take a thread from options_.nice back to normal_nice_
  std::atomic<pid_t> tid_ = 0;  // the indexer's thread, once it runs
  std::thread thread_;
};

}  // namespace parley::server
