// The CLI's client ids: UUID version 7, so a sender's ids sort in the order they were made.
#include <chrono>
#include <set>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "cli/chat_support.hpp"

namespace parley::cli {
namespace {

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

TEST(ClientId, IsAVersion7Uuid) {
  const std::string id = new_client_id();
  ASSERT_EQ(id.size(), 36u) << id;
  for (std::size_t i = 0; i < id.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      EXPECT_EQ(id[i], '-') << id;
    } else {
      EXPECT_TRUE(is_hex(id[i])) << id;
    }
  }
  EXPECT_EQ(id[14], '7') << id;                                   // the version
  EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos) << id;  // the variant
}

TEST(ClientId, StartsWithTheTimeInMilliseconds) {
  const auto before = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  const std::string id = new_client_id();
  const auto after = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
  const long long stamp = std::stoll(id.substr(0, 8) + id.substr(9, 4), nullptr, 16);
  EXPECT_GE(stamp, before);
  EXPECT_LE(stamp, after);
}

TEST(ClientId, LaterIdsSortLaterAndNoneRepeats) {
  std::set<std::string> seen;
  std::string last;
  for (int i = 0; i < 5; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    const std::string id = new_client_id();
    EXPECT_GT(id, last);
    last = id;
    seen.insert(id);
  }
  for (int i = 0; i < 1000; ++i) seen.insert(new_client_id());
  EXPECT_EQ(seen.size(), 1005u);
}

}  // namespace
}  // namespace parley::cli
