// W4: many idle authenticated WebSockets. Tokens come from HTTP logins (one per user
// and device); then every connection does what a reconnecting client does (TCP,
// upgrade, hello, auth with the stored token) and stays open, idle, while the server's
// memory is read.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>

#include "bench/ops.hpp"
#include "bench/process.hpp"
#include "bench/runner.hpp"
#include "bench/workloads.hpp"

namespace parley::bench {
namespace {

using Clock = std::chrono::steady_clock;

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
}

// State shared by the coroutines of all threads.
struct Idle {
  const Options* options = nullptr;
  std::vector<std::string> tokens;                         // connection i uses tokens[i]
  std::vector<std::unique_ptr<WsConnection>> connections;  // slot i written by its opener only
  std::vector<Latencies> open_latency;                     // per thread: connect to auth answered
  std::vector<Latencies> auth_latency;                     // per thread: the auth request alone
  std::atomic<int> tokens_failed{0};
  std::atomic<int> opened{0};
  std::atomic<int> open_failed{0};
  std::atomic<int> closed{0};  // by the server (or broken) while held
  std::atomic<bool> closing{false};
  std::mutex error_mutex;
  std::string first_error;  // GUARDED_BY(error_mutex)

  void note(const std::string& what) {
    std::lock_guard lock(error_mutex);
    if (first_error.empty()) first_error = what;
  }
};

// Registers users `first`, `first + stride`, ... and logs each in on every device over
// one keep-alive HTTP connection, filling in their tokens.
asio::awaitable<void> get_tokens(Idle* idle, int first, int stride, int users) {
  const Options& o = *idle->options;
  const std::string source = source_address(o, static_cast<std::size_t>(first));
  auto http = co_await HttpConnection::open(o.target, source);
  if (!http) {
    idle->note("HTTP: " + describe(http.error()));
    idle->tokens_failed.fetch_add(1);
    co_return;
  }
  for (int u = first; u < users; u += stride) {
    const std::string username = o.prefix + "-i" + std::to_string(u);
    const boost::json::object register_data = proto::encode(proto::RegisterRequest{username, kPassword, std::nullopt});
    auto registered = co_await http_call(**http, proto::type::kRegister, register_data);
    if (!registered && registered.error().code != proto::Errc::conflict) {
      idle->note("register " + username + ": " + describe(registered.error()));
      idle->tokens_failed.fetch_add(1);
      continue;
    }
    for (int d = 0; d < o.devices; ++d) {
      const std::size_t slot =
          static_cast<std::size_t>(u) * static_cast<std::size_t>(o.devices) + static_cast<std::size_t>(d);
      if (slot >= idle->tokens.size()) break;
      const boost::json::object login_data =
          proto::encode(proto::LoginRequest{username, kPassword, "d" + std::to_string(d)});
      auto login = co_await http_call(**http, proto::type::kLogin, login_data);
      if (!login) {
        idle->note("login " + username + ": " + describe(login.error()));
        idle->tokens_failed.fetch_add(1);
        continue;
      }
      auto result = proto::decode<proto::LoginResult>(*login);
      if (!result) {
        idle->note("login result: " + describe(result.error()));
        idle->tokens_failed.fetch_add(1);
        continue;
      }
      idle->tokens[slot] = std::move(result->token);
    }
  }
}

// Keeps reading so that the connection answers the server's pings; ends when the connection does.
asio::awaitable<void> hold(Idle* idle, WsConnection* ws) {
  for (;;) {
    auto text = co_await ws->read();
    if (!text) break;
  }
  if (!idle->closing.load()) idle->closed.fetch_add(1);
}

// Opens connections `first`, `first + stride`, ...: connect, hello, auth with the token.
asio::awaitable<void> open_connections(Idle* idle, std::size_t first, std::size_t stride, std::size_t thread) {
  const Options& o = *idle->options;
  auto executor = co_await asio::this_coro::executor;
  for (std::size_t i = first; i < idle->tokens.size(); i += stride) {
    const std::string source = source_address(o, i);
    const std::int64_t start = now_ns();
    auto ws = co_await open_with_hello(o.target, source);
    if (!ws) {
      idle->note("open " + std::to_string(i) + ": " + describe(ws.error()));
      idle->open_failed.fetch_add(1);
      continue;
    }
    const std::int64_t auth_start = now_ns();
    const proto::AuthRequest request{idle->tokens[i]};
    auto auth = co_await call_typed<proto::AuthResult>(**ws, 1, proto::type::kAuth, request);
    if (!auth) {
      idle->note("auth " + std::to_string(i) + ": " + describe(auth.error()));
      idle->open_failed.fetch_add(1);
      continue;
    }
    const std::int64_t end = now_ns();
    idle->open_latency[thread].add_ns(end - start);
    idle->auth_latency[thread].add_ns(end - auth_start);
    idle->connections[i] = std::move(*ws);
    asio::co_spawn(executor, hold(idle, idle->connections[i].get()), CountDone{nullptr});
    idle->opened.fetch_add(1);
  }
}

}  // namespace

Row run_w4(const Options& options) {
  Row row("W4");
  const auto n = static_cast<std::size_t>(std::max(1, options.connections));
  const int devices = std::max(1, options.devices);
  const int users = static_cast<int>((n + static_cast<std::size_t>(devices) - 1) / static_cast<std::size_t>(devices));
  row.add("connections", static_cast<double>(n));
  row.add("users", users);
  row.add("source addrs", std::max(0, options.sources));

  Runner runner(options.threads);  // before the connections: they need it until they are gone
  Idle idle;
  idle.options = &options;
  idle.tokens.resize(n);
  idle.connections.resize(n);
  idle.open_latency.resize(runner.size());
  idle.auth_latency.resize(runner.size());
  runner.start();

  auto close_all = [&] {
    idle.closing = true;
    for (std::size_t t = 0; t < runner.size(); ++t) {
      asio::post(runner.context(t), [&idle, t, stride = runner.size()] {
        for (std::size_t i = t; i < idle.connections.size(); i += stride) {
          if (idle.connections[i]) idle.connections[i]->abort();
        }
      });
    }
    runner.finish();
  };

  // 1. Tokens over HTTP.
  const auto setup_start = Clock::now();
  const int fetchers = std::clamp(options.setup_parallel, 1, users);
  std::atomic<int> fetched{0};
  for (int j = 0; j < fetchers; ++j) {
    asio::co_spawn(runner.context(static_cast<std::size_t>(j)), get_tokens(&idle, j, fetchers, users),
                   CountDone{&fetched});
  }
  if (!wait_until([&] { return fetched.load() == fetchers; }, std::chrono::minutes(5))) {
    row.problem("logging in over HTTP took over 5 minutes");
    close_all();
    return row;
  }
  const double setup_s = std::chrono::duration<double>(Clock::now() - setup_start).count();
  row.add("HTTP logins/s", static_cast<double>(n) / setup_s);
  if (idle.tokens_failed.load() > 0) {
    row.problem(std::to_string(idle.tokens_failed.load()) + " HTTP logins failed; first: " + idle.first_error);
    close_all();
    return row;
  }

  // 2. Every connection authenticates with its token (in parallel, `open_parallel` at a time).
  // -1: not measured (no server PID, or it could not be read).
  const std::int64_t rss_before = options.server_pid > 0 ? rss_kib(options.server_pid).value_or(-1) : -1;
  const std::int64_t generator_rss_before = rss_kib(::getpid()).value_or(-1);
  CpuMeter generator_cpu(::getpid());
  CpuMeter server_cpu(options.server_pid);
  generator_cpu.start();
  server_cpu.start();
  const auto open_start = Clock::now();
  const std::size_t openers =
      std::clamp<std::size_t>(static_cast<std::size_t>(std::max(1, options.open_parallel)), 1, n);
  std::atomic<int> openers_done{0};
  for (std::size_t j = 0; j < openers; ++j) {
    const std::size_t thread = j % runner.size();
    asio::co_spawn(runner.context(thread), open_connections(&idle, j, openers, thread), CountDone{&openers_done});
  }
  const bool opened =
      wait_until([&] { return openers_done.load() == static_cast<int>(openers); }, std::chrono::minutes(3));
  const double open_s = std::chrono::duration<double>(Clock::now() - open_start).count();
  generator_cpu.stop();
  server_cpu.stop();

  // 3. Hold them, idle, and read the server's memory.
  CpuMeter server_idle_cpu(options.server_pid);
  server_idle_cpu.start();
  std::this_thread::sleep_for(std::chrono::duration<double>(options.hold_s));
  server_idle_cpu.stop();
  const std::int64_t rss_after = options.server_pid > 0 ? rss_kib(options.server_pid).value_or(-1) : -1;
  const std::int64_t generator_rss_after = rss_kib(::getpid()).value_or(-1);
  const int held = idle.opened.load() - idle.closed.load();

  Latencies open_latency;
  Latencies auth_latency;
  // The threads still run: copy the samples only after they are joined.
  close_all();
  for (const auto& l : idle.open_latency) open_latency.merge(l);
  for (const auto& l : idle.auth_latency) auth_latency.merge(l);

  row.add("held", held);
  row.add("auths/s", static_cast<double>(idle.opened.load()) / open_s);
  row.add("open p50 ms", open_latency.quantile_ms(0.5), 2);
  row.add("open p99 ms", open_latency.quantile_ms(0.99), 2);
  row.add("auth p50 ms", auth_latency.quantile_ms(0.5), 2);
  row.add("auth p99 ms", auth_latency.quantile_ms(0.99), 2);
  if (rss_before >= 0 && rss_after >= 0) {
    row.add("server RSS before MiB", static_cast<double>(rss_before) / 1024, 1);
    row.add("server RSS after MiB", static_cast<double>(rss_after) / 1024, 1);
    row.add("KiB/conn", static_cast<double>(rss_after - rss_before) / std::max(held, 1), 2);
  } else {
    row.add("KiB/conn", std::string("n/a"));
  }
  // The generator's side of the same connections: it must hold as many as the server.
  if (generator_rss_before >= 0 && generator_rss_after >= 0) {
    row.add("gen KiB/conn", static_cast<double>(generator_rss_after - generator_rss_before) / std::max(held, 1), 2);
  }
  row.add_cpu("gen CPU % (opening)", generator_cpu.percent());
  row.add_cpu("server CPU % (opening)", server_cpu.percent());
  row.add_cpu("server CPU % (idle)", server_idle_cpu.percent());

  if (!opened) row.problem("opening took over 3 minutes");
  if (idle.open_failed.load() > 0) {
    row.problem(std::to_string(idle.open_failed.load()) +
                " connections failed to open or authenticate; first: " + idle.first_error);
  }
  if (idle.closed.load() > 0) row.problem(std::to_string(idle.closed.load()) + " connections closed while held");
  return row;
}

}  // namespace parley::bench
