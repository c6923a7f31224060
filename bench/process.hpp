#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bench/report.hpp"
#include "proto/errors.hpp"

// What the benchmark reads about processes (CPU time and memory from /proc) and the
// parleyd it may start itself. Linux only.
namespace parley::bench {

// User plus system CPU time of the process so far, in seconds; empty if unreadable.
std::optional<double> cpu_seconds(pid_t pid);
// Every thread's CPU time so far (schedstat: time on a CPU, in ns) and name; empty if
// the process is gone.
std::vector<ThreadCpu> thread_cpu(pid_t pid);
// VmRSS of the process in KiB; empty if unreadable.
std::optional<std::int64_t> rss_kib(pid_t pid);

// CPU use of a process over an interval, as a percentage of one core (so up to
// 100 x cores). start() and stop() may be called from any one thread.
class CpuMeter {
 public:
  explicit CpuMeter(pid_t pid) : pid_(pid) {}
  void start();
  void stop();
  // Empty when the process could not be read (no pid given, or it is gone).
  std::optional<double> percent() const;
  // CPU seconds used between start() and stop(); empty like percent().
  std::optional<double> seconds() const;

 private:
  pid_t pid_;
  std::optional<double> begin_cpu_, end_cpu_;
  std::chrono::steady_clock::time_point begin_, end_;
};

// A parleyd started by the benchmark: 127.0.0.1 on a free port, a fresh data directory
// (removed again), cheap Argon2id and limits raised for load; with `tls`, serving TLS
// with a self-signed certificate (--tls-self-signed). Stopped with SIGTERM
// (then SIGKILL after a grace period) by stop() or the destructor, and sent SIGTERM by
// the kernel if the benchmark process dies first.
class SpawnedServer {
 public:
  struct Options {
    std::string parleyd;                  // path of the binary
    std::vector<std::string> extra_args;  // appended last, so they win
    std::string data_parent;              // where the data directory is made ("": $TMPDIR or /tmp)
    bool tls = false;                     // serve https:// and wss:// with a self-signed certificate
  };
  static proto::Result<std::unique_ptr<SpawnedServer>> start(const Options& options);
  ~SpawnedServer();
  SpawnedServer(const SpawnedServer&) = delete;
  SpawnedServer& operator=(const SpawnedServer&) = delete;

  pid_t pid() const { return pid_; }
  std::string url() const { return (tls_ ? "https://127.0.0.1:" : "http://127.0.0.1:") + std::to_string(port_); }
  const std::string& data_dir() const { return data_dir_; }
  const std::string& log_path() const { return log_path_; }
  // Stops the server; returns its exit status (128 + signal when killed).
  int stop();

 private:
  SpawnedServer() = default;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  bool tls_ = false;
  std::string data_dir_;
  std::string log_path_;
  bool keep_log_ = false;
};

}  // namespace parley::bench
