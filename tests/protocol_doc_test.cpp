// Feeds every example in docs/protocol.md through the real codec and the typed decoder
// of its message type, so the contract cannot drift from the code.
#include <fstream>
#include <regex>
#include <sstream>

#include <algorithm>
#include <map>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include "proto/codec.hpp"
#include "proto/messages.hpp"

namespace parley::proto {
namespace {

struct Example {
  std::string kind;  // request, response or event
  std::string text;
  int line = 0;
};

std::vector<Example> examples() {
  std::ifstream file(PARLEY_SOURCE_DIR "/docs/protocol.md");
  std::vector<Example> out;
  std::string line;
  int number = 0;
  Example* current = nullptr;
  while (std::getline(file, line)) {
    ++number;
    if (current == nullptr && line.rfind("```json ", 0) == 0) {
      out.push_back({line.substr(8), "", number});
      current = &out.back();
    } else if (current != nullptr && line == "```") {
      current = nullptr;
    } else if (current != nullptr) {
      current->text += line + "\n";
    }
  }
  return out;
}

// Decodes `data` as the typed message T and encodes it again: the example must come
// back unchanged, so the schema's decode and encode agree with the document.
template <class T>
Status round_trip(const boost::json::object& data) {
  auto r = decode<T>(data);
  if (!r) return r.error();
  if (encode(*r) != data) {
    return make_error(Errc::internal, "encodes back as " + boost::json::serialize(encode(*r)));
  }
  return {};
}

template <class Request, class Result>
Status check_pair(bool is_request, const boost::json::object& data) {
  return is_request ? round_trip<Request>(data) : round_trip<Result>(data);
}

Status decode_typed(const std::string& type, bool is_request, const boost::json::object& data) {
  if (type == type::kHello) return check_pair<HelloRequest, HelloResult>(is_request, data);
  if (type == type::kPing) return check_pair<PingRequest, PingResult>(is_request, data);
  if (type == type::kRegister) return check_pair<RegisterRequest, RegisterResult>(is_request, data);
  if (type == type::kLogin) return check_pair<LoginRequest, LoginResult>(is_request, data);
  if (type == type::kAuth) return check_pair<AuthRequest, AuthResult>(is_request, data);
  if (type == type::kLogout) return check_pair<LogoutRequest, EmptyResult>(is_request, data);
  if (type == type::kChangePassword) return check_pair<ChangePasswordRequest, ChangePasswordResult>(is_request, data);
  if (type == type::kProfileGet) return check_pair<ProfileGetRequest, Profile>(is_request, data);
  if (type == type::kProfileUpdate) return check_pair<ProfileUpdateRequest, Profile>(is_request, data);
  if (type == type::kUserSearch) return check_pair<UserSearchRequest, UserSearchResult>(is_request, data);
  if (type == type::kMessageSend) return check_pair<MessageSendRequest, MessageSendResult>(is_request, data);
  if (type == type::kConversations) return check_pair<ConversationsRequest, ConversationsResult>(is_request, data);
  if (type == type::kSync) return check_pair<SyncRequest, MessagesResult>(is_request, data);
  if (type == type::kHistory) return check_pair<HistoryRequest, MessagesResult>(is_request, data);
  if (type == type::kMessageRead) return check_pair<MessageReadRequest, MessageReadResult>(is_request, data);
  if (type == type::kMessageRecall) return check_pair<MessageRecallRequest, MessageRecallResult>(is_request, data);
  if (type == type::kMessageSearch) return check_pair<MessageSearchRequest, MessagesResult>(is_request, data);
  if (type == type::kPresenceSet) return check_pair<PresenceSetRequest, EmptyResult>(is_request, data);
  if (type == type::kTyping) return check_pair<TypingRequest, EmptyResult>(is_request, data);
  return make_error(Errc::unknown_type, "no typed decoder for " + type);
}

TEST(ProtocolDoc, HasExamplesOfEveryKind) {
  auto all = examples();
  ASSERT_GT(all.size(), 20u);
  for (const char* kind : {"request", "response", "event"}) {
    EXPECT_TRUE(std::any_of(all.begin(), all.end(), [&](const Example& e) { return e.kind == kind; })) << kind;
  }
}

TEST(ProtocolDoc, EveryExampleParses) {
  const ParseLimits limits;
  // The request types seen so far, so each response is decoded as its request's result.
  std::map<std::string, std::string> type_of_id;
  std::string last_type;
  for (const auto& e : examples()) {
    SCOPED_TRACE("docs/protocol.md line " + std::to_string(e.line) + ": " + e.text);
    if (e.kind == "request") {
      auto parsed = parse_request(e.text, limits);
      ASSERT_TRUE(parsed.request) << parsed.request.error().message;
      auto s = decode_typed(parsed.request->type, true, parsed.request->data);
      EXPECT_TRUE(s) << (s ? "" : s.error().message);
      last_type = parsed.request->type;
      // A serialised request parses back to the same thing.
      auto again = parse_request(serialize(*parsed.request), limits);
      ASSERT_TRUE(again.request);
      EXPECT_EQ(again.request->data, parsed.request->data);
    } else if (e.kind == "response") {
      auto parsed = parse_response(e.text, limits);
      ASSERT_TRUE(parsed) << parsed.error().message;
      if (parsed->ok) {
        ASSERT_FALSE(last_type.empty()) << "a result example must follow its request example";
        auto s = decode_typed(last_type, false, parsed->result);
        EXPECT_TRUE(s) << (s ? "" : s.error().message);
      }
      EXPECT_EQ(boost::json::parse(serialize(*parsed)), boost::json::parse(e.text));
    } else if (e.kind == "event") {
      auto parsed = parse_event(e.text, limits);
      ASSERT_TRUE(parsed) << parsed.error().message;
      if (parsed->type == event::kKicked) {
        EXPECT_TRUE(round_trip<KickedEvent>(parsed->data));
      } else if (parsed->type == event::kServerShutdown) {
        EXPECT_TRUE(round_trip<ServerShutdownEvent>(parsed->data));
      } else if (parsed->type == event::kMessage) {
        EXPECT_TRUE(round_trip<ChatMessage>(parsed->data));
      } else if (parsed->type == event::kRead) {
        EXPECT_TRUE(round_trip<ReadEvent>(parsed->data));
      } else if (parsed->type == event::kPresence) {
        EXPECT_TRUE(round_trip<PresenceEvent>(parsed->data));
      } else if (parsed->type == event::kTyping) {
        EXPECT_TRUE(round_trip<TypingEvent>(parsed->data));
      } else {
        ADD_FAILURE() << "no typed decoder for event " << parsed->type;
      }
    } else {
      ADD_FAILURE() << "unknown example kind " << e.kind;
    }
  }
}

TEST(ProtocolDoc, EveryErrorCodeIsDocumented) {
  std::ifstream file(PARLEY_SOURCE_DIR "/docs/protocol.md");
  std::stringstream text;
  text << file.rdbuf();
  for (int i = 0; i <= static_cast<int>(Errc::unavailable); ++i) {
    std::string code = "| `" + std::string(to_string(static_cast<Errc>(i))) + "` |";
    EXPECT_NE(text.str().find(code), std::string::npos) << code;
  }
}

}  // namespace
}  // namespace parley::proto
