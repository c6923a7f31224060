#pragma once

#include <string>
#include <string_view>

// Text preparation for message search with SQLite FTS5's unicode61 tokenizer, which
// splits on spaces and punctuation: Chinese, Japanese and Korean text has no spaces, so
// each of its characters is made a token of its own, and a query becomes phrases of
// adjacent tokens. "你好" then finds "我说你好世界"; "hello" still matches whole words.
namespace parley::server {

// What the search index holds for a message's text.
std::string search_text(std::string_view text);

// An FTS5 MATCH expression for a user's query: every whitespace-separated term must
// occur, each as a phrase. Empty when the query has no terms.
std::string match_query(std::string_view query);

}  // namespace parley::server
