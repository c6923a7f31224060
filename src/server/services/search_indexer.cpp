#include "server/services/search_indexer.hpp"

#include <pthread.h>
#include <sched.h>

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

// Sets `thread`'s policy: SCHED_IDLE (run only on CPU time no other thread
// wants) or SCHED_OTHER; false if the kernel refuses.
bool set_policy(pthread_t thread, bool idle) {
  sched_param param{};
  return pthread_setschedparam(thread, idle ? SCHED_IDLE : SCHED_OTHER, &param) == 0;
}

// Any thread may go to idle priority, but coming back takes CAP_SYS_NICE (root has it,
// except in most containers) or an RLIMIT_NICE of 20 (docs/operations.md). A thread of
// its own tries, so that no thread that matters is left stuck at idle priority.
bool may_leave_idle_priority() {
  bool may = false;
  std::thread probe([&] { may = set_policy(pthread_self(), true) && set_policy(pthread_self(), false); });
  probe.join();
  return may;
}

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
// Priority. Indexing comes in bursts (about 0.12 s of a core each second at 20,000
// msg/s), and at normal priority a burst takes a core from the threads that carry sends
// for as long as it runs. With the data on tmpfs (no disk flushes), W2's p99 was 6.1-10.6
// ms (median 7.1) with the indexer at normal priority, and 4.1-10.5 ms (median 4.8) with
// it adding at SCHED_IDLE (docs/benchmarks.md, the eighth round). So while it keeps
// up, the indexer adds each batch at SCHED_IDLE: the scheduler gives a core to any other
// thread that wakes at once, and the batch never takes time that a send wants. Only the
// adding: a thread at idle priority may wait indefinitely for a core while the machine
// is busy, and whatever it holds meanwhile, others wait for. So it holds nothing that a
// send needs at idle priority: it takes its mutex (which logged() needs) and reads the
// log (a reader's snapshot keeps the log's write-ahead log from starting over) at normal
// priority. What the batch holds is the index file's lock, and the indexer is brought
// back to normal priority (by whichever thread notices) when that would make someone
// wait:
// - the log runs more than two pages ahead of it: the load leaves it no idle time, and
//   the lag has to stay bounded. At normal priority it keeps up with W1 (110,000
//   msg/s); at nice 19 it fell 500,000 entries behind within seconds, and the writer's
//   catch-up then held every send for a second (docs/benchmarks.md, the sixth round);
// - a search waits for it (wait_indexed), or a recall takes an entry out (which waits
//   for the indexer's transaction), so neither waits behind a starved thread.
// It adds at idle priority again once it has caught up. A process that may not bring a
// thread back from idle priority keeps the indexer at normal priority throughout.
SearchIndexer::SearchIndexer(store::SearchIndex& index, IndexBatching batching)
    : index_(index),
      batching_{std::max(1, batching.page), batching.gather},
      may_yield_(may_leave_idle_priority()),
      thread_([this] { run(); }) {
  if (!may_yield_) {
    spdlog::warn("the search indexer runs at normal priority: this process may not bring a thread back from idle "
                 "priority (allow it with CAP_SYS_NICE or an RLIMIT_NICE of 20; docs/operations.md)");
  }
}

void SearchIndexer::hurry() {
  if (yielding_.exchange(false)) set_policy(thread_.native_handle(), false);
}

// Adding a batch at idle priority, when the indexer may. Entered and left on the
// indexer's thread, holding nothing; hurry() may end it early from any thread.
class SearchIndexer::Yielding {
 public:
  explicit Yielding(SearchIndexer& indexer) : on_(indexer.may_yield_ && indexer.yielding_) {
    if (!on_) return;
    set_policy(pthread_self(), true);
    // A hurry() between the check and the switch found the thread still at normal
    // priority, and would be undone.
    if (!indexer.yielding_) set_policy(pthread_self(), false);
  }
  ~Yielding() {
    if (on_) set_policy(pthread_self(), false);
  }
  Yielding(const Yielding&) = delete;
  Yielding& operator=(const Yielding&) = delete;

 private:
  const bool on_;
};

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
      const std::int64_t page = batching_.page;
      wake = logged_ <= indexed_ || (logged_ - indexed_ < page && message_id - indexed_ >= page);
      logged_ = message_id;
      if (logged_ - indexed_ > 2 * page) hurry();  // behind: the load leaves it no idle time
    }
  }
  if (wake) changed_.notify_all();
}

bool SearchIndexer::wait_indexed(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  const auto target = logged_;
  if (indexed_ < target && wanted_ < target) {
    wanted_ = target;  // the indexer stops gathering
    hurry();
    changed_.notify_all();
  }
  return changed_.wait_for(lock, timeout, [&] { return stopping_ || (caught_up_ && indexed_ >= target); });
}

store::Result<void> SearchIndexer::remove(const store::Message& original) {
  hurry();  // the removal waits for the indexer's transaction
  return index_.remove(original.id, text_of(original));
}

bool SearchIndexer::stopping() {
  std::lock_guard lock(mutex_);
  return stopping_;
}

store::Result<bool> SearchIndexer::read_page(std::vector<store::Message>& rows) {
  const auto page = static_cast<std::size_t>(batching_.page);
  std::size_t bytes = 0;
  for (;;) {
    const int limit = static_cast<int>(std::min<std::size_t>(kChunk, page - rows.size()));
    auto chunk = index_.unindexed(rows.empty() ? 0 : rows.back().id, limit);
    if (!chunk) return chunk.error();
    for (auto& m : *chunk) {
      bytes += m.body.size() + m.client_id.size();
      rows.push_back(std::move(m));
    }
    if (rows.size() == page || bytes >= kPageBytes) return true;
    if (chunk->size() < static_cast<std::size_t>(limit)) return false;  // the end of the log
  }
}

store::Result<void> SearchIndexer::add(const std::vector<store::Message>& rows) {
  const Yielding yielding(*this);
  std::vector<store::IndexEntry> entries;
  entries.reserve(rows.size());
  for (const auto& m : rows) {
    auto text = text_of(m);
    if (!text.empty()) entries.push_back({m.id, std::move(text)});
  }
  return index_.add(rows, entries);
}

store::Result<bool> SearchIndexer::index_page() {
  std::vector<store::Message> rows;
  const auto full = read_page(rows);
  if (!full) return full.error();
  if (rows.empty()) return false;
  if (auto s = add(rows); !s) return s.error();
  const auto up_to = rows.back().id;
  {
    std::lock_guard lock(mutex_);
    indexed_ = std::max(indexed_, up_to);
    logged_ = std::max(logged_, up_to);
  }
  changed_.notify_all();
  return *full;
}

void SearchIndexer::run() {
  pthread_setname_np(pthread_self(), "parley-indexer");  // for top -H and perf
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
    if (full && may_yield_) yielding_ = true;  // caught up
    if (!full) {
      spdlog::error("search indexing failed error=\"{}\"", full.error().message);
      changed_.wait_for(lock, kRetryAfter, [this] { return stopping_; });
      continue;
    }
    changed_.wait(lock, [this] { return stopping_ || logged_ > indexed_; });
    changed_.wait_for(lock, batching_.gather, [this] {
      return stopping_ || wanted_ > indexed_ || logged_ - indexed_ >= batching_.page;
    });
  }
}

}  // namespace parley::server
