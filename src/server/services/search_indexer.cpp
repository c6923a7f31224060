#include "server/services/search_indexer.hpp"

#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>
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

// Sets thread `tid`'s nice value; false if the kernel refuses.
bool set_nice(pid_t tid, int nice) { return ::setpriority(PRIO_PROCESS, static_cast<id_t>(tid), nice) == 0; }

// The calling thread's nice value (Linux keeps one per thread).
int own_nice() {
  errno = 0;
  const int nice = ::getpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()));
  return errno == 0 ? nice : 0;
}

// Any thread may raise its nice value, but lowering it again takes CAP_SYS_NICE (root
// has it, except in most containers) or a high enough RLIMIT_NICE. A thread of its own
// tries, so that no thread that matters is left at the higher value.
bool may_take_back(int nice, int normal) {
  if (nice <= normal) return false;
  bool may = false;
  std::thread probe([&] { may = set_nice(::gettid(), nice) && set_nice(::gettid(), normal); });
  probe.join();
  return may;
}

}  // namespace

std::string index_text_of(const store::Message& m) {
  if (m.recalled || m.kind != proto::kind::kText) return {};
  boost::system::error_code ec;
  auto body = boost::json::parse(m.body, ec);
  if (ec || !body.is_object()) return {};
  const auto* text = body.get_object().if_contains("text");
  if (text == nullptr || !text->is_string()) return {};
  return search_text(text->get_string());
}

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
// ninth round). So once caught up, the indexer runs at `options.nice`. When other work
// keeps both cores busy, a thread at nice 19 gets about 1.5 % of a core against each
// busy one, and whoever waits for the indexer would wait that much longer: a search
// (wait_indexed), a recall (its removal waits for the batch in progress), and, when the
// log runs more than two pages ahead, the writer (which brings the lookups up to date
// itself past 500,000 entries, and needs the index file for that). Each of these brings
// the indexer back to the normal priority until it has caught up (hurry()), if the
// process may: lowering a nice value takes CAP_SYS_NICE or an RLIMIT_NICE allowing it. A
// process that may not still runs the indexer at nice 19, and they wait. SCHED_IDLE was
// tried too and taken out: a thread at idle priority can be starved outright, and sends
// stalled behind locks it held (docs/architecture.md, "Threads").
SearchIndexer::SearchIndexer(store::SearchIndex& index, IndexerOptions options)
    : index_(index),
      options_{std::max(1, options.page), options.gather, options.nice},
      normal_nice_(own_nice()),
      may_hurry_(may_take_back(options.nice, normal_nice_)),
      thread_([this] { run(); }) {}

bool SearchIndexer::waited_for() const {
  return wanted_ > indexed_ || logged_ - indexed_ > 2 * std::int64_t{options_.page} || removing_ > 0;
}

// relax() and hurry() both run under mutex_, so neither undoes the other, and the
// indexer does not relax while anyone waits for it.
void SearchIndexer::relax() {
  std::lock_guard lock(mutex_);
  if (options_.nice <= normal_nice_ || relaxed_ || (may_hurry_ && waited_for())) return;
  relaxed_ = true;
  if (!set_nice(tid_, options_.nice)) {
    spdlog::warn("search indexer: cannot set nice {} error=\"{}\"", options_.nice, std::strerror(errno));
  }
}

void SearchIndexer::hurry() {
  if (!may_hurry_ || !relaxed_) return;
  relaxed_ = false;
  set_nice(tid_, normal_nice_);
}

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
      if (waited_for()) hurry();  // behind: the load leaves it no spare time
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
  if (indexed_ < target) hurry();
  return changed_.wait_for(lock, timeout, [&] { return stopping_ || (caught_up_ && indexed_ >= target); });
}

// The removal waits for the indexer's transaction in progress, if any.
store::Result<void> SearchIndexer::remove(const store::IndexEntry& entry) {
  if (entry.text.empty()) return index_.remove(entry.message_id, entry.text);  // nothing to take out
  {
    std::lock_guard lock(mutex_);
    ++removing_;
    hurry();
  }
  auto removed = index_.remove(entry.message_id, entry.text);
  std::lock_guard lock(mutex_);
  --removing_;
  return removed;
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
    auto text = index_text_of(m);
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
  tid_ = ::gettid();
  if (!may_hurry_) relax();  // for good: it could not come back
  for (;;) {
    // A full page: more may be waiting, so go on. Otherwise the log is caught up, and
    // the next entries gather.
    store::Result<bool> full = true;
    while (full && *full && !stopping()) full = index_page();
    if (full) relax();  // caught up
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
