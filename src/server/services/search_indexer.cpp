#include "server/services/search_indexer.hpp"

#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>

#include <vector>

#include <boost/json/parse.hpp>
#include <spdlog/spdlog.h>

#include "proto/messages.hpp"
#include "server/services/chat_text.hpp"

namespace parley::server {
namespace {

// The indexer's nice value: the lowest priority short of SCHED_IDLE, which could starve
// it for as long as the machine is busy; this still gets it ~1.5 % of a busy core.
constexpr int kNice = 19;
// After a failure, try again this much later rather than spin.
constexpr auto kRetryAfter = std::chrono::seconds(1);

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
// search's by time) and about a page per entry in the one by client id (client ids come
// in no order). At 20,000 msg/s, transactions of 2,000 entries every 100 ms wrote 1.5 KB
// of index per message, three times the log's own, and the flushes of its checkpoints
// slowed the log's commits on a shared disk; transactions of up to 20,000 a second
// write ~0.35 KB (docs/benchmarks.md, the sixth round).
SearchIndexer::SearchIndexer(store::SearchIndex& index, IndexBatching batching)
    : index_(index), batching_(batching), thread_([this] { run(); }) {}

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
    }
  }
  if (wake) changed_.notify_all();
}

bool SearchIndexer::wait_indexed(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  const auto target = logged_;
  if (indexed_ < target) {
    hurry_ = true;  // the indexer stops gathering
    changed_.notify_all();
  }
  return changed_.wait_for(lock, timeout, [&] { return stopping_ || (caught_up_ && indexed_ >= target); });
}

store::Result<void> SearchIndexer::remove(std::int64_t message_id) { return index_.remove(message_id); }

std::size_t SearchIndexer::index_page() {
  auto rows = index_.unindexed(batching_.page);
  if (!rows) {
    spdlog::error("search indexing failed error=\"{}\"", rows.error().message);
    return 0;
  }
  if (rows->empty()) return 0;
  std::vector<store::IndexEntry> entries;
  entries.reserve(rows->size());
  for (const auto& m : *rows) {
    auto text = text_of(m);
    if (!text.empty()) entries.push_back({m.id, std::move(text)});
  }
  const auto up_to = rows->back().id;
  if (auto s = index_.add(*rows, entries); !s) {
    spdlog::error("search indexing failed error=\"{}\"", s.error().message);
    return 0;
  }
  {
    std::lock_guard lock(mutex_);
    indexed_ = std::max(indexed_, up_to);
    logged_ = std::max(logged_, up_to);
  }
  changed_.notify_all();
  return rows->size();
}

void SearchIndexer::run() {
  pthread_setname_np(pthread_self(), "parley-indexer");  // for top -H and perf
  // Indexing is background work in bursts (a batch every gather): at the normal
  // priority a burst takes a core from the threads a send waits for, for tens of ms.
  // At the lowest one it runs on what they leave (docs/architecture.md, "Threads").
  if (::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), kNice) != 0) {
    spdlog::warn("could not lower the search indexer's priority");
  }
  for (;;) {
    // Many entries to a transaction: while one page is indexed, the next one gathers.
    while (index_page() > 0) {
    }
    std::unique_lock lock(mutex_);
    if (!caught_up_) {
      caught_up_ = true;
      changed_.notify_all();
    }
    if (stopping_) return;
    if (logged_ > indexed_) {
      // Logged but not indexed: the index failed (logged above). Try again later.
      changed_.wait_for(lock, kRetryAfter, [this] { return stopping_; });
      continue;
    }
    changed_.wait(lock, [this] { return stopping_ || logged_ > indexed_; });
    changed_.wait_for(lock, batching_.gather,
                      [this] { return stopping_ || hurry_ || logged_ - indexed_ >= batching_.page; });
    hurry_ = false;  // what a waiting search needs is read by the pass that starts now
  }
}

}  // namespace parley::server
