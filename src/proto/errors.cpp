#include "proto/errors.hpp"

#include <array>
#include <stdexcept>

namespace parley::proto {
namespace {

struct CodeInfo {
  Errc code;
  std::string_view name;
  bool retry;
  int http;
};

constexpr std::array kCodes = {
    CodeInfo{Errc::bad_request, "bad_request", false, 400},
    CodeInfo{Errc::unknown_type, "unknown_type", false, 400},
    CodeInfo{Errc::unsupported_version, "unsupported_version", false, 400},
    CodeInfo{Errc::unauthorized, "unauthorized", false, 401},
    CodeInfo{Errc::forbidden, "forbidden", false, 403},
    CodeInfo{Errc::not_found, "not_found", false, 404},
    CodeInfo{Errc::conflict, "conflict", false, 409},
    CodeInfo{Errc::too_large, "too_large", false, 413},
    CodeInfo{Errc::rate_limited, "rate_limited", true, 429},
    CodeInfo{Errc::internal, "internal", true, 500},
    CodeInfo{Errc::unavailable, "unavailable", true, 503},
};
static_assert(kCodes.size() == static_cast<size_t>(Errc::unavailable) + 1);

const CodeInfo& info(Errc code) { return kCodes[static_cast<size_t>(code)]; }

}  // namespace

std::string_view to_string(Errc code) { return info(code).name; }

std::optional<Errc> errc_from_string(std::string_view text) {
  for (const auto& c : kCodes) {
    if (c.name == text) return c.code;
  }
  return std::nullopt;
}

bool retryable(Errc code) { return info(code).retry; }

int http_status(Errc code) { return info(code).http; }

Error make_error(Errc code, std::string message, std::string field) {
  return Error{code, std::move(message), std::move(field), 0};
}

void throw_exception_from_error(const Error& e, const boost::source_location&) {
  throw std::runtime_error(std::string(to_string(e.code)) + ": " + e.message);
}

}  // namespace parley::proto
