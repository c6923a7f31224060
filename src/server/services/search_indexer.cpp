#include "server/services/search_indexer.hpp"

#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include <boost/json/parse.hpp>
#include <spdlog/spdlog.h>

#include "proto/messages.hpp"
#include "server/services/chat_text.hpp"

namespace parley::server {
namespace {

// After a failure, try again this much later rather than spin.
constexpr auto kRetryAfter = std::chrono::seconds(1);
// A page is read a chunk at a time: each read statement holds a snapshot of the log
// while it runs, and while one is held the log's write-ahead log cannot start over
// (sqlite_store.cpp, Checkpointer). A page also ends once its bodies pass kPageBytes.
constexpr int kChunk = 1'000;
constexpr std::size_t kPageBytes = 16 << 20;

// What the index holds for a log entry: the text of a text message, else nothing.
std::string text_of(const store::Message& m) {
  if (m.recalled || m.kind != proto::kind::kText) return {};
  boost::system::error_code ec;
  auto body = boost::json::parse(m.body, ec);
  if (ec || !body.is_object()) return {};
  const auto* text = body.get_object().if_contains("text");
  if (text == nullptr || !text->is_string()) return {};
  return search_text(text->get_string());
}

}  // namespace

// Batching: a page is the most entries a transaction takes, and once woken the indexer
// lets entries gather for `gather`, until a page's worth waits, or until a search waits
// for the index (wait_indexed()). Big transactions write less per entry: each rewrites
// the last pages of every conversation it touches in the lookups (sync's by seq,
// search's by time) and, for random client ids, about a page per entry in the one by
// client id (Parley's own clients make time-ordered ids, which land at its end). At
// 20,000 msg/s, transactions of 2,000 entries every 100 ms wrote 1.5 KB of index per
// message, three times the log's own, and the flushes of its checkpoints slowed the
// log's commits on a shared disk; transactions of up to 20,000 a second write ~0.35 KB
// (docs/benchmarks.md, the sixth round).
//
// Priority. Indexing comes in bursts (about 60 ms of a core each second at 20,000
// msg/s), and at normal priority a burst takes a core from the threads that carry sends:
// having slept since the last one, the indexer is owed CPU time by the scheduler, and
// threads that wake to carry a send waited up to 9 ms behind it (`perf sched`). At nice
// 19 a waking thread takes the core at once: W2's p99 was lower in 17 of 19 runs
// alternated with normal priority, on tmpfs and on the disk (docs/benchmarks.md, the
// ninth round). The cost: when other work keeps both cores busy, the indexer gets a
// small share of them and trails the log; searches wait for it (at most 2 s, then
// `unavailable`), the writer brings the lookups up to date itself if 500,000 entries
// pile up, and a recall's removal from the index waits for the batch in progress.
// SCHED_IDLE was tried too and taken out: a thread at idle priority can be starved
// outright, and sends stalled behind locks it held (docs/architecture.md, "Threads"); at
// nice 19 a thread still gets about 1.5 % of a core against each busy one.
SearchIndexer::SearchIndexer(store::SearchIndex& index, IndexerOptions options)
    : index_(index),
      options_{std::max(1, options.page), options.gather, options.nice},
      thread_([this] { run(); }) {}

SearchIndexer::~SearchIndexer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void SearchIndexer::logged(std::int64_t message_id) {
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    if (message_id > logged_) {
      // The indexer may be asleep, or gathering while a page's worth is waiting.
      const std::int64_t page = options_.page;
      wake = logged_ <= indexed_ || (logged_ - indexed_ < page && message_id - indexed_ >= page);
      logged_ = message_id;
    }
  }
  if (wake) changed_.notify_all();
}

bool SearchIndexer::wait_indexed(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  const auto target = logged_;
  if (indexed_ < target && wanted_ < target) {
    wanted_ = target;  // the indexer stops gathering
    changed_.notify_all();
  }
  return changed_.wait_for(lock, timeout, [&] { return stopping_ || (caught_up_ && indexed_ >= target); });
}

store::Result<void> SearchIndexer::remove(const store::Message& original) {
  return index_.remove(original.id, text_of(original));
}

bool SearchIndexer::stopping() {
  std::lock_guard lock(mutex_);
  return stopping_;
}

store::Result<bool> SearchIndexer::index_page() {
  const auto page = static_cast<std::size_t>(options_.page);
  std::vector<store::Message> rows;
  std::size_t bytes = 0;
  bool full = false;
  while (!full) {
    const int limit = static_cast<int>(std::min<std::size_t>(kChunk, page - rows.size()));
    auto chunk = index_.unindexed(rows.empty() ? 0 : rows.back().id, limit);
    if (!chunk) return chunk.error();
    for (auto& m : *chunk) {
      bytes += m.body.size() + m.client_id.size();
      rows.push_back(std::move(m));
    }
    full = rows.size() == page || bytes >= kPageBytes;
    if (chunk->size() < static_cast<std::size_t>(limit)) break;  // the end of the log
  }
  if (rows.empty()) return false;
  std::vector<store::IndexEntry> entries;
  entries.reserve(rows.size());
  for (const auto& m : rows) {
    auto text = text_of(m);
    if (!text.empty()) entries.push_back({m.id, std::move(text)});
  }
  const auto up_to = rows.back().id;
  if (auto s = index_.add(rows, entries); !s) return s.error();
  {
    std::lock_guard lock(mutex_);
    indexed_ = std::max(indexed_, up_to);
    logged_ = std::max(logged_, up_to);
  }
  changed_.notify_all();
  return full;
}

void SearchIndexer::run() {
  pthread_setname_np(pthread_self(), "parley-indexer");  // for top -H and perf
  // Linux keeps a nice value per thread; PRIO_PROCESS with a thread id sets this one's.
  if (options_.nice != 0 && ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), options_.nice) != 0) {
    spdlog::warn("search indexer: cannot set nice {} error=\"{}\"", options_.nice, std::strerror(errno));
  }
  for (;;) {
    // A full page: more may be waiting, so go on. Otherwise the log is caught up, and
    // the next entries gather.
    store::Result<bool> full = true;
    while (full && *full && !stopping()) full = index_page();
    std::unique_lock lock(mutex_);
    if (!caught_up_) {
      caught_up_ = true;
      changed_.notify_all();
    }
    if (stopping_) return;
    if (!full) {
      spdlog::error("search indexing failed error=\"{}\"", full.error().message);
      changed_.wait_for(lock, kRetryAfter, [this] { return stopping_; });
      continue;
    }
    changed_.wait(lock, [this] { return stopping_ || logged_ > indexed_; });
    changed_.wait_for(lock, options_.gather, [this] {
      return stopping_ || wanted_ > indexed_ || logged_ - indexed_ >= options_.page;
    });
  }
}

}  // namespace parley::server
