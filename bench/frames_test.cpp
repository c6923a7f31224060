#include "bench/frames.hpp"

#include <climits>
#include <cstdint>
#include <string>
#include <vector>

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

TEST(SendFrame, ToAConversationCarriesItsIdAndNoRecipient) {
  const SendFrame frame(SendFrame::Conversation{7});
  std::string out;
  frame.render(out, 1000, 0, 3, 5550001);
  auto parsed = proto::parse_request(out, kLimits);
  ASSERT_TRUE(parsed.request) << out;
  auto send = proto::decode<proto::MessageSendRequest>(parsed.request->data);
  ASSERT_TRUE(send);
  EXPECT_FALSE(send->to);
  EXPECT_EQ(send->conversation_id, 7);
  SendStamp stamp;
  ASSERT_TRUE(read_stamp(send->client_id, std::string_view(send->body.at("text").as_string()), stamp));
  EXPECT_EQ(stamp.sender, 0u);
  EXPECT_EQ(stamp.n, 3u);
  EXPECT_EQ(stamp.sent_ns, 5550001);
  EXPECT_LE(out.size(), frame.max_size());
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

TEST(SendFrame, AppendToAddsAfterWhatIsThere) {
  const SendFrame frame(5);
  std::string out = "x";
  frame.append_to(out, 7, 1, 2, 3);
  std::string alone;
  frame.render(alone, 7, 1, 2, 3);
  EXPECT_EQ(out, "x" + alone);
}

TEST(SendFrame, MaxSizeBoundsTheWidestNumbers) {
  const SendFrame frame(9223372036854775807);
  std::string out;
  frame.render(out, INT64_MIN, UINT32_MAX, UINT64_MAX, INT64_MIN);
  EXPECT_LE(out.size(), frame.max_size());
  std::string narrow;
  frame.render(narrow, 0, 0, 0, 0);
  EXPECT_EQ(frame.max_size() - narrow.size(), 19u + 9 + 19 + 19);  // each number's digits beyond the first
}

std::vector<std::string> split(std::string_view frame) {
  std::vector<std::string> out;
  FrameMessages messages(frame);
  for (std::string_view m; messages.next(m);) out.emplace_back(m);
  return out;
}

TEST(FrameMessages, OneMessageIsTheWholeFrame) {
  EXPECT_EQ(split(R"({"type":"x","data":{}})"), std::vector<std::string>{R"({"type":"x","data":{}})"});
}

TEST(FrameMessages, SplitsAtEveryNewlineInOrder) {
  EXPECT_EQ(split("{\"a\":1}\n{\"b\":2}\n{\"c\":3}"),
            (std::vector<std::string>{R"({"a":1})", R"({"b":2})", R"({"c":3})"}));
}

TEST(FrameMessages, EmptyPiecesComeOutForTheParserToRefuse) {
  EXPECT_EQ(split(""), std::vector<std::string>{""});
  EXPECT_EQ(split("{}\n"), (std::vector<std::string>{"{}", ""}));
  EXPECT_EQ(split("\n{}"), (std::vector<std::string>{"", "{}"}));
  EXPECT_EQ(split("{}\n\n{}"), (std::vector<std::string>{"{}", "", "{}"}));
  EXPECT_FALSE(parse_incoming(""));
}

TEST(FrameMessages, KeepsEscapedNewlinesInsideStrings) {
  // JSON writes a newline inside a string as \n, two characters: never a separator.
  EXPECT_EQ(split(R"({"t":"a\nb"})"), std::vector<std::string>{R"({"t":"a\nb"})"});
}

TEST(FrameBatch, JoinsMessagesWithNewlinesAndSplitsBack) {
  const SendFrame frame(42);
  FrameBatch batch(kMaxBatchBytes, 100);
  for (std::uint64_t n = 0; n < 3; ++n) {
    ASSERT_TRUE(batch.has_room(frame.max_size()));
    frame.append_to(batch.add(), 1000 + static_cast<std::int64_t>(n), 7, n, 5);
  }
  EXPECT_EQ(batch.messages(), 3u);
  const auto parts = split(batch.text());
  ASSERT_EQ(parts.size(), 3u);
  for (std::uint64_t n = 0; n < 3; ++n) {
    auto parsed = proto::parse_request(parts[n], kLimits);
    ASSERT_TRUE(parsed.request) << parts[n];
    EXPECT_EQ(parsed.request->id, boost::json::value(1000 + static_cast<std::int64_t>(n)));
    auto send = proto::decode<proto::MessageSendRequest>(parsed.request->data);
    ASSERT_TRUE(send);
    EXPECT_EQ(send->client_id, "b7." + std::to_string(n));
  }
}

TEST(FrameBatch, StopsAtTheMessageLimit) {
  FrameBatch one(kMaxBatchBytes, 1);
  EXPECT_TRUE(one.has_room(10));
  one.add() += "{}";
  EXPECT_FALSE(one.has_room(10));
  EXPECT_EQ(one.text(), "{}");
}

TEST(FrameBatch, StopsAtTheByteLimitCountingSeparators) {
  FrameBatch batch(9, 100);
  batch.add() += "abcd";
  EXPECT_TRUE(batch.has_room(4));  // "abcd\nefgh" is 9 bytes
  EXPECT_FALSE(batch.has_room(5));
  batch.add() += "efgh";
  EXPECT_EQ(batch.text(), "abcd\nefgh");
  EXPECT_FALSE(batch.has_room(0));
}

TEST(FrameBatch, AnEmptyBatchTakesAMessageOverTheLimitAndClearStartsAgain) {
  FrameBatch batch(4, 100);
  EXPECT_TRUE(batch.has_room(10));
  batch.add() += "0123456789";
  EXPECT_FALSE(batch.has_room(1));
  batch.clear();
  EXPECT_TRUE(batch.empty());
  EXPECT_EQ(batch.text(), "");
  batch.add() += "ab";
  EXPECT_EQ(batch.text(), "ab");
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

TEST(IncomingParser, ReadsResponsesAndEventsOneAfterAnother) {
  IncomingParser parser;
  auto response =
      parser.parse(R"({"id":1007,"ok":true,"result":{"conversation_id":1,"seq":2,"created_at":3,"duplicate":false}})");
  ASSERT_TRUE(response);
  EXPECT_TRUE(response->is_response);
  EXPECT_EQ(response->id, 1007);
  ASSERT_TRUE(response->ok);
  auto result = proto::decode<proto::MessageSendResult>(*response->result);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->seq, 2);

  // A bigger tree than the parser's first block: it grows, and the next parse reuses it.
  std::string text(3000, 'x');
  auto event = parser.parse(R"({"type":"message","data":{"conversation_id":1,"seq":2,"sender_id":3,"client_id":"b1.2",)"
                            R"("kind":"text","body":{"text":")" +
                            text + R"("},"created_at":4}})");
  ASSERT_TRUE(event);
  EXPECT_FALSE(event->is_response);
  EXPECT_EQ(event->type, "message");
  auto message = proto::decode<proto::ChatMessage>(*event->data);
  ASSERT_TRUE(message) << message.error().message;
  EXPECT_EQ(message->client_id, "b1.2");
  EXPECT_EQ(message->body.at("text").as_string().size(), 3000u);

  auto again = parser.parse(R"({"type":"read","data":{"conversation_id":1}})");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->type, "read");
}

TEST(IncomingParser, ReadsErrorResponsesAndOtherIds) {
  IncomingParser parser;
  auto response =
      parser.parse(R"({"ok":false,"error":{"code":"rate_limited","message":"slow down","retry":true},"id":"x"})");
  ASSERT_TRUE(response);
  EXPECT_TRUE(response->is_response);
  EXPECT_EQ(response->id, -1);  // not an integer id
  EXPECT_FALSE(response->ok);
  EXPECT_EQ(response->error.code, proto::Errc::rate_limited);
  auto unknown = parser.parse(R"({"id":null,"ok":false,"error":{"code":"bad_request","message":"?","retry":false}})");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->id, -1);
}

TEST(IncomingParser, RefusesWhatTheCodecRefuses) {
  IncomingParser parser;
  for (const char* text : {"", "{}", "[1]", "{\"id\":1}", "{\"id\":-1,\"ok\":true,\"result\":{}}",
                           "{\"id\":\"\",\"ok\":true,\"result\":{}}", "{\"id\":1,\"ok\":true}",
                           "{\"id\":1,\"ok\":false,\"error\":{\"code\":\"nonsense\"}}",
                           "{\"type\":\"x\"}", "{\"type\":1,\"data\":{}}", "{\"type\":\"x\",\"data\":{}} {}",
                           "{\"type\":\"x\",\"data\":{}}\n{\"type\":\"y\",\"data\":{}}",
                           "{\"type\":\"\xff\",\"data\":{}}"}) {
    EXPECT_FALSE(parser.parse(text)) << text;
    EXPECT_FALSE(parse_incoming(text)) << text;  // the same verdict as the codec
  }
  EXPECT_TRUE(parser.parse(R"({"type":"x","data":{}})"));  // and it recovers
}

}  // namespace
}  // namespace parley::bench
