#include "server/services/chat_service.hpp"

#include <algorithm>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "proto/validate.hpp"
#include "server/services/chat_text.hpp"

namespace parley::server {
namespace {

using proto::Errc;
using proto::make_error;

// Bounds the caches' memory; past it they start over (the store has everything).
constexpr std::size_t kMaxCached = 200'000;
// How long a search waits for the index to reach the messages acknowledged before it.
constexpr std::chrono::milliseconds kIndexWait{2000};

proto::Error no_conversation() { return make_error(Errc::not_found, "no such conversation", "conversation_id"); }

template <class T>
proto::Result<T> or_wire(store::Result<T> result) {
  if (!result) return to_wire(result.error());
  return std::move(*result);
}

}  // namespace

proto::ChatMessage to_proto(const store::Message& m) {
  proto::ChatMessage out{m.conversation_id, m.seq, m.sender_id, m.client_id, m.kind, {}, m.created_at, m.recalled};
  boost::system::error_code ec;
  auto body = boost::json::parse(m.body, ec);
  if (!ec && body.is_object()) out.body = std::move(body.get_object());
  return out;
}

ChatService::ChatService(store::ChatStore& chat, store::AccountsStore& accounts, MessageWriter& writer,
                         SearchIndexer& indexer, SessionRegistry& registry, MayMessage may_message, Clock clock,
                         Options options)
    : chat_(chat),
      accounts_(accounts),
      writer_(writer),
      indexer_(indexer),
      registry_(registry),
      may_message_(std::move(may_message)),
      clock_(std::move(clock)),
      options_(options) {}

proto::Result<std::vector<std::int64_t>> ChatService::members(std::int64_t conversation_id) {
  {
    std::lock_guard lock(cache_mutex_);
    if (auto it = members_.find(conversation_id); it != members_.end()) return it->second;
  }
  auto rows = or_wire(chat_.members(conversation_id));
  if (!rows || rows->empty()) return rows;  // no such conversation (yet): nothing to cache
  std::lock_guard lock(cache_mutex_);
  if (members_.size() >= kMaxCached) members_.clear();
  members_.emplace(conversation_id, *rows);
  return rows;
}

proto::Result<std::int64_t> ChatService::direct_conversation(std::int64_t user_id, std::int64_t peer_id) {
  auto key = std::minmax(user_id, peer_id);
  {
    std::lock_guard lock(cache_mutex_);
    if (auto it = direct_.find(key); it != direct_.end()) return it->second;
  }
  auto id = or_wire(chat_.direct_conversation(user_id, peer_id, clock_()));
  if (!id) return id.error();
  std::lock_guard lock(cache_mutex_);
  if (direct_.size() >= kMaxCached) direct_.clear();
  direct_.emplace(key, *id);
  return id;
}

proto::Status ChatService::check_member(std::int64_t conversation_id, std::int64_t user_id) {
  auto list = members(conversation_id);
  if (!list) return list.error();
  // Not a member and no such conversation look the same: ids leak nothing.
  if (std::find(list->begin(), list->end(), user_id) == list->end()) return no_conversation();
  return {};
}

proto::Result<std::int64_t> ChatService::target(const Session& session, const proto::MessageSendRequest& r) {
  if (r.to.has_value() == r.conversation_id.has_value()) {
    return make_error(Errc::bad_request, "give either to or conversation_id", "to");
  }
  std::int64_t peer = 0;
  if (r.to) {
    peer = *r.to;
    if (peer == session.user_id) return make_error(Errc::bad_request, "cannot send a message to yourself", "to");
  } else {
    auto list = members(*r.conversation_id);
    if (!list) return list.error();
    if (std::find(list->begin(), list->end(), session.user_id) == list->end()) return no_conversation();
    for (auto m : *list) {
      if (m != session.user_id) peer = m;
    }
  }
  // Also says not_found for a user who does not exist.
  if (auto s = may_message_(session.user_id, peer); !s) {
    auto error = s.error();
    if (error.code == Errc::not_found) error.field = "to";
    return error;
  }
  if (r.conversation_id) return *r.conversation_id;
  return direct_conversation(session.user_id, peer);
}

proto::Result<std::string> ChatService::check_body(const proto::MessageSendRequest& r) {
  if (r.kind != proto::kind::kText) {
    return make_error(Errc::bad_request, "kind " + r.kind + " cannot be sent; use text", "kind");
  }
  const auto* text = r.body.if_contains("text");
  if (text == nullptr || !text->is_string()) return make_error(Errc::bad_request, "body.text must be a string", "body");
  std::string_view value = text->get_string();
  std::size_t length = proto::utf8_length(value);
  if (length == 0) return make_error(Errc::bad_request, "the message is empty", "body");
  if (static_cast<std::int64_t>(length) > options_.max_text_chars) {
    return make_error(Errc::too_large, "the message is longer than " + std::to_string(options_.max_text_chars) +
                                           " characters", "body");
  }
  if (proto::has_control_chars(value, true)) {
    return make_error(Errc::bad_request, "the message contains control characters", "body");
  }
  return std::string(value);
}

void ChatService::fan_out(const store::Message& message, std::uint64_t except_connection) {
  auto list = members(message.conversation_id);
  if (!list) return;  // the message is stored; members catch up with sync
  proto::ChatMessage header{message.conversation_id, message.seq,        message.sender_id, message.client_id,
                            message.kind,            {},                 message.created_at, message.recalled};
  auto frame = std::make_shared<const std::string>(proto::message_event_text(header, message.body));
  for (auto member : *list) registry_.send_to_user(member, frame, except_connection);
}

void ChatService::send(const Session& session, const proto::MessageSendRequest& r, std::uint64_t connection_id,
                       SendDone done) {
  auto text = check_body(r);
  if (!text) return done(text.error());
  auto conversation = target(session, r);
  if (!conversation) return done(conversation.error());
  boost::json::object body{{"text", *text}};
  store::NewMessage message{*conversation,  session.user_id,         r.client_id, r.kind,
                            boost::json::serialize(body), clock_()};
  writer_.submit(std::move(message), [this, connection_id, done = std::move(done)](store::Result<store::Appended> appended) {
    if (!appended) return done(to_wire(appended.error()));
    const auto& stored = appended->message;
    // A repeat was delivered when it was first stored: only the sender learns of it again.
    if (!appended->duplicate) {
      fan_out(stored, connection_id);
      indexer_.logged(stored.id);
    }
    done(proto::MessageSendResult{stored.conversation_id, stored.seq, stored.created_at, appended->duplicate});
  });
}

proto::Result<proto::ConversationsResult> ChatService::conversations(const Session& session) {
  auto rows = or_wire(chat_.conversations_of(session.user_id));
  if (!rows) return rows.error();
  proto::ConversationsResult out;
  for (const auto& row : *rows) {
    proto::ConversationInfo info{row.conversation_id, row.kind, {}, row.last_seq, row.read_seq, row.peer_read_seq,
                                 row.unread, std::nullopt};
    if (auto peer = accounts_.user_by_id(row.peer_id)) {
      info.peer = proto::ConversationPeer{peer->id, peer->username, peer->nickname, peer->avatar};
    }
    if (row.last_message) info.last_message = to_proto(*row.last_message);
    out.conversations.push_back(std::move(info));
  }
  return out;
}

namespace {

// A page stops early at this many bytes of bodies, so a response stays far below any
// client's frame limit however long the messages are; has_more then says to go on.
constexpr std::size_t kMaxPageBytes = 1 << 20;

// `rows` holds one more than `limit` when there is more. Forward pages keep the oldest
// rows, backward pages (drop_oldest) the newest.
proto::MessagesResult page(std::vector<store::Message> rows, std::int64_t limit, bool drop_oldest) {
  proto::MessagesResult out;
  if (static_cast<std::int64_t>(rows.size()) > limit) {
    out.has_more = true;
    if (drop_oldest) {
      rows.erase(rows.begin());
    } else {
      rows.pop_back();
    }
  }
  std::size_t bytes = 0;
  std::size_t keep = 0;
  for (; keep < rows.size(); ++keep) {
    const auto& m = drop_oldest ? rows[rows.size() - 1 - keep] : rows[keep];
    bytes += m.body.size();
    if (keep > 0 && bytes > kMaxPageBytes) break;
  }
  if (keep < rows.size()) {
    out.has_more = true;
    if (drop_oldest) {
      rows.erase(rows.begin(), rows.end() - static_cast<std::ptrdiff_t>(keep));
    } else {
      rows.resize(keep);
    }
  }
  for (const auto& m : rows) out.messages.push_back(to_proto(m));
  return out;
}

}  // namespace

proto::Result<std::unordered_map<std::int64_t, proto::ChatMessage>> ChatService::last_messages(std::int64_t user_id) {
  auto rows = or_wire(chat_.conversations_of(user_id));
  if (!rows) return rows.error();
  std::unordered_map<std::int64_t, proto::ChatMessage> out;
  for (const auto& row : *rows) {
    if (row.kind == "direct" && row.last_message) out.emplace(row.peer_id, to_proto(*row.last_message));
  }
  return out;
}

proto::Result<proto::MessagesResult> ChatService::sync(const Session& session, const proto::SyncRequest& r) {
  if (auto s = check_member(r.conversation_id, session.user_id); !s) return s.error();
  auto rows = or_wire(chat_.messages_after(r.conversation_id, r.after_seq, static_cast<int>(r.limit) + 1));
  if (!rows) return rows.error();
  return page(std::move(*rows), r.limit, false);
}

proto::Result<proto::MessagesResult> ChatService::history(const Session& session, const proto::HistoryRequest& r) {
  if (auto s = check_member(r.conversation_id, session.user_id); !s) return s.error();
  std::int64_t before = r.before_seq.value_or(INT64_MAX);
  auto rows = or_wire(chat_.messages_before(r.conversation_id, before, static_cast<int>(r.limit) + 1));
  if (!rows) return rows.error();
  return page(std::move(*rows), r.limit, true);
}

proto::Result<proto::MessageReadResult> ChatService::mark_read(const Session& session,
                                                               const proto::MessageReadRequest& r,
                                                               std::uint64_t connection_id) {
  if (auto s = check_member(r.conversation_id, session.user_id); !s) return s.error();
  auto read_seq = or_wire(chat_.mark_read(r.conversation_id, session.user_id, r.seq));
  if (!read_seq) return read_seq.error();
  if (auto list = members(r.conversation_id)) {
    auto frame = SessionRegistry::event_frame(proto::event::kRead,
                                              proto::encode(proto::ReadEvent{r.conversation_id, session.user_id, *read_seq}));
    for (auto member : *list) registry_.send_to_user(member, frame, connection_id);
  }
  return proto::MessageReadResult{*read_seq};
}

proto::Result<proto::MessageRecallResult> ChatService::recall(const Session& session,
                                                              const proto::MessageRecallRequest& r,
                                                              std::uint64_t connection_id) {
  if (auto s = check_member(r.conversation_id, session.user_id); !s) return s.error();
  auto original = chat_.message(r.conversation_id, r.seq);
  if (!original) {
    if (original.error().code == store::Errc::not_found) return make_error(Errc::not_found, "no such message", "seq");
    return to_wire(original.error());
  }
  if (original->sender_id != session.user_id || original->kind == proto::kind::kRecall) {
    return make_error(Errc::forbidden, "only the sender can recall a message");
  }
  if (original->recalled) return make_error(Errc::conflict, "the message was recalled already");
  std::int64_t now = clock_();
  if (now - original->created_at > options_.recall_window_ms) {
    return make_error(Errc::forbidden, "messages can be recalled only within " +
                                           std::to_string(options_.recall_window_ms / 1000) + " seconds");
  }
  boost::json::object body{{"seq", r.seq}};
  store::NewMessage notice{r.conversation_id, session.user_id,
                           "recall:" + std::to_string(r.conversation_id) + ":" + std::to_string(r.seq),
                           proto::kind::kRecall, boost::json::serialize(body), now};
  auto appended = or_wire(chat_.recall(r.conversation_id, r.seq, notice));
  if (!appended) return appended.error();
  // The content is gone from the log; now from the index too (the index leaves out an
  // entry it had not reached yet).
  if (auto s = indexer_.remove(original->id); !s) return to_wire(s.error());
  indexer_.logged(appended->message.id);
  fan_out(appended->message, connection_id);
  return proto::MessageRecallResult{appended->message.seq};
}

proto::Result<proto::MessagesResult> ChatService::search(const Session& session, const proto::MessageSearchRequest& r) {
  store::SearchQuery q{session.user_id, r.query ? match_query(*r.query) : "", r.conversation_id, r.from, r.to,
                       static_cast<int>(r.limit)};
  if (r.query && q.match.empty()) return make_error(Errc::bad_request, "query has no words", "query");
  if (!r.query && !r.from && !r.to) {
    return make_error(Errc::bad_request, "give a query, a date range (from, to) or both", "query");
  }
  if (r.conversation_id) {
    if (auto s = check_member(*r.conversation_id, session.user_id); !s) return s.error();
  }
  // The index trails the log by a moment: wait for it, so what was acknowledged is found.
  if (!indexer_.wait_indexed(kIndexWait)) {
    return make_error(Errc::unavailable, "the search index is behind; try again shortly");
  }
  auto rows = or_wire(chat_.search(q));
  if (!rows) return rows.error();
  proto::MessagesResult out;
  for (const auto& m : *rows) out.messages.push_back(to_proto(m));
  return out;
}

}  // namespace parley::server
