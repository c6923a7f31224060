// listen: print every event as one JSON line until the connection closes or SIGINT.
#include <csignal>
#include <iostream>

#include "cli/commands.hpp"
#include "proto/codec.hpp"

namespace parley::cli {
namespace {

constexpr std::chrono::milliseconds kPollInterval{200};

// Set by SIGINT/SIGTERM; a signal handler can only reach state at file scope.
volatile std::sig_atomic_t g_stop_requested = 0;

extern "C" void request_stop(int) { g_stop_requested = 1; }

void install_stop_handlers() {
  struct sigaction action {};
  action.sa_handler = request_stop;
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);
}

void print_event(const proto::Event& event) {
  std::cout << proto::serialize(event) << std::endl;  // flushed: a reader may be waiting
}

// 1000 is a normal end; 1001, 1012 and no close frame at all mean the server went
// away (like `unavailable`); any other code is the server's verdict.
int report_close(const Context& context, const client::CloseInfo& info) {
  if (info.code == 1000) {
    context.out().note("connection closed (1000" + (info.reason.empty() ? "" : ": " + info.reason) + ")");
    return kExitOk;
  }
  std::string message = info.code == 0 ? "the connection was lost" : "the server closed the connection";
  message += " (" + std::to_string(info.code) + (info.reason.empty() ? "" : ": " + info.reason) + ")";
  const bool gone = info.code == 0 || info.code == 1001 || info.code == 1012;
  std::cerr << "error: " << (gone ? "unavailable" : "closed") << ": " << message << std::endl;
  return gone ? kExitUnavailable : kExitServerError;
}

// The WebSocket that listen keeps open, logged in with the saved session's token.
struct Listener {
  std::unique_ptr<client::Client> client;
  proto::AuthResult auth;
};

Outcome<Listener> connect_listener(const Context& context) {
  auto saved = load_session(context);
  if (!saved) return saved.error();
  auto client = context.connect(saved->server);
  if (!client) return client.error();
  auto raw = (*client)->request(proto::type::kAuth, proto::encode(proto::AuthRequest{saved->session.token}));
  if (!raw) return session_failure(std::move(raw.error()));
  auto auth = decode_reply<proto::AuthResult>(proto::type::kAuth, std::move(*raw));
  if (!auth) return auth.error();
  return Listener{std::move(*client), std::move(auth->value)};
}

int listen(const Context& context, client::Client& client) {
  for (;;) {
    if (g_stop_requested != 0) {
      client.close();
      return kExitOk;
    }
    if (auto event = client.next_event(kPollInterval)) {
      print_event(*event);
      continue;
    }
    if (!client.is_open()) break;
  }
  // Events queued before the close still count.
  while (auto event = client.next_event(std::chrono::milliseconds(0))) print_event(*event);
  auto info = client.wait_closed(std::chrono::milliseconds(0));
  return report_close(context, info.value_or(client::CloseInfo{}));
}

}  // namespace

int run_listen(const Context& context) {
  auto listener = connect_listener(context);
  if (!listener) return context.out().fail(listener.error());
  install_stop_handlers();  // only now: until here Ctrl-C simply ends the process
  const proto::AuthResult& auth = listener->auth;
  context.out().note("listening as " + auth.username + " (user_id " + std::to_string(auth.user_id) + ", device " +
                     auth.device + "); Ctrl-C stops");
  return listen(context, *listener->client);
}

}  // namespace parley::cli
