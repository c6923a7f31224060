#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "proto/errors.hpp"

namespace parley::server {

// Every setting of parleyd, with its default. Filled from (lowest to highest) the
// defaults here, the TOML file given by --config, PARLEY_* environment variables and
// command-line flags; `parleyd --help` lists them all (see config.cpp for the table).
struct Config {
  // [server]
  std::string listen = "127.0.0.1:8080";
  std::string data_dir = "./data";
  int threads = 0;         // I/O threads; 0: one per core
  int workers = 0;         // worker threads for database and password work; 0: two per core
  bool demo_data = false;  // create demo users when the store is empty
  std::string log_level = "info";
  std::int64_t shutdown_grace_ms = 3000;
  std::string port_file;   // when set, the bound port is written there once listening
  std::string web_root;    // the web client's build (web/dist) to serve at /; empty: none

  // [tls]
  std::string tls_cert;
  std::string tls_key;
  bool tls_self_signed = false;
  bool insecure = false;  // allow plain text on a non-loopback address

  // [limits]
  std::int64_t max_frame_bytes = 64 * 1024;
  std::int64_t hard_max_frame_bytes = 1024 * 1024;
  int max_json_depth = 16;
  int max_requests_per_second = 50;
  int request_burst = 100;
  int max_rate_refusals = 200;
  int max_connections_per_ip = 256;
  std::int64_t idle_timeout_ms = 40'000;
  std::int64_t handshake_timeout_ms = 10'000;
  std::int64_t max_send_queue_bytes = 4 * 1024 * 1024;

  // [accounts]
  std::int64_t token_ttl_s = 30LL * 24 * 3600;
  int login_failures_per_account = 5;
  int login_failures_per_ip = 20;
  std::int64_t login_failure_window_s = 300;
  std::int64_t argon2_ops = 2;
  std::int64_t argon2_memory_kib = 64 * 1024;

  // [chat]
  std::int64_t max_text_chars = 4000;
  std::int64_t recall_window_s = 120;

  // [groups]
  std::int64_t admin_recall_window_s = 7200;
  std::int64_t max_owned_groups = 20;

  // [store]
  std::string store_synchronous = "full";  // full or normal
  std::int64_t commit_interval_us = 1000;   // the message writer commits at most once per interval

  // [chat]
  bool allow_strangers = true;  // users who are not friends may message each other (unless one refuses)
};

// What the command line asked for.
struct Startup {
  Config config;
  bool exit_now = false;  // --help or --version was printed
};

// Parses flags, environment and the TOML file; a bad setting fails with a message that
// names it. Prints help to stdout when asked.
proto::Result<Startup> load_config(int argc, char** argv);

// Splits "host:port" (or "[v6]:port"); port 0 means "any free port".
struct HostPort {
  std::string host;
  std::uint16_t port = 0;
};
proto::Result<HostPort> split_host_port(const std::string& text);
bool is_loopback(const std::string& host);

}  // namespace parley::server
