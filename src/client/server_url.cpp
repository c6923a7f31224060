#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include "client/connection.hpp"

namespace parley::client::detail {
namespace urls = boost::urls;
namespace {

proto::Error bad_url(std::string_view url, std::string_view why) {
  return proto::make_error(proto::Errc::bad_request,
                           "invalid server URL \"" + std::string(url) + "\": " + std::string(why), "server");
}

}  // namespace

std::string ServerAddress::host_header() const {
  std::string out = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return out + ":" + port;
}

proto::Result<ServerAddress> parse_server_url(std::string_view url) {
  auto parsed = urls::parse_uri(url);
  if (!parsed) return bad_url(url, parsed.error().message());
  const urls::url_view& u = *parsed;

  ServerAddress out;
  switch (u.scheme_id()) {
    case urls::scheme::http:
    case urls::scheme::ws:
      out.tls = false;
      break;
    case urls::scheme::https:
    case urls::scheme::wss:
      out.tls = true;
      break;
    default:
      return bad_url(url, "the scheme must be http, https, ws or wss");
  }
  switch (u.host_type()) {
    case urls::host_type::name:
      out.host = u.host();
      break;
    case urls::host_type::ipv4:
    case urls::host_type::ipv6:
      out.host = u.host_address();
      out.host_is_ip = true;
      break;
    default:
      return bad_url(url, "a host name or IP address is required");
  }
  if (out.host.empty()) return bad_url(url, "a host name or IP address is required");
  if (u.has_userinfo()) return bad_url(url, "user names and passwords in the URL are not supported");

  if (u.has_port()) {
    if (u.port_number() == 0) return bad_url(url, "the port must be 1..65535");
    out.port = std::to_string(u.port_number());
  } else {
    out.port = out.tls ? "443" : "80";
  }
  return out;
}

}  // namespace parley::client::detail
