#pragma once

#include <cstdint>
#include <string>

// Protocol v1 messages of presence and typing (docs/protocol.md, "Presence"). Encoded
// and decoded through proto/messages.hpp.
namespace parley::proto {

namespace type {
inline constexpr char kPresenceGet[] = "presence_get";
inline constexpr char kPresenceSet[] = "presence_set";
inline constexpr char kTyping[] = "typing";
}  // namespace type

namespace event {
inline constexpr char kPresence[] = "presence";
inline constexpr char kTyping[] = "typing";
}  // namespace event

// What a user chooses: online, away, busy or invisible. Others see "offline" for an
// invisible user and for one with no connected device.
namespace presence {
inline constexpr char kOnline[] = "online";
inline constexpr char kAway[] = "away";
inline constexpr char kBusy[] = "busy";
inline constexpr char kInvisible[] = "invisible";
inline constexpr char kOffline[] = "offline";
}  // namespace presence

struct PresenceGetRequest {};
// The caller's own chosen status (never offline), for a device that comes online after
// the others and must show what the user chose.
struct PresenceGetResult {
  std::string status;
};

struct PresenceSetRequest {
  std::string status;
};

struct PresenceEvent {
  std::int64_t user_id = 0;
  std::string status;  // online, away, busy or offline (never invisible)
};

struct TypingRequest {
  std::int64_t conversation_id = 0;
};

struct TypingEvent {
  std::int64_t conversation_id = 0;
  std::int64_t user_id = 0;
};

}  // namespace parley::proto
