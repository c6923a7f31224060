#pragma once

#include "proto/messages.hpp"
#include "proto/schema.hpp"

// The schema of a chat log entry, which other domains' messages embed (the friend list's
// last message): every file that encodes or decodes one must see it.
namespace parley::proto::schema {

constexpr std::int64_t kClientIdCap = 64;

template <>
struct Schema<ChatMessage> {
  static constexpr auto fields = std::make_tuple(
      required("conversation_id", &ChatMessage::conversation_id, 1, kMax),
      required("seq", &ChatMessage::seq, 1, kMax), required("sender_id", &ChatMessage::sender_id, 0, kMax),
      optional("client_id", &ChatMessage::client_id, 0, kClientIdCap), required("kind", &ChatMessage::kind, 1, kNameCap),
      required("body", &ChatMessage::body, 0, 0), required("created_at", &ChatMessage::created_at, 0, kMax),
      optional("recalled", &ChatMessage::recalled, 0, 0));
};

}  // namespace parley::proto::schema
