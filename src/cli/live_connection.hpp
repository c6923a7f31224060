#pragma once

#include <memory>

#include "cli/context.hpp"
#include "client/client.hpp"

// What the commands that stay connected (listen, chat) share: a WebSocket logged in
// with the saved session, how its end is reported, and stopping on SIGINT/SIGTERM.
namespace parley::cli {

// A WebSocket that has done `hello` and `auth` with the saved session's token. Its
// `auth` signs out any other WebSocket of the same device (a device has one live
// connection); HTTP requests are not connections and disturb nothing.
struct LiveConnection {
  std::unique_ptr<client::Client> client;
  proto::AuthResult auth;
};

Outcome<LiveConnection> connect_live(const Context& context, const SavedSession& saved);

// Whether the connection ended because the server went away (no close frame, 1001 or
// 1012), so that reconnecting may help; any other code is the server's verdict.
bool server_went_away(const client::CloseInfo& info);

// Prints how the connection ended and returns the exit status: 0 for a normal close
// (1000), kExitUnavailable when the server went away, kExitServerError otherwise.
int report_close(const Context& context, const client::CloseInfo& info);

// From now on SIGINT and SIGTERM only set a flag, which stop_requested() reads; a
// blocking poll() or read() they interrupt returns EINTR.
void install_stop_handlers();
bool stop_requested();

}  // namespace parley::cli
