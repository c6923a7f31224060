// W3: group fan-out. One group of M members, all online; one of them (the owner) sends
// to the group at a fixed rate, and every other member's connection must get every
// message once, in seq order. Per message the run measures the time until the last
// member had it.
//
// Set-up: every member registers and logs in over a WebSocket, the owner creates an
// open group and the others join it, and each set-up connection closes again; then
// every member connects anew and authenticates with its token. Joining while offline
// keeps the set-up linear: every join is a log entry that every online member gets as
// an event, so members that stayed online through the joins would cost the server
// M^2 / 2 events before the run.
//
// Members are spread over the generator threads by index; each thread books what its
// members receive (FanoutReceipts) without locks, and the sender (member 0) lives on
// thread 0.
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <iomanip>
#include <memory>
#include <mutex>
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

#include "bench/fanout_ledger.hpp"
#include "bench/frames.hpp"
#include "bench/ops.hpp"
#include "bench/process.hpp"
#include "bench/runner.hpp"
#include "bench/workloads.hpp"

namespace parley::bench {
namespace {


struct Member {
  std::size_t index = 0;  // 0: the owner, who sends
  std::size_t thread = 0;
  std::string name;
  std::string token;
  std::unique_ptr<WsConnection> ws;
};

// What one generator thread books about the members it reads. Touched only by that
// thread, except the atomics, which the main thread reads while the run goes on.
struct alignas(64) ThreadBooks {
  ThreadBooks(std::size_t receivers, std::uint64_t max_messages) : receipts(receivers, max_messages) {}
  IncomingParser parser;  // shared by the thread's readers: each parse completes between two awaits
  // The last message events this thread parsed and accepted. The server serialises a
  // group message once for all members, so most events are byte for byte one of these:
  // equal text, equal content, and the parse can be skipped.
  struct Seen {
    std::string text;
    std::uint64_t n = 0;
    std::int64_t seq = 0;
  };
  std::array<Seen, 8> recent;
  std::size_t next_recent = 0;
  std::uint64_t parsed = 0;  // events parsed (not found in `recent`)
  FanoutReceipts receipts;
  std::atomic<std::uint64_t> deliveries{0};
  std::atomic<std::uint64_t> deliveries_in_window{0};
  std::uint64_t frames_read = 0;
  std::uint64_t messages_read = 0;
  std::uint64_t other_events = 0;  // events that are not messages (presence, say): counted, not checked
  std::uint64_t stray = 0;         // messages or responses that should not be there
  std::uint64_t bad = 0;           // unreadable
  std::string error;               // the first problem seen
};

// The sender's state; touched only by thread 0.
struct Sender {
  Sender(std::int64_t group_id, bool one_per_frame)
      : frame(SendFrame::Conversation{group_id}), batch(kMaxBatchBytes, one_per_frame ? 1 : SIZE_MAX) {}
  SendFrame frame;
  FrameBatch batch;
  FanoutSends sends;
  std::optional<asio::steady_timer> pace;
  std::uint64_t frames_written = 0;
  bool alive = true;
  std::string error;
};

struct Group {
  const Options* options = nullptr;
  std::string tag;
  std::int64_t group_id = 0;
  std::size_t receivers = 0;  // members - 1
  std::uint64_t max_messages = 0;
  std::vector<Member> members;
  std::vector<std::unique_ptr<ThreadBooks>> books;  // per generator thread
  std::unique_ptr<Sender> sender;

  std::atomic<bool> stop{false};
  std::atomic<bool> measuring{false};
  std::atomic<bool> closing{false};
  std::atomic<std::int64_t> sent{0};
  std::atomic<std::int64_t> responses{0};
  std::atomic<std::int64_t> acked{0};
  std::atomic<int> lost{0};
  std::atomic<int> set_up_failed{0};
  std::atomic<int> open_failed{0};
  std::mutex error_mutex;
  std::string first_error;  // GUARDED_BY(error_mutex)

  void note(const std::string& what) {
    std::lock_guard lock(error_mutex);
    if (first_error.empty()) first_error = what;
  }
  std::string error() {
    std::lock_guard lock(error_mutex);
    return first_error;
  }
  std::uint64_t deliveries() const {
    std::uint64_t total = 0;
    for (const auto& b : books) total += b->deliveries.load(std::memory_order_relaxed);
    return total;
  }
};

// ---- set-up ----

// Registers and logs in member i, then makes it a member of the group: the owner
// (i == 0) creates it, the others join. Closes the connection after.
asio::awaitable<void> enrol(Group* g, std::size_t i) {
  const Options& o = *g->options;
  Member& m = g->members[i];
  auto fail = [g](const std::string& what, const proto::Error& error) {
    g->note(what + ": " + describe(error));
    g->set_up_failed.fetch_add(1);
  };
  // Arguments of a co_await live in named variables: g++ 12 destroys some temporaries
  // of a co_await expression twice.
  const std::string source = source_address(o, i);
  auto ws = co_await open_with_hello(o.target, source);
  if (!ws) co_return fail("open " + m.name, ws.error());
  auto login = co_await register_and_login(**ws, m.name, kDevice);
  if (!login) co_return fail("login " + m.name, login.error());
  m.token = login->token;
  if (i == 0) {
    proto::GroupCreateRequest create;
    create.name = "W3 " + g->tag;
    create.join_policy = proto::join_policy::kOpen;
    create.member_limit = std::max<std::int64_t>(2, static_cast<std::int64_t>(g->members.size()));
    auto group = co_await call_typed<proto::GroupInfo>(**ws, 3, proto::type::kGroupCreate, create);
    if (!group) co_return fail("group_create", group.error());
    g->group_id = group->group_id;
  } else {
    const proto::GroupJoinRequest join{g->group_id, std::nullopt};
    auto joined = co_await call_typed<proto::GroupJoinResult>(**ws, 3, proto::type::kGroupJoin, join);
    if (!joined) co_return fail("group_join " + m.name, joined.error());
    if (joined->status != proto::join_status::kJoined) {
      co_return fail("group_join " + m.name,
                     proto::make_error(proto::Errc::internal, "status " + joined->status + ", not joined"));
    }
  }
  co_await (*ws)->close();
}

// Enrols members first, first + stride, ... one after another.
asio::awaitable<void> enrol_some(Group* g, std::size_t first, std::size_t stride) {
  for (std::size_t i = first; i < g->members.size(); i += stride) co_await enrol(g, i);
}

asio::awaitable<void> read_events(Group* g, Member* m);
asio::awaitable<void> read_acks(Group* g, Member* m);

// Connects members first, first + stride, ... and authenticates each with its token;
// each starts reading at once (its reader answers the server's pings).
asio::awaitable<void> connect_some(Group* g, std::size_t first, std::size_t stride) {
  const Options& o = *g->options;
  for (std::size_t i = first; i < g->members.size(); i += stride) {
    Member& m = g->members[i];
    // Opened on this opener's thread, the connection lives on its member's.
    const std::string source = source_address(o, i);
    auto ws = co_await open_with_hello(o.target, source);
    if (!ws) {
      g->note("open " + m.name + ": " + describe(ws.error()));
      g->open_failed.fetch_add(1);
      continue;
    }
    const proto::AuthRequest request{m.token};
    auto auth = co_await call_typed<proto::AuthResult>(**ws, 1, proto::type::kAuth, request);
    if (!auth) {
      g->note("auth " + m.name + ": " + describe(auth.error()));
      g->open_failed.fetch_add(1);
      continue;
    }
    m.ws = std::move(*ws);
    auto executor = co_await asio::this_coro::executor;
    if (i == 0) {
      asio::co_spawn(executor, read_acks(g, &m), CountDone{nullptr});
    } else {
      asio::co_spawn(executor, read_events(g, &m), CountDone{nullptr});
    }
  }
}

// ---- the run ----

void note(ThreadBooks& books, std::string problem) {
  if (books.error.empty()) books.error = std::move(problem);
}

// One message on a receiving member's connection. The fields are read from the parsed
// tree in place (not decoded into a proto::ChatMessage): this runs M x rate times a
// second, and the generator shares the machine with the server.
void book(Group& g, ThreadBooks& books, std::size_t receiver, std::uint64_t n, std::int64_t seq,
          std::int64_t received_ns) {
  books.receipts.deliver(receiver, n, seq, received_ns);
  books.deliveries.fetch_add(1, std::memory_order_relaxed);
  if (g.measuring.load(std::memory_order_relaxed)) books.deliveries_in_window.fetch_add(1, std::memory_order_relaxed);
}

void on_event(Group& g, ThreadBooks& books, std::size_t receiver, std::string_view text, std::int64_t received_ns) {
  // Newest first: members of one thread mostly read the same few messages.
  for (std::size_t k = 0; k < books.recent.size(); ++k) {
    const auto& seen = books.recent[(books.next_recent + books.recent.size() - 1 - k) % books.recent.size()];
    if (!seen.text.empty() && seen.text == text) return book(g, books, receiver, seen.n, seen.seq, received_ns);
  }
  ++books.parsed;
  auto event = books.parser.parse(text);
  if (!event) {
    ++books.bad;
    return note(books, "member got: " + describe(event.error()));
  }
  if (event->is_response) {
    ++books.stray;
    return note(books, "a response on a member's connection: " + std::string(text.substr(0, 200)));
  }
  if (event->type != proto::event::kMessage) {
    ++books.other_events;
    return;
  }
  const auto& data = *event->data;
  const auto* conversation = data.if_contains("conversation_id");
  const auto* seq = data.if_contains("seq");
  const auto* client_id = data.if_contains("client_id");
  const auto* kind = data.if_contains("kind");
  const auto* body = data.if_contains("body");
  const boost::json::value* body_text =
      body != nullptr && body->is_object() ? body->get_object().if_contains("text") : nullptr;
  SendStamp stamp;
  if (conversation == nullptr || !conversation->is_int64() || seq == nullptr || !seq->is_int64() ||
      client_id == nullptr || !client_id->is_string() || kind == nullptr || !kind->is_string() ||
      body_text == nullptr || !body_text->is_string()) {
    ++books.bad;
    return note(books, "a message event without its members: " + std::string(text.substr(0, 200)));
  }
  if (conversation->get_int64() != g.group_id || kind->get_string() != proto::kind::kText ||
      !read_stamp(std::string_view(client_id->get_string()), std::string_view(body_text->get_string()), stamp) ||
      stamp.sender != 0) {
    ++books.stray;
    return note(books, "a message that was not sent by the run: " + std::string(text.substr(0, 200)));
  }
  auto& slot = books.recent[books.next_recent];
  books.next_recent = (books.next_recent + 1) % books.recent.size();
  slot.text.assign(text);
  slot.n = stamp.n;
  slot.seq = seq->get_int64();
  book(g, books, receiver, stamp.n, slot.seq, received_ns);
}

asio::awaitable<void> read_events(Group* g, Member* m) {
  ThreadBooks& books = *g->books[m->thread];
  for (;;) {
    auto text = co_await m->ws->read();
    if (!text) break;
    const std::int64_t received_ns = now_ns();
    ++books.frames_read;
    FrameMessages messages(*text);
    for (std::string_view message; messages.next(message);) {
      ++books.messages_read;
      on_event(*g, books, m->index - 1, message, received_ns);
    }
  }
  if (!g->closing.load()) {
    g->lost.fetch_add(1);
    note(books, m->name + "'s connection broke");
  }
}

// One message on the sender's connection: the response to a message_send.
void on_ack(Group& g, Sender& s, ThreadBooks& books, std::string_view text) {
  auto response = books.parser.parse(text);
  if (!response) {
    ++books.bad;
    return note(books, "sender got: " + describe(response.error()));
  }
  if (!response->is_response) {
    // The sender's own messages never come back to the connection that sent them.
    if (response->type == proto::event::kMessage) {
      ++books.stray;
      note(books, "a message event on the sender's connection");
    } else {
      ++books.other_events;
    }
    return;
  }
  const std::int64_t id = response->id;
  auto ack = FanoutSends::Ack::ok;
  std::int64_t seq = 0;
  if (!response->ok) {
    ack = FanoutSends::Ack::error;
    if (s.error.empty()) s.error = "message_send failed: " + describe(response->error);
  } else if (auto result = proto::decode<proto::MessageSendResult>(*response->result); !result) {
    ack = FanoutSends::Ack::error;
    if (s.error.empty()) s.error = "message_send result: " + describe(result.error());
  } else {
    seq = result->seq;
    if (result->duplicate) ack = FanoutSends::Ack::duplicate;  // every client_id is new
  }
  if (id < kFirstSendId || !s.sends.answer(static_cast<std::uint64_t>(id - kFirstSendId), ack, seq)) {
    if (s.error.empty()) s.error = "a response to no outstanding send: id " + std::to_string(id);
    return;
  }
  if (ack == FanoutSends::Ack::ok) g.acked.fetch_add(1, std::memory_order_relaxed);
  g.responses.fetch_add(1, std::memory_order_relaxed);
}

asio::awaitable<void> read_acks(Group* g, Member* m) {
  ThreadBooks& books = *g->books[m->thread];
  for (;;) {
    auto text = co_await m->ws->read();
    if (!text) break;
    ++books.frames_read;
    FrameMessages messages(*text);
    for (std::string_view message; messages.next(message);) {
      ++books.messages_read;
      on_ack(*g, *g->sender, books, message);
    }
  }
  g->sender->alive = false;
  if (!g->closing.load()) {
    g->lost.fetch_add(1);
    note(books, "the sender's connection broke");
  }
}

// One send every `interval_ns` from `first_ns` on, each stamped with the time it was
// due, as W2 does (a server that falls behind shows in the latency, not as a slower
// sender); sends due together go out in one frame.
asio::awaitable<void> send_paced(Group* g, std::int64_t first_ns, std::int64_t interval_ns) {
  Sender& s = *g->sender;
  WsConnection& ws = *g->members[0].ws;
  const std::size_t bound = s.frame.max_size();
  std::int64_t due = first_ns;
  while (!g->stop.load(std::memory_order_relaxed) && s.alive) {
    const std::int64_t now = now_ns();
    if (now < due) {
      s.pace->expires_at(Clock::time_point(std::chrono::nanoseconds(due)));
      co_await s.pace->async_wait(kTuple);
      continue;
    }
    s.batch.clear();
    for (; due <= now && s.batch.has_room(bound) && s.sends.sent() < g->max_messages; due += interval_ns) {
      const std::uint64_t n = s.sends.book_send(due);
      s.frame.append_to(s.batch.add(), kFirstSendId + static_cast<std::int64_t>(n), 0, n, due);
    }
    if (s.batch.empty()) break;  // max_messages reached
    g->sent.fetch_add(static_cast<std::int64_t>(s.batch.messages()), std::memory_order_relaxed);
    ++s.frames_written;
    if (auto written = co_await ws.write(s.batch.text()); !written) {
      if (s.error.empty()) s.error = "sender write: " + describe(written.error());
      break;
    }
  }
}

// Drops every connection on its own thread, then lets the threads end.
void close_all(Runner& runner, Group& g) {
  g.closing = true;
  g.stop = true;
  for (std::size_t t = 0; t < runner.size(); ++t) {
    asio::post(runner.context(t), [&g, t, stride = runner.size()] {
      for (std::size_t i = t; i < g.members.size(); i += stride) {
        if (g.members[i].ws) g.members[i].ws->abort();
      }
      if (t == 0 && g.sender && g.sender->pace) g.sender->pace->cancel();
    });
  }
  runner.finish();
}

double mib(std::int64_t kib) { return static_cast<double>(kib) / 1024.0; }

}  // namespace

Row run_w3(const Options& options) {
  Row row("W3");
  const auto members = static_cast<std::size_t>(std::clamp(options.members, 2, 10'000));
  const double rate = std::max(options.rate, 1.0);
  row.add("members", static_cast<double>(members));
  row.add("target msg/s", rate);
  row.add("duration s", options.duration_s, 1);
  row.add("gen threads", static_cast<double>(std::max(1, options.threads)));

  Runner runner(options.threads);  // before the group: its connections need it until they are gone
  Group g;
  g.options = &options;
  g.tag = run_tag();
  g.receivers = members - 1;
  // Room for twice the planned sends: a run that overruns its schedule still fits.
  g.max_messages = static_cast<std::uint64_t>(2 * rate * std::max(options.duration_s, 1.0)) + 1000;
  g.members.resize(members);
  for (std::size_t i = 0; i < members; ++i) {
    g.members[i].index = i;
    g.members[i].thread = i % runner.size();
    g.members[i].name = options.prefix + "-g" + g.tag + "-" + std::to_string(i);
  }
  for (std::size_t t = 0; t < runner.size(); ++t) {
    g.books.push_back(std::make_unique<ThreadBooks>(g.receivers, g.max_messages));
  }
  runner.start();

  // 1. Enrol: the owner creates the group, then everyone else joins, `setup_parallel` at a time.
  const auto setup_start = Clock::now();
  std::atomic<int> done{0};
  asio::co_spawn(runner.context(0), enrol(&g, 0), CountDone{&done});
  if (!wait_until([&] { return done.load() == 1; }, std::chrono::minutes(1)) || g.group_id == 0) {
    row.problem("creating the group failed: " + g.error());
    close_all(runner, g);
    return row;
  }
  const std::size_t enrollers =
      std::clamp<std::size_t>(static_cast<std::size_t>(std::max(1, options.setup_parallel)), 1, members - 1);
  done = 0;
  for (std::size_t j = 0; j < enrollers; ++j) {
    asio::co_spawn(runner.context(j), enrol_some(&g, 1 + j, enrollers), CountDone{&done});
  }
  const bool enrolled = wait_until([&] { return done.load() == static_cast<int>(enrollers); }, std::chrono::minutes(5));
  if (!enrolled || g.set_up_failed.load() > 0) {
    row.problem(enrolled ? std::to_string(g.set_up_failed.load()) + " members failed to join; first: " + g.error()
                         : "joining took over 5 minutes");
    close_all(runner, g);
    return row;
  }
  const double enrol_s = std::chrono::duration<double>(Clock::now() - setup_start).count();
  // Before the sender's connection exists, so its reader sees it from the start.
  g.sender = std::make_unique<Sender>(g.group_id, options.one_per_frame);
  g.sender->pace.emplace(runner.context(0).get_executor());

  // 2. Everyone comes online with a token, the sender first; each connection is opened
  // by a coroutine on its member's thread.
  const auto connect_start = Clock::now();
  done = 0;
  asio::co_spawn(runner.context(0), connect_some(&g, 0, members), CountDone{&done});
  if (!wait_until([&] { return done.load() == 1; }, std::chrono::minutes(1)) || !g.members[0].ws) {
    row.problem("the sender could not connect: " + g.error());
    close_all(runner, g);
    return row;
  }
  const std::size_t openers =
      std::clamp<std::size_t>(static_cast<std::size_t>(std::max(1, options.open_parallel)), 1, members - 1);
  // Opener j handles members 1 + j, 1 + j + openers, ...: on one thread when openers is
  // a multiple of the thread count, which it is made to be.
  const std::size_t threads = runner.size();
  const std::size_t stride = std::max<std::size_t>(threads, openers / threads * threads);
  done = 0;
  int spawned = 0;
  for (std::size_t j = 0; j < stride && 1 + j < members; ++j, ++spawned) {
    asio::co_spawn(runner.context((1 + j) % threads), connect_some(&g, 1 + j, stride), CountDone{&done});
  }
  const bool connected = wait_until([&] { return done.load() == spawned; }, std::chrono::minutes(3));
  if (!connected || g.open_failed.load() > 0) {
    row.problem(connected ? std::to_string(g.open_failed.load()) + " members failed to connect; first: " + g.error()
                          : "connecting took over 3 minutes");
    close_all(runner, g);
    return row;
  }
  const double connect_s = std::chrono::duration<double>(Clock::now() - connect_start).count();
  // Let whatever the connections brought with them (presence, say) pass before measuring.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));

  // 3. The run.
  Sender& sender = *g.sender;
  const pid_t server = options.server_pid;
  CpuMeter generator_cpu(::getpid());
  CpuMeter server_cpu(server);
  const auto server_threads_before = server > 0 ? thread_cpu(server) : std::vector<ThreadCpu>{};
  const auto generator_threads_before = thread_cpu(::getpid());
  const std::int64_t rss_start = server > 0 ? rss_kib(server).value_or(-1) : -1;
  std::int64_t rss_early = -1;  // 5 s in: after the first messages have grown the queues and buffers
  const auto start = Clock::now();
  generator_cpu.start();
  server_cpu.start();
  g.measuring = true;
  const std::int64_t start_ns = now_ns();
  const auto interval_ns = static_cast<std::int64_t>(1e9 / rate);
  asio::co_spawn(runner.context(0), send_paced(&g, start_ns, interval_ns), CountDone{nullptr});
  const auto end =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(options.duration_s));
  const auto early = start + std::chrono::seconds(5);
  while (Clock::now() < end) {
    std::this_thread::sleep_until(std::min(end, Clock::now() + std::chrono::milliseconds(100)));
    if (rss_early < 0 && server > 0 && Clock::now() >= early && early < end) rss_early = rss_kib(server).value_or(-1);
  }
  g.measuring = false;
  g.stop = true;
  const std::int64_t end_ns = now_ns();
  generator_cpu.stop();
  server_cpu.stop();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  const std::int64_t rss_end = server > 0 ? rss_kib(server).value_or(-1) : -1;
  const auto server_threads_after = server > 0 ? thread_cpu(server) : std::vector<ThreadCpu>{};
  const auto generator_threads_after = thread_cpu(::getpid());

  // Every send answered, and every member holding every acknowledged message.
  const bool drained = wait_until(
      [&] {
        return g.responses.load() == g.sent.load() &&
               g.deliveries() >= static_cast<std::uint64_t>(g.acked.load()) * g.receivers;
      },
      std::chrono::milliseconds(static_cast<std::int64_t>(options.drain_s * 1000)));
  const double drain_s = std::chrono::duration<double>(Clock::now() - start).count() - elapsed;
  close_all(runner, g);

  // The threads are joined: their books can be read.
  std::vector<const FanoutReceipts*> receipts;
  std::uint64_t deliveries_in_window = 0, frames_read = 0, messages_read = 0, other_events = 0, stray = 0, bad = 0,
                parsed = 0;
  std::string first_error = sender.error;
  for (const auto& b : g.books) {
    receipts.push_back(&b->receipts);
    deliveries_in_window += b->deliveries_in_window.load();
    frames_read += b->frames_read;
    messages_read += b->messages_read;
    other_events += b->other_events;
    parsed += b->parsed;
    stray += b->stray;
    bad += b->bad;
    if (first_error.empty()) first_error = b->error;
  }
  FanoutResult result = check_fanout(sender.sends, receipts, g.receivers, start_ns, end_ns);
  if (!options.timings_path.empty()) {
    std::ofstream out(options.timings_path);
    out << "# n sent_ms first_ms last_ms (ms from the first send's due time, " << start_ns
        << " ns on the monotonic clock)\n";
    out << std::fixed << std::setprecision(3);
    for (const auto& t : result.timings) {
      out << t.n << ' ' << static_cast<double>(t.sent_ns - start_ns) / 1e6 << ' '
          << static_cast<double>(t.first_ns - start_ns) / 1e6 << ' ' << static_cast<double>(t.last_ns - start_ns) / 1e6
          << '\n';
    }
    if (!out) row.problem("could not write " + options.timings_path);
  }

  row.add("sent msg/s", static_cast<double>(g.sent.load()) / elapsed);
  row.add("group msg/s", static_cast<double>(result.complete_in_window) / elapsed);
  row.add("deliveries/s", static_cast<double>(deliveries_in_window) / elapsed);
  row.add("deliveries", static_cast<double>(result.deliveries));
  row.add("all p50 ms", result.all_members.quantile_ms(0.50), 2);
  row.add("all p99 ms", result.all_members.quantile_ms(0.99), 2);
  row.add("all max ms", result.all_members.quantile_ms(1.0), 1);
  row.add("first p50 ms", result.first_member.quantile_ms(0.50), 2);
  row.add("first p99 ms", result.first_member.quantile_ms(0.99), 2);
  row.add("drain s", drain_s, 1);
  row.add_cpu("gen CPU %", generator_cpu.percent());
  row.add_cpu("server CPU %", server_cpu.percent());
  // CPU per member delivery in the measured phase, both sides.
  auto per_delivery = [&](const CpuMeter& meter) -> std::optional<double> {
    const auto seconds = meter.seconds();
    if (!seconds || deliveries_in_window == 0) return std::nullopt;
    return 1e6 * *seconds / static_cast<double>(deliveries_in_window);
  };
  if (auto us = per_delivery(generator_cpu))
    row.add("gen µs/delivery", *us, 1);
  else
    row.add("gen µs/delivery", std::string("n/a"));
  if (auto us = per_delivery(server_cpu))
    row.add("server µs/delivery", *us, 1);
  else
    row.add("server µs/delivery", std::string("n/a"));
  if (rss_start >= 0 && rss_end >= 0) {
    row.add("server RSS start MiB", mib(rss_start), 1);
    if (rss_early >= 0) row.add("server RSS 5s MiB", mib(rss_early), 1);
    row.add("server RSS end MiB", mib(rss_end), 1);
  } else {
    row.add("server RSS MiB", std::string("n/a"));
  }
  row.add("msgs/frame in",
          frames_read > 0 ? static_cast<double>(messages_read) / static_cast<double>(frames_read) : 0.0, 2);
  row.add("other events", static_cast<double>(other_events));
  // Member events parsed in full rather than recognised as the text of one just parsed.
  row.add("parsed %",
          result.deliveries > 0 ? 100.0 * static_cast<double>(parsed) / static_cast<double>(result.deliveries) : 0.0,
          1);
  row.add("enrol s", enrol_s, 1);
  row.add("connect s", connect_s, 1);
  if (server > 0)
    row.add("server threads %", describe_thread_cpu(server_threads_before, server_threads_after, elapsed));
  row.add("gen threads %", describe_thread_cpu(generator_threads_before, generator_threads_after, elapsed));

  if (!drained) row.problem("not drained within " + std::to_string(options.drain_s) + " s");
  for (auto& problem : result.problems) row.problem(std::move(problem));
  if (stray > 0) row.problem(std::to_string(stray) + " unexpected messages or responses");
  if (bad > 0) row.problem(std::to_string(bad) + " unreadable messages");
  if (g.lost.load() > 0) row.problem(std::to_string(g.lost.load()) + " connections lost during the run");
  if (result.acknowledged == 0) row.problem("no message was acknowledged");
  if (!row.ok() && !first_error.empty()) row.problem("first error: " + first_error);
  return row;
}

}  // namespace parley::bench
