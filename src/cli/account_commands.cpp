// register, login, logout, whoami, passwd.
#include <unistd.h>

#include <climits>

#include "cli/commands.hpp"
#include "cli/prompt.hpp"

namespace parley::cli {
namespace {

constexpr std::size_t kMaxDeviceBytes = 64;

Outcome<void> do_register(const Context& context, const RegisterArgs& args) {
  auto password = PasswordReader(args.password_stdin).read_new("Password: ", "Repeat password: ");
  if (!password) return password.error();
  proto::RegisterRequest request{args.username, std::move(*password), args.nickname};
  auto reply = call<proto::RegisterResult>(context, context.server_for(nullptr), proto::type::kRegister, request);
  if (!reply) return reply.error();
  const Output& out = context.out();
  out.result(reply->raw);
  out.fact("user_id", reply->value.user_id);
  out.fact("username", reply->value.username);
  return {};
}

Outcome<void> do_login(const Context& context, const LoginArgs& args) {
  auto password = PasswordReader(args.password_stdin).read("Password: ");
  if (!password) return password.error();
  const std::string server = context.server_for(nullptr);
  proto::LoginRequest request{args.username, std::move(*password),
                              args.device.empty() ? default_device() : args.device};
  auto reply = call<proto::LoginResult>(context, server, proto::type::kLogin, request);
  if (!reply) return reply.error();
  const proto::LoginResult& r = reply->value;
  Session session{server, r.token, r.user_id, r.username, r.device, r.expires_at};
  if (auto saved = context.session_file().save(session); !saved) return saved;

  const Output& out = context.out();
  out.result(reply->raw);
  out.fact("user_id", r.user_id);
  out.fact("username", r.username);
  out.fact("device", r.device);
  out.time_fact("expires_at", r.expires_at);
  out.fact("session", context.session_file().path().string());
  return {};
}

// A token the server no longer accepts (or a damaged file) still leaves the user
// logged out locally once the file is gone; only --all cannot be done without it.
Outcome<void> forget_stale_session(const Context& context, const LogoutArgs& args, Failure failure) {
  if (auto removed = context.session_file().remove(); !removed) return removed;
  if (args.all) {
    failure.error.message =
        "the saved session is no longer valid, so other devices were not signed out; removed it. "
        "To sign out everywhere: parley login USER, then parley logout --all";
    return failure;
  }
  context.out().note("note: the saved session had already ended on the server; removed it");
  context.out().result({});
  context.out().line("logged out");
  return {};
}

Outcome<void> do_logout(const Context& context, const LogoutArgs& args) {
  auto loaded = context.session_file().load();
  if (!loaded) {
    if (loaded.error().error.code != proto::Errc::unauthorized) return loaded.error();
    return forget_stale_session(context, args, loaded.error());  // a damaged file
  }
  if (!*loaded) return not_logged_in();
  std::string server = context.server_for(&**loaded);
  const SavedSession saved{std::move(**loaded), std::move(server)};
  auto reply = session_call<proto::EmptyResult>(context, saved, proto::type::kLogout, proto::LogoutRequest{args.all});
  if (!reply) {
    if (reply.error().error.code != proto::Errc::unauthorized) return reply.error();
    return forget_stale_session(context, args, reply.error());
  }
  if (auto removed = context.session_file().remove(); !removed) return removed;
  context.out().result(reply->raw);
  context.out().line(args.all ? "logged out on all devices" : "logged out");
  return {};
}

// Reading one's own profile with the saved token proves the token still works; the
// device and expiry are the session file's (only `auth` reports them, and `auth` would
// sign out a `parley listen` running on this device).
Outcome<void> do_whoami(const Context& context) {
  auto saved = load_session(context);
  if (!saved) return saved.error();
  auto reply = session_call<proto::Profile>(context, *saved, proto::type::kProfileGet, proto::ProfileGetRequest{});
  if (!reply) return reply.error();
  const proto::Profile& profile = reply->value;
  const Session& session = saved->session;
  const Output& out = context.out();
  out.result({{"user_id", profile.user_id},
              {"username", profile.username},
              {"nickname", profile.nickname},
              {"device", session.device},
              {"expires_at", session.expires_at},
              {"server", saved->server}});
  out.fact("user_id", profile.user_id);
  out.fact("username", profile.username);
  out.fact("nickname", profile.nickname);
  out.fact("device", session.device);
  out.time_fact("expires_at", session.expires_at);
  out.fact("server", saved->server);
  return {};
}

Outcome<void> do_passwd(const Context& context, const PasswdArgs& args) {
  // Fail on a missing session before asking for anything.
  auto saved = load_session(context);
  if (!saved) return saved.error();
  PasswordReader reader(args.password_stdin);
  auto old_password = reader.read("Current password: ");
  if (!old_password) return old_password.error();
  auto new_password = reader.read_new("New password: ", "Repeat new password: ");
  if (!new_password) return new_password.error();

  proto::ChangePasswordRequest request{std::move(*old_password), std::move(*new_password)};
  auto reply = session_call<proto::ChangePasswordResult>(context, *saved, proto::type::kChangePassword, request);
  if (!reply) return reply.error();

  // Every older token is revoked now, the saved one included: keep the new one.
  Session session = std::move(saved->session);
  session.server = saved->server;
  session.token = reply->value.token;
  session.expires_at = reply->value.expires_at;
  if (auto written = context.session_file().save(session); !written) return written;
  context.out().result(reply->raw);
  context.out().line("password changed; other sessions were signed out");
  context.out().time_fact("expires_at", reply->value.expires_at);
  return {};
}

bool device_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
         c == ':' || c == '-';
}

}  // namespace

std::string default_device() {
  char host[HOST_NAME_MAX + 1] = {};
  if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  std::string device = "cli-";
  for (const char* p = host; *p != '\0' && device.size() < kMaxDeviceBytes; ++p) {
    device.push_back(device_char(*p) ? *p : '-');
  }
  return device;
}

int run_register(const Context& context, const RegisterArgs& args) {
  return finish(context, do_register(context, args));
}
int run_login(const Context& context, const LoginArgs& args) { return finish(context, do_login(context, args)); }
int run_logout(const Context& context, const LogoutArgs& args) { return finish(context, do_logout(context, args)); }
int run_whoami(const Context& context) { return finish(context, do_whoami(context)); }
int run_passwd(const Context& context, const PasswdArgs& args) { return finish(context, do_passwd(context, args)); }

}  // namespace parley::cli
