// What was acknowledged stays: across a clean restart and across kill -9.
#include <gtest/gtest.h>

#include "tests/server_process.hpp"

namespace parley::test {
namespace {

TEST(Durability, RestartKeepsAccountsTokensAndProfiles) {
  ServerProcess server;
  std::string token;
  {
    auto c = register_and_login(server, "alice", "phone");
    auto fresh = connect(server);
    token = fresh->call<proto::LoginResult>(proto::type::kLogin, proto::LoginRequest{"alice", kPassword, "laptop"})->token;
    proto::ProfileUpdateRequest update;
    update.signature = "still here";
    ASSERT_TRUE(fresh->call<proto::Profile>(proto::type::kProfileUpdate, update));
  }
  EXPECT_EQ(server.terminate(), 0);
  server.restart();
  auto c = connect(server);
  auto resumed = c->call<proto::AuthResult>(proto::type::kAuth, proto::AuthRequest{token});
  ASSERT_TRUE(resumed) << resumed.error().message;
  auto me = c->call<proto::Profile>(proto::type::kProfileGet, proto::ProfileGetRequest{});
  ASSERT_TRUE(me);
  EXPECT_EQ(me->signature, "still here");
  // Numbering continues after a restart.
  auto bob = connect(server)->call<proto::RegisterResult>(proto::type::kRegister, proto::RegisterRequest{"bob", kPassword, {}});
  EXPECT_EQ(bob->user_id, 10002);
}

TEST(Durability, KillNineKeepsEveryAcknowledgedWrite) {
  ServerProcess server;  // the shipped default: store.synchronous = full
  auto c = connect(server);
  std::vector<std::string> acknowledged;
  for (int i = 0; i < 30; ++i) {
    std::string name = "user" + std::to_string(i);
    if (c->call<proto::RegisterResult>(proto::type::kRegister, proto::RegisterRequest{name, kPassword, {}})) {
      acknowledged.push_back(name);
    }
  }
  ASSERT_EQ(acknowledged.size(), 30u);
  proto::ProfileUpdateRequest update;
  update.nickname = "最后一次";
  auto last = register_and_login(server, "last");
  ASSERT_TRUE(last->call<proto::Profile>(proto::type::kProfileUpdate, update));
  server.kill9();
  server.restart();
  for (const auto& name : acknowledged) {
    // Logging in proves the row and its password hash are there.
    auto fresh = connect(server);
    EXPECT_TRUE(fresh->call<proto::LoginResult>(proto::type::kLogin, proto::LoginRequest{name, kPassword, "d"})) << name;
  }
  auto fresh = connect(server);
  ASSERT_TRUE(fresh->call<proto::LoginResult>(proto::type::kLogin, proto::LoginRequest{"last", kPassword, "d"}));
  EXPECT_EQ(fresh->call<proto::Profile>(proto::type::kProfileGet, proto::ProfileGetRequest{})->nickname, "最后一次");
}

}  // namespace
}  // namespace parley::test
