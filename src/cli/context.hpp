#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include <boost/json/object.hpp>

#include "cli/failure.hpp"
#include "cli/output.hpp"
#include "cli/session_file.hpp"
#include "client/client.hpp"
#include "proto/messages.hpp"

namespace parley::cli {

inline constexpr char kDefaultServer[] = "http://127.0.0.1:8080";

// The options every command takes.
struct GlobalOptions {
  std::string server;  // --server / PARLEY_SERVER; empty when neither was given
  std::string home;    // --home / PARLEY_HOME, already defaulted to $HOME/.parley
  bool json = false;
  bool insecure_tls = false;
};

// What a command runs with. Commands get it by const reference and own nothing else.
class Context {
 public:
  explicit Context(GlobalOptions options)
      : options_(std::move(options)), out_(options_.json), session_file_(options_.home) {}

  const GlobalOptions& options() const { return options_; }
  const Output& out() const { return out_; }
  const SessionFile& session_file() const { return session_file_; }

  // The server to use: --server when given, else the saved session's, else the default.
  std::string server_for(const Session* session) const;
  // A connection that has done `hello`.
  Outcome<std::unique_ptr<client::Client>> connect(const std::string& server) const;

 private:
  GlobalOptions options_;
  Output out_;
  SessionFile session_file_;
};

// A connection logged in with the saved session's token.
struct SessionConnection {
  Session session;     // as loaded from the file
  std::string server;  // the server actually used (see Context::server_for)
  proto::AuthResult auth;
  boost::json::object auth_result;  // as the server sent it
  std::unique_ptr<client::Client> client;
};

// Loads the session file (failing with "not logged in" without one), connects and
// sends `auth` with its token.
Outcome<SessionConnection> connect_with_session(const Context& context);

// A response both as the server sent it (for --json) and decoded (for people).
template <class T>
struct Reply {
  boost::json::object raw;
  T value;
};

template <class Res, class Req>
Outcome<Reply<Res>> call(client::Client& client, std::string_view type, const Req& request) {
  auto raw = client.request(type, proto::encode(request));
  if (!raw) return Failure(raw.error());
  auto value = proto::decode<Res>(*raw);
  if (!value) {
    return Failure(proto::make_error(proto::Errc::internal, "unexpected " + std::string(type) +
                                                                " result from the server: " + value.error().message));
  }
  return Reply<Res>{std::move(*raw), std::move(*value)};
}

}  // namespace parley::cli
