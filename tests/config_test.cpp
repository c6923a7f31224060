#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "server/config.hpp"

namespace parley::server {
namespace {

proto::Result<Startup> load(std::vector<std::string> args) {
  args.insert(args.begin(), "parleyd");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  return load_config(static_cast<int>(argv.size()), argv.data());
}

std::string temp_file(const std::string& name, const std::string& text) {
  auto path = std::filesystem::temp_directory_path() / (name + "-" + std::to_string(::getpid()) + ".toml");
  std::ofstream(path) << text;
  return path.string();
}

TEST(Config, DefaultsAreSane) {
  auto s = load({});
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->config.listen, "127.0.0.1:8080");
  EXPECT_EQ(s->config.data_dir, "./data");
  EXPECT_EQ(s->config.max_frame_bytes, 64 * 1024);
}

TEST(Config, FileThenEnvironmentThenFlags) {
  auto file = temp_file("cfg", "[server]\nlisten = \"127.0.0.1:9000\"\ndata_dir = \"/tmp/from-file\"\n"
                               "[limits]\nmax_frame_bytes = 2048\n");
  ::setenv("PARLEY_DATA_DIR", "/tmp/from-env", 1);
  auto s = load({"--config", file, "--max-frame-bytes", "4096"});
  ::unsetenv("PARLEY_DATA_DIR");
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->config.listen, "127.0.0.1:9000");
  EXPECT_EQ(s->config.data_dir, "/tmp/from-env");
  EXPECT_EQ(s->config.max_frame_bytes, 4096);
  std::filesystem::remove(file);
}

TEST(Config, TheLastFlagWins) {
  auto s = load({"--listen", "127.0.0.1:1", "--listen", "127.0.0.1:2"});
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->config.listen, "127.0.0.1:2");
}

TEST(Config, BadSettingsNameTheSetting) {
  struct Case {
    std::vector<std::string> args;
    const char* named;
  };
  for (const auto& c : {Case{{"--max-frame-bytes", "5"}, "limits.max_frame_bytes"},
                        Case{{"--listen", "nowhere"}, "server.listen"},
                        Case{{"--listen", "127.0.0.1:99999"}, "server.listen"},
                        Case{{"--log-level", "loud"}, "server.log_level"},
                        Case{{"--tls-cert", "x.pem"}, "tls.cert"},
                        Case{{"--store-synchronous", "maybe"}, "store.synchronous"},
                        Case{{"--max-frame-bytes", "lots"}, "--max-frame-bytes"},
                        Case{{"--no-such-flag"}, "no-such-flag"}}) {
    auto s = load(c.args);
    ASSERT_FALSE(s) << c.named;
    EXPECT_NE(s.error().message.find(c.named), std::string::npos) << s.error().message;
  }
}

TEST(Config, FileErrorsNameTheKey) {
  auto unknown = temp_file("unknown", "[limits]\nmax_frames = 5\n");
  auto s = load({"--config", unknown});
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("limits.max_frames"), std::string::npos) << s.error().message;
  auto typed = temp_file("typed", "[limits]\nmax_frame_bytes = \"big\"\n");
  s = load({"--config", typed});
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("limits.max_frame_bytes"), std::string::npos) << s.error().message;
  auto broken = temp_file("broken", "[limits\n");
  s = load({"--config", broken});
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("line 1"), std::string::npos) << s.error().message;
  for (const auto& f : {unknown, typed, broken}) std::filesystem::remove(f);
}

TEST(Config, AllowStrangersIsOnUnlessTurnedOff) {
  EXPECT_TRUE(load({})->config.allow_strangers);
  EXPECT_FALSE(load({"--no-allow-strangers"})->config.allow_strangers);
  EXPECT_FALSE(load({"--allow-strangers=false"})->config.allow_strangers);
  EXPECT_TRUE(load({"--allow-strangers"})->config.allow_strangers);
  // The last flag wins, whichever form it has.
  EXPECT_TRUE(load({"--no-allow-strangers", "--allow-strangers"})->config.allow_strangers);
  EXPECT_FALSE(load({"--allow-strangers", "--no-allow-strangers"})->config.allow_strangers);

  ::setenv("PARLEY_ALLOW_STRANGERS", "false", 1);
  auto from_env = load({});
  ::unsetenv("PARLEY_ALLOW_STRANGERS");
  ASSERT_TRUE(from_env) << from_env.error().message;
  EXPECT_FALSE(from_env->config.allow_strangers);

  auto file = temp_file("chat", "[chat]\nallow_strangers = false\n");
  auto from_file = load({"--config", file});
  ASSERT_TRUE(from_file) << from_file.error().message;
  EXPECT_FALSE(from_file->config.allow_strangers);
  EXPECT_TRUE(load({"--config", file, "--allow-strangers"})->config.allow_strangers);  // the flag wins
  std::filesystem::remove(file);
}

TEST(Config, EverySwitchHasANoForm) {
  EXPECT_FALSE(load({"--demo-data", "--no-demo-data"})->config.demo_data);
  EXPECT_TRUE(load({"--no-demo-data", "--demo-data"})->config.demo_data);
}

TEST(Config, HostPortAndLoopback) {
  EXPECT_EQ(split_host_port("127.0.0.1:80")->port, 80);
  EXPECT_EQ(split_host_port("[::1]:0")->host, "::1");
  EXPECT_FALSE(split_host_port(":80"));
  EXPECT_FALSE(split_host_port("host:"));
  EXPECT_TRUE(is_loopback("127.0.0.1"));
  EXPECT_TRUE(is_loopback("localhost"));
  EXPECT_FALSE(is_loopback("0.0.0.0"));
  EXPECT_FALSE(is_loopback("192.168.1.2"));
}

}  // namespace
}  // namespace parley::server
