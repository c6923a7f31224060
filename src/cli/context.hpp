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
  // A connection that has done `hello`: for `listen`, the one command that stays
  // connected. A device has one live connection, so the other commands use request().
  Outcome<std::unique_ptr<client::Client>> connect(const std::string& server) const;
  // One request over HTTP, with `token` as the bearer token when not empty.
  Outcome<boost::json::object> request(const std::string& server, std::string_view type,
                                       const boost::json::object& data, std::string_view token = {}) const;

 private:
  client::ClientOptions client_options(const std::string& server) const;

  GlobalOptions options_;
  Output out_;
  SessionFile session_file_;
};

// A command's exit status: kExitOk, or the failure's after printing it.
inline int finish(const Context& context, const Outcome<void>& outcome) {
  return outcome ? kExitOk : context.out().fail(outcome.error());
}

// The saved session and the server it is used with.
struct SavedSession {
  Session session;     // as loaded from the file
  std::string server;  // the server actually used (see Context::server_for)
};

// Loads the session file, failing with "not logged in" without one.
Outcome<SavedSession> load_session(const Context& context);

// The failure of a request made with the saved session's token. When the server
// refused the token (unauthorized naming no field; a wrong old password names one),
// the message says how to get a new one.
Failure session_failure(Failure failure);

// A response both as the server sent it (for --json) and decoded (for people).
template <class T>
struct Reply {
  boost::json::object raw;
  T value;
};

// Decodes a result; one that does not fit `Res` is the server's fault (`internal`).
template <class Res>
Outcome<Reply<Res>> decode_reply(std::string_view type, boost::json::object raw) {
  auto value = proto::decode<Res>(raw);
  if (!value) {
    return Failure(proto::make_error(proto::Errc::internal, "unexpected " + std::string(type) +
                                                                " result from the server: " + value.error().message));
  }
  return Reply<Res>{std::move(raw), std::move(*value)};
}

// One request that needs no session (register, login).
template <class Res, class Req>
Outcome<Reply<Res>> call(const Context& context, const std::string& server, std::string_view type, const Req& request) {
  auto raw = context.request(server, type, proto::encode(request));
  if (!raw) return raw.error();
  return decode_reply<Res>(type, std::move(*raw));
}

}  // namespace parley::cli
