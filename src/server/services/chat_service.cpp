#include "server/services/chat_service.hpp"

#include <algorithm>
#include <ctime>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <spdlog/spdlog.h>

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
// How long a departure is remembered: far longer than any delivery takes to run.
constexpr auto kDepartureMemory = std::chrono::seconds(60);

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

proto::Result<ChatService::RosterPtr> ChatService::roster(std::int64_t conversation_id) {
  std::uint64_t generation = 0;
  {
    std::lock_guard lock(cache_mutex_);
    if (auto it = rosters_.find(conversation_id); it != rosters_.end()) return it->second;
    generation = generation_;
  }
  auto row = chat_.roster(conversation_id);
  // Not a member and no such conversation look the same: ids leak nothing.
  if (!row && row.error().code == store::Errc::not_found) return no_conversation();
  if (!row) return to_wire(row.error());
  auto shared = std::make_shared<const store::Roster>(std::move(*row));
  std::lock_guard lock(cache_mutex_);
  if (generation == generation_) {
    if (rosters_.size() >= kMaxCached) rosters_.clear();
    rosters_.emplace(conversation_id, shared);
  }
  return shared;
}

void ChatService::changed(std::int64_t conversation_id, std::int64_t seq, std::span<const std::int64_t> departed) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(cache_mutex_);
  ++generation_;
  rosters_.erase(conversation_id);
  if (departed.empty()) return;
  if (departures_.size() >= kMaxCached) departures_.clear();
  auto& list = departures_[conversation_id];
  std::erase_if(list, [&](const Departure& d) { return now - d.at > kDepartureMemory; });
  for (auto user : departed) list.push_back({user, seq, now});
}

std::vector<std::int64_t> ChatService::departed_after(std::int64_t conversation_id, std::int64_t seq) {
  std::vector<std::int64_t> out;
  std::lock_guard lock(cache_mutex_);
  auto it = departures_.find(conversation_id);
  if (it == departures_.end()) return out;
  for (const auto& d : it->second) {
    if (d.seq > seq) out.push_back(d.user_id);
  }
  return out;
}

proto::Result<ChatService::Membership> ChatService::membership(std::int64_t conversation_id, std::int64_t user_id) {
  auto r = roster(conversation_id);
  if (!r) return r.error();
  const auto& members = (*r)->members;
  auto it = std::lower_bound(members.begin(), members.end(), user_id,
                             [](const store::MemberRow& m, std::int64_t id) { return m.user_id < id; });
  if (it == members.end() || it->user_id != user_id) return no_conversation();
  return Membership{conversation_id, *r, &*it};
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

namespace {

bool runs_group(const store::MemberRow& m) { return m.role == "owner" || m.role == "admin"; }

std::int64_t user_of(const store::MemberRow& m) { return m.user_id; }
std::int64_t user_of(std::int64_t id) { return id; }

struct Mentions {
  std::vector<std::int64_t> users;  // sorted, distinct
  bool all = false;
};

// A text's body.mentions (up to 64 user ids) and body.mention_all (a boolean).
proto::Result<Mentions> read_mentions(const boost::json::object& body) {
  Mentions out;
  if (const auto* list = body.if_contains("mentions")) {
    if (!list->is_array() || list->get_array().size() > 64) {
      return make_error(Errc::bad_request, "body.mentions must be an array of up to 64 user ids", "body");
    }
    for (const auto& v : list->get_array()) {
      if (!v.is_int64() || v.get_int64() < 1) {
        return make_error(Errc::bad_request, "body.mentions must hold user ids", "body");
      }
      out.users.push_back(v.get_int64());
    }
    std::sort(out.users.begin(), out.users.end());
    out.users.erase(std::unique(out.users.begin(), out.users.end()), out.users.end());
  }
  if (const auto* all = body.if_contains("mention_all")) {
    if (!all->is_bool()) return make_error(Errc::bad_request, "body.mention_all must be true or false", "body");
    out.all = all->get_bool();
  }
  return out;
}

std::string utc_time(std::int64_t ms) {
  std::time_t t = ms / 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return text;
}

// What a group says to a send it refuses.
proto::Error refusal(store::Refusal why, std::int64_t muted_until) {
  switch (why) {
    case store::Refusal::muted: {
      auto e = make_error(Errc::forbidden, "you are muted in this group until " + utc_time(muted_until));
      e.until = muted_until;
      return e;
    }
    case store::Refusal::muted_all:
      return make_error(Errc::forbidden, "the group is muted: only its owner and admins may send");
    default:
      return no_conversation();
  }
}

}  // namespace

proto::Result<ChatService::Membership> ChatService::target(const Session& session,
                                                           const proto::MessageSendRequest& r) {
  if (r.to.has_value() == r.conversation_id.has_value()) {
    return make_error(Errc::bad_request, "give either to or conversation_id", "to");
  }
  std::int64_t peer = 0;
  if (r.to) {
    peer = *r.to;
    if (peer == session.user_id) return make_error(Errc::bad_request, "cannot send a message to yourself", "to");
  }
  std::optional<Membership> known;
  if (r.conversation_id) {
    auto mine = membership(*r.conversation_id, session.user_id);
    if (!mine) return mine.error();
    if (mine->roster->kind == "group") {
      const std::int64_t now = clock_();
      // Checked again when the message is stored: a mute or removal may come between.
      if (mine->me->muted_until > now) return refusal(store::Refusal::muted, mine->me->muted_until);
      if (mine->roster->muted_all && !runs_group(*mine->me)) return refusal(store::Refusal::muted_all, 0);
      return mine;
    }
    for (const auto& m : mine->roster->members) {
      if (m.user_id != session.user_id) peer = m.user_id;
    }
    known = std::move(*mine);
  }
  // Also says not_found for a user who does not exist.
  if (auto s = may_message_(session.user_id, peer); !s) {
    auto error = s.error();
    if (error.code == Errc::not_found) error.field = "to";
    return error;
  }
  if (known) return std::move(*known);
  auto id = direct_conversation(session.user_id, peer);
  if (!id) return id.error();
  return membership(*id, session.user_id);
}

proto::Result<std::string> ChatService::check_body(const proto::MessageSendRequest& r, const Membership& to) {
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
  boost::json::object body{{"text", value}};
  auto mentions = read_mentions(r.body);
  if (!mentions) return mentions.error();
  if (!mentions->users.empty() || mentions->all) {
    if (to.roster->kind != "group") return make_error(Errc::bad_request, "mentions are for groups", "body");
    for (auto user : mentions->users) {
      if (!std::binary_search(to.roster->members.begin(), to.roster->members.end(), user,
                              [](const auto& a, const auto& b) { return user_of(a) < user_of(b); })) {
        return make_error(Errc::bad_request, "mentions " + std::to_string(user) + ", who is not a member", "body");
      }
    }
    if (mentions->all && !runs_group(*to.me)) {
      return make_error(Errc::forbidden, "only the group's owner and admins may mention all");
    }
    if (!mentions->users.empty()) body["mentions"] = boost::json::array(mentions->users.begin(), mentions->users.end());
    if (mentions->all) body["mention_all"] = true;
  }
  return boost::json::serialize(body);
}

void ChatService::fan_out(const store::Message& message, std::uint64_t except_connection,
                          std::span<const std::int64_t> also) {
  proto::ChatMessage header{message.conversation_id, message.seq,        message.sender_id, message.client_id,
                            message.kind,            {},                 message.created_at, message.recalled};
  auto frame = std::make_shared<const std::string>(proto::message_event_text(header, message.body));
  // Serialised once; each member's devices get the same bytes. The roster may be newer
  // than the entry (delivery runs after the commit): a group entry goes to the members
  // who had joined by then and to those who left after it. A dissolved group has no
  // roster: its last entry goes to `also`, its former members.
  if (auto list = roster(message.conversation_id)) {
    const auto& r = **list;
    if (r.kind == "direct") {
      registry_.send_to_users(r.user_ids, frame, except_connection);
    } else {
      std::vector<std::int64_t> joined;
      joined.reserve(r.members.size());
      for (const auto& m : r.members) {
        if (m.visible_from <= message.seq) joined.push_back(m.user_id);
      }
      registry_.send_to_users(joined, frame, except_connection);
    }
  }
  registry_.send_to_users(departed_after(message.conversation_id, message.seq), frame, except_connection);
  registry_.send_to_users(also, frame, except_connection);
}

void ChatService::publish(const store::Message& entry, std::uint64_t except_connection,
                          std::span<const std::int64_t> also) {
  fan_out(entry, except_connection, also);
  indexer_.logged(entry.id);
}

void ChatService::send(const Session& session, const proto::MessageSendRequest& r, std::uint64_t connection_id,
                       SendDone done) {
  auto to = target(session, r);
  if (!to) return done(to.error());
  auto body = check_body(r, *to);
  if (!body) return done(body.error());
  store::NewMessage message{to->conversation_id, session.user_id, r.client_id, r.kind, std::move(*body), clock_()};
  writer_.submit(std::move(message), [this, connection_id, done = std::move(done)](store::Result<store::Appended> appended) {
    if (!appended) return done(to_wire(appended.error()));
    if (appended->refused != store::Refusal::none) return done(refusal(appended->refused, appended->muted_until));
    const auto& stored = appended->message;
    // A repeat was delivered when it was first stored: only the sender learns of it again.
    if (!appended->duplicate) publish(stored, connection_id);
    done(proto::MessageSendResult{stored.conversation_id, stored.seq, stored.created_at, appended->duplicate});
  });
}

proto::Result<proto::ConversationsResult> ChatService::conversations(const Session& session) {
  auto rows = or_wire(chat_.conversations_of(session.user_id));
  if (!rows) return rows.error();
  proto::ConversationsResult out;
  for (const auto& row : *rows) {
    proto::ConversationInfo info{row.conversation_id, row.kind, {}, row.last_seq, row.read_seq, row.peer_read_seq,
                                 row.unread, row.mentions, std::nullopt, std::nullopt};
    if (row.kind == "group") {
      // A mute that ended is no mute.
      const std::int64_t muted_until = row.muted_until > clock_() ? row.muted_until : 0;
      info.group = proto::ConversationGroup{row.conversation_id, row.group_name, row.group_avatar, row.role,
                                            row.muted_all, muted_until};
    } else if (auto peer = accounts_.user_by_id(row.peer_id)) {
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
  auto mine = membership(r.conversation_id, session.user_id);
  if (!mine) return mine.error();
  const std::int64_t after = std::max(r.after_seq, mine->visible_from() - 1);
  auto rows = or_wire(chat_.messages_after(r.conversation_id, after, static_cast<int>(r.limit) + 1));
  if (!rows) return rows.error();
  return page(std::move(*rows), r.limit, false);
}

proto::Result<proto::MessagesResult> ChatService::history(const Session& session, const proto::HistoryRequest& r) {
  auto mine = membership(r.conversation_id, session.user_id);
  if (!mine) return mine.error();
  std::int64_t before = r.before_seq.value_or(INT64_MAX);
  auto rows = or_wire(chat_.messages_before(r.conversation_id, before, static_cast<int>(r.limit) + 1));
  if (!rows) return rows.error();
  // A member who joined later reads from their joining on: what is older is not there.
  const std::int64_t first = mine->visible_from();
  std::erase_if(*rows, [first](const store::Message& m) { return m.seq < first; });
  return page(std::move(*rows), r.limit, true);
}

proto::Result<proto::MessageReadResult> ChatService::mark_read(const Session& session,
                                                               const proto::MessageReadRequest& r,
                                                               std::uint64_t connection_id) {
  auto mine = membership(r.conversation_id, session.user_id);
  if (!mine) return mine.error();
  auto read_seq = or_wire(chat_.mark_read(r.conversation_id, session.user_id, r.seq));
  if (!read_seq) return read_seq.error();
  auto frame = SessionRegistry::event_frame(proto::event::kRead,
                                            proto::encode(proto::ReadEvent{r.conversation_id, session.user_id, *read_seq}));
  // In a group only one's own devices hear of it: hundreds of members need not.
  if (mine->roster->kind == "group") {
    registry_.send_to_user(session.user_id, frame, connection_id);
  } else {
    for (const auto& member : mine->roster->members) registry_.send_to_user(member.user_id, frame, connection_id);
  }
  return proto::MessageReadResult{*read_seq};
}

proto::Status ChatService::check_recall(const Membership& mine, const store::Message& original, std::int64_t now) {
  if (original.kind != proto::kind::kText) return make_error(Errc::forbidden, "only messages can be recalled");
  if (original.recalled) return make_error(Errc::conflict, "the message was recalled already");
  const bool own = original.sender_id == mine.me->user_id;
  // In a group the owner recalls anyone's message and an admin a plain member's, within
  // the longer window; everyone recalls their own within the shorter one.
  bool by_rank = false;
  if (mine.roster->kind == "group" && runs_group(*mine.me) && !own) {
    const auto& members = mine.roster->members;
    auto sender = std::find_if(members.begin(), members.end(),
                               [&](const store::MemberRow& m) { return m.user_id == original.sender_id; });
    const bool sender_runs = sender != members.end() && runs_group(*sender);
    by_rank = mine.me->role == "owner" || !sender_runs;
  }
  if (!own && !by_rank) return make_error(Errc::forbidden, "only the sender can recall a message");
  const bool long_window = mine.roster->kind == "group" && runs_group(*mine.me);
  const std::int64_t window = long_window ? options_.admin_recall_window_ms : options_.recall_window_ms;
  if (now - original.created_at > window) {
    return make_error(Errc::forbidden,
                      "messages can be recalled only within " + std::to_string(window / 1000) + " seconds");
  }
  return {};
}

proto::Result<proto::MessageRecallResult> ChatService::recall(const Session& session,
                                                              const proto::MessageRecallRequest& r,
                                                              std::uint64_t connection_id) {
  auto mine = membership(r.conversation_id, session.user_id);
  if (!mine) return mine.error();
  auto original = chat_.message(r.conversation_id, r.seq);
  if (!original || original->seq < mine->visible_from()) {
    if (!original && original.error().code != store::Errc::not_found) return to_wire(original.error());
    return make_error(Errc::not_found, "no such message", "seq");
  }
  const std::int64_t now = clock_();
  if (auto s = check_recall(*mine, *original, now); !s) return s.error();
  boost::json::object body{{"seq", r.seq}};
  store::NewMessage notice{r.conversation_id, session.user_id,
                           "recall:" + std::to_string(r.conversation_id) + ":" + std::to_string(r.seq),
                           proto::kind::kRecall, boost::json::serialize(body), now};
  const store::IndexEntry indexed{original->id, index_text_of(*original)};
  auto appended = or_wire(chat_.recall(r.conversation_id, r.seq, notice, indexed.text));
  if (!appended) return appended.error();
  // The content is gone from the log; now from the index too (the index leaves out an
  // entry it had not reached yet). The log keeps the words to take out until then; if
  // this fails, the next start takes them out. The recall itself is done either way.
  if (auto s = indexer_.remove(indexed); !s) {
    spdlog::warn("recall: search index removal failed, left for the next start message={} error=\"{}\"",
                 original->id, s.error().message);
  } else if (auto forgot = chat_.forget_index_removal(original->id); !forgot) {
    spdlog::warn("recall: kept words not forgotten message={} error=\"{}\"", original->id, forgot.error().message);
  }
  publish(appended->message, connection_id);
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
    if (auto mine = membership(*r.conversation_id, session.user_id); !mine) return mine.error();
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
