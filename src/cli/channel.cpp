#include "cli/channel.hpp"

namespace parley::cli {

Outcome<boost::json::object> HttpChannel::request(std::string_view type, const boost::json::object& data) const {
  auto raw = context_.request(saved_.server, type, data, saved_.session.token);
  if (!raw) return session_failure(std::move(raw.error()));
  return raw;
}

Outcome<boost::json::object> SocketChannel::request(std::string_view type, const boost::json::object& data) const {
  auto raw = client_.request(type, data);
  if (!raw) return session_failure(Failure(std::move(raw.error())));
  return std::move(*raw);
}

}  // namespace parley::cli
