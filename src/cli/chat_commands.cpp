// send, history, conversations, recall, read and presence: one HTTP request each (after
// finding the user and the conversation), so they never disturb a running listen or chat.
#include <algorithm>
#include <iostream>
#include <memory>

#include "cli/chat_support.hpp"
#include "cli/commands.hpp"
#include "cli/group_support.hpp"
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

// A message into a group, mentioning the members its "@username"s name. The member list
// is fetched only for a text with an '@' in it.
Outcome<proto::MessageSendRequest> group_message(const Channel& channel, const SavedSession& saved, std::int64_t group,
                                                 std::string text) {
  Mentions mentions;
  if (text.find('@') != std::string::npos) {
    auto list = fetch_members(channel, group);
    if (!list) return list.error();
    GroupNames names;
    for (const auto& m : list->members) names.add(m);
    mentions = find_mentions(text, names, names.role(saved.session.user_id));
  }
  return group_text_message(group, std::move(text), mentions);
}

// The message_send to TARGET: a user, or a group "#7".
Outcome<proto::MessageSendRequest> message_to(const Channel& channel, const SavedSession& saved,
                                              const std::string& target, std::string text) {
  auto group = group_target(target);
  if (!group) return group.error();
  if (*group) return group_message(channel, saved, **group, std::move(text));
  auto to = resolve_user(channel, target);
  if (!to) return to.error();
  return text_message(*to, std::move(text));
}

Outcome<void> do_send(const Context& context, const SendArgs& args) {
  auto text = read_text(args.text);
  if (!text) return text.error();
  if (auto group = group_target(args.user); !group) return group.error();
  auto saved = load_session(context);
  if (!saved) return saved.error();
  const HttpChannel channel(context, *saved);
  auto request = message_to(channel, *saved, args.user, std::move(*text));
  if (!request) return request.error();
  auto reply = ask<proto::MessageSendResult>(channel, proto::type::kMessageSend, *request);
  if (!reply) return reply.error();
  context.out().result(reply->raw);
  context.out().fact("conversation_id", reply->value.conversation_id);
  context.out().fact("seq", reply->value.seq);
  return {};
}

// The saved session and TARGET's conversation (a user's direct one, or a group), for the
// commands that act on it.
struct Target {
  SavedSession saved;
  proto::ConversationInfo conversation;
};

// The conversation of group `group_id` among one's own; not_found when one is not in it.
Outcome<proto::ConversationInfo> require_group(const Channel& channel, std::int64_t group_id) {
  auto reply = ask<proto::ConversationsResult>(channel, proto::type::kConversations, proto::ConversationsRequest{});
  if (!reply) return reply.error();
  for (auto& c : reply->value.conversations) {
    if (c.kind == "group" && c.conversation_id == group_id) return std::move(c);
  }
  return Failure(proto::make_error(
      proto::Errc::not_found, "you are not a member of group " + group_label(group_id) + ", or it does not exist"));
}

Outcome<Target> target(const Context& context, const std::string& user) {
  auto group = group_target(user);
  if (!group) return group.error();
  auto saved = load_session(context);
  if (!saved) return saved.error();
  const HttpChannel channel(context, *saved);
  auto conversation = *group ? require_group(channel, **group) : require_direct(channel, user);
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

// How a conversation's people are named: in a direct one by user name, in a group as
// they go by in it (their card there, else their nickname).
Outcome<NameOf> namer(const Channel& channel, const SavedSession& saved, const proto::ConversationInfo& c) {
  if (c.kind != "group") return NameOf([&saved, &c](std::int64_t id) { return sender_name(saved, c, id); });
  auto list = fetch_members(channel, c.conversation_id);
  if (!list) return list.error();
  auto names = std::make_shared<GroupNames>();
  for (const auto& m : list->members) names->add(m);
  return NameOf([names, &channel](std::int64_t id) { return names->name(channel, id); });
}

// "SEQ  YYYY-MM-DD HH:MM  sender: text", or for a change to a group "SEQ  YYYY-MM-DD
// HH:MM  * alice muted carol until ...", oldest first (a search answers newest first).
void print_messages(const Context& context, const NameOf& name_of, std::vector<proto::ChatMessage> messages) {
  std::sort(messages.begin(), messages.end(), [](const auto& a, const auto& b) { return a.seq < b.seq; });
  for (const auto& m : messages) {
    const std::string what = m.kind == proto::kind::kSystem
                                 ? "* " + system_text(m, name_of)
                                 : name_of(m.sender_id) + ": " + entry_text(m, kContinuation);
    context.out().line(std::to_string(m.seq) + "  " + format_minute(m.created_at) + "  " + what);
  }
}

// TARGET as a shell takes it back: "#7" quoted.
std::string shell_word(const std::string& target) { return target.starts_with('#') ? "'" + target + "'" : target; }

void note_more(const Context& context, const HistoryArgs& args, const proto::MessagesResult& result, bool search) {
  if (!result.has_more || context.out().json() || result.messages.empty()) return;
  if (search) {
    context.out().note("more messages match; narrow with --from/--to or raise --limit");
  } else {
    context.out().note("older messages: parley history " + shell_word(args.user) + " --before " +
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
  const HttpChannel channel(context, t->saved);
  auto reply = fetch(channel, args, search, t->conversation.conversation_id);
  if (!reply) return reply.error();
  context.out().result(reply->raw);
  if (!context.out().json()) {
    auto name_of = namer(channel, t->saved, t->conversation);
    if (!name_of) return name_of.error();
    print_messages(context, *name_of, reply->value.messages);
  }
  note_more(context, args, reply->value, search.has_value());
  return {};
}

std::string one_line(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  return text;
}

// A direct conversation's peer by user name, a group as "#7 NAME".
std::string conversation_title(const proto::ConversationInfo& c) {
  if (c.kind != "group") return c.peer.username;
  return group_label(c.conversation_id) + (c.group ? " " + printable(one_line(c.group->name), "") : "");
}

// What the last entry says; in a group, with who said it.
std::string last_text(const proto::ConversationInfo& c, const NameOf& name_of) {
  const proto::ChatMessage& m = *c.last_message;
  if (c.kind != "group" || m.kind == proto::kind::kRecall) return entry_text(m, "");
  if (m.kind == proto::kind::kSystem) return "* " + system_text(m, name_of);
  return name_of(m.sender_id) + ": " + entry_text(m, "");
}

// Whether the caller may not send in a group now, and why.
std::string muted_text(const proto::ConversationInfo& c) {
  if (!c.group) return "";
  if (c.group->muted_until != 0) return "  muted until " + format_utc(c.group->muted_until);
  if (c.group->muted_all && c.group->role == "member") return "  muted (all members)";
  return "";
}

Outcome<void> do_conversations(const Context& context) {
  auto saved = load_session(context);
  if (!saved) return saved.error();
  auto reply = session_call<proto::ConversationsResult>(context, *saved, proto::type::kConversations,
                                                        proto::ConversationsRequest{});
  if (!reply) return reply.error();
  const Output& out = context.out();
  out.result(reply->raw);
  const HttpChannel channel(context, *saved);
  GroupNames people;  // no cards here: the people in groups' last entries by nickname
  const NameOf name_of = [&](std::int64_t id) { return people.name(channel, id); };
  for (const auto& c : reply->value.conversations) {
    if (out.json()) break;
    out.line(std::to_string(c.conversation_id) + "  " + conversation_title(c) + "  unread=" + std::to_string(c.unread) +
             (c.kind == "group" ? "  mentions=" + std::to_string(c.mentions) : "") + muted_text(c) +
             "  last: " + (c.last_message ? one_line(last_text(c, name_of)) : ""));
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
