// parley-bench: a load generator for parleyd. Many WebSocket connections per thread,
// precomputed frames, and a check of what was delivered; see docs/benchmarks.md.
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "bench/ops.hpp"
#include "bench/process.hpp"
#include "bench/workloads.hpp"

namespace {

using namespace parley::bench;

int fail(const std::string& message) {
  std::fprintf(stderr, "parley-bench: %s\n", message.c_str());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "parley-bench: load generator for parleyd (docs/benchmarks.md).\n"
      "Each workload runs for a bounded time, prints one result row, and exits 1 if what\n"
      "it checked (delivery counts, connections held) was wrong.",
      "parley-bench"};
  Options options;
  std::string server = "http://127.0.0.1:8080";
  std::string workload = "w1";
  std::string spawn;
  std::string data_parent;
  std::vector<std::string> server_args;
  bool json = false;
  bool tls = false;
  bool insecure_tls = false;
  app.add_option("--server", server,
                 "server URL: http://HOST:PORT or ws://, or https:// or wss:// for TLS; ignored with --spawn")
      ->capture_default_str();
  app.add_option("--workload", workload,
                 "w1 (throughput), w2 (latency at --rate), w3 (group fan-out), w4 (idle connections), "
                 "w5 (offline delivery)")
      ->check(CLI::IsMember({"w1", "w2", "w3", "w4", "w5"}))
      ->capture_default_str();
  app.add_option("--spawn", spawn,
                 "start this parleyd on a free port with a temp data dir, cheap Argon2id and raised limits");
  app.add_flag("--tls", tls,
               "with --spawn: start parleyd with --tls-self-signed and connect over https:// and wss:// "
               "(any certificate accepted); parleyd only, the fake server speaks plain text");
  app.add_flag("--insecure-tls", insecure_tls, "accept any TLS certificate from --server (self-signed)");
  app.add_option("--data-parent", data_parent, "with --spawn: where to make its data dir (default $TMPDIR or /tmp)");
  app.add_option("--server-pid", options.server_pid, "PID of the server, for its CPU and RSS (set by --spawn)");
  app.add_option("--threads", options.threads, "generator threads, one io_context each")->capture_default_str();
  app.add_option("--sources", options.sources, "bind client sockets to 127.0.0.2 .. 127.0.0.(1+N); 0: no bind")
      ->capture_default_str();
  app.add_option("--user-prefix", options.prefix, "prefix of the benchmark's user names")->capture_default_str();
  app.add_option("--clients", options.clients, "W1/W2: connections, in sender/recipient pairs")->capture_default_str();
  app.add_option("--inflight", options.inflight, "W1: unacknowledged sends per sender")->capture_default_str();
  app.add_option("--duration", options.duration_s, "W1/W2/W3: seconds of sending")->capture_default_str();
  app.add_option("--rate", options.rate,
                 "W2: messages per second over all pairs (default 20000); W3: messages per second to the group "
                 "(default 100)");
  app.add_option("--members", options.members, "W3: members of the group, all online (2 to 10,000); one sends")
      ->capture_default_str();
  app.add_option("--timings", options.timings_path,
                 "write one line per message there (ms from the start): W1/W2 pair, n, send, answer and "
                 "arrival times; W3 n, send time, first and last member's arrival");
  app.add_option("--drain-timeout", options.drain_s, "W1/W2/W3: seconds to wait for outstanding acks and events")
      ->capture_default_str();
  app.add_option("--connections", options.connections, "W4: idle authenticated connections")->capture_default_str();
  app.add_option("--devices", options.devices, "W4: tokens (devices) per user")->capture_default_str();
  app.add_option("--setup-parallel", options.setup_parallel,
                 "W4: HTTP connections used for logins; W3: members registering and joining at once")
      ->capture_default_str();
  app.add_option("--open-parallel", options.open_parallel, "W3/W4: WebSocket opens under way at once")
      ->capture_default_str();
  app.add_option("--hold", options.hold_s, "W4: seconds to hold the connections before reading RSS")
      ->capture_default_str();
  app.add_option("--messages", options.messages, "W5: messages to the offline user")->capture_default_str();
  app.add_option("--repeat", options.repeat, "W5: measurements (each with new users)")->capture_default_str();
  app.add_flag("--one-per-frame", options.one_per_frame,
               "send one request per WebSocket frame (for servers that take only one); by default requests "
               "ready together go in one frame, joined by newlines");
  app.add_flag("--json", json, "print the result as one JSON object");
  app.add_option("server_args", server_args, "with --spawn: more parleyd arguments, after --");
  CLI11_PARSE(app, argc, argv);
  if (workload == "w3" && app.count("--rate") == 0) options.rate = 100;

  std::unique_ptr<SpawnedServer> spawned;
  bool verify_tls = !insecure_tls;
  if (!spawn.empty()) {
    auto started = SpawnedServer::start({spawn, server_args, data_parent, tls});
    if (!started) return fail(started.error().message);
    spawned = std::move(*started);
    server = spawned->url();
    options.server_pid = spawned->pid();
    verify_tls = false;  // its certificate is self-signed
  } else if (!server_args.empty()) {
    return fail("parleyd arguments after -- need --spawn");
  }
  auto target = parse_target(server, verify_tls);
  if (!target) return fail(target.error().message);
  if (tls && !target->is_tls()) return fail("--tls needs --spawn, or give an https:// or wss:// --server URL");
  options.target = *target;

  Row row = workload == "w1"   ? run_w1(options)
            : workload == "w2" ? run_w2(options)
            : workload == "w3" ? run_w3(options)
            : workload == "w4" ? run_w4(options)
                               : run_w5(options);
  row.add("transport", options.target.is_tls() ? "TLS" : "plain");
  if (spawned) {
    const int status = spawned->stop();
    if (status != 0)
      row.problem("parleyd exited with status " + std::to_string(status) + "; log: " + spawned->log_path());
  }
  if (json) {
    row.print_json(std::cout);
  } else {
    row.print_table(std::cout);
  }
  return row.ok() ? 0 : 1;
}
