#pragma once

#include <sys/types.h>

#include <string>

#include "bench/report.hpp"
#include "bench/transport.hpp"

// The workloads of parley-bench (docs/benchmarks.md). Each runs for a bounded time
// against a running server, checks what it measured (delivery counts, not only timings)
// and returns one result row; problems found are listed in the row.
namespace parley::bench {

struct Options {
  ServerTarget target;
  pid_t server_pid = 0;          // for the server's CPU and RSS; 0: not measured
  int threads = 1;               // generator threads (one io_context each)
  int sources = 4;               // client source addresses 127.0.0.2 ... (0: let the kernel choose)
  std::string prefix = "bench";  // user names start with it
  bool one_per_frame = false;    // one request per WebSocket frame, not several joined by '\n'

  // W1, W2
  int clients = 64;  // connections, in sender -> recipient pairs
  int inflight = 8;  // W1: unacknowledged sends per sender
  double duration_s = 10;
  double rate = 20000;  // W2: messages per second over all pairs
  double drain_s = 15;  // after the run: how long to wait for outstanding acks and events

  // W3 (also --rate, default 100 for it, and --duration)
  int members = 200;         // members of the group, all online; member 0 sends
  // When set: one line per message written there (W1/W2: sent, answered, delivered; W3:
  // sent, first and last arrival).
  std::string timings_path;

  // W4
  int connections = 1000;
  int devices = 4;          // tokens (devices) per user
  int setup_parallel = 16;  // W4: HTTP connections used to register and log in; W3: members enrolled at once
  int open_parallel = 256;  // W3, W4: WebSocket opens under way at once
  double hold_s = 5;

  // W5
  int messages = 1000;
  int repeat = 5;
};

// The source address of the i-th connection, or "" when sources == 0.
std::string source_address(const Options& options, std::size_t i);

Row run_w1(const Options& options);  // 1:1 throughput with a window of sends in flight
Row run_w2(const Options& options);  // latency at a fixed rate
Row run_w3(const Options& options);  // group fan-out at a fixed rate
Row run_w4(const Options& options);  // idle authenticated connections
Row run_w5(const Options& options);  // offline delivery

}  // namespace parley::bench
