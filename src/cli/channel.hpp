#pragma once

#include <string_view>

#include <boost/json/object.hpp>

#include "cli/context.hpp"
#include "client/client.hpp"

namespace parley::cli {

// Where a command's requests go, with the saved session: over HTTP (the one-shot
// commands: a request is not a connection, so it never signs out a WebSocket of the
// device) or over a WebSocket that is already logged in (chat).
class Channel {
 public:
  virtual ~Channel() = default;
  // The result object, or the failure; a refused token says how to get a new one.
  virtual Outcome<boost::json::object> request(std::string_view type, const boost::json::object& data) const = 0;
};

// Requests over HTTP with the saved session's token. Keeps references: `context` and
// `saved` must outlive it.
class HttpChannel final : public Channel {
 public:
  HttpChannel(const Context& context, const SavedSession& saved) : context_(context), saved_(saved) {}
  Outcome<boost::json::object> request(std::string_view type, const boost::json::object& data) const override;

 private:
  const Context& context_;
  const SavedSession& saved_;
};

// Requests over a logged-in WebSocket, which must outlive the channel.
class SocketChannel final : public Channel {
 public:
  explicit SocketChannel(client::Client& client) : client_(client) {}
  Outcome<boost::json::object> request(std::string_view type, const boost::json::object& data) const override;

 private:
  client::Client& client_;
};

// One typed request through `channel`.
template <class Res, class Req>
Outcome<Reply<Res>> ask(const Channel& channel, std::string_view type, const Req& request) {
  auto raw = channel.request(type, proto::encode(request));
  if (!raw) return raw.error();
  return decode_reply<Res>(type, std::move(*raw));
}

// One request over HTTP with the saved session's token.
template <class Res, class Req>
Outcome<Reply<Res>> session_call(const Context& context, const SavedSession& saved, std::string_view type,
                                 const Req& request) {
  return ask<Res>(HttpChannel(context, saved), type, request);
}

}  // namespace parley::cli
