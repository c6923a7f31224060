#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "proto/errors.hpp"
#include "proto/fields.hpp"
#include "proto/messages.hpp"

// Declarative message schemas: each message type lists its members once, with name,
// limits and whether it is required, and the generic decode and encode below follow
// that list. So a member cannot be decoded but forgotten in encode, or the reverse.
// Internal to proto/: the public API is decode<T>() and encode() in messages.hpp.
namespace parley::proto::schema {

// The schema of T: specialise with `static constexpr auto fields = std::make_tuple(...)`.
template <class T>
struct Schema;

template <class T>
concept Described = requires { Schema<T>::fields; };

template <class M>
struct IsDescribedVector : std::false_type {};
template <Described E>
struct IsDescribedVector<std::vector<E>> : std::true_type {};

enum class Need { required, optional };

// Byte caps applied while decoding, before the value rules: generous enough that the
// value rule, not the cap, explains what is wrong with an ordinary bad value.
inline constexpr std::int64_t kNameCap = 128;
inline constexpr std::int64_t kSecretCap = 1024;
inline constexpr std::int64_t kTextCap = 1024;
inline constexpr std::int64_t kMax = INT64_MAX;

// One member. For strings min/max are byte lengths, for integers the range, for arrays
// the item count. An optional member that is absent keeps the struct's default.
template <class T, class M>
struct Field {
  std::string_view name;
  M T::*member;
  Need need;
  std::int64_t min;
  std::int64_t max;
};

template <class T, class M>
constexpr Field<T, M> required(std::string_view name, M T::*member, std::int64_t min, std::int64_t max) {
  return {name, member, Need::required, min, max};
}

template <class T, class M>
constexpr Field<T, M> optional(std::string_view name, M T::*member, std::int64_t min, std::int64_t max) {
  return {name, member, Need::optional, min, max};
}

template <class T>
Result<T> decode_object(const boost::json::object& object);
template <class T>
boost::json::object encode_object(const T& value);

// Reading one member of each supported type.
template <class T>
void read_member(FieldReader& r, const Field<T, std::string>& f, std::string& out) {
  auto value = r.optional_string(f.name, static_cast<std::size_t>(f.max));
  if (!value) {
    if (f.need == Need::required) r.require(f.name);
    return;
  }
  if (value->size() < static_cast<std::size_t>(f.min)) r.fail_value(f.name, "must not be empty");
  out = std::move(*value);
}

template <class T>
void read_member(FieldReader& r, const Field<T, std::optional<std::string>>& f, std::optional<std::string>& out) {
  out = r.optional_string(f.name, static_cast<std::size_t>(f.max));
}

template <class T>
void read_member(FieldReader& r, const Field<T, std::int64_t>& f, std::int64_t& out) {
  auto value = r.optional_int(f.name, f.min, f.max);
  if (value) {
    out = *value;
  } else if (f.need == Need::required) {
    r.require(f.name);
  }
}

template <class T>
void read_member(FieldReader& r, const Field<T, std::optional<std::int64_t>>& f, std::optional<std::int64_t>& out) {
  out = r.optional_int(f.name, f.min, f.max);
}

template <class T>
void read_member(FieldReader& r, const Field<T, bool>& f, bool& out) {
  auto value = r.optional_bool(f.name);
  if (value) {
    out = *value;
  } else if (f.need == Need::required) {
    r.require(f.name);
  }
}

template <class T>
void read_member(FieldReader& r, const Field<T, std::optional<bool>>& f, std::optional<bool>& out) {
  out = r.optional_bool(f.name);
}

// A free-form JSON object (a message body, whose shape depends on its kind); max bounds
// its serialised size.
template <class T>
void read_member(FieldReader& r, const Field<T, boost::json::object>& f, boost::json::object& out) {
  const auto* object = r.optional_object(f.name);
  if (object == nullptr) {
    if (f.need == Need::required) r.require(f.name);
    return;
  }
  out = *object;
}

// For integer arrays, min and max bound the items and kMaxItems their count.
inline constexpr std::size_t kMaxItems = 64;

template <class T>
void read_member(FieldReader& r, const Field<T, std::vector<std::int64_t>>& f, std::vector<std::int64_t>& out) {
  auto value = r.optional_int_array(f.name, kMaxItems, f.min, f.max);
  if (value) {
    out = std::move(*value);
  } else if (f.need == Need::required) {
    r.require(f.name);
  }
}

template <class T, Described M>
void read_member(FieldReader& r, const Field<T, M>& f, M& out) {
  const auto* object = r.optional_object(f.name);
  if (object == nullptr) {
    if (f.need == Need::required) r.require(f.name);
    return;
  }
  auto value = decode_object<M>(*object);
  if (!value) return r.fail(value.error());
  out = std::move(*value);
}

template <class T, Described M>
void read_member(FieldReader& r, const Field<T, std::optional<M>>& f, std::optional<M>& out) {
  const auto* object = r.optional_object(f.name);
  if (object == nullptr) return;
  auto value = decode_object<M>(*object);
  if (!value) return r.fail(value.error());
  out = std::move(*value);
}

template <class T, Described M>
void read_member(FieldReader& r, const Field<T, std::vector<M>>& f, std::vector<M>& out) {
  const auto* array = r.optional_array(f.name, static_cast<std::size_t>(f.max));
  if (array == nullptr) {
    if (f.need == Need::required) r.require(f.name);
    return;
  }
  for (const auto& item : *array) {
    if (!item.is_object()) return r.fail_value(f.name, "must hold objects");
    auto value = decode_object<M>(item.get_object());
    if (!value) return r.fail(value.error());
    out.push_back(std::move(*value));
  }
}

// Writing one member of each supported type.
template <class M>
void write_member(boost::json::object& out, std::string_view name, const M& value) {
  if constexpr (Described<M>) {
    out[name] = encode_object(value);
  } else if constexpr (IsDescribedVector<M>::value) {
    boost::json::array items;
    for (const auto& item : value) items.push_back(encode_object(item));
    out[name] = std::move(items);
  } else if constexpr (std::is_same_v<M, std::vector<std::int64_t>>) {
    out[name] = boost::json::array(value.begin(), value.end());
  } else if constexpr (requires { value.has_value(); }) {
    if (value) write_member(out, name, *value);
  } else {
    out[name] = value;
  }
}

template <class T>
Result<T> decode_object(const boost::json::object& object) {
  FieldReader r(object);
  T value{};
  std::apply([&](const auto&... f) { (read_member(r, f, value.*(f.member)), ...); }, Schema<T>::fields);
  if (auto s = r.status(); !s) return s.error();
  return value;
}

template <class T>
boost::json::object encode_object(const T& value) {
  boost::json::object out;
  std::apply([&](const auto&... f) { (write_member(out, f.name, value.*(f.member)), ...); }, Schema<T>::fields);
  return out;
}

}  // namespace parley::proto::schema

namespace parley::proto {

// The definitions behind messages.hpp's declarations, visible only to the files that
// hold schemas; each instantiates them once per message type with the macro below.
template <class T>
Result<T> decode(const boost::json::object& data) {
  return schema::decode_object<T>(data);
}

template <class T>
boost::json::object encode(const T& message) {
  return schema::encode_object(message);
}

}  // namespace parley::proto

// One line per message type, inside namespace parley::proto.
#define PARLEY_PROTO_MESSAGE(T)                             \
  template Result<T> decode<T>(const boost::json::object&); \
  template boost::json::object encode<T>(const T&);
