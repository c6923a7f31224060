// parley send, history, conversations, read, recall, presence and chat against the real
// parleyd, with one CLI home per user.
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include "tests/cli_runner.hpp"
#include "tests/tcp_proxy.hpp"

namespace parley::test {
namespace {


// The texts of the `message` events among listen's JSON lines, in order.
std::vector<std::string> message_texts(const std::string& listen_out) {
  std::vector<std::string> texts;
  for (const auto& line : lines_of(listen_out)) {
    auto event = boost::json::parse(line).as_object();
    if (event.at("type") == "message") texts.emplace_back(event.at("data").at("body").at("text").as_string());
  }
  return texts;
}

// Reads what a terminal shows into `shown` until it holds `part` (up to 20 s).
bool terminal_shows(int terminal, std::string& shown, const std::string& part) {
  for (int i = 0; i < 400 && shown.find(part) == std::string::npos; ++i) {
    pollfd ready{terminal, POLLIN, 0};
    if (::poll(&ready, 1, 50) <= 0) continue;
    char chunk[4096];
    const ssize_t n = ::read(terminal, chunk, sizeof chunk);
    if (n <= 0) break;
    shown.append(chunk, static_cast<std::size_t>(n));
  }
  return has(shown, part);
}

// The types of listen's JSON lines, in order.
std::vector<std::string> event_types(const std::string& listen_out) {
  std::vector<std::string> types;
  for (const auto& line : lines_of(listen_out)) {
    types.emplace_back(boost::json::parse(line).at("type").as_string());
  }
  return types;
}

class CliChatTest : public CliRunner {
 protected:
  void SetUp() override {
    CliRunner::SetUp();
    for (const char* user : {"alice", "bob"}) sign_up(user);  // 10001, 10002
  }

  void send(const std::string& from, const std::string& to, const std::string& text) {
    auto sent = parley_as(from, {"send", to, text});
    ASSERT_EQ(sent.status, 0) << sent.err;
  }

  // Starts `parley listen` as `user` and waits until it is listening.
  pid_t start_listening(const std::string& user) {
    pid_t listener = start(user, {"listen"}, "", "listen");
    EXPECT_TRUE(has(wait_for("listen.err", "listening as"), "listening as")) << slurp_file(dir_ / "listen.err");
    return listener;
  }
};

TEST_F(CliChatTest, SendThenHistoryShowsTheMessagesInOrderWithTheirSenders) {
  auto first = parley_as("alice", {"send", "bob", "one"});
  ASSERT_EQ(first.status, 0) << first.err;
  EXPECT_TRUE(has(first.out, "conversation_id: ")) << first.out;
  EXPECT_TRUE(has(first.out, "seq: 1\n")) << first.out;
  send("bob", "alice", "two");
  auto json = parley_as("alice", {"--json", "send", "10002", "three"});  // a user id works too
  ASSERT_EQ(json.status, 0) << json.err;
  auto result = boost::json::parse(json.out).as_object();
  EXPECT_EQ(result.at("seq"), 3);
  EXPECT_EQ(result.at("duplicate"), false);

  auto history = parley_as("alice", {"history", "bob"});
  ASSERT_EQ(history.status, 0) << history.err;
  auto lines = lines_of(history.out);
  ASSERT_EQ(lines.size(), 3u) << history.out;
  // "SEQ  YYYY-MM-DD HH:MM  sender: text"
  EXPECT_EQ(lines[0].substr(0, 3), "1  ");
  EXPECT_EQ(lines[0].substr(13, 1), " ");
  EXPECT_EQ(lines[0].substr(19), "  alice: one") << lines[0];
  EXPECT_EQ(lines[1].substr(0, 3), "2  ");
  EXPECT_EQ(lines[1].substr(19), "  bob: two") << lines[1];
  EXPECT_EQ(lines[2].substr(19), "  alice: three") << lines[2];
  EXPECT_EQ(parley_as("bob", {"history", "alice"}).out, history.out);

  auto page = parley_as("alice", {"history", "bob", "--limit", "2"});
  EXPECT_TRUE(in_order(page.out, {"2  ", "bob: two", "3  ", "alice: three"})) << page.out;
  EXPECT_FALSE(has(page.out, "one")) << page.out;
  EXPECT_TRUE(has(page.err, "parley history bob --before 2")) << page.err;
  auto older = parley_as("alice", {"history", "bob", "--before", "2"});
  EXPECT_EQ(lines_of(older.out).size(), 1u) << older.out;
  EXPECT_TRUE(has(older.out, "alice: one")) << older.out;

  auto raw = parley_as("alice", {"--json", "history", "bob"});
  auto messages = boost::json::parse(raw.out).at("messages").as_array();
  ASSERT_EQ(messages.size(), 3u) << raw.out;
  EXPECT_EQ(messages[1].at("sender_id"), 10002);
  EXPECT_EQ(messages[1].at("body").at("text"), "two");
}

TEST_F(CliChatTest, SendWithADashReadsTheTextFromStdin) {
  const std::string text = "第一行：你好\n第二行 🍜🎉\n\nthird line";
  auto sent = parley_as("alice", {"send", "bob", "-"}, text + "\n");
  ASSERT_EQ(sent.status, 0) << sent.err;
  auto raw = parley_as("bob", {"--json", "history", "alice"});
  ASSERT_EQ(raw.status, 0) << raw.err;
  auto stored = boost::json::parse(raw.out).at("messages").at(0).at("body").at("text").as_string();
  EXPECT_EQ(std::string(stored), text) << raw.out;
  // Further lines are indented under the first.
  auto shown = parley_as("bob", {"history", "alice"});
  EXPECT_TRUE(has(shown.out, "alice: 第一行：你好\n    第二行 🍜🎉\n    \n    third line\n")) << shown.out;

  auto empty = parley_as("alice", {"send", "bob", "-"}, "\n");
  EXPECT_EQ(empty.status, 2);
  EXPECT_TRUE(has(empty.err, "error: bad_request: the text is empty")) << empty.err;
}

TEST_F(CliChatTest, ConversationsShowUnreadCountsAndReadClearsThem) {
  send("alice", "bob", "first");
  send("alice", "bob", "第二条 🙂");
  auto listed = parley_as("bob", {"conversations"});
  ASSERT_EQ(listed.status, 0) << listed.err;
  EXPECT_TRUE(has(listed.out, "  alice  unread=2  last: 第二条 🙂\n")) << listed.out;
  const std::string id = listed.out.substr(0, listed.out.find(' '));
  EXPECT_TRUE(has(parley_as("alice", {"conversations"}).out, id + "  bob  unread=0  last: 第二条 🙂\n"));

  auto partly = parley_as("bob", {"read", "alice", "1"});
  ASSERT_EQ(partly.status, 0) << partly.err;
  EXPECT_EQ(partly.out, "read_seq: 1\n");
  EXPECT_TRUE(has(parley_as("bob", {"conversations"}).out, "  alice  unread=1  ")) << listed.out;
  auto read = parley_as("bob", {"read", "alice"});
  ASSERT_EQ(read.status, 0) << read.err;
  EXPECT_EQ(read.out, "read_seq: 2\n");
  EXPECT_TRUE(has(parley_as("bob", {"conversations"}).out, "  alice  unread=0  ")) << listed.out;
  auto json = parley_as("bob", {"--json", "conversations"});
  EXPECT_EQ(boost::json::parse(json.out).at("conversations").at(0).at("unread"), 0) << json.out;
}

TEST_F(CliChatTest, RecallMarksTheMessageRecalledInHistory) {
  send("alice", "bob", "oops, wrong chat");
  send("alice", "bob", "hello");
  auto by_bob = parley_as("bob", {"recall", "alice", "1"});
  EXPECT_EQ(by_bob.status, 1);
  EXPECT_TRUE(has(by_bob.err, "error: forbidden:")) << by_bob.err;
  auto recalled = parley_as("alice", {"recall", "bob", "1"});
  ASSERT_EQ(recalled.status, 0) << recalled.err;
  EXPECT_EQ(recalled.out, "recalled\n");

  auto history = parley_as("bob", {"history", "alice"});
  EXPECT_TRUE(in_order(history.out, {"1  ", "  alice: (recalled)\n", "2  ", "  alice: hello\n", "3  ",
                                     "  alice: (message 1 was recalled)\n"}))
      << history.out;
  EXPECT_FALSE(has(history.out, "oops")) << history.out;
  auto again = parley_as("alice", {"recall", "bob", "1"});
  EXPECT_EQ(again.status, 1);
  EXPECT_TRUE(has(again.err, "error: conflict:")) << again.err;
}

TEST_F(CliChatTest, HistorySearchFindsAChineseWordInsideASentence) {
  send("alice", "bob", "我们明天去北京开会");
  send("bob", "alice", "今天天气很好");
  send("alice", "bob", "see you in Shanghai");
  auto found = parley_as("bob", {"history", "alice", "--search", "北京"});
  ASSERT_EQ(found.status, 0) << found.err;
  auto lines = lines_of(found.out);
  ASSERT_EQ(lines.size(), 1u) << found.out;
  EXPECT_EQ(lines[0].substr(0, 3), "1  ");
  EXPECT_TRUE(has(lines[0], "  alice: 我们明天去北京开会")) << found.out;

  // By time: dates are UTC days, --to is exclusive; a search answers oldest first too.
  auto all = parley_as("bob", {"history", "alice", "--from", "2000-01-01", "--to", "2999-12-31T23:59:59+08:00"});
  ASSERT_EQ(all.status, 0) << all.err;
  EXPECT_TRUE(in_order(all.out, {"北京", "天气", "Shanghai"})) << all.out;
  auto none = parley_as("bob", {"history", "alice", "--to", "2000-01-01T00:00Z"});
  ASSERT_EQ(none.status, 0) << none.err;
  EXPECT_EQ(none.out, "");
  auto both = parley_as("bob", {"history", "alice", "--search", "天气", "--from", "2000-01-01"});
  EXPECT_TRUE(has(both.out, "bob: 今天天气很好") && lines_of(both.out).size() == 1u) << both.out;

  EXPECT_EQ(parley_as("bob", {"history", "alice", "--from", "2025-02-30"}).status, 2);
  EXPECT_EQ(parley_as("bob", {"history", "alice", "--to", "yesterday"}).status, 2);
  EXPECT_EQ(parley_as("bob", {"history", "alice", "--search", "x", "--before", "2"}).status, 2);
}

TEST_F(CliChatTest, ChatShowsHistoryAndSendsEachLineToTheListeningPeer) {
  send("bob", "alice", "are you there?");
  pid_t listener = start_listening("bob");

  int input = -1;
  pid_t chat = start_piped("alice", {"chat", "bob"}, input, "chat");
  ASSERT_GT(chat, 0);
  const std::string lines = "hello bob\n第二行：晚上一起吃饭吗？🍜\n";
  ASSERT_EQ(::write(input, lines.data(), lines.size()), static_cast<ssize_t>(lines.size()));
  ::close(input);
  auto chatted = finish(chat, "chat");
  EXPECT_EQ(chatted.status, 0) << chatted.err;
  EXPECT_TRUE(has(chatted.err, "chatting with bob (bob) as alice")) << chatted.err;
  // The history first, then what alice sent, each as "[HH:MM] nickname: text".
  auto shown = lines_of(chatted.out);
  ASSERT_EQ(shown.size(), 3u) << chatted.out;
  EXPECT_EQ(shown[0].substr(0, 1) + shown[0].substr(3, 1) + shown[0].substr(6), "[:] bob: are you there?");
  EXPECT_EQ(shown[1].substr(7), " alice: hello bob");
  EXPECT_EQ(shown[2].substr(7), " alice: 第二行：晚上一起吃饭吗？🍜");

  wait_for("listen.out", "吃饭");
  ::kill(listener, SIGINT);
  auto listened = finish(listener, "listen");
  EXPECT_EQ(listened.status, 0) << listened.err;
  EXPECT_EQ(message_texts(listened.out), (std::vector<std::string>{"hello bob", "第二行：晚上一起吃饭吗？🍜"}))
      << listened.out;
  // The chat marked what it showed read: a read event for bob, and no unread for alice.
  EXPECT_TRUE(has(listened.out, "\"type\":\"read\"")) << listened.out;
  EXPECT_TRUE(has(parley_as("alice", {"conversations"}).out, "  bob  unread=0  "));
}

TEST_F(CliChatTest, ChatShowsWhatComesInWhileItRuns) {
  send("alice", "bob", "hi");
  int input = -1;
  pid_t chat = start_piped("bob", {"chat", "alice"}, input, "chat");
  ASSERT_TRUE(has(wait_for("chat.err", "chatting with"), "chatting with"));
  ASSERT_TRUE(has(wait_for("chat.out", "alice: hi"), "alice: hi"));

  // alice on another device: typing (WebSocket only), a message, a recall.
  auto alice = connect(server_);
  ASSERT_TRUE(alice->call<proto::LoginResult>(proto::type::kLogin, proto::LoginRequest{"alice", kPassword, "phone"}));
  auto conversations =
      alice->call<proto::ConversationsResult>(proto::type::kConversations, proto::ConversationsRequest{});
  ASSERT_TRUE(conversations && conversations->conversations.size() == 1u);
  const std::int64_t id = conversations->conversations[0].conversation_id;
  ASSERT_TRUE(alice->call<proto::EmptyResult>(proto::type::kTyping, proto::TypingRequest{id}));
  EXPECT_TRUE(has(wait_for("chat.out", "* alice is typing…"), "* alice is typing…"));
  send("alice", "bob", "new one");
  ASSERT_TRUE(has(wait_for("chat.out", "alice: new one"), "alice: new one"));
  ASSERT_EQ(parley_as("alice", {"recall", "bob", "2"}).status, 0);
  ASSERT_TRUE(has(wait_for("chat.out", "(message 2 was recalled)"), "(message 2 was recalled)"));

  ::close(input);
  auto chatted = finish(chat, "chat");
  EXPECT_EQ(chatted.status, 0) << chatted.err;
  EXPECT_TRUE(
      in_order(chatted.out, {"alice: hi\n", "* alice is typing…\n", "alice: new one\n", "(message 2 was recalled)\n"}))
      << chatted.out;
  // bob saw everything, so nothing is unread.
  EXPECT_TRUE(has(parley_as("bob", {"conversations"}).out, "  alice  unread=0  "));
}

// Connections through a proxy that the test breaks while parleyd stays up.
TEST_F(CliChatTest, ChatReconnectsOnceAndResendsWithoutDuplicates) {
  TcpProxy proxy(server_.port());
  const std::string via_proxy = "http://127.0.0.1:" + std::to_string(proxy.port());
  int input = -1;
  pid_t chat = start_piped("alice", {"--server", via_proxy, "chat", "bob"}, input, "chat");
  ASSERT_TRUE(has(wait_for("chat.err", "chatting with"), "chatting with"));

  // Lost while idle: it reconnects, and what it sends then arrives.
  proxy.cut();
  ASSERT_TRUE(has(wait_for("chat.err", "reconnected"), "reconnected")) << slurp_file(dir_ / "chat.err");
  const std::string first = "after the first break\n";
  ASSERT_EQ(::write(input, first.data(), first.size()), static_cast<ssize_t>(first.size()));
  ASSERT_TRUE(has(wait_for("chat.out", "alice: after the first break"), "after the first break"));

  // Lost after the request reached the server but before its answer came back: sent
  // again on a new connection with the same client_id, it is stored once.
  proxy.cut_after_next_send();
  const std::string second = "said once\n";
  ASSERT_EQ(::write(input, second.data(), second.size()), static_cast<ssize_t>(second.size()));
  ASSERT_TRUE(has(wait_for("chat.out", "alice: said once"), "alice: said once"));
  ::close(input);
  auto chatted = finish(chat, "chat");
  EXPECT_EQ(chatted.status, 0) << chatted.err;
  EXPECT_EQ(proxy.accepted(), 3) << chatted.err;

  auto history = parley_as("bob", {"history", "alice"});
  EXPECT_TRUE(in_order(history.out, {"1  ", "alice: after the first break\n", "2  ", "alice: said once\n"}))
      << history.out;
  EXPECT_EQ(lines_of(history.out).size(), 2u) << history.out;
}

// At a terminal, chat reads keys: the peer sees that one types, and the line is edited
// as a person would expect.
TEST_F(CliChatTest, ChatAtATerminalSendsTypingAndEditsTheLine) {
  send("alice", "bob", "hi");
  pid_t listener = start_listening("alice");
  int terminal = -1;
  pid_t chat = start_on_terminal("bob", {"chat", "alice"}, terminal, "chat");
  ASSERT_GT(chat, 0);
  std::string shown;
  ASSERT_TRUE(terminal_shows(terminal, shown, "alice: hi")) << shown;

  auto type = [terminal](const std::string& keys) {
    ASSERT_EQ(::write(terminal, keys.data(), keys.size()), static_cast<ssize_t>(keys.size()));
  };
  type("hel");
  EXPECT_TRUE(has(wait_for("listen.out", "\"typing\""), "\"typing\"")) << slurp_file(dir_ / "listen.out");
  ASSERT_TRUE(terminal_shows(terminal, shown, "> hel")) << shown;
  type("lo 世\x7f界\x1b[D\r");  // Backspace erases 世; the left arrow is ignored
  ASSERT_TRUE(terminal_shows(terminal, shown, "bob: hello 界")) << shown;
  type("\x04");  // Ctrl-D on an empty line
  auto chatted = finish(chat, "chat");
  ::close(terminal);
  EXPECT_EQ(chatted.status, 0) << chatted.err;

  wait_for("listen.out", "hello 界");
  ::kill(listener, SIGINT);
  auto listened = finish(listener, "listen");
  EXPECT_EQ(message_texts(listened.out), std::vector<std::string>{"hello 界"}) << listened.out;
  auto types = event_types(listened.out);
  auto typing = std::find(types.begin(), types.end(), "typing");
  EXPECT_TRUE(typing != types.end() && std::find(typing, types.end(), "message") != types.end()) << listened.out;
}

TEST_F(CliChatTest, ChatEndsWithStatusZeroOnSigint) {
  int input = -1;
  pid_t chat = start_piped("alice", {"chat", "bob"}, input, "chat");
  ASSERT_TRUE(has(wait_for("chat.err", "chatting with"), "chatting with"));
  ::kill(chat, SIGINT);
  EXPECT_EQ(finish(chat, "chat").status, 0);
  ::close(input);
}

TEST_F(CliChatTest, BadInput) {
  auto unknown = parley_as("alice", {"send", "nosuchuser", "hi"});
  EXPECT_EQ(unknown.status, 1);
  EXPECT_TRUE(has(unknown.err, "error: not_found:")) << unknown.err;
  auto json = parley_as("alice", {"--json", "send", "nosuchuser", "hi"});
  EXPECT_EQ(boost::json::parse(json.out).at("code"), "not_found") << json.out;
  EXPECT_EQ(parley_as("alice", {"send", "bob"}).status, 2);  // no TEXT
  EXPECT_EQ(parley_as("alice", {"send"}).status, 2);
  EXPECT_EQ(parley_as("alice", {"send", "bob", std::string("bad \xff utf-8")}).status, 2);
  auto self = parley_as("alice", {"send", "alice", "me"});
  EXPECT_EQ(self.status, 1);
  EXPECT_TRUE(has(self.err, "error: bad_request:")) << self.err;

  auto chat_unknown = parley_as("alice", {"chat", "nosuchuser"});
  EXPECT_EQ(chat_unknown.status, 1);
  EXPECT_TRUE(has(chat_unknown.err, "error: not_found:")) << chat_unknown.err;
  EXPECT_EQ(parley_as("alice", {"chat", "alice"}).status, 2);
  EXPECT_EQ(parley_as("alice", {"chat"}).status, 2);

  // No conversation yet.
  auto history = parley_as("alice", {"history", "bob"});
  EXPECT_EQ(history.status, 1);
  EXPECT_TRUE(has(history.err, "error: not_found: you have no conversation with bob yet")) << history.err;
  EXPECT_EQ(parley_as("alice", {"read", "bob"}).status, 1);
  EXPECT_EQ(parley_as("alice", {"recall", "bob"}).status, 2);  // no SEQ
  EXPECT_EQ(parley_as("alice", {"recall", "bob", "zero"}).status, 2);
  EXPECT_EQ(parley_as("alice", {"history", "bob", "--limit", "0"}).status, 2);
  EXPECT_TRUE(has(parley_as("alice", {"conversations"}).err, "no conversations yet"));

  auto away = parley_as("alice", {"presence", "away"});
  EXPECT_EQ(away.status, 0) << away.err;
  EXPECT_EQ(away.out, "presence: away\n");
  EXPECT_EQ(parley_as("alice", {"presence", "offline"}).status, 2);
  EXPECT_EQ(parley_as("alice", {"presence"}).status, 2);

  auto nobody = parley_as("nobody", {"send", "bob", "hi"});
  EXPECT_EQ(nobody.status, 1);
  EXPECT_TRUE(has(nobody.err, "not logged in")) << nobody.err;
  EXPECT_EQ(parley_as("alice", {"--server", "http://127.0.0.1:1", "send", "bob", "hi"}).status, 3);
  EXPECT_EQ(parley_as("alice", {"--server", "http://127.0.0.1:1", "chat", "bob"}).status, 3);
}

}  // namespace
}  // namespace parley::test
