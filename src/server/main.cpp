// parleyd: the Parley server. Wires the store, services, handlers and network together.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "server/config.hpp"
#include "server/dispatcher.hpp"
#include "server/handlers/handlers.hpp"
#include "server/net/server.hpp"
#include "server/services/accounts_service.hpp"
#include "server/services/chat_service.hpp"
#include "server/services/message_writer.hpp"
#include "server/services/presence_service.hpp"
#include "server/services/search_indexer.hpp"
#include "server/services/friends_service.hpp"
#include "server/services/groups_service.hpp"
#include "server/sessions/session_registry.hpp"
#include "server/store/store.hpp"
#include "server/web_files.hpp"

namespace {

using namespace parley;
using namespace parley::server;

int fail(const std::string& message) {
  std::fprintf(stderr, "parleyd: %s\n", message.c_str());
  return 2;
}

void setup_logging(const Config& config) {
  auto logger = spdlog::stderr_color_mt("parleyd");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %^%l%$ [%t] %v");
  logger->set_level(spdlog::level::from_str(config.log_level));
  spdlog::set_default_logger(logger);
}

// A plain-text port on a network address would send passwords in the clear.
proto::Status check_exposure(const Config& config) {
  auto hp = split_host_port(config.listen);
  if (!hp) return hp.error();
  bool tls = !config.tls_cert.empty() || config.tls_self_signed;
  if (tls || config.insecure || is_loopback(hp->host)) return {};
  return proto::make_error(proto::Errc::bad_request,
                           "refusing to listen on " + config.listen +
                               " without TLS: passwords and messages would cross the network in plain text. "
                               "Give --tls-cert and --tls-key, or --tls-self-signed, or --insecure if a "
                               "TLS proxy in front of parleyd handles it.");
}

struct DemoUser {
  const char* username;
  const char* nickname;
};
constexpr DemoUser kDemoUsers[] = {{"alice", "Alice 爱丽丝"}, {"bob", "Bob 鲍勃"}, {"carol", "Carol 卡罗尔"}};
constexpr const char* kDemoPassword = "parley-demo-1";

void seed_demo_data(store::AccountsStore& store, AccountsService& accounts) {
  auto count = store.count_users();
  if (!count || *count > 0) return;
  for (const auto& user : kDemoUsers) {
    auto created = accounts.ensure_user(user.username, kDemoPassword, user.nickname);
    if (!created) spdlog::warn("demo user={} failed error=\"{}\"", user.username, created.error().message);
  }
  spdlog::info("demo data created users=alice,bob,carol password={}", kDemoPassword);
}

void announce(const Config& config, std::uint16_t port) {
  auto hp = split_host_port(config.listen);
  bool tls = !config.tls_cert.empty() || config.tls_self_signed;
  std::string host = hp->host.find(':') != std::string::npos ? "[" + hp->host + "]" : hp->host;
  std::string base = host + ":" + std::to_string(port);
  std::printf("parleyd listening on %s://%s (WebSocket %s://%s/ws)\n", tls ? "https" : "http", base.c_str(),
              tls ? "wss" : "ws", base.c_str());
  if (!config.web_root.empty()) std::printf("web client: open %s://%s/ in a browser\n", tls ? "https" : "http", base.c_str());
  std::fflush(stdout);
  if (!config.port_file.empty()) {
    std::ofstream(config.port_file) << port << "\n";
  }
}

int run(const Config& config) {
  if (auto s = check_exposure(config); !s) return fail(s.error().message);
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  if (ec) return fail("setting server.data_dir: cannot create " + config.data_dir + ": " + ec.message());

  auto store = store::open_sqlite_store({config.data_dir + "/parley.db", config.store_synchronous == "full"});
  if (!store) return fail(store.error().message);
  PasswordHasher hasher({static_cast<std::uint64_t>(config.argon2_ops),
                         static_cast<std::size_t>(config.argon2_memory_kib) * 1024});
  LoginThrottle throttle({config.login_failures_per_account, config.login_failures_per_ip,
                          config.login_failure_window_s * 1000});
  AccountsService accounts((*store)->accounts(), hasher, throttle, system_clock(), {config.token_ttl_s * 1000});
  SessionRegistry registry;
  FriendsService friends((*store)->friends(), (*store)->accounts(), registry, system_clock(),
                         {.allow_strangers = config.allow_strangers});
  Dispatcher dispatcher(accounts, registry);
  proto::Limits limits{config.max_frame_bytes, config.max_requests_per_second, config.idle_timeout_ms};
  add_system_handlers(dispatcher, limits, system_clock());
  add_accounts_handlers(dispatcher, accounts, registry);
  // The writer's callbacks tell the indexer: the indexer must outlive the writer.
  SearchIndexer indexer((*store)->search_index(), {.nice = 19});
  MessageWriter writer((*store)->chat(), {.commit_interval = std::chrono::microseconds(config.commit_interval_us)});
  auto may_message = [&friends](std::int64_t from, std::int64_t to) { return friends.may_message(from, to); };
  ChatService chat((*store)->chat(), (*store)->accounts(), writer, indexer, registry, may_message, system_clock(),
                   {config.max_text_chars, config.recall_window_s * 1000, config.admin_recall_window_s * 1000});
  add_chat_handlers(dispatcher, chat);
  PresenceService presence(registry, (*store)->accounts(), (*store)->chat(), [&friends](std::int64_t user) { return friends.friend_ids(user); },
                           system_clock(), {});
  presence.attach();
  friends.show_presence([&presence](std::int64_t user) { return presence.visible_status(user); });
  add_presence_handlers(dispatcher, presence);
  add_friends_handlers(dispatcher, friends, presence, chat);
  GroupsService groups(
      (*store)->groups(), (*store)->accounts(), chat, registry,
      [&friends](std::int64_t a, std::int64_t b) { return friends.are_friends(a, b); },
      [&presence](std::int64_t user) { return presence.visible_status(user); }, system_clock(),
      {.max_owned = static_cast<int>(config.max_owned_groups)});
  add_groups_handlers(dispatcher, groups);
  if (config.demo_data) seed_demo_data((*store)->accounts(), accounts);

  std::optional<WebFiles> web;
  if (!config.web_root.empty()) {
    auto loaded = WebFiles::load(config.web_root);
    if (!loaded) return fail(loaded.error().message);
    web = std::move(*loaded);
  }
  NetServer server(config, dispatcher, web ? &*web : nullptr);
  auto port = server.bind();
  if (!port) return fail(port.error().message);
  announce(config, *port);
  spdlog::info("listening address={} port={} data_dir={} tls={} allow_strangers={}", config.listen, *port,
               config.data_dir, !config.tls_cert.empty() || config.tls_self_signed, config.allow_strangers);
  server.run();
  if (auto s = (*store)->checkpoint(); !s) spdlog::error("final checkpoint failed error=\"{}\"", s.error().message);
  spdlog::info("stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  auto startup = load_config(argc, argv);
  if (!startup) return fail(startup.error().message);
  if (startup->exit_now) return 0;
  setup_logging(startup->config);
  try {
    return run(startup->config);
  } catch (const std::exception& e) {
    spdlog::critical("fatal error=\"{}\"", e.what());
    return 1;
  }
}
