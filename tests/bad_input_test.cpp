// Bad input of every kind over a raw WebSocket: each gets a clear error, and neither the
// connection (where the protocol allows) nor the server goes down.
#include <thread>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include "tests/server_process.hpp"

namespace parley::test {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

std::unique_ptr<client::RawSocket> raw(const ServerProcess& server) {
  auto s = client::RawSocket::connect(server.options());
  if (!s) throw std::runtime_error("raw connect: " + s.error().message);
  return std::move(*s);
}

json::object next_object(client::RawSocket& s) {
  auto frame = s.read(30s);
  if (!frame) throw std::runtime_error("no frame in time");
  if (auto* closed = std::get_if<client::CloseInfo>(&*frame)) {
    throw std::runtime_error("closed: " + std::to_string(closed->code) + " " + closed->reason);
  }
  return json::parse(std::get<std::string>(*frame)).as_object();
}

json::object round_trip(client::RawSocket& s, std::string_view text) {
  EXPECT_TRUE(s.send_text(text));
  return next_object(s);
}

std::string code_of(const json::object& response) {
  if (response.at("ok").as_bool()) return "ok";
  return std::string(response.at("error").at("code").as_string());
}

client::CloseInfo wait_close(client::RawSocket& s) {
  for (int i = 0; i < 100; ++i) {
    auto frame = s.read(30s);
    if (!frame) break;
    if (auto* closed = std::get_if<client::CloseInfo>(&*frame)) return *closed;
  }
  return {-1, "not closed"};
}

void hello(client::RawSocket& s) {
  auto r = round_trip(s, R"({"id":"h","type":"hello","data":{"versions":[1]}})");
  ASSERT_EQ(code_of(r), "ok") << json::serialize(r);
}

// Another client keeps being served while the bad input goes on.
void expect_server_serves_others(const ServerProcess& server) {
  auto c = connect(server);
  EXPECT_TRUE(c->request(proto::type::kPing, {}));
}

TEST(BadInput, EveryMalformedRequestGetsAnErrorAndTheConnectionStays) {
  ServerProcess server;
  auto bystander = connect(server);
  auto s = raw(server);
  hello(*s);
  struct Case {
    std::string text;
    const char* code;
    const char* field;  // "" for none
  };
  const std::vector<Case> cases = {
      {"{", "bad_request", ""},
      {"not json at all", "bad_request", ""},
      {"[1,2,3]", "bad_request", ""},
      {"42", "bad_request", ""},
      {R"({"type":"ping"})", "bad_request", "id"},
      {R"({"id":true,"type":"ping"})", "bad_request", "id"},
      {R"({"id":"x","type":5})", "bad_request", "type"},
      {R"({"id":"x","type":"ping","data":"str"})", "bad_request", "data"},
      {R"({"id":"x","type":"no_such_thing"})", "unknown_type", "type"},
      {R"({"id":"x","type":"hello","data":{"versions":[1]}})", "bad_request", ""},
      {R"({"id":"x","type":"register","data":{"username":["a"],"password":"x"}})", "bad_request", "username"},
      {R"({"id":"x","type":"register","data":{"username":"abc"}})", "bad_request", "password"},
      {R"({"id":"x","type":"login","data":{"username":"a","password":1}})", "bad_request", "password"},
      {R"({"id":"x","type":"login","data":{"username":"a","password":"b","device":"has space"}})", "bad_request", "device"},
      {R"({"id":"x","type":"user_search","data":{"query":"a"}})", "unauthorized", ""},
      {R"({"id":"x","type":"profile_update","data":{"nickname":"x"}})", "unauthorized", ""},
      {R"({"id":"x","type":"register","data":{"username":")" + std::string(5000, 'a') + R"(","password":"x"}})",
       "too_large", "username"},
      {R"({"id":"x","type":"ping","data":)" + std::string(40, '[') + std::string(40, ']') + "}", "bad_request", ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text.substr(0, 120));
    auto r = round_trip(*s, c.text);
    EXPECT_EQ(code_of(r), c.code) << json::serialize(r);
    if (r.contains("error")) {
      const auto& error = r.at("error").as_object();
      EXPECT_FALSE(error.at("message").as_string().empty());
      if (*c.field) {
        EXPECT_EQ(error.at("field"), c.field);
      }
    }
  }
  // The id is echoed when it could be read.
  EXPECT_EQ(round_trip(*s, R"({"id":"keep-me","type":"nope"})").at("id"), "keep-me");
  EXPECT_TRUE(round_trip(*s, R"({"id":1,"type":"ping"})").at("ok").as_bool());
  EXPECT_TRUE(bystander->request(proto::type::kPing, {}));
}

TEST(BadInput, RequestsBeforeHelloAndUnsupportedVersions) {
  ServerProcess server;
  auto s = raw(server);
  auto early = round_trip(*s, R"({"id":"1","type":"login","data":{"username":"a","password":"b"}})");
  EXPECT_EQ(code_of(early), "bad_request");
  EXPECT_NE(json::serialize(early).find("hello"), std::string::npos);
  EXPECT_EQ(code_of(round_trip(*s, R"({"id":"2","type":"hello","data":{"versions":[7,8]}})")), "unsupported_version");
  EXPECT_EQ(code_of(round_trip(*s, R"({"id":"3","type":"hello","data":{"versions":"1"}})")), "bad_request");
  EXPECT_EQ(code_of(round_trip(*s, R"({"id":"4","type":"hello","data":{"versions":[2,1]}})")), "ok");
}

TEST(BadInput, OversizeFramesGetTooLargeAndHugeOnesCloseTheConnection) {
  ServerProcess server({"--max-frame-bytes", "4096", "--hard-max-frame-bytes", "65536"});
  auto s = raw(server);
  hello(*s);
  std::string big = R"({"id":"big","type":"ping","data":{"pad":")" + std::string(10000, 'x') + "\"}}";
  auto r = round_trip(*s, big);
  EXPECT_EQ(code_of(r), "too_large");
  EXPECT_TRUE(r.at("id").is_null());
  EXPECT_EQ(code_of(round_trip(*s, R"({"id":1,"type":"ping"})")), "ok");  // still up
  ASSERT_TRUE(s->send_text(std::string(100'000, ' ')));
  // 1009, unless the rest of the refused frame, still unread by the server when it
  // closes, makes its kernel reset the connection before the close frame is read (0).
  auto closed = wait_close(*s);
  EXPECT_TRUE(closed.code == 1009 || closed.code == 0) << closed.code << " " << closed.reason;
  expect_server_serves_others(server);
}

TEST(BadInput, BinaryFramesAreRefused) {
  ServerProcess server;
  auto s = raw(server);
  hello(*s);
  ASSERT_TRUE(s->send_binary(R"({"id":1,"type":"ping"})"));
  EXPECT_EQ(code_of(next_object(*s)), "bad_request");
  EXPECT_EQ(code_of(round_trip(*s, R"({"id":2,"type":"ping"})")), "ok");
}

TEST(BadInput, InvalidUtf8InATextFrameFailsTheConnectionAsRfc6455Says) {
  ServerProcess server;
  auto s = raw(server);
  hello(*s);
  ASSERT_TRUE(s->send_text("{\"id\":\"1\",\"type\":\"p\xc3\x28\"}"));
  EXPECT_EQ(wait_close(*s).code, 1007);
  expect_server_serves_others(server);
}

TEST(BadInput, InvalidUtf8InsideJsonOverBinaryOrHttpIsABadRequest) {
  ServerProcess server;
  auto s = raw(server);
  hello(*s);
  auto http = client::http_request(server.options(), "POST", "/api/v1/register",
                                   "{\"username\":\"a\xff\xfe\",\"password\":\"x\"}");
  ASSERT_TRUE(http);
  EXPECT_EQ(http->status, 400);
  EXPECT_NE(http->body.find("bad_request"), std::string::npos);
}

TEST(BadInput, RequestFloodsAreRateLimitedThenCut) {
  ServerProcess server({"--max-requests-per-second", "5", "--request-burst", "5", "--max-rate-refusals", "30"});
  auto s = raw(server);
  hello(*s);
  int limited = 0;
  for (int i = 0; i < 20; ++i) {
    auto r = round_trip(*s, R"({"id":"p)" + std::to_string(i) + R"(","type":"ping"})");
    // A refusal carries the request's id, so a client can match it to the request.
    EXPECT_EQ(r.at("id"), json::value("p" + std::to_string(i)));
    if (code_of(r) == "rate_limited") {
      ++limited;
      EXPECT_TRUE(r.at("error").at("retry").as_bool());
      EXPECT_GT(r.at("error").at("retry_after_ms").as_int64(), 0);
    }
  }
  EXPECT_GE(limited, 10);
  // Ignoring the refusals gets the connection closed.
  for (int i = 0; i < 40; ++i) s->send_text(R"({"id":1,"type":"ping"})");
  EXPECT_EQ(wait_close(*s).code, 1008);
  expect_server_serves_others(server);
}

TEST(BadInput, TooManyConnectionsFromOneAddressAreRefused) {
  ServerProcess server({"--max-connections-per-ip", "3"});
  std::vector<std::unique_ptr<client::RawSocket>> held;
  for (int i = 0; i < 3; ++i) held.push_back(raw(server));
  auto refused = client::RawSocket::connect(server.options());
  EXPECT_FALSE(refused);
  auto http = client::http_request(server.options(), "GET", "/healthz");
  if (http) {
    EXPECT_EQ(http->status, 503);  // or the connection was cut first
  }
  held.pop_back();
  // A slot frees when a connection ends.
  bool served = false;
  for (int i = 0; i < 50 && !served; ++i) {
    auto h = client::http_request(server.options(), "GET", "/healthz");
    served = h && h->status == 200;
    if (!served) std::this_thread::sleep_for(100ms);
  }
  EXPECT_TRUE(served);
}

// Several requests in one frame, sent without waiting: answered in order, sends stored
// in order, a bad line answered in its place, and the connection keeps working.
void expect_pipelined_requests_answered_in_order(const ServerProcess& server) {
  register_and_login(server, "alice");
  register_and_login(server, "bob");
  auto s = raw(server);
  hello(*s);
  // Answers only: events (alice's own presence, say) may come in between.
  auto next_answer = [&] {
    for (;;) {
      auto r = next_object(*s);
      if (!r.contains("type")) return r;
    }
  };
  s->send_text(std::string(R"({"id":"l","type":"login","data":{"username":"alice","password":")") + kPassword +
               R"(","device":"pipe"}})");
  auto login = next_answer();
  ASSERT_EQ(code_of(login), "ok") << json::serialize(login);
  const std::int64_t bob = 10002;  // user ids start at 10001, in the order registered
  std::string frame;
  for (int i = 0; i < 20; ++i) {
    frame += R"({"id":"s)" + std::to_string(i) + R"(","type":"message_send","data":{"to":)" + std::to_string(bob) +
             R"(,"client_id":"p)" + std::to_string(i) + R"(","body":{"text":"n)" + std::to_string(i) + R"("}}})" + "\n";
    if (i == 10) frame += "{not json\n";
    if (i == 15) frame += R"({"id":"x","type":"ping"})" "\n";
  }
  s->send_text(frame);
  std::int64_t last_seq = 0;
  std::vector<std::string> ids;
  for (int i = 0; i < 22; ++i) {
    auto r = next_answer();
    ids.push_back(r.at("id").is_null() ? "null" : std::string(r.at("id").as_string()));
    if (ids.back()[0] == 's') {
      ASSERT_EQ(code_of(r), "ok") << json::serialize(r);
      auto seq = r.at("result").at("seq").as_int64();
      EXPECT_GT(seq, last_seq);
      last_seq = seq;
    }
  }
  std::vector<std::string> expected;
  for (int i = 0; i < 20; ++i) {
    expected.push_back("s" + std::to_string(i));
    if (i == 10) expected.push_back("null");
    if (i == 15) expected.push_back("x");
  }
  EXPECT_EQ(ids, expected);
  EXPECT_EQ(last_seq, 20);
  s->send_text(R"({"id":"after","type":"ping"})");
  EXPECT_EQ(code_of(next_answer()), "ok");
}

TEST(BadInput, PipelinedRequestsInOneFrameAreAnsweredInOrder) {
  ServerProcess server;
  expect_pipelined_requests_answered_in_order(server);
}

// The same over wss://: the frame and its answers cross TLS records of their own.
TEST(BadInput, PipelinedRequestsInOneFrameAreAnsweredInOrderOverTls) {
  ServerProcess server({"--tls-self-signed"});
  expect_pipelined_requests_answered_in_order(server);
}

}  // namespace
}  // namespace parley::test
