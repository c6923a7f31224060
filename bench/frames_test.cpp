#include "bench/frames.hpp"

#include <gtest/gtest.h>

#include "proto/messages.hpp"

namespace parley::bench {
namespace {

const proto::ParseLimits kLimits{};

TEST(SendFrame, RendersAMessageSendRequestTheCodecAccepts) {
  const SendFrame frame(10042);
  std::string out;
  frame.render(out, 1234, 7, 99, 123456789);
  auto parsed = proto::parse_request(out, kLimits);
  ASSERT_TRUE(parsed.request) << out;
  EXPECT_EQ(parsed.request->id, boost::json::value(1234));
  EXPECT_EQ(parsed.request->type, "message_send");
  auto send = proto::decode<proto::MessageSendRequest>(parsed.request->data);
  ASSERT_TRUE(send);
  EXPECT_EQ(send->to, 10042);
  EXPECT_EQ(send->client_id, "b7.99");
  EXPECT_EQ(send->kind, "text");
  ASSERT_TRUE(send->body.contains("text"));
  EXPECT_EQ(send->body.at("text"), "123456789");
}

TEST(SendFrame, RenderReplacesTheWholeFrameEachTime) {
  const SendFrame frame(5);
  std::string out;
  frame.render(out, 1000000, 123456, 123456789, 987654321987654321);
  frame.render(out, 1, 2, 3, 4);
  auto parsed = proto::parse_request(out, kLimits);
  ASSERT_TRUE(parsed.request) << out;
  auto send = proto::decode<proto::MessageSendRequest>(parsed.request->data);
  ASSERT_TRUE(send);
  EXPECT_EQ(send->client_id, "b2.3");
  EXPECT_EQ(send->body.at("text"), "4");
}

TEST(SendStamp, ReadsBackWhatRenderWrote) {
  SendStamp stamp;
  ASSERT_TRUE(read_stamp("b7.99", "123456789", stamp));
  EXPECT_EQ(stamp.sender, 7u);
  EXPECT_EQ(stamp.n, 99u);
  EXPECT_EQ(stamp.sent_ns, 123456789);
}

TEST(SendStamp, RefusesMessagesTheBenchDidNotSend) {
  SendStamp stamp;
  EXPECT_FALSE(read_stamp("6f1c2a9e-5b7d-4c1e-9a3f-2d8e7b6a5c41", "1", stamp));
  EXPECT_FALSE(read_stamp("b7.x9", "1", stamp));
  EXPECT_FALSE(read_stamp("b7.9", "晚上一起吃饭吗？", stamp));
  EXPECT_FALSE(read_stamp("b.9", "1", stamp));
  EXPECT_FALSE(read_stamp("x7.9", "1", stamp));
}

TEST(ParseIncoming, TellsResponsesFromEvents) {
  auto response = parse_incoming(
      R"({"id":1007,"ok":true,"result":{"conversation_id":1,"seq":2,"created_at":3,"duplicate":false}})");
  ASSERT_TRUE(response);
  ASSERT_TRUE(std::holds_alternative<proto::Response>(*response));
  EXPECT_EQ(response_id(std::get<proto::Response>(*response)), 1007);

  auto event = parse_incoming(R"({"type":"read","data":{"conversation_id":1,"user_id":10002,"read_seq":42}})");
  ASSERT_TRUE(event);
  ASSERT_TRUE(std::holds_alternative<proto::Event>(*event));
  EXPECT_EQ(std::get<proto::Event>(*event).type, "read");
}

TEST(ParseIncoming, DoesNotDependOnMemberOrder) {
  auto response =
      parse_incoming(R"({"ok":false,"error":{"code":"rate_limited","message":"slow down","retry":true},"id":"x"})");
  ASSERT_TRUE(response);
  ASSERT_TRUE(std::holds_alternative<proto::Response>(*response));
  EXPECT_EQ(response_id(std::get<proto::Response>(*response)), -1);  // not an integer id
  EXPECT_EQ(std::get<proto::Response>(*response).error.code, proto::Errc::rate_limited);
}

TEST(ParseIncoming, RefusesWhatIsNeither) {
  EXPECT_FALSE(parse_incoming("{}"));
  EXPECT_FALSE(parse_incoming("[1]"));
  EXPECT_FALSE(parse_incoming("{\"id\":1}"));
}

}  // namespace
}  // namespace parley::bench
