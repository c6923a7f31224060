#include "cli/chat_support.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <random>

#include "cli/users.hpp"

namespace parley::cli {
namespace {

// Appends one code point, starting at text[i] (valid UTF-8), made safe for a terminal.
std::size_t append_printable(std::string& out, std::string_view text, std::size_t i, std::string_view indent) {
  const auto c = static_cast<unsigned char>(text[i]);
  if (c == '\n') {
    out.push_back('\n');
    out.append(indent);
    return 1;
  }
  if ((c < 0x20 && c != '\t') || c == 0x7f) {
    out.append("\xEF\xBF\xBD");  // U+FFFD
    return 1;
  }
  // C1 controls (U+0080..U+009F) are two bytes, C2 80..C2 9F; some terminals obey them.
  if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) < 0xA0) {
    out.append("\xEF\xBF\xBD");
    return 2;
  }
  out.push_back(text[i]);
  return 1;
}

// The length of the UTF-8 sequence a lead byte starts, 0 for a byte that cannot lead.
std::size_t sequence_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return 2;
  if (lead >= 0xE0 && lead <= 0xEF) return 3;
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  return 0;
}

}  // namespace

std::string printable(std::string_view text, std::string_view indent) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) i += append_printable(out, text, i, indent);
  return out;
}

std::string new_client_id() {
  // The first 6 bytes: milliseconds since 1970, big-endian; the rest random, but for the
  // version (7) and variant (10) bits.
  std::array<std::uint8_t, 16> bytes{};
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  for (int i = 0; i < 6; ++i) bytes[i] = static_cast<std::uint8_t>(static_cast<std::uint64_t>(ms) >> (40 - 8 * i));
  std::random_device random;  // reads the kernel's random source
  for (int i = 6; i < 16; i += 2) {
    const auto bits = random();
    bytes[i] = static_cast<std::uint8_t>(bits);
    bytes[i + 1] = static_cast<std::uint8_t>(bits >> 8);
  }
  bytes[6] = static_cast<std::uint8_t>((bytes[6] & 0x0F) | 0x70);
  bytes[8] = static_cast<std::uint8_t>((bytes[8] & 0x3F) | 0x80);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) id.push_back('-');
    id.push_back(kHex[bytes[i] >> 4]);
    id.push_back(kHex[bytes[i] & 0xF]);
  }
  return id;
}

proto::MessageSendRequest text_message(std::int64_t to, std::string text) {
  proto::MessageSendRequest request;
  request.to = to;
  request.client_id = new_client_id();
  request.body = {{"text", std::move(text)}};
  return request;
}

bool valid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    const std::size_t n = sequence_length(lead);
    if (n == 0 || i + n > text.size()) return false;
    const auto second = n > 1 ? static_cast<unsigned char>(text[i + 1]) : 0x80;
    // No overlong forms, no surrogates, nothing past U+10FFFF.
    if ((lead == 0xE0 && second < 0xA0) || (lead == 0xED && second > 0x9F) || (lead == 0xF0 && second < 0x90) ||
        (lead == 0xF4 && second > 0x8F)) {
      return false;
    }
    for (std::size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

std::string entry_text(const proto::ChatMessage& entry, std::string_view indent) {
  if (entry.recalled) return "(recalled)";
  if (entry.kind == proto::kind::kRecall) {
    const auto* seq = entry.body.if_contains("seq");
    return "(message " + (seq != nullptr && seq->is_int64() ? std::to_string(seq->as_int64()) : "?") + " was recalled)";
  }
  const auto* text = entry.body.if_contains("text");
  if (entry.kind != proto::kind::kText || text == nullptr || !text->is_string()) return "(" + entry.kind + " message)";
  return printable(text->as_string(), indent);
}

Outcome<std::optional<proto::ConversationInfo>> find_direct(const Channel& channel, std::int64_t peer_id) {
  auto reply = ask<proto::ConversationsResult>(channel, proto::type::kConversations, proto::ConversationsRequest{});
  if (!reply) return reply.error();
  for (auto& c : reply->value.conversations) {
    if (c.kind == "direct" && c.peer.user_id == peer_id) return std::optional(std::move(c));
  }
  return std::optional<proto::ConversationInfo>();
}

Outcome<proto::ConversationInfo> require_direct(const Channel& channel, const std::string& user) {
  auto peer = resolve_user(channel, user);
  if (!peer) return peer.error();
  auto conversation = find_direct(channel, *peer);
  if (!conversation) return conversation.error();
  if (!*conversation) {
    return Failure(proto::make_error(proto::Errc::not_found, "you have no conversation with " + user + " yet"));
  }
  return std::move(**conversation);
}

}  // namespace parley::cli
