#include "cli/context.hpp"

namespace parley::cli {

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

Outcome<std::unique_ptr<client::Client>> Context::connect(const std::string& server) const {
  client::ClientOptions options;
  options.server = server;
  options.client_name = "parley-cli/" PARLEY_VERSION;
  options.verify_tls = !options_.insecure_tls;
  auto connected = client::Client::connect(options);
  if (!connected) {
    // A malformed URL is the user's mistake, not the server's.
    if (connected.error().field == "server") return Failure(connected.error(), kExitUsage);
    return Failure(connected.error());
  }
  return std::move(*connected);
}

Outcome<SessionConnection> connect_with_session(const Context& context) {
  auto session = context.session_file().require();
  if (!session) return session.error();
  std::string server = context.server_for(&*session);
  auto client = context.connect(server);
  if (!client) return client.error();
  auto auth = call<proto::AuthResult>(**client, proto::type::kAuth, proto::AuthRequest{session->token});
  if (!auth) {
    Failure failure = auth.error();
    if (failure.error.code == proto::Errc::unauthorized) failure.error.message += "; run: parley login USER";
    return failure;
  }
  return SessionConnection{std::move(*session), std::move(server), std::move(auth->value), std::move(auth->raw),
                           std::move(*client)};
}

}  // namespace parley::cli
