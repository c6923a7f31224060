// Schemas of the presence messages (see proto/schema.hpp).
#include "proto/messages.hpp"
#include "proto/schema.hpp"

namespace parley::proto {
namespace schema {

template <>
struct Schema<PresenceGetRequest> {
  static constexpr auto fields = std::make_tuple();
};

template <>
struct Schema<PresenceGetResult> {
  static constexpr auto fields = std::make_tuple(required("status", &PresenceGetResult::status, 1, 32));
};

template <>
struct Schema<PresenceSetRequest> {
  static constexpr auto fields = std::make_tuple(required("status", &PresenceSetRequest::status, 1, 32));
};

template <>
struct Schema<PresenceEvent> {
  static constexpr auto fields = std::make_tuple(required("user_id", &PresenceEvent::user_id, 0, kMax),
                                                 required("status", &PresenceEvent::status, 1, 32));
};

template <>
struct Schema<TypingRequest> {
  static constexpr auto fields = std::make_tuple(required("conversation_id", &TypingRequest::conversation_id, 1, kMax));
};

template <>
struct Schema<TypingEvent> {
  static constexpr auto fields = std::make_tuple(required("conversation_id", &TypingEvent::conversation_id, 1, kMax),
                                                 required("user_id", &TypingEvent::user_id, 0, kMax));
};

}  // namespace schema

PARLEY_PROTO_MESSAGE(PresenceGetRequest)
PARLEY_PROTO_MESSAGE(PresenceGetResult)
PARLEY_PROTO_MESSAGE(PresenceSetRequest)
PARLEY_PROTO_MESSAGE(PresenceEvent)
PARLEY_PROTO_MESSAGE(TypingRequest)
PARLEY_PROTO_MESSAGE(TypingEvent)

}  // namespace parley::proto
