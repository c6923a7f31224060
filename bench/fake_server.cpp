// parley-bench-fake-server: a stand-in for parleyd that answers W1, W2 and W3 (hello,
// register, login, auth, group_create, group_join, message_send and the message event)
// from memory, with no storage,
// so that the generator's own CPU cost can be measured at rates the real server does
// not reach yet. Not a server: no passwords, no limits, one thread, nothing kept.
//
//   parley-bench --spawn build/release/bench/parley-bench-fake-server --workload w1 ...
//
// It takes parleyd's --listen and --port-file (what --spawn passes) and ignores every
// other argument. Responses and events that are ready together go out in one frame,
// joined by newlines (docs/protocol.md, "Transport"); with --fake-one-per-frame each goes
// in a frame of its own, as servers before that change did. It accepts several requests
// in one frame either way.
#include <csignal>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>

#include "bench/frames.hpp"
#include "proto/codec.hpp"
#include "proto/messages.hpp"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace proto = parley::proto;
using tcp = asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

struct Connection;

// Everything the fake knows; touched by the one thread only.
struct State {
  bool one_per_frame = false;
  std::map<std::string, std::int64_t, std::less<>> users;              // username -> id
  std::map<std::int64_t, Connection*> online;                          // user id -> its connection
  std::map<std::pair<std::int64_t, std::int64_t>, std::int64_t> seqs;  // (sender, recipient) -> last seq
  std::int64_t next_user = 10001;
  struct FakeGroup {
    std::vector<std::int64_t> members;
    std::int64_t seq = 0;
  };
  std::map<std::int64_t, FakeGroup> groups;  // group id -> members; ids from 1
};

struct Connection {
  Connection(tcp::socket socket, State& state)
      : ws(std::move(socket)), wake(ws.get_executor(), asio::steady_timer::time_point::max()), state(state) {}

  // Queues one message for the writer.
  void send(const std::string& message) {
    if (state.one_per_frame || frames.empty()) {
      frames.push_back(message);
    } else {
      frames.back() += parley::bench::kMessageSeparator;
      frames.back() += message;
    }
    wake.cancel();
  }

  websocket::stream<tcp::socket> ws;
  asio::steady_timer wake;
  State& state;
  std::vector<std::string> frames;  // waiting for the writer
  std::int64_t user_id = 0;
  bool open = true;
};

void handle(Connection& c, std::string_view text) {
  auto parsed = proto::parse_request(text, proto::ParseLimits{1 << 20, 64});
  if (!parsed.request) {
    c.send(proto::serialize(proto::error_response(parsed.id, parsed.request.error())));
    return;
  }
  const auto& request = *parsed.request;
  State& s = c.state;
  auto answer = [&](boost::json::object result) {
    c.send(proto::serialize(proto::ok_response(request.id, std::move(result))));
  };
  auto refuse = [&](proto::Errc code, std::string message) {
    c.send(proto::serialize(proto::error_response(request.id, proto::make_error(code, std::move(message)))));
  };
  if (request.type == proto::type::kHello) {
    answer(proto::encode(proto::HelloResult{proto::kProtocolVersion, "parley-bench-fake-server", {65536, 1000000, 0}}));
  } else if (request.type == proto::type::kRegister) {
    auto r = proto::decode<proto::RegisterRequest>(request.data);
    if (!r) return refuse(proto::Errc::bad_request, r.error().message);
    if (s.users.contains(r->username)) return refuse(proto::Errc::conflict, "taken");
    const std::int64_t id = s.next_user++;
    s.users.emplace(r->username, id);
    answer(proto::encode(proto::RegisterResult{id, r->username}));
  } else if (request.type == proto::type::kLogin) {
    auto r = proto::decode<proto::LoginRequest>(request.data);
    if (!r) return refuse(proto::Errc::bad_request, r.error().message);
    auto user = s.users.find(r->username);
    if (user == s.users.end()) return refuse(proto::Errc::unauthorized, "no such user");
    c.user_id = user->second;
    s.online[c.user_id] = &c;
    answer(proto::encode(proto::LoginResult{"fake-token-" + std::to_string(c.user_id), c.user_id, r->username,
                                            r->device, 4102444800000}));
  } else if (request.type == proto::type::kAuth) {
    auto r = proto::decode<proto::AuthRequest>(request.data);
    if (!r || !r->token.starts_with("fake-token-")) return refuse(proto::Errc::unauthorized, "not a fake token");
    c.user_id = std::stoll(r->token.substr(11));
    s.online[c.user_id] = &c;
    answer(proto::encode(proto::AuthResult{c.user_id, "fake", "bench", 4102444800000}));
  } else if (request.type == proto::type::kGroupCreate) {
    auto r = proto::decode<proto::GroupCreateRequest>(request.data);
    if (!r) return refuse(proto::Errc::bad_request, r.error().message);
    const std::int64_t id = static_cast<std::int64_t>(s.groups.size()) + 1;
    s.groups[id] = State::FakeGroup{{c.user_id}, 1};
    proto::GroupInfo info;
    info.group_id = id;
    info.name = r->name;
    info.join_policy = r->join_policy.value_or(proto::join_policy::kApproval);
    info.member_limit = r->member_limit.value_or(500);
    info.member_count = 1;
    info.owner_id = c.user_id;
    info.role = proto::role::kOwner;
    answer(proto::encode(info));
  } else if (request.type == proto::type::kGroupJoin) {
    auto r = proto::decode<proto::GroupJoinRequest>(request.data);
    if (!r) return refuse(proto::Errc::bad_request, r.error().message);
    auto group = s.groups.find(r->group_id);
    if (group == s.groups.end()) return refuse(proto::Errc::not_found, "no such group");
    group->second.members.push_back(c.user_id);
    ++group->second.seq;  // the "joined" entry, which the fake tells nobody
    answer(proto::encode(proto::GroupJoinResult{proto::join_status::kJoined, 0}));
  } else if (request.type == proto::type::kMessageSend) {
    auto r = proto::decode<proto::MessageSendRequest>(request.data);
    if (r && r->conversation_id) {
      // A group: serialised once, sent to every other online member.
      auto group = s.groups.find(*r->conversation_id);
      if (group == s.groups.end()) return refuse(proto::Errc::not_found, "no such group");
      const std::int64_t seq = ++group->second.seq;
      answer(proto::encode(proto::MessageSendResult{group->first, seq, 1, false}));
      proto::ChatMessage message{group->first, seq, c.user_id, r->client_id, r->kind, r->body, 1, false};
      const std::string event = proto::serialize(proto::Event{proto::event::kMessage, proto::encode(message)});
      for (std::int64_t member : group->second.members) {
        auto online = s.online.find(member);
        if (online != s.online.end() && online->second != &c) online->second->send(event);
      }
      return;
    }
    if (!r || !r->to) return refuse(proto::Errc::bad_request, "the fake server sends to users and groups only");
    const std::int64_t seq = ++s.seqs[{c.user_id, *r->to}];
    const std::int64_t conversation = c.user_id * 1000000 + *r->to;
    answer(proto::encode(proto::MessageSendResult{conversation, seq, 1, false}));
    if (auto recipient = s.online.find(*r->to); recipient != s.online.end()) {
      proto::ChatMessage message{conversation, seq, c.user_id, r->client_id, r->kind, r->body, 1, false};
      recipient->second->send(proto::serialize(proto::Event{proto::event::kMessage, proto::encode(message)}));
    }
  } else {
    refuse(proto::Errc::bad_request, "the fake server does not know " + request.type);
  }
}

asio::awaitable<void> write_loop(std::shared_ptr<Connection> c) {
  std::vector<std::string> writing;
  while (c->open) {
    if (c->frames.empty()) {
      c->wake.expires_at(asio::steady_timer::time_point::max());
      co_await c->wake.async_wait(kTuple);
      continue;
    }
    writing.clear();
    std::swap(writing, c->frames);
    for (const auto& frame : writing) {
      auto [ec, n] = co_await c->ws.async_write(asio::buffer(frame), kTuple);
      if (ec) co_return;
    }
  }
}

asio::awaitable<void> session(tcp::socket socket, State* state) {
  socket.set_option(tcp::no_delay(true));
  auto c = std::make_shared<Connection>(std::move(socket), *state);
  if (auto [ec] = co_await c->ws.async_accept(kTuple); ec) co_return;
  c->ws.text(true);
  c->ws.read_message_max(1 << 20);
  asio::co_spawn(c->ws.get_executor(), write_loop(c), asio::detached);
  beast::flat_buffer buffer;
  for (;;) {
    buffer.consume(buffer.size());
    auto [ec, n] = co_await c->ws.async_read(buffer, kTuple);
    if (ec) break;
    const auto data = buffer.data();
    parley::bench::FrameMessages messages(std::string_view(static_cast<const char*>(data.data()), data.size()));
    for (std::string_view message; messages.next(message);) handle(*c, message);
  }
  c->open = false;
  c->wake.cancel();
  if (auto it = state->online.find(c->user_id); it != state->online.end() && it->second == c.get()) {
    state->online.erase(it);
  }
}

asio::awaitable<void> accept_loop(tcp::acceptor acceptor, State* state) {
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(kTuple);
    if (ec) co_return;
    asio::co_spawn(acceptor.get_executor(), session(std::move(socket), state), asio::detached);
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string listen = "127.0.0.1:0";
  std::string port_file;
  State state;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--listen" && i + 1 < argc) listen = argv[++i];
    else if (arg == "--port-file" && i + 1 < argc) port_file = argv[++i];
    else if (arg == "--fake-one-per-frame") state.one_per_frame = true;
  }
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) {
    std::cerr << "--listen HOST:PORT\n";
    return 2;
  }
  asio::io_context ioc(1);
  tcp::endpoint endpoint(asio::ip::make_address(listen.substr(0, colon)),
                         static_cast<std::uint16_t>(std::stoi(listen.substr(colon + 1))));
  tcp::acceptor acceptor(ioc, endpoint);
  if (!port_file.empty()) std::ofstream(port_file) << acceptor.local_endpoint().port() << '\n';
  asio::signal_set signals(ioc, SIGTERM, SIGINT);
  signals.async_wait([&](auto, int) { ioc.stop(); });
  asio::co_spawn(ioc, accept_loop(std::move(acceptor), &state), asio::detached);
  ioc.run();
  return 0;
}
