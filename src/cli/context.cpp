#include "cli/context.hpp"

namespace parley::cli {
namespace {

// A malformed URL is the user's mistake, not the server's.
Failure client_failure(proto::Error error) {
  if (error.field == "server") return Failure(std::move(error), kExitUsage);
  return Failure(std::move(error));
}

}  // namespace

std::string Context::server_for(const Session* session) const {
  if (!options_.server.empty()) {
    if (session != nullptr && session->server != options_.server) {
      out_.note("note: using --server " + options_.server + "; the session was saved for " + session->server);
    }
    return options_.server;
  }
  if (session != nullptr && !session->server.empty()) return session->server;
  return kDefaultServer;
}

client::ClientOptions Context::client_options(const std::string& server) const {
  client::ClientOptions options;
  options.server = server;
  options.client_name = "parley-cli/" PARLEY_VERSION;
  options.verify_tls = !options_.insecure_tls;
  return options;
}

Outcome<std::unique_ptr<client::Client>> Context::connect(const std::string& server) const {
  auto connected = client::Client::connect(client_options(server));
  if (!connected) return client_failure(std::move(connected.error()));
  return std::move(*connected);
}

Outcome<boost::json::object> Context::request(const std::string& server, std::string_view type,
                                              const boost::json::object& data, std::string_view token) const {
  auto answer = client::http_call(client_options(server), type, data, token);
  if (!answer) return client_failure(std::move(answer.error()));
  return std::move(*answer);
}

Outcome<SavedSession> load_session(const Context& context) {
  auto session = context.session_file().require();
  if (!session) return session.error();
  std::string server = context.server_for(&*session);
  return SavedSession{std::move(*session), std::move(server)};
}

Failure session_failure(Failure failure) {
  const proto::Error& e = failure.error;
  if (e.code == proto::Errc::unauthorized && e.field.empty()) failure.error.message += "; run: parley login USER";
  return failure;
}

}  // namespace parley::cli
