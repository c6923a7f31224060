// chat: an interactive conversation with one user, or in a group, over a WebSocket.
// Shows the last messages, then new ones as they come, and sends each line read from
// stdin.
//
// At a terminal it reads keystrokes (TerminalInput), so it can send typing notices;
// from a pipe or a file it reads whole lines (LineInput) and sends none.
#include <unistd.h>

#include <array>
#include <iostream>
#include <set>
#include <thread>

#include <boost/json/serialize.hpp>

#include "cli/chat_support.hpp"
#include "cli/commands.hpp"
#include "cli/group_support.hpp"
#include "cli/line_input.hpp"
#include "cli/live_connection.hpp"
#include "cli/terminal_input.hpp"
#include "cli/times.hpp"
#include "cli/users.hpp"
#include "proto/codec.hpp"

namespace parley::cli {
namespace {

using namespace std::chrono_literals;

constexpr std::chrono::milliseconds kPollInterval = 100ms;
constexpr std::int64_t kHistoryLines = 20;
constexpr std::int64_t kSyncPage = 100;
constexpr std::chrono::milliseconds kMaxReconnectWait = 10s;
constexpr std::chrono::milliseconds kTypingInterval = 2s;
constexpr char kContinuation[] = "        ";  // indents the further lines of a message

struct Person {
  std::int64_t user_id = 0;
  std::string username;
  std::string nickname;
};

// One chat: the connection, who talks, and what has been shown. Lives on the main
// thread; the only other thread is the client library's, behind Client. With a user
// (peer_) or in a group (group_, whose members are in names_).
class ChatSession {
 public:
  ChatSession(const Context& context, SavedSession saved, LiveConnection live, ChatInput& input)
      : context_(context), saved_(std::move(saved)), live_(std::move(live)), input_(input) {}

  // Runs until EOF, SIGINT, a connection that cannot be had back or the end of one's
  // membership of the group; the exit status. TARGET: a user, or a group "#7".
  int run(const std::string& target);

 private:
  using EventHandler = void (ChatSession::*)(const boost::json::object&);

  SocketChannel channel() const { return SocketChannel(*live_.client); }
  Outcome<void> start(const std::string& target);
  Outcome<void> start_group(std::int64_t group_id);
  Outcome<void> find_conversation();
  std::string greeting() const;
  void show_history();
  std::optional<int> step();
  std::optional<int> send(std::string text);
  std::optional<int> recover();
  void catch_up();
  void show_events();
  void on_message(const boost::json::object& data);
  void on_typing(const boost::json::object& data);
  void on_presence(const boost::json::object& data);
  void on_kicked(const boost::json::object& data);
  void on_shutdown(const boost::json::object& data);
  bool wait_to_reconnect();
  void show(const proto::ChatMessage& message);
  // Human mode only: one line, at once, above the line being typed.
  void say(const std::string& line) const;
  // To stderr, above the line being typed: a remark, or a failure (returning its status).
  void note(const std::string& text) const;
  int complain(const Failure& failure) const;
  void send_typing();
  std::string nickname(std::int64_t user_id);
  void mark_read();

  const Context& context_;
  SavedSession saved_;
  LiveConnection live_;
  ChatInput& input_;
  Person me_;
  Person peer_;                        // a direct chat's
  std::optional<std::int64_t> group_;  // a group chat's group id (also its conversation id)
  std::string group_name_;
  GroupNames names_;                             // in a group
  bool left_group_ = false;                      // shown the end of one's membership
  std::optional<std::int64_t> conversation_id_;  // none before the first message
  std::set<std::int64_t> shown_;                 // the seqs shown: a message comes once
  std::int64_t newest_shown_ = 0;
  bool unread_shown_ = false;                     // shown a message from someone else since the last message_read
  std::chrono::milliseconds reconnect_after_{0};  // what a server_shutdown asked for
  std::chrono::steady_clock::time_point last_typing_{};
};

Outcome<Person> person(const Channel& channel, const std::string& user) {
  auto reply = ask<proto::Profile>(channel, proto::type::kProfileGet, profile_target(user));
  if (!reply) return reply.error();
  return Person{reply->value.user_id, reply->value.username, reply->value.nickname};
}

int ChatSession::run(const std::string& target) {
  if (auto started = start(target); !started) return complain(started.error());
  note(greeting() + " as " + me_.username + "; Enter sends a line; Ctrl-D or Ctrl-C ends");
  show_history();
  for (;;) {
    if (stop_requested()) break;
    if (auto status = step()) return *status;
    if (input_.ended()) break;
  }
  mark_read();
  live_.client->close();
  return kExitOk;
}

std::string ChatSession::greeting() const {
  if (group_) return "chatting in " + group_label(*group_) + " " + group_name_;
  return "chatting with " + peer_.username + " (" + peer_.nickname + ")";
}

Outcome<void> ChatSession::start(const std::string& target) {
  auto group = group_target(target);
  if (!group) return group.error();
  auto me = person(channel(), "");
  if (!me) return me.error();
  me_ = std::move(*me);
  if (*group) return start_group(**group);
  auto peer = person(channel(), target);
  if (!peer) return peer.error();
  if (peer->user_id == me_.user_id) return usage_error("you cannot chat with yourself");
  peer_ = std::move(*peer);
  return find_conversation();
}

// A group's conversation is the group; its members give the names shown.
Outcome<void> ChatSession::start_group(std::int64_t group_id) {
  auto info = ask<proto::GroupInfo>(channel(), proto::type::kGroupInfo, proto::GroupRef{group_id});
  if (!info) return info.error();
  if (!info->value.role) {
    return Failure(proto::make_error(proto::Errc::not_found, "you are not a member of group " + group_label(group_id) +
                                                                 "; join it first: parley group join " +
                                                                 std::to_string(group_id)));
  }
  auto list = fetch_members(channel(), group_id);
  if (!list) return list.error();
  for (const auto& m : list->members) names_.add(m);
  group_ = group_id;
  group_name_ = printable(info->value.name, "");
  conversation_id_ = group_id;
  return {};
}

Outcome<void> ChatSession::find_conversation() {
  if (group_) return {};
  auto conversation = find_direct(channel(), peer_.user_id);
  if (!conversation) return conversation.error();
  if (*conversation) conversation_id_ = (*conversation)->conversation_id;
  return {};
}

void ChatSession::show_history() {
  if (!conversation_id_) return;
  auto reply = ask<proto::MessagesResult>(channel(), proto::type::kHistory,
                                          proto::HistoryRequest{*conversation_id_, std::nullopt, kHistoryLines});
  if (!reply) {
    complain(reply.error());
    return;
  }
  for (const auto& m : reply->value.messages) show(m);
  mark_read();
}

// One turn of the loop: what came in, then at most one line typed. An exit status
// when the chat has to end.
std::optional<int> ChatSession::step() {
  show_events();
  if (left_group_) {
    note("you are no longer a member of " + group_label(*group_) + "; the chat ends");
    return kExitOk;
  }
  if (!live_.client->is_open()) return recover();
  mark_read();
  auto line = input_.next_line(kPollInterval);
  const bool typed = input_.typed();
  if (line) return line->empty() ? std::nullopt : send(std::move(*line));
  if (typed) send_typing();  // not with a line just sent: the message itself follows
  return std::nullopt;
}

// At most one typing request every kTypingInterval (the server drops more anyway).
void ChatSession::send_typing() {
  const auto now = std::chrono::steady_clock::now();
  // Groups have no typing notices (the server does not pass them on).
  if (group_ || !conversation_id_ || now - last_typing_ < kTypingInterval) return;
  last_typing_ = now;
  auto reply = ask<proto::EmptyResult>(channel(), proto::type::kTyping, proto::TypingRequest{*conversation_id_});
  if (!reply && live_.client->is_open()) complain(reply.error());
}

std::optional<int> ChatSession::send(std::string text) {
  if (!valid_utf8(text)) {
    complain(usage_error("the line is not valid UTF-8; not sent"));
    return std::nullopt;
  }
  const proto::MessageSendRequest request =
      group_ ? group_text_message(*group_, text, find_mentions(text, names_, names_.role(me_.user_id)))
             : text_message(peer_.user_id, std::move(text));
  auto reply = ask<proto::MessageSendResult>(channel(), proto::type::kMessageSend, request);
  if (!reply && !live_.client->is_open()) {
    if (auto status = recover()) return status;
    // The same client_id: if the first one was stored, this returns it, not a second.
    reply = ask<proto::MessageSendResult>(channel(), proto::type::kMessageSend, request);
  }
  if (!reply) {
    complain(reply.error());
    return std::nullopt;
  }
  const proto::MessageSendResult& sent = reply->value;
  conversation_id_ = sent.conversation_id;
  show(proto::ChatMessage{sent.conversation_id, sent.seq, me_.user_id, request.client_id, request.kind, request.body,
                          sent.created_at, false});
  return std::nullopt;
}

// The connection is gone: reconnect once when the server went away, then fetch what
// was missed. Any other close (signed out, say) ends the chat.
std::optional<int> ChatSession::recover() {
  show_events();  // those that came before the close
  const auto info = live_.client->wait_closed(0ms).value_or(client::CloseInfo{});
  if (!server_went_away(info)) {
    int status = kExitOk;
    input_.above([&] { status = report_close(context_, info); });
    return status;
  }
  note("the connection was lost (" + std::to_string(info.code) + "); reconnecting");
  if (!wait_to_reconnect()) return kExitOk;
  auto live = connect_live(context_, saved_);
  if (!live) return complain(live.error());
  live_ = std::move(*live);
  catch_up();
  note("reconnected");
  return std::nullopt;
}

// Waits as long as a server that is restarting asked; false when SIGINT came first.
bool ChatSession::wait_to_reconnect() {
  for (auto waited = 0ms; waited < reconnect_after_; waited += kPollInterval) {
    if (stop_requested()) return false;
    std::this_thread::sleep_for(kPollInterval);
  }
  reconnect_after_ = 0ms;
  return !stop_requested();
}

void ChatSession::catch_up() {
  if (!conversation_id_) {
    if (auto found = find_conversation(); !found) complain(found.error());
    if (!conversation_id_) return;
  }
  for (bool more = true; more;) {
    auto reply = ask<proto::MessagesResult>(channel(), proto::type::kSync,
                                            proto::SyncRequest{*conversation_id_, newest_shown_, kSyncPage});
    if (!reply) {
      complain(reply.error());
      return;
    }
    for (const auto& m : reply->value.messages) show(m);
    more = reply->value.has_more && !reply->value.messages.empty();
  }
}

void ChatSession::show_events() {
  static constexpr std::array<std::pair<std::string_view, EventHandler>, 5> kHandlers{{
      {proto::event::kMessage, &ChatSession::on_message},
      {proto::event::kTyping, &ChatSession::on_typing},
      {proto::event::kPresence, &ChatSession::on_presence},
      {proto::event::kKicked, &ChatSession::on_kicked},
      {proto::event::kServerShutdown, &ChatSession::on_shutdown},
  }};
  while (auto event = live_.client->next_event(0ms)) {
    for (const auto& [type, handler] : kHandlers) {
      if (event->type == type) (this->*handler)(event->data);
    }
  }
}

void ChatSession::on_message(const boost::json::object& data) {
  auto message = proto::decode<proto::ChatMessage>(data);
  if (!message) return;
  // A conversation that began after the chat did: is it this one?
  if (!conversation_id_ && (message->sender_id == peer_.user_id || message->sender_id == me_.user_id)) {
    if (auto found = find_conversation(); !found) complain(found.error());
  }
  if (message->conversation_id == conversation_id_) show(*message);
}

void ChatSession::on_typing(const boost::json::object& data) {
  auto typing = proto::decode<proto::TypingEvent>(data);
  if (typing && typing->conversation_id == conversation_id_ && typing->user_id == peer_.user_id) {
    say("* " + peer_.username + " is typing…");
  }
}

void ChatSession::on_presence(const boost::json::object& data) {
  auto presence = proto::decode<proto::PresenceEvent>(data);
  if (presence && presence->user_id == peer_.user_id) say("* " + peer_.username + " is " + presence->status);
}

void ChatSession::on_kicked(const boost::json::object& data) {
  auto kicked = proto::decode<proto::KickedEvent>(data);
  if (kicked) note("signed out: " + kicked->message);
}

void ChatSession::on_shutdown(const boost::json::object& data) {
  auto shutdown = proto::decode<proto::ServerShutdownEvent>(data);
  if (!shutdown) return;
  note("the server is stopping: " + shutdown->message);
  reconnect_after_ = std::min(std::chrono::milliseconds(shutdown->reconnect_after_ms), kMaxReconnectWait);
}

// "[HH:MM] nickname: text", a recall notice as "(message N was recalled)", a change to
// the group as "* alice muted carol until ..."; with --json the entry as the server
// sends it.
void ChatSession::show(const proto::ChatMessage& m) {
  if (!shown_.insert(m.seq).second) return;
  newest_shown_ = std::max(newest_shown_, m.seq);
  unread_shown_ = unread_shown_ || m.sender_id != me_.user_id;
  if (context_.out().json()) {
    std::cout << boost::json::serialize(proto::encode(m)) << std::endl;
  } else if (m.kind == proto::kind::kRecall) {
    say(entry_text(m, kContinuation));
  } else if (m.kind == proto::kind::kSystem) {
    say("* " + system_text(m, [this](std::int64_t id) { return nickname(id); }));
  } else {
    say("[" + format_clock(m.created_at) + "] " + nickname(m.sender_id) + ": " + entry_text(m, kContinuation));
  }
  // After showing it: "bob set their card to ..." names bob as he was.
  if (group_) names_.apply(m);
  left_group_ = left_group_ || (group_ && ends_membership(m, me_.user_id));
}

void ChatSession::say(const std::string& line) const {
  if (context_.out().json()) return;
  input_.above([&] { std::cout << line << std::endl; });  // flushed: someone is reading
}

void ChatSession::note(const std::string& text) const {
  input_.above([&] { context_.out().note(text); });
}

int ChatSession::complain(const Failure& failure) const {
  int status = kExitOk;
  input_.above([&] { status = context_.out().fail(failure); });
  return status;
}

std::string ChatSession::nickname(std::int64_t user_id) {
  if (group_) return names_.name(channel(), user_id);
  return user_id == me_.user_id ? me_.nickname : peer_.nickname;
}

// Only after messages from others: one's own are never unread, and each message_read
// sends a read event to every device of both users.
void ChatSession::mark_read() {
  if (!conversation_id_ || !unread_shown_) return;
  unread_shown_ = false;
  auto reply = ask<proto::MessageReadResult>(channel(), proto::type::kMessageRead,
                                             proto::MessageReadRequest{*conversation_id_, newest_shown_});
  if (!reply && live_.client->is_open()) complain(reply.error());
}

}  // namespace

int run_chat(const Context& context, const std::string& user) {
  if (auto group = group_target(user); !group) return context.out().fail(group.error());
  auto saved = load_session(context);
  if (!saved) return context.out().fail(saved.error());
  auto live = connect_live(context, *saved);
  if (!live) return context.out().fail(live.error());
  install_stop_handlers();  // only now: until here Ctrl-C simply ends the process
  // Keystrokes (for typing notices) when a person is at a terminal; else whole lines.
  std::unique_ptr<ChatInput> input;
  if (!context.out().json() && ::isatty(STDOUT_FILENO) != 0) input = TerminalInput::open(STDIN_FILENO);
  if (!input) input = std::make_unique<LineInput>(STDIN_FILENO);
  ChatSession chat(context, std::move(*saved), std::move(*live), *input);
  return chat.run(user);
}

}  // namespace parley::cli
