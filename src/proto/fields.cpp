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

std::string FieldReader::required_string(std::string_view key, std::size_t max_bytes) {
  bool was_ok = ok();
  auto value = optional_string(key, max_bytes);
  if (!value) {
    if (was_ok && ok()) fail(Errc::bad_request, key, "is required");
    return {};
  }
  return *value;
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

std::int64_t FieldReader::required_int(std::string_view key, std::int64_t min, std::int64_t max) {
  bool was_ok = ok();
  auto value = optional_int(key, min, max);
  if (!value) {
    if (was_ok && ok()) fail(Errc::bad_request, key, "is required");
    return 0;
  }
  return *value;
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

std::vector<std::int64_t> FieldReader::required_int_array(std::string_view key, std::size_t max_items,
                                                          std::int64_t min, std::int64_t max) {
  const json::value* value = find(key);
  std::vector<std::int64_t> out;
  if (value == nullptr) {
    fail(Errc::bad_request, key, "is required");
    return out;
  }
  if (!value->is_array()) {
    fail(Errc::bad_request, key, "must be an array of integers");
    return out;
  }
  const auto& array = value->get_array();
  if (array.size() > max_items) {
    fail(Errc::too_large, key, "has more than " + std::to_string(max_items) + " items");
    return out;
  }
  for (const auto& item : array) {
    if (!item.is_int64() || item.get_int64() < min || item.get_int64() > max) {
      fail(Errc::bad_request, key, "must be an array of integers between " + std::to_string(min) +
                                       " and " + std::to_string(max));
      return {};
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
