#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "proto/errors.hpp"

namespace parley::proto {

// Reads typed members out of a request's `data`, checking type and size. The first
// problem is kept and reported by status(); later reads after a failure return empty
// values, so a decoder can read every member and check once at the end.
class FieldReader {
 public:
  explicit FieldReader(const boost::json::object& object) : object_(object) {}

  std::string required_string(std::string_view key, std::size_t max_bytes);
  std::optional<std::string> optional_string(std::string_view key, std::size_t max_bytes);
  std::int64_t required_int(std::string_view key, std::int64_t min, std::int64_t max);
  std::optional<std::int64_t> optional_int(std::string_view key, std::int64_t min, std::int64_t max);
  std::optional<bool> optional_bool(std::string_view key);
  std::vector<std::int64_t> required_int_array(std::string_view key, std::size_t max_items,
                                               std::int64_t min, std::int64_t max);

  bool ok() const { return !error_.has_value(); }
  Status status() const;

 private:
  const boost::json::value* find(std::string_view key);
  void fail(Errc code, std::string_view key, std::string message);

  const boost::json::object& object_;
  std::optional<Error> error_;
};

}  // namespace parley::proto
