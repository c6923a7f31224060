// send, history, conversations, recall, read and presence: one HTTP request each (after
// finding the user and the conversation), so they never disturb a running listen or chat.
#include <algorithm>
#include <iostream>

#include "cli/chat_support.hpp"
#include "cli/commands.hpp"
#include "cli/times.hpp"
#include "cli/users.hpp"

namespace parley::cli {
namespace {

constexpr std::size_t kMaxStdinBytes = 1 << 20;
constexpr char kContinuation[] = "    ";  // indents the further lines of a message

// TEXT, or for "-" all of stdin without its final line breaks.
Outcome<std::string> read_text(const std::string& text) {
  std::string all = text;
  if (text == "-") {
    all.clear();
    char buffer[4096];
    while (std::cin.read(buffer, sizeof buffer) || std::cin.gcount() > 0) {
      all.append(buffer, static_cast<std::size_t>(std::cin.gcount()));
      if (all.size() > kMaxStdinBytes) return usage_error("the text on stdin is over 1 MiB");
    }
    while (!all.empty() && (all.back() == '\n' || all.back() == '\r')) all.pop_back();
  }
  if (all.empty()) return usage_error("the text is empty");
  if (!valid_utf8(all)) return usage_error("the text is not valid UTF-8");
  return all;
}

Outcome<void> do_send(const Context& context, const SendArgs& args) {
  auto text = read_text(args.text);
  if (!text) return text.error();
  auto saved = load_session(context);
  if (!saved) return saved.error();
  const HttpChannel channel(context, *saved);
  auto to = resolve_user(channel, args.user);
  if (!to) return to.error();
  auto reply = ask<proto::MessageSendResult>(channel, proto::type::kMessageSend, text_message(*to, std::move(*text)));
  if (!reply) return reply.error();
  context.out().result(reply->raw);
  context.out().fact("conversation_id", reply->value.conversation_id);
  context.out().fact("seq", reply->value.seq);
  return {};
}

// The saved session and USER's direct conversation, for the commands that act on it.
struct Target {
  SavedSession saved;
  proto::ConversationInfo conversation;
};

Outcome<Target> target(const Context& context, const std::string& user) {
  auto saved = load_session(context);
  if (!saved) return saved.error();
  auto conversation = require_direct(HttpChannel(context, *saved), user);
  if (!conversation) return conversation.error();
  return Target{std::move(*saved), std::move(*conversation)};
}

bool searching(const HistoryArgs& args) { return !args.search.empty() || !args.from.empty() || !args.to.empty(); }

// The message_search for the filters, all but the conversation; a usage error for bad ones.
Outcome<proto::MessageSearchRequest> search_request(const HistoryArgs& args) {
  if (args.before) return usage_error("--before pages the history; it does not go with --search, --from or --to");
  proto::MessageSearchRequest request;
  request.limit = args.limit;
  if (!args.search.empty()) request.query = args.search;
  for (auto [text, bound, option] :
       {std::tuple(&args.from, &request.from, "--from"), std::tuple(&args.to, &request.to, "--to")}) {
    if (text->empty()) continue;
    auto unix_ms = parse_time(*text, option);
    if (!unix_ms) return unix_ms.error();
    *bound = *unix_ms;
  }
  return request;
}

// The page of history, or the search, that the arguments ask for.
Outcome<Reply<proto::MessagesResult>> fetch(const Channel& channel, const HistoryArgs& args,
                                            const std::optional<proto::MessageSearchRequest>& search,
                                            std::int64_t conversation_id) {
  if (search) {
    auto request = *search;
    request.conversation_id = conversation_id;
    return ask<proto::MessagesResult>(channel, proto::type::kMessageSearch, request);
  }
  return ask<proto::MessagesResult>(channel, proto::type::kHistory,
                                    proto::HistoryRequest{conversation_id, args.before, args.limit});
}

std::string sender_name(const SavedSession& saved, const proto::ConversationInfo& c, std::int64_t sender_id) {
  if (sender_id == saved.session.user_id) return saved.session.username;
  if (sender_id == c.peer.user_id) return c.peer.username;
  return "user " + std::to_string(sender_id);
}

// "SEQ  YYYY-MM-DD HH:MM  sender: text", oldest first (a search answers newest first).
void print_messages(const Context& context, const SavedSession& saved, const proto::ConversationInfo& c,
                    std::vector<proto::ChatMessage> messages) {
  std::sort(messages.begin(), messages.end(), [](const auto& a, const auto& b) { return a.seq < b.seq; });
  for (const auto& m : messages) {
    context.out().line(std::to_string(m.seq) + "  " + format_minute(m.created_at) + "  " +
                       sender_name(saved, c, m.sender_id) + ": " + entry_text(m, kContinuation));
  }
}

void note_more(const Context& context, const HistoryArgs& args, const proto::MessagesResult& result, bool search) {
  if (!result.has_more || context.out().json() || result.messages.empty()) return;
  if (search) {
    context.out().note("more messages match; narrow with --from/--to or raise --limit");
  } else {
    context.out().note("older messages: parley history " + args.user + " --before " +
                       std::to_string(result.messages.front().seq));
  }
}

Outcome<void> do_history(const Context& context, const HistoryArgs& args) {
  std::optional<proto::MessageSearchRequest> search;
  if (searching(args)) {
    auto request = search_request(args);
    if (!request) return request.error();
    search = std::move(*request);
  }
  auto t = target(context, args.user);
  if (!t) return t.error();
  auto reply = fetch(HttpChannel(context, t->saved), args, search, t->conversation.conversation_id);
  if (!reply) return reply.error();
  context.out().result(reply->raw);
  print_messages(context, t->saved, t->conversation, reply->value.messages);
  note_more(context, args, reply->value, search.has_value());
  return {};
}

std::string one_line(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  return text;
}

Outcome<void> do_conversations(const Context& context) {
  auto saved = load_session(context);
  if (!saved) return saved.error();
  auto reply = session_call<proto::ConversationsResult>(context, *saved, proto::type::kConversations,
                                                        proto::ConversationsRequest{});
  if (!reply) return reply.error();
  const Output& out = context.out();
  out.result(reply->raw);
  for (const auto& c : reply->value.conversations) {
    out.line(std::to_string(c.conversation_id) + "  " + c.peer.username + "  unread=" + std::to_string(c.unread) +
             "  last: " + (c.last_message ? one_line(entry_text(*c.last_message, "")) : ""));
  }
  if (reply->value.conversations.empty() && !out.json()) out.note("no conversations yet; parley send USER TEXT");
  return {};
}

Outcome<void> do_recall(const Context& context, const MessageArgs& args) {
  auto t = target(context, args.user);
  if (!t) return t.error();
  auto reply = ask<proto::MessageRecallResult>(HttpChannel(context, t->saved), proto::type::kMessageRecall,
                                               proto::MessageRecallRequest{t->conversation.conversation_id, *args.seq});
  if (!reply) return reply.error();
  context.out().result(reply->raw);
  context.out().line("recalled");
  return {};
}

Outcome<void> do_read(const Context& context, const MessageArgs& args) {
  auto t = target(context, args.user);
  if (!t) return t.error();
  const proto::ConversationInfo& c = t->conversation;
  const proto::MessageReadRequest request{c.conversation_id, args.seq.value_or(c.last_seq)};
  auto reply = ask<proto::MessageReadResult>(HttpChannel(context, t->saved), proto::type::kMessageRead, request);
  if (!reply) return reply.error();
  context.out().result(reply->raw);
  context.out().fact("read_seq", reply->value.read_seq);
  return {};
}

Outcome<void> do_presence(const Context& context, const std::string& status) {
  auto saved = load_session(context);
  if (!saved) return saved.error();
  auto reply =
      session_call<proto::EmptyResult>(context, *saved, proto::type::kPresenceSet, proto::PresenceSetRequest{status});
  if (!reply) return reply.error();
  context.out().result(reply->raw);
  context.out().fact("presence", status);
  return {};
}

}  // namespace

int run_send(const Context& context, const SendArgs& args) { return finish(context, do_send(context, args)); }
int run_history(const Context& context, const HistoryArgs& args) { return finish(context, do_history(context, args)); }
int run_conversations(const Context& context) { return finish(context, do_conversations(context)); }
int run_recall(const Context& context, const MessageArgs& args) { return finish(context, do_recall(context, args)); }
int run_read(const Context& context, const MessageArgs& args) { return finish(context, do_read(context, args)); }
int run_presence(const Context& context, const std::string& status) {
  return finish(context, do_presence(context, status));
}

}  // namespace parley::cli
