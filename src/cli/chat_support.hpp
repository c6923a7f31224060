#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "cli/channel.hpp"

// What the chat commands (send, history, conversations, recall, read, chat) share.
namespace parley::cli {

// A fresh client_id for message_send: a UUID version 7 (RFC 9562), the time in
// milliseconds followed by random bits. Ids made later sort later, so the server's lookup
// by (sender, client_id) grows at its end instead of taking a random page per message.
std::string new_client_id();

// A message_send of `text` to user `to`, with a fresh client_id.
proto::MessageSendRequest text_message(std::int64_t to, std::string text);

// Whether `text` is valid UTF-8 (the server refuses anything else, and closes a
// WebSocket that sends it).
bool valid_utf8(std::string_view text);

// `text` (valid UTF-8) made safe for a terminal: control characters but newline and
// tab replaced by U+FFFD, so that a peer cannot drive the terminal. Lines after the
// first are indented by `indent`.
std::string printable(std::string_view text, std::string_view indent);

// What a log entry says, for people: its text (control characters but newline and tab
// replaced, so a peer cannot drive the terminal), "(recalled)", or for a recall notice
// "(message N was recalled)". Lines after the first are indented by `indent`.
std::string entry_text(const proto::ChatMessage& entry, std::string_view indent);

// The direct conversation with user `peer_id`, or none before the first message.
Outcome<std::optional<proto::ConversationInfo>> find_direct(const Channel& channel, std::int64_t peer_id);

// USER's direct conversation, failing with not_found when there is none yet.
Outcome<proto::ConversationInfo> require_direct(const Channel& channel, const std::string& user);

}  // namespace parley::cli
