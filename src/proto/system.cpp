// Schemas of the connection messages (see proto/schema.hpp).
#include "proto/messages.hpp"
#include "proto/schema.hpp"

namespace parley::proto {
namespace schema {

template <>
struct Schema<Limits> {
  static constexpr auto fields = std::make_tuple(required("max_frame_bytes", &Limits::max_frame_bytes, 0, kMax),
                                                 required("max_requests_per_second", &Limits::max_requests_per_second, 0, kMax),
                                                 required("idle_timeout_ms", &Limits::idle_timeout_ms, 0, kMax));
};

template <>
struct Schema<HelloRequest> {
  static constexpr auto fields = std::make_tuple(required("versions", &HelloRequest::versions, 1, 1000),
                                                 optional("client", &HelloRequest::client, 0, kNameCap));
};

template <>
struct Schema<HelloResult> {
  static constexpr auto fields = std::make_tuple(required("version", &HelloResult::version, 1, 1000),
                                                 required("server", &HelloResult::server, 0, kNameCap),
                                                 required("limits", &HelloResult::limits, 0, 0));
};

template <>
struct Schema<PingRequest> {
  static constexpr auto fields = std::make_tuple();
};

template <>
struct Schema<PingResult> {
  static constexpr auto fields = std::make_tuple(required("time", &PingResult::time, 0, kMax));
};

template <>
struct Schema<EmptyResult> {
  static constexpr auto fields = std::make_tuple();
};

template <>
struct Schema<ServerShutdownEvent> {
  static constexpr auto fields =
      std::make_tuple(required("message", &ServerShutdownEvent::message, 0, kTextCap),
                      required("reconnect_after_ms", &ServerShutdownEvent::reconnect_after_ms, 0, kMax));
};

}  // namespace schema

PARLEY_PROTO_MESSAGE(HelloRequest)
PARLEY_PROTO_MESSAGE(HelloResult)
PARLEY_PROTO_MESSAGE(PingRequest)
PARLEY_PROTO_MESSAGE(PingResult)
PARLEY_PROTO_MESSAGE(EmptyResult)
PARLEY_PROTO_MESSAGE(ServerShutdownEvent)

}  // namespace parley::proto
