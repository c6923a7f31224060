#include "proto/codec.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace parley::proto {
namespace json = boost::json;
namespace {

constexpr std::size_t kMaxIdBytes = 64;

bool valid_id(const json::value& id) {
  if (id.is_string()) {
    auto n = id.get_string().size();
    return n >= 1 && n <= kMaxIdBytes;
  }
  if (id.is_int64()) return id.get_int64() >= 0;
  return id.is_uint64();
}

Error bad(std::string message, std::string field = {}) {
  return make_error(Errc::bad_request, std::move(message), std::move(field));
}

}  // namespace

Result<json::object> parse_object(std::string_view text, const ParseLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return make_error(Errc::too_large, "message is " + std::to_string(text.size()) +
                                           " bytes; the limit is " +
                                           std::to_string(limits.max_bytes));
  }
  json::parse_options options;
  options.max_depth = static_cast<std::size_t>(limits.max_depth);
  options.allow_invalid_utf8 = false;
  boost::system::error_code ec;
  json::value value = json::parse(text, ec, {}, options);
  if (ec) {
    if (ec == json::error::too_deep) {
      return bad("JSON nested deeper than " + std::to_string(limits.max_depth) + " levels");
    }
    return bad("malformed JSON: " + ec.message());
  }
  if (!value.is_object()) return bad("a message must be a JSON object");
  return std::move(value.get_object());
}

Result<Request> request_from_object(json::object object) {
  Request request;
  auto* id = object.if_contains("id");
  if (id == nullptr) return bad("missing id", "id");
  if (!valid_id(*id)) return bad("id must be a string of 1..64 bytes or a non-negative integer", "id");
  request.id = *id;
  auto* type = object.if_contains("type");
  if (type == nullptr || !type->is_string()) return bad("type must be a string", "type");
  request.type = std::string(type->get_string());
  if (auto* data = object.if_contains("data")) {
    if (data->is_null()) return request;
    if (!data->is_object()) return bad("data must be an object", "data");
    request.data = std::move(data->get_object());
  }
  return request;
}

RequestParse parse_request(std::string_view text, const ParseLimits& limits) {
  auto object = parse_object(text, limits);
  if (!object) return {object.error(), nullptr};
  json::value id = nullptr;
  if (auto* found = object->if_contains("id"); found != nullptr && valid_id(*found)) id = *found;
  auto request = request_from_object(std::move(*object));
  return {std::move(request), std::move(id)};
}

json::object error_to_json(const Error& error) {
  json::object out;
  out["code"] = to_string(error.code);
  out["message"] = error.message;
  out["retry"] = retryable(error.code);
  if (!error.field.empty()) out["field"] = error.field;
  if (error.retry_after_ms > 0) out["retry_after_ms"] = error.retry_after_ms;
  if (error.until > 0) out["until"] = error.until;
  return out;
}

Status error_from_json(const json::object& object, Error& error) {
  auto* code = object.if_contains("code");
  if (code == nullptr || !code->is_string()) return bad("error.code must be a string", "code");
  auto parsed = errc_from_string(code->get_string());
  if (!parsed) return bad("unknown error code", "code");
  error.code = *parsed;
  auto* message = object.if_contains("message");
  if (message == nullptr || !message->is_string()) return bad("error.message must be a string", "message");
  error.message = std::string(message->get_string());
  auto* retry = object.if_contains("retry");
  if (retry == nullptr || !retry->is_bool()) return bad("error.retry must be a boolean", "retry");
  if (auto* field = object.if_contains("field")) {
    if (!field->is_string()) return bad("error.field must be a string", "field");
    error.field = std::string(field->get_string());
  }
  if (auto* after = object.if_contains("retry_after_ms")) {
    if (!after->is_int64() || after->get_int64() < 0) return bad("error.retry_after_ms must be a non-negative integer", "retry_after_ms");
    error.retry_after_ms = after->get_int64();
  }
  if (auto* until = object.if_contains("until")) {
    if (!until->is_int64() || until->get_int64() < 0) return bad("error.until must be a non-negative integer", "until");
    error.until = until->get_int64();
  }
  return {};
}

Result<Response> parse_response(std::string_view text, const ParseLimits& limits) {
  auto object = parse_object(text, limits);
  if (!object) return object.error();
  Response response;
  auto* id = object->if_contains("id");
  if (id == nullptr) return bad("missing id", "id");
  if (!id->is_null() && !valid_id(*id)) return bad("invalid id", "id");
  response.id = *id;
  auto* ok = object->if_contains("ok");
  if (ok == nullptr || !ok->is_bool()) return bad("ok must be a boolean", "ok");
  response.ok = ok->get_bool();
  if (response.ok) {
    auto* result = object->if_contains("result");
    if (result == nullptr || !result->is_object()) return bad("result must be an object", "result");
    response.result = std::move(result->get_object());
  } else {
    auto* error = object->if_contains("error");
    if (error == nullptr || !error->is_object()) return bad("error must be an object", "error");
    if (auto s = error_from_json(error->get_object(), response.error); !s) return s.error();
  }
  return response;
}

Result<Event> parse_event(std::string_view text, const ParseLimits& limits) {
  auto object = parse_object(text, limits);
  if (!object) return object.error();
  if (object->contains("id")) return bad("an event has no id", "id");
  Event event;
  auto* type = object->if_contains("type");
  if (type == nullptr || !type->is_string()) return bad("type must be a string", "type");
  event.type = std::string(type->get_string());
  auto* data = object->if_contains("data");
  if (data == nullptr || !data->is_object()) return bad("data must be an object", "data");
  event.data = std::move(data->get_object());
  return event;
}

std::string serialize(const Request& request) {
  json::object out;
  out["id"] = request.id;
  out["type"] = request.type;
  out["data"] = request.data;
  return json::serialize(out);
}

namespace {
json::object response_body(const Response& response) {
  json::object out;
  out["ok"] = response.ok;
  if (response.ok) {
    out["result"] = response.result;
  } else {
    out["error"] = error_to_json(response.error);
  }
  return out;
}
}  // namespace

std::string serialize(const Response& response) {
  json::object out;
  out["id"] = response.id;
  for (auto& [key, value] : response_body(response)) out[key] = value;
  return json::serialize(out);
}

std::string serialize_http_body(const Response& response) {
  return json::serialize(response_body(response));
}

std::string serialize(const Event& event) {
  json::object out;
  out["type"] = event.type;
  out["data"] = event.data;
  return json::serialize(out);
}

Response ok_response(RequestId id, json::object result) {
  return Response{std::move(id), true, std::move(result), {}};
}

Response error_response(RequestId id, Error error) {
  return Response{std::move(id), false, {}, std::move(error)};
}

}  // namespace parley::proto
