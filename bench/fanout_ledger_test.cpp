#include "bench/fanout_ledger.hpp"

#include <gtest/gtest.h>

namespace parley::bench {
namespace {

using Ack = FanoutSends::Ack;
constexpr std::int64_t kMs = 1'000'000;

// `count` sends, sent at 10 ms intervals from 0 and acknowledged with seqs from 101 on.
FanoutSends acknowledged(int count) {
  FanoutSends sends;
  for (int i = 0; i < count; ++i) {
    auto n = sends.book_send(i * 10 * kMs);
    EXPECT_TRUE(sends.answer(n, Ack::ok, 101 + i));
  }
  return sends;
}

FanoutResult check(const FanoutSends& sends, const std::vector<const FanoutReceipts*>& receipts, std::size_t members) {
  return check_fanout(sends, receipts, members, 0, 1'000 * kMs);
}

TEST(FanoutLedger, EveryMemberGettingEveryMessageOnceIsClean) {
  auto sends = acknowledged(3);
  // Members 0 and 2 on one thread, member 1 on another; message n reaches member m
  // (n + 1 + m) ms after it was sent.
  FanoutReceipts even(3, 100), odd(3, 100);
  for (std::uint64_t n = 0; n < 3; ++n) {
    for (std::size_t m = 0; m < 3; ++m) {
      auto& r = m % 2 == 0 ? even : odd;
      const std::int64_t at = static_cast<std::int64_t>(n) * 10 * kMs + static_cast<std::int64_t>(n + 1 + m) * kMs;
      EXPECT_TRUE(r.deliver(m, n, 101 + static_cast<std::int64_t>(n), at));
    }
  }
  auto result = check(sends, {&even, &odd}, 3);
  EXPECT_TRUE(result.problems.empty()) << result.problems.front();
  EXPECT_EQ(result.acknowledged, 3u);
  EXPECT_EQ(result.complete, 3u);
  EXPECT_EQ(result.deliveries, 9u);
  // The last member (2) gets message n after n + 3 ms, the first (0) after n + 1 ms.
  EXPECT_DOUBLE_EQ(result.all_members.quantile_ms(1.0), 5);
  EXPECT_DOUBLE_EQ(result.all_members.quantile_ms(0.0), 3);
  EXPECT_DOUBLE_EQ(result.first_member.quantile_ms(0.0), 1);
  ASSERT_EQ(result.timings.size(), 3u);
  EXPECT_EQ(result.timings[2].n, 2u);
  EXPECT_EQ(result.timings[2].sent_ns, 20 * kMs);
  EXPECT_EQ(result.timings[2].first_ns, 23 * kMs);
  EXPECT_EQ(result.timings[2].last_ns, 25 * kMs);
}

TEST(FanoutLedger, AMemberMissingAMessageIsReported) {
  auto sends = acknowledged(2);
  FanoutReceipts r(2, 100);
  r.deliver(0, 0, 101, kMs);
  r.deliver(0, 1, 102, kMs);
  r.deliver(1, 1, 102, kMs);  // member 1 never got message 0
  auto result = check(sends, {&r}, 2);
  EXPECT_EQ(result.complete, 1u);
  ASSERT_FALSE(result.problems.empty());
  EXPECT_NE(result.problems.front().find("1 acknowledged messages not held by every member (1 deliveries missing)"),
            std::string::npos);
  // Only the complete message is timed.
  EXPECT_EQ(result.all_members.size(), 1u);
}

TEST(FanoutLedger, ARepeatedDeliveryIsReported) {
  auto sends = acknowledged(1);
  FanoutReceipts r(1, 100);
  r.deliver(0, 0, 101, kMs);
  r.deliver(0, 0, 101, kMs);
  auto result = check(sends, {&r}, 1);
  EXPECT_FALSE(result.problems.empty());
  bool repeated = false;
  for (const auto& p : result.problems) repeated = repeated || p.find("already had") != std::string::npos;
  EXPECT_TRUE(repeated);
}

TEST(FanoutLedger, OutOfOrderDeliveriesAreReported) {
  auto sends = acknowledged(2);
  FanoutReceipts r(1, 100);
  r.deliver(0, 1, 102, kMs);
  r.deliver(0, 0, 101, 2 * kMs);
  auto result = check(sends, {&r}, 1);
  EXPECT_EQ(result.complete, 2u);
  std::string all;
  for (const auto& p : result.problems) all += p + "\n";
  EXPECT_NE(all.find("out of seq order"), std::string::npos) << all;
  EXPECT_NE(all.find("jumped over"), std::string::npos) << all;
  EXPECT_NE(all.find("after a later one"), std::string::npos) << all;
}

TEST(FanoutLedger, ASeqOtherThanTheAcknowledgementsIsReported) {
  auto sends = acknowledged(1);
  FanoutReceipts a(2, 100), b(2, 100);
  a.deliver(0, 0, 101, kMs);
  b.deliver(1, 0, 107, kMs);
  auto result = check(sends, {&a, &b}, 2);
  std::string all;
  for (const auto& p : result.problems) all += p + "\n";
  EXPECT_NE(all.find("seq other than their acknowledgement's"), std::string::npos) << all;
}

TEST(FanoutLedger, DeliveriesOfUnacknowledgedOrUnknownMessagesAreReported) {
  FanoutSends sends;
  sends.book_send(0);  // never answered
  auto n = sends.book_send(0);
  EXPECT_TRUE(sends.answer(n, Ack::error, 0));
  EXPECT_FALSE(sends.answer(n, Ack::ok, 5));  // answered already
  FanoutReceipts r(1, 10);
  r.deliver(0, 0, 1, kMs);
  EXPECT_FALSE(r.deliver(0, 10, 2, kMs));  // past max_messages
  EXPECT_FALSE(r.deliver(3, 1, 2, kMs));   // no such member
  r.deliver(0, 5, 3, kMs);                 // never sent
  auto result = check(sends, {&r}, 1);
  std::string all;
  for (const auto& p : result.problems) all += p + "\n";
  EXPECT_NE(all.find("2 messages delivered without a successful acknowledgement"), std::string::npos) << all;
  EXPECT_NE(all.find("2 message events for unknown members"), std::string::npos) << all;
  EXPECT_NE(all.find("1 sends without a response"), std::string::npos) << all;
  EXPECT_NE(all.find("1 sends answered with an error"), std::string::npos) << all;
  EXPECT_NE(all.find("1 responses to no outstanding send"), std::string::npos) << all;
}

TEST(FanoutLedger, OnlyMessagesCompletedInTheWindowCountTowardsItsRate) {
  auto sends = acknowledged(3);  // sent at 0, 10 and 20 ms
  FanoutReceipts r(1, 100);
  r.deliver(0, 0, 101, 1 * kMs);
  r.deliver(0, 1, 102, 11 * kMs);
  r.deliver(0, 2, 103, 40 * kMs);
  auto result = check_fanout(sends, {&r}, 1, 0, 30 * kMs);
  EXPECT_TRUE(result.problems.empty());
  EXPECT_EQ(result.complete, 3u);
  EXPECT_EQ(result.complete_in_window, 2u);
}

}  // namespace
}  // namespace parley::bench
