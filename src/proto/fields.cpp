#include "proto/fields.hpp"

namespace parley::proto {
namespace json = boost::json;

const json::value* FieldReader::find(std::string_view key) {
  if (error_) return nullptr;
  const json::value* value = object_.if_contains(key);
  // A null member reads as absent: clients often send {"x": null} for "not set".
  if (value != nullptr && value->is_null()) return nullptr;
  return value;
}

void FieldReader::fail(Errc code, std::string_view key, std::string message) {
  if (!error_) error_ = make_error(code, std::string(key) + " " + message, std::string(key));
}

void FieldReader::fail(Error error) {
  if (!error_) error_ = std::move(error);
}

void FieldReader::fail_value(std::string_view key, std::string message) {
  fail(Errc::bad_request, key, std::move(message));
}

void FieldReader::require(std::string_view key) { fail(Errc::bad_request, key, "is required"); }

std::optional<std::string> FieldReader::optional_string(std::string_view key, std::size_t max_bytes) {
  const json::value* value = find(key);
  if (value == nullptr) return std::nullopt;
  if (!value->is_string()) {
    fail(Errc::bad_request, key, "must be a string");
    return std::nullopt;
  }
  const auto& s = value->get_string();
  if (s.size() > max_bytes) {
    fail(Errc::too_large, key, "is longer than " + std::to_string(max_bytes) + " bytes");
    return std::nullopt;
  }
  return std::string(s);
}

std::optional<std::int64_t> FieldReader::optional_int(std::string_view key, std::int64_t min, std::int64_t max) {
  const json::value* value = find(key);
  if (value == nullptr) return std::nullopt;
  std::int64_t n = 0;
  if (value->is_int64()) {
    n = value->get_int64();
  } else if (value->is_uint64() && value->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    n = static_cast<std::int64_t>(value->get_uint64());
  } else {
    fail(Errc::bad_request, key, "must be an integer");
    return std::nullopt;
  }
  if (n < min || n > max) {
    fail(Errc::bad_request, key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
    return std::nullopt;
  }
  return n;
}

std::optional<bool> FieldReader::optional_bool(std::string_view key) {
  const json::value* value = find(key);
  if (value == nullptr) return std::nullopt;
  if (!value->is_bool()) {
    fail(Errc::bad_request, key, "must be true or false");
    return std::nullopt;
  }
  return value->get_bool();
}

const json::object* FieldReader::optional_object(std::string_view key) {
  const json::value* value = find(key);
  if (value == nullptr) return nullptr;
  if (!value->is_object()) {
    fail(Errc::bad_request, key, "must be an object");
    return nullptr;
  }
  return &value->get_object();
}

const json::array* FieldReader::optional_array(std::string_view key, std::size_t max_items) {
  const json::value* value = find(key);
  if (value == nullptr) return nullptr;
  if (!value->is_array()) {
    fail(Errc::bad_request, key, "must be an array");
    return nullptr;
  }
  if (value->get_array().size() > max_items) {
    fail(Errc::too_large, key, "has more than " + std::to_string(max_items) + " items");
    return nullptr;
  }
  return &value->get_array();
}

std::optional<std::vector<std::int64_t>> FieldReader::optional_int_array(std::string_view key, std::size_t max_items,
                                                                         std::int64_t min, std::int64_t max) {
  const json::array* array = optional_array(key, max_items);
  if (array == nullptr) return std::nullopt;
  std::vector<std::int64_t> out;
  for (const auto& item : *array) {
    if (!item.is_int64() || item.get_int64() < min || item.get_int64() > max) {
      fail(Errc::bad_request, key,
           "must be an array of integers between " + std::to_string(min) + " and " + std::to_string(max));
      return std::nullopt;
    }
    out.push_back(item.get_int64());
  }
  return out;
}

Status FieldReader::status() const {
  if (error_) return *error_;
  return {};
}

}  // namespace parley::proto
