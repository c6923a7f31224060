#include "server/services/chat_text.hpp"

#include <cstdint>

namespace parley::server {
namespace {

// Decodes the code point at text[i] (valid UTF-8) and advances i past it.
std::uint32_t next_code_point(std::string_view text, std::size_t& i) {
  auto byte = [&](std::size_t k) { return static_cast<std::uint32_t>(static_cast<unsigned char>(text[k])); };
  std::uint32_t c = byte(i);
  std::size_t length = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
  if (i + length > text.size()) length = 1;
  std::uint32_t cp = length == 1 ? c : length == 2 ? (c & 0x1F) : length == 3 ? (c & 0x0F) : (c & 0x07);
  for (std::size_t k = 1; k < length; ++k) cp = (cp << 6) | (byte(i + k) & 0x3F);
  i += length;
  return cp;
}

// Scripts written without spaces between words.
bool unspaced(std::uint32_t cp) {
  return (cp >= 0x2E80 && cp <= 0x9FFF) ||   // CJK radicals, kana, ideographs
         (cp >= 0xAC00 && cp <= 0xD7AF) ||   // Hangul syllables
         (cp >= 0xF900 && cp <= 0xFAFF) ||   // CJK compatibility ideographs
         (cp >= 0x20000 && cp <= 0x3FFFF);   // CJK extensions
}

}  // namespace

std::string search_text(std::string_view text) {
  std::string out;
  out.reserve(text.size() * 2);
  for (std::size_t i = 0; i < text.size();) {
    std::size_t start = i;
    bool split = unspaced(next_code_point(text, i));
    if (split) out.push_back(' ');
    out.append(text.substr(start, i - start));
    if (split) out.push_back(' ');
  }
  return out;
}

std::string match_query(std::string_view query) {
  std::string out;
  std::size_t i = 0;
  while (i < query.size()) {
    while (i < query.size() && (query[i] == ' ' || query[i] == '\t' || query[i] == '\n')) ++i;
    std::size_t start = i;
    while (i < query.size() && query[i] != ' ' && query[i] != '\t' && query[i] != '\n') ++i;
    if (start == i) break;
    std::string phrase;
    for (char ch : search_text(query.substr(start, i - start))) {
      if (ch == '"') phrase.push_back('"');  // FTS5 escapes a quote by doubling it
      phrase.push_back(ch);
    }
    if (!out.empty()) out += " AND ";
    out += "\"" + phrase + "\"";
  }
  return out;
}

}  // namespace parley::server
