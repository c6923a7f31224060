#include "cli/live_connection.hpp"

#include <csignal>
#include <iostream>

#include "proto/messages.hpp"

namespace parley::cli {
namespace {

// Set by SIGINT/SIGTERM; a signal handler can only reach state at file scope.
volatile std::sig_atomic_t g_stop_requested = 0;

extern "C" void request_stop(int) { g_stop_requested = 1; }

}  // namespace

Outcome<LiveConnection> connect_live(const Context& context, const SavedSession& saved) {
  auto client = context.connect(saved.server);
  if (!client) return client.error();
  auto raw = (*client)->request(proto::type::kAuth, proto::encode(proto::AuthRequest{saved.session.token}));
  if (!raw) return session_failure(std::move(raw.error()));
  auto auth = decode_reply<proto::AuthResult>(proto::type::kAuth, std::move(*raw));
  if (!auth) return auth.error();
  return LiveConnection{std::move(*client), std::move(auth->value)};
}

bool server_went_away(const client::CloseInfo& info) {
  return info.code == 0 || info.code == 1001 || info.code == 1012;
}

int report_close(const Context& context, const client::CloseInfo& info) {
  if (info.code == 1000) {
    context.out().note("connection closed (1000" + (info.reason.empty() ? "" : ": " + info.reason) + ")");
    return kExitOk;
  }
  std::string message = info.code == 0 ? "the connection was lost" : "the server closed the connection";
  message += " (" + std::to_string(info.code) + (info.reason.empty() ? "" : ": " + info.reason) + ")";
  const bool gone = server_went_away(info);
  std::cerr << "error: " << (gone ? "unavailable" : "closed") << ": " << message << std::endl;
  return gone ? kExitUnavailable : kExitServerError;
}

void install_stop_handlers() {
  struct sigaction action {};
  action.sa_handler = request_stop;
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);
}

bool stop_requested() { return g_stop_requested != 0; }

}  // namespace parley::cli
