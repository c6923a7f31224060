#pragma once

#include <atomic>
#include <chrono>
#include <exception>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

// The generator's threads: one single-threaded io_context each, so every connection and
// its coroutines live on one thread and need no locks. Connections are spread over the
// contexts by index. Create, spawn work, start(), and finish() before the owners of the
// connections go away; the Runner itself must outlive them (sockets need their context).
namespace parley::bench {

class Runner {
 public:
  explicit Runner(int threads);
  ~Runner();
  Runner(const Runner&) = delete;
  Runner& operator=(const Runner&) = delete;

  std::size_t size() const { return contexts_.size(); }
  boost::asio::io_context& context(std::size_t i) { return *contexts_[i % contexts_.size()]; }

  void start();
  // Lets every context run out of work (callers close their connections first) and joins
  // the threads; contexts still busy after `grace` are stopped.
  void finish(std::chrono::milliseconds grace = std::chrono::seconds(10));

 private:
  using Guard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
  std::vector<std::optional<Guard>> guards_;
  std::vector<std::thread> threads_;
  std::atomic<int> running_{0};
};

// A completion handler for co_spawn that counts finished coroutines and reports any
// exception on standard error (coroutines report expected failures as values).
struct CountDone {
  std::atomic<int>* done;
  void operator()(std::exception_ptr error) const;
};

// Sleeps the calling (main) thread until `ready()` or `limit`; returns ready().
template <class Ready>
bool wait_until(Ready ready, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!ready()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

}  // namespace parley::bench
