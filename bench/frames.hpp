#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parser.hpp>
#include <boost/json/value.hpp>

#include "proto/chat.hpp"
#include "proto/codec.hpp"
#include "proto/errors.hpp"

// Frames the generator sends and reads, built and parsed with the protocol codec
// (src/proto). Pure functions and values: no I/O; the classes are not thread-safe, but
// each object may be used on any one thread.
namespace parley::bench {

// docs/protocol.md, "Transport": a text frame holds one or more messages (each one JSON
// text, which never contains an unescaped newline), separated by a single '\n'.
inline constexpr char kMessageSeparator = '\n';

// The messages of one frame, in order. Empty pieces (an empty frame, two separators in
// a row, a separator at either end) come out as empty messages: the protocol allows
// none, so the parser refuses them and the run reports them. The views point into the
// frame, which must outlive them.
class FrameMessages {
 public:
  explicit FrameMessages(std::string_view frame) : rest_(frame) {}
  // The next message, or false when every message has been taken.
  bool next(std::string_view& message);

 private:
  std::string_view rest_;
  bool done_ = false;
};

// Requests joined into one text frame with the separator, up to a size in bytes and a
// number of messages (1 sends one request per frame, as servers before the change to
// "Transport" need). Reuse one batch: clear() keeps the string's capacity.
class FrameBatch {
 public:
  FrameBatch(std::size_t max_bytes, std::size_t max_messages) : max_bytes_(max_bytes), max_messages_(max_messages) {}

  // Whether one more message of at most `bytes` fits. An empty batch takes any message,
  // so a message larger than the limit still goes out, alone.
  bool has_room(std::size_t bytes) const;
  // Opens the next message (writes the separator if it is not the first) and returns
  // the frame's text, to which the caller appends the message.
  std::string& add();

  std::string_view text() const { return text_; }
  std::size_t messages() const { return count_; }
  bool empty() const { return count_ == 0; }
  void clear() {
    text_.clear();
    count_ = 0;
  }

 private:
  std::size_t max_bytes_;
  std::size_t max_messages_;
  std::string text_;
  std::size_t count_ = 0;
};

// A frame's size limit below the server's 64 KiB default, with room to spare.
inline constexpr std::size_t kMaxBatchBytes = 60 * 1024;

// A whole request frame: {"id":ID,"type":TYPE,"data":DATA}.
std::string request_frame(std::int64_t id, std::string_view type, boost::json::object data);

// The message_send frame of the hot path, serialised once by the codec with placeholders
// and then only spliced with numbers: the request id, the client_id ("b<sender>.<n>")
// and the text (the send time in steady-clock nanoseconds, which the recipient uses to
// measure the end-to-end latency). render() and append_to() allocate nothing once
// `out` has grown.
class SendFrame {
 public:
  // To a user (the direct conversation with them).
  explicit SendFrame(std::int64_t to);
  // To a conversation the sender is a member of, e.g. a group (its group_id).
  struct Conversation {
    std::int64_t id = 0;
  };
  explicit SendFrame(Conversation conversation);
  // Replaces `out` with the message.
  void render(std::string& out, std::int64_t request_id, std::uint32_t sender, std::uint64_t n,
              std::int64_t sent_ns) const;
  // Appends the message to `out` (e.g. FrameBatch::add()).
  void append_to(std::string& out, std::int64_t request_id, std::uint32_t sender, std::uint64_t n,
                 std::int64_t sent_ns) const;
  // The largest message render() can produce, whatever the numbers.
  std::size_t max_size() const;

 private:
  std::string head_;         // up to the request id
  std::string mid_;          // between the id and the client_id's numbers
  std::string before_text_;  // between the client_id and the text
  std::string tail_;         // after the text

  void split(proto::MessageSendRequest request);  // fills the parts from a request with placeholders
};

// The client_id and send time that render() put into a message, read back.
struct SendStamp {
  std::uint32_t sender = 0;
  std::uint64_t n = 0;
  std::int64_t sent_ns = 0;
};
bool read_stamp(std::string_view client_id, std::string_view text, SendStamp& out);

// One message from the server: a response or an event, parsed by the codec into owned
// values. For the set-up steps; the hot paths use IncomingParser.
using Incoming = std::variant<proto::Response, proto::Event>;
proto::Result<Incoming> parse_incoming(std::string_view text);

// A message from the server as IncomingParser sees it: the envelope's members, pointing
// into the parser's tree (valid until its next parse()).
struct IncomingView {
  bool is_response = false;
  // A response: its id (-1 unless a non-negative integer), and its result or error.
  std::int64_t id = -1;
  bool ok = false;
  const boost::json::object* result = nullptr;  // when ok
  proto::Error error;                           // when !ok
  // An event: its type and data.
  std::string_view type;
  const boost::json::object* data = nullptr;
};

// Parses the server's messages one after another with one reused Boost.JSON parser
// whose trees live in a reused buffer, so a message costs no allocation once the buffer
// has grown to the largest one. Checks what the codec's parse_response() and
// parse_event() check (a JSON object within the limits and valid UTF-8; a response has
// a valid id, a boolean ok and a result object or an error the codec reads; an event has
// no id, a string type and a data object), but builds no owned values: decode the
// result or data with proto::decode<T>(). Not thread-safe; one per reading coroutine.
class IncomingParser {
 public:
  IncomingParser();
  IncomingParser(const IncomingParser&) = delete;
  IncomingParser& operator=(const IncomingParser&) = delete;

  // Parses `text`, dropping the previous message's tree.
  proto::Result<IncomingView> parse(std::string_view text);

 private:
  alignas(std::max_align_t) unsigned char initial_[2048];  // the first block of every tree
  boost::json::monotonic_resource resource_;
  boost::json::parser parser_;
  boost::json::value value_;  // the last tree; its storage is resource_, always
};

// The response's integer id, or -1.
std::int64_t response_id(const proto::Response& response);

}  // namespace parley::bench
