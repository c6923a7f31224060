#include "bench/frames.hpp"

#include <charconv>
#include <stdexcept>

#include "proto/messages.hpp"

namespace parley::bench {
namespace {

constexpr char kIdMark[] = "@@ID@@";
constexpr char kClientMark[] = "@@CID@@";
constexpr char kTextMark[] = "@@TEXT@@";

// Frames are far below this, so the parser never rejects what the server may send.
const proto::ParseLimits kLimits{16 * 1024 * 1024, 64};

void append_number(std::string& out, std::uint64_t value) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
  out.append(digits, end);
}

void append_number(std::string& out, std::int64_t value) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
  out.append(digits, end);
}

// Splits `text` at the first `mark`; throws when the codec's output has no such mark,
// which would mean the codec escaped it (a programming error, found at start-up).
std::pair<std::string, std::string> split_at(const std::string& text, std::string_view mark) {
  auto at = text.find(mark);
  if (at == std::string::npos) throw std::logic_error("frame template lost its placeholder");
  return {text.substr(0, at), text.substr(at + mark.size())};
}

bool parse_u64(std::string_view text, std::uint64_t& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

std::string request_frame(std::int64_t id, std::string_view type, boost::json::object data) {
  return proto::serialize(proto::Request{id, std::string(type), std::move(data)});
}

SendFrame::SendFrame(std::int64_t to) {
  proto::MessageSendRequest request;
  request.to = to;
  split(request);
}

SendFrame::SendFrame(Conversation conversation) {
  proto::MessageSendRequest request;
  request.conversation_id = conversation.id;
  split(request);
}

void SendFrame::split(proto::MessageSendRequest request) {
  request.client_id = kClientMark;
  request.body = boost::json::object{{"text", kTextMark}};
  // The id is a string placeholder here; render() writes a bare integer in its place,
  // quotes included, so the frame carries an integer id.
  std::string frame = proto::serialize(proto::Request{kIdMark, proto::type::kMessageSend, proto::encode(request)});
  auto [head, rest] = split_at(frame, std::string("\"") + kIdMark + "\"");
  auto [mid, rest2] = split_at(rest, kClientMark);
  auto [before_text, tail] = split_at(rest2, kTextMark);
  head_ = std::move(head);
  mid_ = std::move(mid);
  before_text_ = std::move(before_text);
  tail_ = std::move(tail);
}

void SendFrame::render(std::string& out, std::int64_t request_id, std::uint32_t sender, std::uint64_t n,
                       std::int64_t sent_ns) const {
  out.clear();
  append_to(out, request_id, sender, n, sent_ns);
}

void SendFrame::append_to(std::string& out, std::int64_t request_id, std::uint32_t sender, std::uint64_t n,
                          std::int64_t sent_ns) const {
  out += head_;
  append_number(out, request_id);
  out += mid_;
  out += 'b';
  append_number(out, static_cast<std::uint64_t>(sender));
  out += '.';
  append_number(out, n);
  out += before_text_;
  append_number(out, sent_ns);
  out += tail_;
}

std::size_t SendFrame::max_size() const {
  // The fixed parts, then the numbers at their widest: the request id and the send time
  // (int64: 20 characters with a sign), 'b', the sender (uint32: 10), '.', n (uint64: 20).
  return head_.size() + mid_.size() + before_text_.size() + tail_.size() + 20 + 1 + 10 + 1 + 20 + 20;
}

bool FrameMessages::next(std::string_view& message) {
  if (done_) return false;
  const auto at = rest_.find(kMessageSeparator);
  if (at == std::string_view::npos) {
    message = rest_;
    done_ = true;
  } else {
    message = rest_.substr(0, at);
    rest_.remove_prefix(at + 1);
  }
  return true;
}

bool FrameBatch::has_room(std::size_t bytes) const {
  if (count_ == 0) return true;
  return count_ < max_messages_ && text_.size() + 1 + bytes <= max_bytes_;
}

std::string& FrameBatch::add() {
  if (count_ > 0) text_ += kMessageSeparator;
  ++count_;
  return text_;
}

bool read_stamp(std::string_view client_id, std::string_view text, SendStamp& out) {
  if (client_id.size() < 4 || client_id[0] != 'b') return false;
  auto dot = client_id.find('.');
  if (dot == std::string_view::npos) return false;
  std::uint64_t sender = 0;
  std::uint64_t n = 0;
  std::uint64_t sent = 0;
  if (!parse_u64(client_id.substr(1, dot - 1), sender) || !parse_u64(client_id.substr(dot + 1), n) ||
      !parse_u64(text, sent)) {
    return false;
  }
  out = SendStamp{static_cast<std::uint32_t>(sender), n, static_cast<std::int64_t>(sent)};
  return true;
}

proto::Result<Incoming> parse_incoming(std::string_view text) {
  // The server writes a response's id first; anything else is tried as an event first.
  // Either guess is checked by the codec, and a wrong one falls back to the other.
  const bool looks_like_response = text.starts_with("{\"id\"");
  if (looks_like_response) {
    if (auto response = proto::parse_response(text, kLimits)) return Incoming{std::move(*response)};
  }
  if (auto event = proto::parse_event(text, kLimits)) return Incoming{std::move(*event)};
  if (!looks_like_response) {
    if (auto response = proto::parse_response(text, kLimits)) return Incoming{std::move(*response)};
  }
  return proto::make_error(proto::Errc::bad_request,
                           "neither a response nor an event: " + std::string(text.substr(0, 200)));
}

namespace {
boost::json::parse_options incoming_options() {
  boost::json::parse_options options;
  options.max_depth = static_cast<std::size_t>(kLimits.max_depth);
  options.allow_invalid_utf8 = false;
  return options;
}

proto::Error refused(std::string message) { return proto::make_error(proto::Errc::bad_request, std::move(message)); }
}  // namespace

IncomingParser::IncomingParser()
    : resource_(initial_, sizeof initial_),
      parser_(boost::json::storage_ptr(), incoming_options()),
      // In resource_ from the start: assigning a tree from another resource would copy it.
      value_(boost::json::storage_ptr(&resource_)) {}

proto::Result<IncomingView> IncomingParser::parse(std::string_view text) {
  if (text.size() > kLimits.max_bytes) return refused("message is " + std::to_string(text.size()) + " bytes");
  value_ = nullptr;  // before release(): the old tree lives in the resource
  resource_.release();
  parser_.reset(boost::json::storage_ptr(&resource_));
  boost::system::error_code ec;
  parser_.write(text.data(), text.size(), ec);  // a complete text: extra data is an error
  if (ec) return refused("malformed JSON: " + ec.message());
  value_ = parser_.release();  // the same resource: a move, not a copy
  if (!value_.is_object()) return refused("a message must be a JSON object");
  const auto& object = value_.get_object();

  IncomingView view;
  if (const auto* id = object.if_contains("id")) {
    view.is_response = true;
    if (id->is_int64() && id->get_int64() >= 0) {
      view.id = id->get_int64();
    } else if (id->is_string()) {
      if (id->get_string().empty() || id->get_string().size() > 64) return refused("invalid id");
    } else if (!id->is_null() && !id->is_uint64()) {
      return refused("invalid id");
    }
    const auto* ok = object.if_contains("ok");
    if (ok == nullptr || !ok->is_bool()) return refused("ok must be a boolean");
    view.ok = ok->get_bool();
    if (view.ok) {
      const auto* result = object.if_contains("result");
      if (result == nullptr || !result->is_object()) return refused("result must be an object");
      view.result = &result->get_object();
    } else {
      const auto* error = object.if_contains("error");
      if (error == nullptr || !error->is_object()) return refused("error must be an object");
      if (auto read = proto::error_from_json(error->get_object(), view.error); !read) return read.error();
    }
    return view;
  }
  const auto* type = object.if_contains("type");
  if (type == nullptr || !type->is_string()) return refused("type must be a string");
  view.type = std::string_view(type->get_string());
  const auto* data = object.if_contains("data");
  if (data == nullptr || !data->is_object()) return refused("data must be an object");
  view.data = &data->get_object();
  return view;
}

std::int64_t response_id(const proto::Response& response) {
  if (response.id.is_int64()) return response.id.get_int64();
  if (response.id.is_uint64()) return static_cast<std::int64_t>(response.id.get_uint64());
  return -1;
}

}  // namespace parley::bench
