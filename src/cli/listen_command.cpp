// listen: print every event as one JSON line until the connection closes or SIGINT.
#include <iostream>

#include "cli/commands.hpp"
#include "cli/live_connection.hpp"
#include "proto/codec.hpp"

namespace parley::cli {
namespace {

constexpr std::chrono::milliseconds kPollInterval{200};

void print_event(const proto::Event& event) {
  std::cout << proto::serialize(event) << std::endl;  // flushed: a reader may be waiting
}

int listen(const Context& context, client::Client& client) {
  for (;;) {
    if (stop_requested()) {
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

Outcome<LiveConnection> connect_listener(const Context& context) {
  auto saved = load_session(context);
  if (!saved) return saved.error();
  return connect_live(context, *saved);
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
