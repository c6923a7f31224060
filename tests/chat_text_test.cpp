#include <gtest/gtest.h>

#include "server/services/chat_text.hpp"

namespace parley::server {
namespace {

TEST(ChatText, SplitsUnspacedScriptsIntoCharacters) {
  EXPECT_EQ(search_text("hello world"), "hello world");
  EXPECT_EQ(search_text("你好"), " 你  好 ");
  EXPECT_EQ(search_text("说你好ok"), " 说  你  好 ok");
  EXPECT_EQ(search_text("こんにちは")[0], ' ');
  EXPECT_EQ(search_text("안녕"), " 안  녕 ");
}

TEST(ChatText, QueriesBecomePhrasesJoinedByAnd) {
  EXPECT_EQ(match_query("hello"), "\"hello\"");
  EXPECT_EQ(match_query("  hello   world "), "\"hello\" AND \"world\"");
  EXPECT_EQ(match_query("你好"), "\" 你  好 \"");
  EXPECT_EQ(match_query("say \"hi\""), "\"say\" AND \"\"\"hi\"\"\"");
  EXPECT_EQ(match_query("   "), "");
}

}  // namespace
}  // namespace parley::server
