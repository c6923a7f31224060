#pragma once

#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "bench/transport.hpp"
#include "proto/errors.hpp"

// Internals of transport.cpp: the connections over each next layer. transport.ipp holds
// them once, as templates over the stream type; transport_plain.cpp instantiates them for
// TCP and transport_tls.cpp for TLS, so each Beast instantiation is compiled once, in a
// translation unit of its own. No Beast type appears here.
namespace parley::bench::detail {

asio::awaitable<proto::Result<std::unique_ptr<WsConnection>>> open_plain_ws(const ServerTarget& target,
                                                                            const std::string& source_address);
asio::awaitable<proto::Result<std::unique_ptr<HttpConnection>>> open_plain_http(const ServerTarget& target,
                                                                                const std::string& source_address);

// `target.tls` must be set.
asio::awaitable<proto::Result<std::unique_ptr<WsConnection>>> open_tls_ws(const ServerTarget& target,
                                                                          const std::string& source_address);
asio::awaitable<proto::Result<std::unique_ptr<HttpConnection>>> open_tls_http(const ServerTarget& target,
                                                                              const std::string& source_address);

// A client context for TLS 1.2 and 1.3; with `verify`, connections check the server's
// certificate against the system's CAs, without, they accept any.
std::shared_ptr<TlsContext> make_tls_context(bool verify);

}  // namespace parley::bench::detail
