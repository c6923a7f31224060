#pragma once

#include "proto/messages.hpp"
#include "server/dispatcher.hpp"
#include "server/services/friends_service.hpp"

// What the handlers of several domains need from a request's context.
namespace parley::server {

// The connection a request came on, or 0 over HTTP.
inline std::uint64_t connection_id(const RequestContext& ctx) { return ctx.connection ? ctx.connection->id() : 0; }

// The logged-in user and their connection, as the friends and groups services take them.
inline Caller caller(const RequestContext& ctx) { return Caller{ctx.session->user_id, connection_id(ctx)}; }

// The result of the requests that answer {}.
inline proto::Result<proto::EmptyResult> done(const proto::Status& s) {
  if (!s) return s.error();
  return proto::EmptyResult{};
}

}  // namespace parley::server
