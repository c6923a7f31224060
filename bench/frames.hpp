#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include <boost/json/object.hpp>

#include "proto/codec.hpp"
#include "proto/errors.hpp"

// Frames the generator sends and reads, built and parsed with the protocol codec
// (src/proto). Pure functions and values: no I/O, safe on any thread.
namespace parley::bench {

// A whole request frame: {"id":ID,"type":TYPE,"data":DATA}.
std::string request_frame(std::int64_t id, std::string_view type, boost::json::object data);

// The message_send frame of the hot path, serialised once by the codec with placeholders
// and then only spliced with numbers: the request id, the client_id ("b<sender>.<n>")
// and the text (the send time in steady-clock nanoseconds, which the recipient uses to
// measure the end-to-end latency). render() allocates nothing once `out` has grown.
class SendFrame {
 public:
  explicit SendFrame(std::int64_t to);
  void render(std::string& out, std::int64_t request_id, std::uint32_t sender, std::uint64_t n,
              std::int64_t sent_ns) const;

 private:
  std::string head_;         // up to the request id
  std::string mid_;          // between the id and the client_id's numbers
  std::string before_text_;  // between the client_id and the text
  std::string tail_;         // after the text
};

// The client_id and send time that render() put into a message, read back.
struct SendStamp {
  std::uint32_t sender = 0;
  std::uint64_t n = 0;
  std::int64_t sent_ns = 0;
};
bool read_stamp(std::string_view client_id, std::string_view text, SendStamp& out);

// One frame from the server: a response or an event.
using Incoming = std::variant<proto::Response, proto::Event>;
proto::Result<Incoming> parse_incoming(std::string_view text);

// The response's integer id, or -1.
std::int64_t response_id(const proto::Response& response);

}  // namespace parley::bench
