#include "bench/runner.hpp"

#include <cstdio>

namespace parley::bench {

Runner::Runner(int threads) {
  for (int i = 0; i < std::max(1, threads); ++i) {
    contexts_.push_back(std::make_unique<boost::asio::io_context>(1));
    guards_.emplace_back(contexts_.back()->get_executor());
  }
}

Runner::~Runner() { finish(std::chrono::milliseconds(0)); }

void Runner::start() {
  for (auto& context : contexts_) {
    running_.fetch_add(1);
    threads_.emplace_back([this, ctx = context.get()] {
      ctx->run();
      running_.fetch_sub(1);
    });
  }
}

void Runner::finish(std::chrono::milliseconds grace) {
  for (auto& guard : guards_) guard.reset();
  if (!wait_until([this] { return running_.load() == 0; }, grace)) {
    for (auto& context : contexts_) context->stop();
  }
  for (auto& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
  threads_.clear();
}

void CountDone::operator()(std::exception_ptr error) const {
  if (error) {
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "parley-bench: coroutine failed: %s\n", e.what());
    }
  }
  if (done != nullptr) done->fetch_add(1);
}

}  // namespace parley::bench
