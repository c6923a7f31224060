// The HTTP side of parleyd: health, readiness and one-shot requests as curl would send them.
#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include "tests/server_process.hpp"

namespace parley::test {
namespace {

namespace json = boost::json;

client::HttpResponse http(const ServerProcess& server, std::string_view method, std::string_view target,
                          std::string_view body = {}, std::string_view token = {}) {
  auto r = client::http_request(server.options(), method, target, body, token);
  if (!r) throw std::runtime_error("http: " + r.error().message);
  return *r;
}

std::string code_of(const client::HttpResponse& r) {
  auto body = json::parse(r.body).as_object();
  if (body.at("ok").as_bool()) return "ok";
  return std::string(body.at("error").at("code").as_string());
}

TEST(Http, HealthAndReadiness) {
  ServerProcess server;
  auto health = http(server, "GET", "/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(json::parse(health.body).at("status"), "ok");
  auto ready = http(server, "GET", "/readyz");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(json::parse(ready.body).at("status"), "ready");
}

void register_login_profile_and_logout(const ServerProcess& server) {
  auto reg = http(server, "POST", "/api/v1/register", R"({"username":"alice","password":"correct horse 1"})");
  ASSERT_EQ(reg.status, 200) << reg.body;
  EXPECT_EQ(json::parse(reg.body).at("result").at("user_id"), 10001);
  auto login = http(server, "POST", "/api/v1/login", R"({"username":"alice","password":"correct horse 1","device":"script"})");
  ASSERT_EQ(login.status, 200) << login.body;
  std::string token(json::parse(login.body).at("result").at("token").as_string());

  auto profile = http(server, "POST", "/api/v1/profile_get", "", token);
  ASSERT_EQ(profile.status, 200) << profile.body;
  EXPECT_EQ(json::parse(profile.body).at("result").at("username"), "alice");
  EXPECT_EQ(http(server, "POST", "/api/v1/profile_get").status, 401);
  EXPECT_EQ(http(server, "POST", "/api/v1/profile_get", "", "forged").status, 401);

  // A WebSocket on the same device is signed out when the token is logged out over HTTP.
  auto ws = connect(server);
  ASSERT_TRUE(ws->call<proto::AuthResult>(proto::type::kAuth, proto::AuthRequest{token}));
  EXPECT_EQ(http(server, "POST", "/api/v1/logout", "{}", token).status, 200);
  auto kicked = wait_event(*ws, proto::event::kKicked);
  ASSERT_TRUE(kicked);
  EXPECT_EQ(kicked->data.at("reason"), "logged_out");
  EXPECT_EQ(http(server, "POST", "/api/v1/profile_get", "", token).status, 401);
}

TEST(Http, RegisterLoginProfileAndLogoutLikeCurl) {
  ServerProcess server;
  register_login_profile_and_logout(server);
}

TEST(Http, RegisterLoginProfileAndLogoutOverTls) {
  ServerProcess server({"--tls-self-signed"});
  register_login_profile_and_logout(server);
}

TEST(Http, LoginOverHttpSignsOutTheSameDevicesWebSocket) {
  ServerProcess server;
  auto desk = register_and_login(server, "alice", "desk");
  auto phone = connect(server);
  ASSERT_TRUE(phone->call<proto::LoginResult>(proto::type::kLogin, proto::LoginRequest{"alice", kPassword, "phone"}));
  auto login = http(server, "POST", "/api/v1/login", R"({"username":"alice","password":"correct horse 1","device":"desk"})");
  ASSERT_EQ(login.status, 200) << login.body;
  auto kicked = wait_event(*desk, proto::event::kKicked);
  ASSERT_TRUE(kicked);
  EXPECT_EQ(kicked->data.at("reason"), "logged_in_elsewhere");
  EXPECT_EQ(desk->wait_closed(std::chrono::seconds(10))->code, 4001);
  EXPECT_TRUE(phone->request(proto::type::kPing, {}));
  EXPECT_TRUE(phone->is_open());
}

TEST(Http, ErrorsCarryStatusAndStableCodes) {
  ServerProcess server({"--max-frame-bytes", "2048"});
  struct Case {
    const char* method;
    std::string target;
    std::string body;
    int status;
    const char* code;
  };
  for (const auto& c : {Case{"POST", "/api/v1/register", "{", 400, "bad_request"},
                        Case{"POST", "/api/v1/register", "[]", 400, "bad_request"},
                        Case{"POST", "/api/v1/register", R"({"username":"abc","password":"x"})", 400, "bad_request"},
                        Case{"POST", "/api/v1/nope", "{}", 400, "unknown_type"},
                        Case{"POST", "/api/v1/hello", R"({"versions":[1]})", 400, "bad_request"},
                        Case{"POST", "/api/v1/auth", R"({"token":"x"})", 400, "bad_request"},
                        Case{"GET", "/api/v1/register", "", 405, "bad_request"},
                        Case{"GET", "/nowhere", "", 404, "not_found"},
                        Case{"POST", "/api/v1/login", R"({"username":"nobody","password":"correct horse 1"})", 401,
                             "unauthorized"}}) {
    SCOPED_TRACE(std::string(c.method) + " " + c.target + " " + c.body);
    auto r = http(server, c.method, c.target, c.body);
    EXPECT_EQ(r.status, c.status) << r.body;
    EXPECT_EQ(code_of(r), c.code);
  }
  auto big = http(server, "POST", "/api/v1/register", std::string(10'000, ' '));
  EXPECT_EQ(big.status, 413);
  EXPECT_EQ(code_of(big), "too_large");
  EXPECT_EQ(http(server, "GET", "/healthz").status, 200);  // still serving
}

TEST(Http, FailedLoginFloodsGetRetryAfter) {
  ServerProcess server({"--login-failures-per-account", "2"});
  http(server, "POST", "/api/v1/register", R"({"username":"alice","password":"correct horse 1"})");
  for (int i = 0; i < 2; ++i) http(server, "POST", "/api/v1/login", R"({"username":"alice","password":"wrong horse 1"})");
  auto r = http(server, "POST", "/api/v1/login", R"({"username":"alice","password":"correct horse 1"})");
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(code_of(r), "rate_limited");
}

}  // namespace
}  // namespace parley::test
