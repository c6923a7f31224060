// W1 (throughput with a window of sends in flight), W2 (latency at a fixed rate) and
// W5 (offline delivery). Every pair of users lives on one generator thread, so its
// bookkeeping needs no locks; only the totals the main thread watches are atomics.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <chrono>
#include <fstream>
#include <iomanip>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "bench/delivery_ledger.hpp"
#include "bench/frames.hpp"
#include "bench/ops.hpp"
#include "bench/process.hpp"
#include "bench/runner.hpp"
#include "bench/workloads.hpp"

namespace parley::bench {
namespace {


double ms_between(std::int64_t from_ns, std::int64_t to_ns) { return static_cast<double>(to_ns - from_ns) / 1e6; }

// Totals the main thread watches while the generator threads run.
struct Shared {
  std::atomic<bool> stop{false};       // senders stop sending
  std::atomic<bool> measuring{false};  // deliveries count towards the rate
  std::atomic<bool> closing{false};    // the generator closes its connections: not a loss
  std::atomic<std::int64_t> sent{0};
  std::atomic<std::int64_t> responses{0};
  std::atomic<std::int64_t> acked{0};
  std::atomic<std::int64_t> acked_in_window{0};
  std::atomic<std::int64_t> delivered{0};
  std::atomic<std::int64_t> delivered_in_window{0};
  std::atomic<int> lost{0};  // connections that broke before the generator closed them
};

// One send's times (now_ns()): due (W2) or written (W1), answered, and delivered.
struct MessageTiming {
  std::int64_t sent_ns = 0;
  std::int64_t acked_ns = 0;
  std::int64_t delivered_ns = 0;
};

// A sender and its recipient. Touched only by the thread of its io_context, until the
// threads have been joined.
struct Pair {
  std::uint32_t index = 0;
  std::size_t thread = 0;
  Latencies* latencies = nullptr;  // the thread's
  std::int64_t recipient_id = 0;
  std::unique_ptr<WsConnection> sender;
  std::unique_ptr<WsConnection> recipient;
  std::optional<SendFrame> send_frame;
  std::optional<FrameBatch> batch;         // the frame being written: one or more sends
  std::optional<asio::steady_timer> wake;  // W1: the sender waits here for a free slot
  std::optional<asio::steady_timer> pace;  // W2: the sender waits here until the next send is due
  DeliveryLedger ledger;
  // With --timings: by send number, when it was due, answered and delivered (0: not yet).
  bool keep_timings = false;
  std::vector<MessageTiming> timings;
  std::uint64_t inflight = 0;
  std::uint64_t stray = 0;       // events that are not this pair's messages
  std::uint64_t bad_frames = 0;  // messages the codec refused
  std::uint64_t frames_written = 0;
  std::uint64_t frames_read = 0;  // on both connections
  std::uint64_t messages_read = 0;
  bool sender_alive = true;
  std::string error;  // the first problem seen
};

void note(Pair& pair, std::string problem) {
  if (pair.error.empty()) pair.error = std::move(problem);
}

asio::awaitable<void> set_up_pair(Pair* pair, const Options* options) {
  const std::string sender_name = options->prefix + "-u" + std::to_string(2 * pair->index);
  const std::string recipient_name = options->prefix + "-u" + std::to_string(2 * pair->index + 1);
  const std::string sender_source = source_address(*options, 2 * pair->index);
  const std::string recipient_source = source_address(*options, 2 * pair->index + 1);

  auto sender = co_await open_with_hello(options->target, sender_source);
  if (!sender) co_return note(*pair, "sender: " + describe(sender.error()));
  pair->sender = std::move(*sender);
  auto sender_login = co_await register_and_login(*pair->sender, sender_name, kDevice);
  if (!sender_login) co_return note(*pair, "sender login: " + describe(sender_login.error()));

  auto recipient = co_await open_with_hello(options->target, recipient_source);
  if (!recipient) co_return note(*pair, "recipient: " + describe(recipient.error()));
  pair->recipient = std::move(*recipient);
  auto recipient_login = co_await register_and_login(*pair->recipient, recipient_name, kDevice);
  if (!recipient_login) co_return note(*pair, "recipient login: " + describe(recipient_login.error()));

  pair->recipient_id = recipient_login->user_id;
  pair->send_frame.emplace(pair->recipient_id);
  pair->batch.emplace(kMaxBatchBytes, options->one_per_frame ? 1 : SIZE_MAX);
  auto executor = co_await asio::this_coro::executor;
  pair->wake.emplace(executor);
  pair->pace.emplace(executor);
}

// Books the next send, adds it to pair.batch and counts it as in flight.
void add_next(Pair& pair, std::int64_t stamp_ns) {
  const std::uint64_t n = pair.ledger.book_send();
  if (pair.keep_timings) pair.timings.push_back({stamp_ns, 0, 0});
  ++pair.inflight;
  pair.send_frame->append_to(pair.batch->add(), kFirstSendId + static_cast<std::int64_t>(n), pair.index, n,
                             stamp_ns);
}

// Writes pair.batch as one frame; false (noted) when the connection failed.
asio::awaitable<bool> write_batch(Pair* pair, Shared* shared) {
  shared->sent.fetch_add(static_cast<std::int64_t>(pair->batch->messages()), std::memory_order_relaxed);
  ++pair->frames_written;
  if (auto written = co_await pair->sender->write(pair->batch->text()); !written) {
    note(*pair, "sender write: " + describe(written.error()));
    co_return false;
  }
  co_return true;
}

// W1: keeps `window` sends unacknowledged, stamped with the time they are written.
// Every free slot is filled at once, in one frame (unless --one-per-frame): the first
// window, and the refill after a frame that carried several acknowledgements.
asio::awaitable<void> send_window(Pair* pair, Shared* shared, std::uint64_t window) {
  const std::size_t bound = pair->send_frame->max_size();
  while (!shared->stop.load(std::memory_order_relaxed) && pair->sender_alive) {
    if (pair->inflight >= window) {
      pair->wake->expires_at(Clock::time_point::max());
      co_await pair->wake->async_wait(kTuple);  // cancelled by each frame of acknowledgements
      continue;
    }
    pair->batch->clear();
    const std::int64_t stamp = now_ns();
    while (pair->inflight < window && pair->batch->has_room(bound)) add_next(*pair, stamp);
    if (!co_await write_batch(pair, shared)) break;
  }
}

// W2: one send every `interval_ns` from `first_ns` on, stamped with the time it was
// due, not the time it went out: a server that falls behind shows in the latency
// instead of slowing the generator down (no coordinated omission).
// Sends that are due together (the generator was busy) go out in one frame, each still
// stamped with its own due time.
asio::awaitable<void> send_paced(Pair* pair, Shared* shared, std::int64_t first_ns, std::int64_t interval_ns) {
  const std::size_t bound = pair->send_frame->max_size();
  std::int64_t due = first_ns;
  while (!shared->stop.load(std::memory_order_relaxed) && pair->sender_alive) {
    const std::int64_t now = now_ns();
    if (now < due) {
      pair->pace->expires_at(Clock::time_point(std::chrono::nanoseconds(due)));
      co_await pair->pace->async_wait(kTuple);
      continue;
    }
    pair->batch->clear();
    for (; due <= now && pair->batch->has_room(bound); due += interval_ns) add_next(*pair, due);
    if (!co_await write_batch(pair, shared)) break;
  }
}

// One message on the sender's connection: the response to a message_send, booked in
// the ledger. Returns whether it freed a slot.
bool on_ack(Pair& pair, Shared& shared, IncomingParser& parser, std::string_view text) {
  auto response = parser.parse(text);
  if (!response) {
    ++pair.bad_frames;
    note(pair, "sender got: " + describe(response.error()));
    return false;
  }
  if (!response->is_response) return false;  // events on the sender's connection are not measured
  const std::int64_t id = response->id;
  auto ack = DeliveryLedger::Ack::ok;
  if (!response->ok) {
    ack = DeliveryLedger::Ack::error;
    note(pair, "message_send failed: " + describe(response->error));
  } else if (auto result = proto::decode<proto::MessageSendResult>(*response->result); !result) {
    ack = DeliveryLedger::Ack::error;
    note(pair, "message_send result: " + describe(result.error()));
  } else if (result->duplicate) {
    ack = DeliveryLedger::Ack::duplicate;  // every client_id is new: the server should not think so
  }
  if (id < kFirstSendId || !pair.ledger.answer(static_cast<std::uint64_t>(id - kFirstSendId), ack)) {
    note(pair, "a response to no outstanding send: id " + std::to_string(id));
    return false;
  }
  if (ack == DeliveryLedger::Ack::ok) {
    if (pair.keep_timings) pair.timings[static_cast<std::size_t>(id - kFirstSendId)].acked_ns = now_ns();
    shared.acked.fetch_add(1, std::memory_order_relaxed);
    if (shared.measuring.load(std::memory_order_relaxed)) {
      shared.acked_in_window.fetch_add(1, std::memory_order_relaxed);
    }
  }
  --pair.inflight;
  shared.responses.fetch_add(1, std::memory_order_relaxed);
  return true;
}

// The sender's connection: responses to message_send, one or more per frame.
asio::awaitable<void> read_acks(Pair* pair, Shared* shared) {
  IncomingParser parser;
  for (;;) {
    auto text = co_await pair->sender->read();
    if (!text) break;
    ++pair->frames_read;
    bool freed = false;
    FrameMessages messages(*text);
    for (std::string_view message; messages.next(message);) {
      ++pair->messages_read;
      freed = on_ack(*pair, *shared, parser, message) || freed;
    }
    if (freed) pair->wake->cancel();  // the sender refills every free slot in one frame
  }
  pair->sender_alive = false;
  pair->wake->cancel();
  if (!shared->closing.load()) {
    shared->lost.fetch_add(1);
    note(*pair, "the sender's connection broke");
  }
}

// One message on the recipient's connection: a message event, checked against what
// was sent and booked in the ledger.
void on_delivery(Pair& pair, Shared& shared, IncomingParser& parser, std::string_view text,
                 std::int64_t received_ns) {
  auto event = parser.parse(text);
  if (!event) {
    ++pair.bad_frames;
    note(pair, "recipient got: " + describe(event.error()));
    return;
  }
  if (event->is_response || event->type != proto::event::kMessage) {
    ++pair.stray;
    return;
  }
  auto message = proto::decode<proto::ChatMessage>(*event->data);
  if (!message) {
    ++pair.bad_frames;
    note(pair, "message event: " + describe(message.error()));
    return;
  }
  const auto* body_text = message->body.if_contains("text");
  SendStamp stamp;
  if (body_text == nullptr || !body_text->is_string() ||
      !read_stamp(message->client_id, std::string_view(body_text->get_string()), stamp) ||
      stamp.sender != pair.index) {
    ++pair.stray;
    return;
  }
  if (!pair.ledger.deliver(stamp.n, message->seq)) return;
  pair.latencies->add_ns(received_ns - stamp.sent_ns);
  if (pair.keep_timings) pair.timings[stamp.n].delivered_ns = received_ns;
  shared.delivered.fetch_add(1, std::memory_order_relaxed);
  if (shared.measuring.load(std::memory_order_relaxed)) {
    shared.delivered_in_window.fetch_add(1, std::memory_order_relaxed);
  }
}

// The recipient's connection: message events, one or more per frame.
asio::awaitable<void> read_deliveries(Pair* pair, Shared* shared) {
  IncomingParser parser;
  for (;;) {
    auto text = co_await pair->recipient->read();
    if (!text) break;
    const std::int64_t received_ns = now_ns();
    ++pair->frames_read;
    FrameMessages messages(*text);
    for (std::string_view message; messages.next(message);) {
      ++pair->messages_read;
      on_delivery(*pair, *shared, parser, message, received_ns);
    }
  }
  if (!shared->closing.load()) {
    shared->lost.fetch_add(1);
    note(*pair, "the recipient's connection broke");
  }
}

// Closes every pair's connections on its own thread, then lets the threads end.
void close_all(Runner& runner, std::vector<std::unique_ptr<Pair>>& pairs, Shared& shared) {
  shared.closing = true;
  shared.stop = true;
  for (auto& pair : pairs) {
    asio::post(runner.context(pair->thread), [p = pair.get()] {
      if (p->sender) p->sender->abort();
      if (p->recipient) p->recipient->abort();
      if (p->wake) p->wake->cancel();
      if (p->pace) p->pace->cancel();
    });
  }
  runner.finish();
}

// Compares what each sender had acknowledged with what its recipient received.
void verify(const std::vector<std::unique_ptr<Pair>>& pairs, const Shared& shared, Row& row) {
  DeliveryLedger::Summary summary;
  std::uint64_t stray = 0;
  std::uint64_t bad = 0;
  std::string first_error;
  for (const auto& pair : pairs) {
    pair->ledger.add_to(summary);
    stray += pair->stray;
    bad += pair->bad_frames;
    if (first_error.empty() && !pair->error.empty()) first_error = pair->error;
  }
  for (auto& problem : summary.problems()) row.problem(std::move(problem));
  if (stray > 0) row.problem(std::to_string(stray) + " unexpected events");
  if (bad > 0) row.problem(std::to_string(bad) + " unreadable frames");
  if (shared.lost.load() > 0) row.problem(std::to_string(shared.lost.load()) + " connections lost during the run");
  if (!row.ok() && !first_error.empty()) row.problem("first error: " + first_error);
}

enum class Mode { window, paced };

// Writes every send's times to `path`, one line each, in the order they were due.
bool write_timings(const std::string& path, const std::vector<std::unique_ptr<Pair>>& pairs, std::int64_t start_ns) {
  struct Line {
    std::uint32_t pair;
    std::size_t n;
    MessageTiming t;
  };
  std::vector<Line> lines;
  for (const auto& pair : pairs) {
    for (std::size_t n = 0; n < pair->timings.size(); ++n) lines.push_back({pair->index, n, pair->timings[n]});
  }
  std::ranges::sort(lines, {}, [](const Line& l) { return l.t.sent_ns; });
  const auto ms = [&](std::int64_t ns) { return ns == 0 ? -1.0 : static_cast<double>(ns - start_ns) / 1e6; };
  std::ofstream out(path);
  out << "# pair n sent_ms acked_ms delivered_ms (ms from the start, " << start_ns
      << " ns on the monotonic clock; -1: never)\n";
  out << std::fixed << std::setprecision(3);
  for (const auto& l : lines) {
    out << l.pair << ' ' << l.n << ' ' << ms(l.t.sent_ns) << ' ' << ms(l.t.acked_ns) << ' ' << ms(l.t.delivered_ns)
        << '\n';
  }
  return static_cast<bool>(out);
}

Row run_chat(const Options& options, Mode mode) {
  Row row(mode == Mode::window ? "W1" : "W2");
  const int pair_count = std::max(1, options.clients / 2);
  row.add("clients", 2.0 * pair_count);
  if (mode == Mode::window) {
    row.add("inflight", options.inflight);
  } else {
    row.add("target msg/s", options.rate);
  }
  row.add("duration s", options.duration_s, 1);
  row.add("gen threads", static_cast<double>(std::max(1, options.threads)));
  row.add("framing", options.one_per_frame ? "one per frame" : "batched");

  Runner runner(options.threads);
  std::vector<Latencies> latencies(runner.size());
  std::vector<std::unique_ptr<Pair>> pairs;
  Shared shared;
  std::atomic<int> set_up{0};
  for (int i = 0; i < pair_count; ++i) {
    auto pair = std::make_unique<Pair>();
    pair->index = static_cast<std::uint32_t>(i);
    pair->thread = static_cast<std::size_t>(i) % runner.size();
    pair->latencies = &latencies[pair->thread];
    pair->keep_timings = !options.timings_path.empty();
    asio::co_spawn(runner.context(pair->thread), set_up_pair(pair.get(), &options), CountDone{&set_up});
    pairs.push_back(std::move(pair));
  }
  runner.start();
  const bool ready = wait_until([&] { return set_up.load() == pair_count; }, std::chrono::minutes(3));
  std::size_t failed = 0;
  std::string first_failure;
  for (const auto& pair : pairs) {
    if (!pair->error.empty()) {
      ++failed;
      if (first_failure.empty()) first_failure = pair->error;
    }
  }
  if (!ready || failed > 0) {
    row.problem(ready ? std::to_string(failed) + " pairs failed to log in; first: " + first_failure
                      : "logging the users in took over 3 minutes");
    close_all(runner, pairs, shared);
    return row;
  }

  CpuMeter generator_cpu(::getpid());
  CpuMeter server_cpu(options.server_pid);
  const auto start = Clock::now();
  generator_cpu.start();
  server_cpu.start();
  shared.measuring = true;
  const std::int64_t start_ns = now_ns();
  // W2: each pair sends rate / pairs messages a second, the pairs evenly staggered.
  const auto interval_ns = static_cast<std::int64_t>(1e9 * pair_count / std::max(options.rate, 1.0));
  for (auto& pair : pairs) {
    auto& context = runner.context(pair->thread);
    asio::co_spawn(context, read_acks(pair.get(), &shared), CountDone{nullptr});
    asio::co_spawn(context, read_deliveries(pair.get(), &shared), CountDone{nullptr});
    if (mode == Mode::window) {
      asio::co_spawn(context,
                     send_window(pair.get(), &shared, static_cast<std::uint64_t>(std::max(1, options.inflight))),
                     CountDone{nullptr});
    } else {
      const std::int64_t first = start_ns + interval_ns * pair->index / pair_count;
      asio::co_spawn(context, send_paced(pair.get(), &shared, first, interval_ns), CountDone{nullptr});
    }
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(options.duration_s));
  shared.measuring = false;
  shared.stop = true;
  generator_cpu.stop();
  server_cpu.stop();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();

  // Everything sent gets its response, and everything acknowledged its event.
  const bool drained = wait_until(
      [&] { return shared.responses.load() == shared.sent.load() && shared.delivered.load() >= shared.acked.load(); },
      std::chrono::milliseconds(static_cast<std::int64_t>(options.drain_s * 1000)));
  const double drain_s = std::chrono::duration<double>(Clock::now() - start).count() - elapsed;
  close_all(runner, pairs, shared);

  Latencies all;
  for (const auto& l : latencies) all.merge(l);
  if (mode == Mode::paced) row.add("sent msg/s", static_cast<double>(shared.sent.load()) / elapsed);
  row.add("acked msg/s", static_cast<double>(shared.acked_in_window.load()) / elapsed);
  row.add("delivered msg/s", static_cast<double>(shared.delivered_in_window.load()) / elapsed);
  row.add("delivered", static_cast<double>(shared.delivered.load()));
  row.add("p50 ms", all.quantile_ms(0.50), 2);
  row.add("p99 ms", all.quantile_ms(0.99), 2);
  row.add("p99.9 ms", all.quantile_ms(0.999), 2);
  row.add("max ms", all.quantile_ms(1.0), 1);
  row.add("drain s", drain_s, 1);
  row.add_cpu("gen CPU %", generator_cpu.percent());
  row.add_cpu("server CPU %", server_cpu.percent());
  // The generator's cost per delivered message in the measured phase: what bounds the
  // rate it can show when it shares the machine with the server.
  const auto gen_seconds = generator_cpu.seconds();
  const auto delivered_in_window = shared.delivered_in_window.load();
  if (gen_seconds && delivered_in_window > 0) {
    row.add("gen µs/msg", 1e6 * *gen_seconds / static_cast<double>(delivered_in_window), 1);
  } else {
    row.add("gen µs/msg", std::string("n/a"));
  }
  std::uint64_t frames_written = 0;
  std::uint64_t frames_read = 0;
  std::uint64_t messages_read = 0;
  for (const auto& pair : pairs) {
    frames_written += pair->frames_written;
    frames_read += pair->frames_read;
    messages_read += pair->messages_read;
  }
  // Whole run, drain included: how many requests went out per frame, and how many
  // responses and events the server put into each frame it sent.
  const auto sent = static_cast<double>(shared.sent.load());
  row.add("sends/frame", frames_written > 0 ? sent / static_cast<double>(frames_written) : 0.0, 2);
  row.add("msgs/frame in", frames_read > 0 ? static_cast<double>(messages_read) / static_cast<double>(frames_read) : 0.0,
          2);
  if (!drained) row.problem("not drained within " + std::to_string(options.drain_s) + " s");
  if (!options.timings_path.empty() && !write_timings(options.timings_path, pairs, start_ns)) {
    row.problem("could not write " + options.timings_path);
  }
  verify(pairs, shared, row);
  if (shared.acked.load() == 0) row.problem("no message was acknowledged");
  return row;
}

// ---- W5 ----

struct OfflineRun {
  double connect_ms = 0;  // TCP, upgrade and hello
  double login_ms = 0;
  double conversations_ms = 0;
  double sync_ms = 0;   // every page
  double total_ms = 0;  // login to the last message: login + conversations + sync
  int pages = 0;
  std::string error;
};

// Fills `out` with one offline delivery: the recipient registers and stays away, the
// sender sends `messages` (a window of 64 in flight), then the recipient logs in and
// fetches conversations and sync pages until it holds every message, which are checked.
asio::awaitable<void> offline_delivery(const Options* options, int rep, const std::string* tag, OfflineRun* out) {
  const std::string base = options->prefix + "-o" + *tag + "-" + std::to_string(rep);
  const std::string sender_name = base + "s";
  const std::string recipient_name = base + "r";
  const std::string source = source_address(*options, static_cast<std::size_t>(rep));
  auto fail = [out](std::string what, const proto::Error& error) { out->error = what + ": " + describe(error); };

  std::int64_t recipient_id = 0;
  {
    auto ws = co_await open_with_hello(options->target, source);
    if (!ws) co_return fail("recipient", ws.error());
    auto id = co_await ensure_registered(**ws, recipient_name);
    if (!id) co_return fail("recipient register", id.error());
    if (*id == 0)
      co_return fail("recipient register", proto::make_error(proto::Errc::conflict, recipient_name + " exists"));
    recipient_id = *id;
    co_await (*ws)->close();
  }

  std::int64_t sender_id = 0;
  {
    auto ws = co_await open_with_hello(options->target, source);
    if (!ws) co_return fail("sender", ws.error());
    auto login = co_await register_and_login(**ws, sender_name, kDevice);
    if (!login) co_return fail("sender login", login.error());
    sender_id = login->user_id;
    const SendFrame frame_template(recipient_id);
    const std::size_t bound = frame_template.max_size();
    const auto total = static_cast<std::uint64_t>(options->messages);
    constexpr std::uint64_t kWindow = 64;
    FrameBatch batch(kMaxBatchBytes, options->one_per_frame ? 1 : SIZE_MAX);
    std::uint64_t sent = 0;
    std::uint64_t answered = 0;
    while (answered < total) {
      while (sent < total && sent - answered < kWindow) {
        batch.clear();
        for (; sent < total && sent - answered < kWindow && batch.has_room(bound); ++sent) {
          frame_template.append_to(batch.add(), kFirstSendId + static_cast<std::int64_t>(sent),
                                   static_cast<std::uint32_t>(rep), sent, now_ns());
        }
        if (auto written = co_await (*ws)->write(batch.text()); !written) co_return fail("send", written.error());
      }
      auto text = co_await (*ws)->read();
      if (!text) co_return fail("sender read", text.error());
      FrameMessages responses(*text);
      for (std::string_view message; responses.next(message);) {
        auto incoming = parse_incoming(message);
        if (!incoming) co_return fail("sender read", incoming.error());
        const auto* response = std::get_if<proto::Response>(&*incoming);
        if (response == nullptr) continue;
        if (!response->ok) co_return fail("message_send", response->error);
        ++answered;
      }
    }
    co_await (*ws)->close();
  }

  const std::int64_t t0 = now_ns();
  auto ws = co_await open_with_hello(options->target, source);
  if (!ws) co_return fail("recipient", ws.error());
  const std::int64_t t1 = now_ns();
  proto::LoginRequest login_request{recipient_name, kPassword, kDevice};
  auto login = co_await call_typed<proto::LoginResult>(**ws, 2, proto::type::kLogin, login_request);
  if (!login) co_return fail("recipient login", login.error());
  const std::int64_t t2 = now_ns();
  const proto::ConversationsRequest conversations_request;
  auto conversations =
      co_await call_typed<proto::ConversationsResult>(**ws, 3, proto::type::kConversations, conversations_request);
  if (!conversations) co_return fail("conversations", conversations.error());
  const std::int64_t t3 = now_ns();
  const proto::ConversationInfo* found = nullptr;
  for (const auto& c : conversations->conversations) {
    if (c.peer.user_id == sender_id) found = &c;
  }
  if (found == nullptr)
    co_return fail("conversations", proto::make_error(proto::Errc::not_found, "no conversation with the sender"));
  proto::SyncRequest sync{found->conversation_id, found->read_seq, 500};
  std::vector<proto::ChatMessage> messages;
  std::int64_t id = 4;
  for (;;) {
    auto page = co_await call_typed<proto::MessagesResult>(**ws, id++, proto::type::kSync, sync);
    if (!page) co_return fail("sync", page.error());
    ++out->pages;
    for (auto& m : page->messages) messages.push_back(std::move(m));
    if (!page->has_more || page->messages.empty()) break;
    sync.after_seq = messages.back().seq;
  }
  const std::int64_t t4 = now_ns();
  co_await (*ws)->close();

  out->connect_ms = ms_between(t0, t1);
  out->login_ms = ms_between(t1, t2);
  out->conversations_ms = ms_between(t2, t3);
  out->sync_ms = ms_between(t3, t4);
  out->total_ms = ms_between(t1, t4);

  // Every message exactly once, in seq order without gaps, and counted as unread.
  const auto total = static_cast<std::size_t>(options->messages);
  std::vector<int> seen(total, 0);
  std::string problem;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const auto& m = messages[i];
    const auto* text = m.body.if_contains("text");
    SendStamp stamp;
    if (m.sender_id != sender_id || text == nullptr || !text->is_string() ||
        !read_stamp(m.client_id, std::string_view(text->get_string()), stamp) ||
        stamp.sender != static_cast<std::uint32_t>(rep) || stamp.n >= total) {
      problem = "a message that was not sent: " + m.client_id;
      break;
    }
    ++seen[stamp.n];
    if (i > 0 && m.seq != messages[i - 1].seq + 1) problem = "seq gap after " + std::to_string(messages[i - 1].seq);
  }
  const auto once = static_cast<std::size_t>(std::count(seen.begin(), seen.end(), 1));
  if (problem.empty() && (once != total || messages.size() != total)) {
    problem = "got " + std::to_string(messages.size()) + " messages, " + std::to_string(once) + " of " +
              std::to_string(total) + " exactly once";
  }
  if (problem.empty() && found->unread != static_cast<std::int64_t>(total)) {
    problem = "conversations says " + std::to_string(found->unread) + " unread, not " + std::to_string(total);
  }
  if (!problem.empty()) out->error = problem;
}

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

}  // namespace

std::string source_address(const Options& options, std::size_t i) {
  if (options.sources <= 0) return {};
  return "127.0.0." + std::to_string(2 + i % static_cast<std::size_t>(options.sources));
}

Row run_w1(const Options& options) { return run_chat(options, Mode::window); }
Row run_w2(const Options& options) { return run_chat(options, Mode::paced); }

Row run_w5(const Options& options) {
  Row row("W5");
  row.add("messages", options.messages);
  row.add("repeat", options.repeat);
  const std::string tag = run_tag();
  std::vector<OfflineRun> runs(static_cast<std::size_t>(std::max(1, options.repeat)));
  Runner runner(1);
  CpuMeter generator_cpu(::getpid());
  CpuMeter server_cpu(options.server_pid);
  std::atomic<int> done{0};
  runner.start();
  generator_cpu.start();
  server_cpu.start();
  // One after another: each measurement has the server to itself.
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const int before = done.load();
    asio::co_spawn(runner.context(0), offline_delivery(&options, static_cast<int>(i), &tag, &runs[i]),
                   CountDone{&done});
    if (!wait_until([&] { return done.load() > before; }, std::chrono::minutes(2))) {
      runs[i].error = "did not finish within 2 minutes";
      break;
    }
  }
  generator_cpu.stop();
  server_cpu.stop();
  runner.finish();

  std::vector<double> total, login, conversations, sync, connect;
  int pages = 0;
  for (const auto& r : runs) {
    if (!r.error.empty()) {
      row.problem(r.error);
      continue;
    }
    total.push_back(r.total_ms);
    login.push_back(r.login_ms);
    conversations.push_back(r.conversations_ms);
    sync.push_back(r.sync_ms);
    connect.push_back(r.connect_ms);
    pages = r.pages;
  }
  row.add("pages", pages);
  row.add("connect+hello ms", median(connect), 2);
  row.add("login ms", median(login), 2);
  row.add("conversations ms", median(conversations), 2);
  row.add("sync ms", median(sync), 2);
  row.add("total ms (median)", median(total), 2);
  row.add("total ms (min)", total.empty() ? 0 : *std::min_element(total.begin(), total.end()), 2);
  row.add("total ms (max)", total.empty() ? 0 : *std::max_element(total.begin(), total.end()), 2);
  row.add_cpu("gen CPU % (whole run)", generator_cpu.percent());
  row.add_cpu("server CPU % (whole run)", server_cpu.percent());
  return row;
}

}  // namespace parley::bench
