#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "proto/codec.hpp"
#include "proto/messages.hpp"

namespace parley::proto {
namespace {

const ParseLimits kLimits{1024, 8};

TEST(Codec, ErrorCodesRoundTrip) {
  for (int i = 0; i <= static_cast<int>(Errc::unavailable); ++i) {
    auto code = static_cast<Errc>(i);
    EXPECT_EQ(errc_from_string(to_string(code)), code);
  }
  EXPECT_FALSE(errc_from_string("nope"));
  EXPECT_TRUE(retryable(Errc::rate_limited));
  EXPECT_FALSE(retryable(Errc::bad_request));
  EXPECT_EQ(http_status(Errc::unauthorized), 401);
}

TEST(Codec, TheMessageEventFastPathWritesWhatTheCodecWrites) {
  std::vector<ChatMessage> messages = {
      {1, 42, 10001, "6f1c2a9e", kind::kText, {{"text", "晚上一起吃饭吗？🍜"}}, 1795315740169, false},
      {7, 1, 10002, R"(quote " back\ tab	 汉字)", kind::kText, {{"text", "line\nbreak \"q\""}}, 0, false},
      {9223372036854775807, 3, 0, "", kind::kRecall, {{"seq", 2}}, 5, false},
      {2, 5, 10003, "c", kind::kText, {}, 6, true},
  };
  for (const auto& m : messages) {
    auto expected = serialize(Event{event::kMessage, encode(m)});
    EXPECT_EQ(message_event_text(m, boost::json::serialize(m.body)), expected);
  }
}

TEST(Codec, ParsesARequest) {
  auto p = parse_request(R"({"id":"a","type":"ping","data":{"x":1},"extra":true})", kLimits);
  ASSERT_TRUE(p.request);
  EXPECT_EQ(p.request->type, "ping");
  EXPECT_EQ(p.request->id, boost::json::value("a"));
  EXPECT_EQ(p.request->data.at("x"), 1);
}

TEST(Codec, AcceptsIntegerIdsAndMissingData) {
  auto p = parse_request(R"({"id":42,"type":"ping"})", kLimits);
  ASSERT_TRUE(p.request);
  EXPECT_EQ(p.request->id, boost::json::value(42));
  EXPECT_TRUE(p.request->data.empty());
}

struct BadCase {
  const char* text;
  Errc code;
  const char* field;
  bool id_recovered;
};

class CodecBadInput : public ::testing::TestWithParam<BadCase> {};

TEST_P(CodecBadInput, IsRefusedWithAClearError) {
  const auto& c = GetParam();
  auto p = parse_request(c.text, kLimits);
  ASSERT_FALSE(p.request);
  EXPECT_EQ(p.request.error().code, c.code) << p.request.error().message;
  EXPECT_EQ(p.request.error().field, c.field);
  EXPECT_EQ(!p.id.is_null(), c.id_recovered);
}

INSTANTIATE_TEST_SUITE_P(
    All, CodecBadInput,
    ::testing::Values(BadCase{"{", Errc::bad_request, "", false}, BadCase{"[1,2]", Errc::bad_request, "", false},
                      BadCase{"\"text\"", Errc::bad_request, "", false},
                      BadCase{R"({"type":"ping"})", Errc::bad_request, "id", false},
                      BadCase{R"({"id":"","type":"ping"})", Errc::bad_request, "id", false},
                      BadCase{R"({"id":-1,"type":"ping"})", Errc::bad_request, "id", false},
                      BadCase{R"({"id":1.5,"type":"ping"})", Errc::bad_request, "id", false},
                      BadCase{R"({"id":{},"type":"ping"})", Errc::bad_request, "id", false},
                      BadCase{R"({"id":"1"})", Errc::bad_request, "type", true},
                      BadCase{R"({"id":"1","type":7})", Errc::bad_request, "type", true},
                      BadCase{R"({"id":"1","type":"ping","data":[]})", Errc::bad_request, "data", true},
                      BadCase{R"({"id":"1","type":"ping","data":{"a":[[[[[[[[[1]]]]]]]]]}})", Errc::bad_request, "", false},
                      BadCase{"{\"id\":\"1\",\"type\":\"p\xff\"}", Errc::bad_request, "", false}));

TEST(Codec, OversizeTextIsTooLarge) {
  std::string text = R"({"id":"1","type":"ping","data":{"s":")" + std::string(2000, 'x') + "\"}}";
  auto p = parse_request(text, kLimits);
  ASSERT_FALSE(p.request);
  EXPECT_EQ(p.request.error().code, Errc::too_large);
}

TEST(Codec, ResponsesRoundTrip) {
  auto ok = ok_response(7, {{"time", 5}});
  auto parsed = parse_response(serialize(ok), kLimits);
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(parsed->ok);
  EXPECT_EQ(parsed->result.at("time"), 5);

  Error error = make_error(Errc::rate_limited, "slow down", "x");
  error.retry_after_ms = 250;
  auto text = serialize(error_response("q", error));
  auto back = parse_response(text, kLimits);
  ASSERT_TRUE(back);
  EXPECT_FALSE(back->ok);
  EXPECT_EQ(back->error, error);
  auto json = boost::json::parse(text).as_object();
  EXPECT_EQ(json.at("error").at("retry"), true);
}

TEST(Codec, HttpBodyHasNoId) {
  auto body = boost::json::parse(serialize_http_body(ok_response(1, {}))).as_object();
  EXPECT_FALSE(body.contains("id"));
  EXPECT_EQ(body.at("ok"), true);
}

TEST(Codec, EventsHaveNoId) {
  EXPECT_FALSE(parse_event(R"({"id":1,"type":"kicked","data":{}})", kLimits));
  auto e = parse_event(serialize(Event{"kicked", encode(KickedEvent{"logged_out", "bye"})}), kLimits);
  ASSERT_TRUE(e);
  auto kicked = decode<KickedEvent>(e->data);
  ASSERT_TRUE(kicked);
  EXPECT_EQ(kicked->reason, "logged_out");
}

TEST(Messages, WrongMemberTypesNameTheField) {
  auto r = decode<LoginRequest>(boost::json::parse(R"({"username":5,"password":"x"})").as_object());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "username");
  auto l = decode<UserSearchRequest>(boost::json::parse(R"({"query":"a","limit":500})").as_object());
  ASSERT_FALSE(l);
  EXPECT_EQ(l.error().field, "limit");
  auto m = decode<RegisterRequest>(boost::json::parse(R"({"username":"abc"})").as_object());
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().field, "password");
  auto big = decode<ProfileUpdateRequest>(
      boost::json::object{{"signature", std::string(5000, 'x')}});
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().code, Errc::too_large);
  EXPECT_EQ(big.error().field, "signature");
}

TEST(Messages, NullMembersReadAsAbsent) {
  auto r = decode<LoginRequest>(boost::json::parse(R"({"username":"a","password":"b","device":null})").as_object());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->device, "default");
}

TEST(Messages, ProfileRoundTripKeepsPrivateFieldsOnlyWhenSet) {
  Profile p{10001, "alice", "A", "", "female", "", 1, std::nullopt, std::nullopt};
  auto json = encode(p);
  EXPECT_FALSE(json.contains("email"));
  p.email = "a@b.c";
  auto back = decode<Profile>(encode(p));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->email, "a@b.c");
}

}  // namespace
}  // namespace parley::proto
