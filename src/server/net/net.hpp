#pragma once

// The namespace aliases of the network layer, in one place. Only net/ includes this.
#include <boost/asio.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

namespace parley::server::net {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;
using asio::awaitable;
using asio::use_awaitable;
inline constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
}  // namespace parley::server::net
