#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "proto/errors.hpp"

// The envelope codec of protocol v1 (docs/protocol.md, "Envelopes"). Pure functions:
// no I/O, safe to call from any thread.
namespace parley::proto {

inline constexpr int kProtocolVersion = 1;

struct ParseLimits {
  std::size_t max_bytes = 64 * 1024;
  int max_depth = 16;
};

// A request's id: a string of 1..64 bytes or a non-negative integer, echoed back as
// given. A null id means "unknown" and only appears in responses.
using RequestId = boost::json::value;

struct Request {
  RequestId id;
  std::string type;
  boost::json::object data;
};

struct Response {
  RequestId id;  // null when the request could not be parsed far enough
  bool ok = true;
  boost::json::object result;  // when ok
  Error error;                 // when !ok
};

struct Event {
  std::string type;
  boost::json::object data;
};

// Parses one JSON text into an object, enforcing size, depth and UTF-8 validity.
Result<boost::json::object> parse_object(std::string_view text, const ParseLimits& limits);

// Parses a request. On failure the error is returned together with whatever id could
// be recovered (null if none), so the caller can still answer it.
struct RequestParse {
  Result<Request> request;
  RequestId id;
};
RequestParse parse_request(std::string_view text, const ParseLimits& limits);

// Reads the envelope of a request from an already parsed object.
Result<Request> request_from_object(boost::json::object object);

Result<Response> parse_response(std::string_view text, const ParseLimits& limits);
Result<Event> parse_event(std::string_view text, const ParseLimits& limits);

std::string serialize(const Request& request);
std::string serialize(const Response& response);
std::string serialize(const Event& event);

// The body of an HTTP response: the response object without its id.
std::string serialize_http_body(const Response& response);
boost::json::object error_to_json(const Error& error);
Status error_from_json(const boost::json::object& object, Error& out);

Response ok_response(RequestId id, boost::json::object result);
Response error_response(RequestId id, Error error);

}  // namespace parley::proto
