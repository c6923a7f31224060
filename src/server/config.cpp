#include "server/config.hpp"

#include <algorithm>
#include <cctype>
#include <iostream>
#include <variant>

#include <CLI/CLI.hpp>
#include <toml++/toml.h>

namespace parley::server {
namespace {

using proto::Errc;
using proto::make_error;

using Target = std::variant<std::string*, std::int64_t*, int*, bool*>;

struct Setting {
  const char* key;   // in the TOML file: section.name
  const char* flag;  // on the command line; the environment variable is PARLEY_ + its name
  const char* help;
  Target target;
  CLI::Option* option = nullptr;
};

std::vector<Setting> settings_of(Config& c) {
  return {
      {"server.listen", "--listen", "HOST:PORT to listen on; port 0 picks a free port", &c.listen},
      {"server.data_dir", "--data-dir", "directory for the database and TLS files (created if missing)", &c.data_dir},
      {"server.threads", "--threads", "I/O threads (0: one per core)", &c.threads},
      {"server.workers", "--workers", "worker threads for database and password hashing (0: two per core)", &c.workers},
      {"server.demo_data", "--demo-data", "create demo users (alice, bob, carol) when the store is empty", &c.demo_data},
      {"server.log_level", "--log-level", "trace, debug, info, warn, error or off", &c.log_level},
      {"server.shutdown_grace_ms", "--shutdown-grace-ms", "how long shutdown waits for clients to close", &c.shutdown_grace_ms},
      {"server.port_file", "--port-file", "write the bound port to this file once listening", &c.port_file},
      {"server.web_root", "--web-root", "the web client's build (web/dist) to serve at /; empty: no web client", &c.web_root},
      {"tls.cert", "--tls-cert", "PEM certificate chain file: serve HTTPS and WSS", &c.tls_cert},
      {"tls.key", "--tls-key", "PEM private key file for --tls-cert", &c.tls_key},
      {"tls.self_signed", "--tls-self-signed", "serve TLS with a self-signed certificate kept in DATA_DIR/tls", &c.tls_self_signed},
      {"tls.insecure", "--insecure", "allow plain text on a non-loopback address", &c.insecure},
      {"limits.max_frame_bytes", "--max-frame-bytes", "largest request frame or HTTP body; larger gets too_large", &c.max_frame_bytes},
      {"limits.hard_max_frame_bytes", "--hard-max-frame-bytes", "frames larger than this close the connection (1009)", &c.hard_max_frame_bytes},
      {"limits.max_json_depth", "--max-json-depth", "deepest JSON nesting accepted", &c.max_json_depth},
      {"limits.max_requests_per_second", "--max-requests-per-second", "sustained requests per second per connection", &c.max_requests_per_second},
      {"limits.request_burst", "--request-burst", "requests a connection may send at once above the rate", &c.request_burst},
      {"limits.max_rate_refusals", "--max-rate-refusals", "refused requests in a row before the connection is closed (1008)", &c.max_rate_refusals},
      {"limits.max_connections_per_ip", "--max-connections-per-ip", "open connections allowed from one address", &c.max_connections_per_ip},
      {"limits.idle_timeout_ms", "--idle-timeout-ms", "drop a WebSocket that sent nothing (not even a pong) for this long", &c.idle_timeout_ms},
      {"limits.handshake_timeout_ms", "--handshake-timeout-ms", "time allowed for TLS, HTTP and WebSocket handshakes", &c.handshake_timeout_ms},
      {"limits.max_send_queue_bytes", "--max-send-queue-bytes", "bytes queued to a slow client before it is disconnected (4009)", &c.max_send_queue_bytes},
      {"accounts.token_ttl_s", "--token-ttl-s", "lifetime of a session token in seconds", &c.token_ttl_s},
      {"accounts.login_failures_per_account", "--login-failures-per-account", "failed logins per account per window before refusing", &c.login_failures_per_account},
      {"accounts.login_failures_per_ip", "--login-failures-per-ip", "failed logins per address per window before refusing", &c.login_failures_per_ip},
      {"accounts.login_failure_window_s", "--login-failure-window-s", "the window for failed-login counting, in seconds", &c.login_failure_window_s},
      {"accounts.argon2_ops", "--argon2-ops", "Argon2id passes per password hash (libsodium minimum 1)", &c.argon2_ops},
      {"accounts.argon2_memory_kib", "--argon2-memory-kib", "Argon2id memory per password hash, KiB (minimum 8)", &c.argon2_memory_kib},
      {"chat.max_text_chars", "--max-text-chars", "longest text message, in characters", &c.max_text_chars},
      {"chat.recall_window_s", "--recall-window-s", "how long after sending a message its sender may recall it", &c.recall_window_s},
      {"groups.admin_recall_window_s", "--admin-recall-window-s", "how long group owners and admins may recall others' messages", &c.admin_recall_window_s},
      {"groups.max_owned", "--max-owned-groups", "groups one user may own", &c.max_owned_groups},
      {"store.commit_interval_us", "--commit-interval-us", "the message writer commits at most once per this many microseconds, so that messages arriving together share a commit (0: commit as soon as the last one ends)", &c.commit_interval_us},
      {"store.synchronous", "--store-synchronous", "full (survives power loss) or normal (survives a process crash)", &c.store_synchronous},
      {"chat.allow_strangers", "--allow-strangers", "users who are not friends may message each other, unless the recipient's privacy refuses (--no-allow-strangers: only friends)", &c.allow_strangers},
  };
}

std::string env_name(std::string_view flag) {
  std::string out = "PARLEY_";
  for (char ch : flag.substr(2)) out += ch == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return out;
}

proto::Error setting_error(std::string_view key, const std::string& message) {
  return make_error(Errc::bad_request, "setting " + std::string(key) + ": " + message);
}

// Applies one value from the TOML file to a setting.
proto::Status apply_toml(const Setting& s, const toml::node& node) {
  return std::visit(
      [&](auto* target) -> proto::Status {
        using T = std::remove_pointer_t<decltype(target)>;
        if constexpr (std::is_same_v<T, std::string>) {
          if (!node.is_string()) return setting_error(s.key, "must be a string");
          *target = *node.value<std::string>();
        } else if constexpr (std::is_same_v<T, bool>) {
          if (!node.is_boolean()) return setting_error(s.key, "must be true or false");
          *target = *node.value<bool>();
        } else {
          if (!node.is_integer()) return setting_error(s.key, "must be an integer");
          auto value = *node.value<std::int64_t>();
          if constexpr (std::is_same_v<T, int>) {
            if (value < INT32_MIN || value > INT32_MAX) return setting_error(s.key, "is out of range");
          }
          *target = static_cast<T>(value);
        }
        return {};
      },
      s.target);
}

proto::Status load_toml(const std::string& path, std::vector<Setting>& settings) {
  toml::table file;
  try {
    file = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return make_error(Errc::bad_request, "config file " + path + ": " + std::string(e.description()) +
                                             " at line " + std::to_string(e.source().begin.line));
  }
  for (auto&& [section, table] : file) {
    if (!table.is_table()) return setting_error(section.str(), "expected a [section] table");
    for (auto&& [name, value] : *table.as_table()) {
      std::string key = std::string(section.str()) + "." + std::string(name.str());
      auto it = std::find_if(settings.begin(), settings.end(), [&](const Setting& s) { return key == s.key; });
      if (it == settings.end()) return setting_error(key, "is not a parleyd setting (see parleyd --help)");
      // Flags and environment variables win over the file.
      if (it->option->count() > 0) continue;
      if (auto s = apply_toml(*it, value); !s) return s;
    }
  }
  return {};
}

proto::Status check_range(const char* key, std::int64_t value, std::int64_t min, std::int64_t max) {
  if (value < min || value > max) {
    return setting_error(key, "must be between " + std::to_string(min) + " and " + std::to_string(max) +
                                  " (got " + std::to_string(value) + ")");
  }
  return {};
}

proto::Status validate(const Config& c) {
  if (auto hp = split_host_port(c.listen); !hp) return setting_error("server.listen", hp.error().message);
  if (c.data_dir.empty()) return setting_error("server.data_dir", "must not be empty");
  const std::vector<std::string> levels = {"trace", "debug", "info", "warn", "error", "off"};
  if (std::find(levels.begin(), levels.end(), c.log_level) == levels.end()) {
    return setting_error("server.log_level", "must be one of trace, debug, info, warn, error, off");
  }
  if (c.store_synchronous != "full" && c.store_synchronous != "normal") {
    return setting_error("store.synchronous", "must be full or normal");
  }
  if (c.tls_cert.empty() != c.tls_key.empty()) return setting_error("tls.cert", "tls.cert and tls.key go together");
  if (!c.tls_cert.empty() && c.tls_self_signed) return setting_error("tls.self_signed", "conflicts with tls.cert");
  struct Range {
    const char* key;
    std::int64_t value, min, max;
  };
  const Range ranges[] = {
      {"server.threads", c.threads, 0, 256},
      {"server.workers", c.workers, 0, 1024},
      {"server.shutdown_grace_ms", c.shutdown_grace_ms, 0, 600'000},
      {"limits.max_frame_bytes", c.max_frame_bytes, 1024, 64 << 20},
      {"limits.hard_max_frame_bytes", c.hard_max_frame_bytes, c.max_frame_bytes, 256 << 20},
      {"limits.max_json_depth", c.max_json_depth, 2, 1000},
      {"limits.max_requests_per_second", c.max_requests_per_second, 1, 1'000'000},
      {"limits.request_burst", c.request_burst, 1, 1'000'000},
      {"limits.max_rate_refusals", c.max_rate_refusals, 1, 1'000'000},
      {"limits.max_connections_per_ip", c.max_connections_per_ip, 1, 1'000'000},
      {"limits.idle_timeout_ms", c.idle_timeout_ms, 1000, 3'600'000},
      {"limits.handshake_timeout_ms", c.handshake_timeout_ms, 100, 600'000},
      {"limits.max_send_queue_bytes", c.max_send_queue_bytes, 64 * 1024, 1LL << 32},
      {"accounts.token_ttl_s", c.token_ttl_s, 1, 10LL * 365 * 24 * 3600},
      {"accounts.login_failures_per_account", c.login_failures_per_account, 1, 1'000'000},
      {"accounts.login_failures_per_ip", c.login_failures_per_ip, 1, 1'000'000},
      {"accounts.login_failure_window_s", c.login_failure_window_s, 1, 86'400},
      {"accounts.argon2_ops", c.argon2_ops, 1, 100},
      {"chat.max_text_chars", c.max_text_chars, 1, 100'000},
      {"chat.recall_window_s", c.recall_window_s, 0, 30LL * 24 * 3600},
      {"groups.admin_recall_window_s", c.admin_recall_window_s, 0, 30LL * 24 * 3600},
      {"groups.max_owned", c.max_owned_groups, 0, 10'000},
      {"store.commit_interval_us", c.commit_interval_us, 0, 100'000},
      {"accounts.argon2_memory_kib", c.argon2_memory_kib, 8, 4 * 1024 * 1024},
  };
  for (const auto& r : ranges) {
    if (auto s = check_range(r.key, r.value, r.min, r.max); !s) return s;
  }
  return {};
}

}  // namespace

proto::Result<HostPort> split_host_port(const std::string& text) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) return make_error(Errc::bad_request, "expected HOST:PORT, got \"" + text + "\"");
  std::string host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  std::string port = text.substr(colon + 1);
  if (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), ::isdigit) || std::stoi(port) > 65535) {
    return make_error(Errc::bad_request, "port must be a number from 0 to 65535 in \"" + text + "\"");
  }
  return HostPort{host, static_cast<std::uint16_t>(std::stoi(port))};
}

bool is_loopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

proto::Result<Startup> load_config(int argc, char** argv) {
  Startup startup;
  Config& config = startup.config;
  CLI::App app{"parleyd: the Parley instant-messaging server.\n"
               "Settings come from (lowest first) defaults, the TOML file, PARLEY_* environment\n"
               "variables and flags. In the file, a flag --max-frame-bytes is max_frame_bytes\n"
               "in the [limits] section, as the first word of each help line says.",
               "parleyd"};
  app.set_version_flag("--version", std::string("parleyd ") + PARLEY_VERSION);
  std::string config_file;
  app.add_option("--config", config_file, "TOML file with settings")->envname("PARLEY_CONFIG")->check(CLI::ExistingFile);
  auto settings = settings_of(config);
  for (auto& s : settings) {
    std::string help = std::string("[") + s.key + "] " + s.help;
    std::string env = env_name(s.flag);
    std::visit(
        [&](auto* target) {
          using T = std::remove_pointer_t<decltype(target)>;
          if constexpr (std::is_same_v<T, bool>) {
            // Every switch can be turned off too (--no-demo-data), which matters for the
            // ones that default to on; --flag=false works as well.
            std::string names = std::string(s.flag) + ",!--no-" + std::string(s.flag).substr(2);
            s.option = app.add_flag(names, *target, help);
          } else {
            s.option = app.add_option(s.flag, *target, help)->capture_default_str();
          }
          // As with most commands, a flag given twice takes the last value.
          s.option->envname(env)->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
        },
        s.target);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    startup.exit_now = true;
    return startup;
  } catch (const CLI::CallForVersion&) {
    std::cout << app.version() << "\n";
    startup.exit_now = true;
    return startup;
  } catch (const CLI::ParseError& e) {
    return make_error(Errc::bad_request, e.what());
  }
  if (!config_file.empty()) {
    if (auto s = load_toml(config_file, settings); !s) return s.error();
  }
  if (auto s = validate(config); !s) return s.error();
  return startup;
}

}  // namespace parley::server
