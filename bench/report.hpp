#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <variant>
#include <vector>

// Latency samples and the one result row each workload prints (a Markdown table row,
// or a JSON object with --json). Not thread-safe: each thread keeps its own Latencies
// and they are merged after the threads have stopped.
namespace parley::bench {

class Latencies {
 public:
  void add_ns(std::int64_t ns) { samples_us_.push_back(ns <= 0 ? 0u : static_cast<std::uint32_t>(ns / 1000)); }
  void merge(const Latencies& other);
  std::size_t size() const { return samples_us_.size(); }
  // The q-quantile (0..1) in milliseconds; sorts on first use after an add. 0 when empty.
  double quantile_ms(double q);

 private:
  std::vector<std::uint32_t> samples_us_;  // microseconds: 4 bytes a sample, up to 71 minutes
  bool sorted_ = false;
};

// CPU time of one thread of a process so far (from /proc/PID/task/TID/schedstat).
struct ThreadCpu {
  int tid = 0;
  std::string name;  // its comm, e.g. "parley-writer"
  double seconds = 0;
};

// Each thread's share of one core between two readings `wall_s` apart, busiest first,
// as "name tid: percent" joined by ", "; threads under `min_percent` are left out
// (and counted at the end). Threads that started in between count from zero.
std::string describe_thread_cpu(const std::vector<ThreadCpu>& before, const std::vector<ThreadCpu>& after,
                                double wall_s, double min_percent = 1.0);

class Row {
 public:
  explicit Row(std::string workload) : workload_(std::move(workload)) {}

  void add(std::string name, double value, int decimals = 0);
  void add(std::string name, std::string text);
  // A CPU percentage (of one core), or "n/a" when the process could not be measured.
  void add_cpu(std::string name, std::optional<double> percent);
  // A verification failure: the row is marked failed and the problem listed.
  void problem(std::string text) { problems_.push_back(std::move(text)); }
  bool ok() const { return problems_.empty(); }

  void print_table(std::ostream& out) const;
  void print_json(std::ostream& out) const;

 private:
  struct Cell {
    std::string name;
    std::variant<double, std::string> value;
    int decimals = 0;
  };
  std::string workload_;
  std::vector<Cell> cells_;
  std::vector<std::string> problems_;
};

}  // namespace parley::bench
