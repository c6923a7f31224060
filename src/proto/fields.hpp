#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "proto/errors.hpp"

namespace parley::proto {

// Reads typed members out of a JSON object, checking type and size. A member that is
// absent (or null) reads as empty. The first problem is kept and reported by status();
// reads after a failure return empty values, so a decoder can read every member and
// check once at the end.
class FieldReader {
 public:
  explicit FieldReader(const boost::json::object& object) : object_(object) {}

  std::optional<std::string> optional_string(std::string_view key, std::size_t max_bytes);
  std::optional<std::int64_t> optional_int(std::string_view key, std::int64_t min, std::int64_t max);
  std::optional<bool> optional_bool(std::string_view key);
  std::optional<std::vector<std::int64_t>> optional_int_array(std::string_view key, std::size_t max_items,
                                                              std::int64_t min, std::int64_t max);
  const boost::json::object* optional_object(std::string_view key);
  const boost::json::array* optional_array(std::string_view key, std::size_t max_items);

  // Records that a required member is missing (unless an earlier problem is recorded).
  void require(std::string_view key);
  // Records a bad value of `key`; the message is prefixed with the key.
  void fail_value(std::string_view key, std::string message);
  void fail(Error error);

  bool ok() const { return !error_.has_value(); }
  Status status() const;

 private:
  const boost::json::value* find(std::string_view key);
  void fail(Errc code, std::string_view key, std::string message);

  const boost::json::object& object_;
  std::optional<Error> error_;
};

}  // namespace parley::proto
