#include "bench/delivery_ledger.hpp"

#include <gtest/gtest.h>

namespace parley::bench {
namespace {

using Ack = DeliveryLedger::Ack;

DeliveryLedger::Summary summarize(const DeliveryLedger& ledger) {
  DeliveryLedger::Summary summary;
  ledger.add_to(summary);
  return summary;
}

// Sends `count` messages, acknowledges and delivers them all, seqs from 41 on.
DeliveryLedger all_delivered(int count) {
  DeliveryLedger ledger;
  for (int i = 0; i < count; ++i) {
    auto n = ledger.book_send();
    EXPECT_TRUE(ledger.answer(n, Ack::ok));
    EXPECT_TRUE(ledger.deliver(n, 41 + i));
  }
  return ledger;
}

TEST(DeliveryLedger, EverythingDeliveredOnceIsClean) {
  auto summary = summarize(all_delivered(5));
  EXPECT_EQ(summary.sent, 5u);
  EXPECT_EQ(summary.acknowledged, 5u);
  EXPECT_TRUE(summary.problems().empty());
}

TEST(DeliveryLedger, EventsMayComeBeforeTheirAcknowledgement) {
  DeliveryLedger ledger;
  auto n = ledger.book_send();
  EXPECT_TRUE(ledger.deliver(n, 1));
  EXPECT_TRUE(ledger.answer(n, Ack::ok));
  EXPECT_TRUE(summarize(ledger).problems().empty());
}

TEST(DeliveryLedger, AnAcknowledgedMessageNeverDeliveredIsMissing) {
  DeliveryLedger ledger;
  ledger.answer(ledger.book_send(), Ack::ok);
  auto summary = summarize(ledger);
  EXPECT_EQ(summary.missing, 1u);
  ASSERT_EQ(summary.problems().size(), 1u);
  EXPECT_EQ(summary.problems()[0], "1 acknowledged messages never delivered");
}

TEST(DeliveryLedger, ADeliveryTwiceIsRepeated) {
  DeliveryLedger ledger;
  auto n = ledger.book_send();
  ledger.answer(n, Ack::ok);
  ledger.deliver(n, 1);
  ledger.deliver(n, 2);
  EXPECT_EQ(summarize(ledger).repeated, 1u);
}

TEST(DeliveryLedger, DeliveriesWithoutASuccessfulAcknowledgementAreUnexpected) {
  DeliveryLedger ledger;
  auto unanswered = ledger.book_send();
  auto failed = ledger.book_send();
  auto duplicate = ledger.book_send();
  ledger.answer(failed, Ack::error);
  ledger.answer(duplicate, Ack::duplicate);
  ledger.deliver(unanswered, 1);
  ledger.deliver(failed, 2);
  ledger.deliver(duplicate, 3);
  auto summary = summarize(ledger);
  EXPECT_EQ(summary.unexpected, 3u);
  EXPECT_EQ(summary.unanswered, 1u);
  EXPECT_EQ(summary.errors, 1u);
  EXPECT_EQ(summary.duplicate_acks, 1u);
}

TEST(DeliveryLedger, SeqsMustFollowEachOther) {
  DeliveryLedger ledger;
  for (std::int64_t seq : {10, 11, 13, 12}) {
    auto n = ledger.book_send();
    ledger.answer(n, Ack::ok);
    ledger.deliver(n, seq);
  }
  EXPECT_EQ(summarize(ledger).out_of_order, 2u);  // 11 -> 13 and 13 -> 12
}

TEST(DeliveryLedger, RefusesAnswersAndEventsForSendsNotMade) {
  DeliveryLedger ledger;
  auto n = ledger.book_send();
  EXPECT_TRUE(ledger.answer(n, Ack::ok));
  EXPECT_FALSE(ledger.answer(n, Ack::ok));
  EXPECT_FALSE(ledger.answer(7, Ack::ok));
  EXPECT_FALSE(ledger.deliver(7, 1));
  auto summary = summarize(ledger);
  EXPECT_EQ(summary.answered_twice, 2u);
  EXPECT_EQ(summary.unknown_events, 1u);
  EXPECT_EQ(summary.missing, 1u);
}

TEST(DeliveryLedger, SummariesAddUp) {
  DeliveryLedger::Summary summary;
  all_delivered(3).add_to(summary);
  all_delivered(4).add_to(summary);
  EXPECT_EQ(summary.sent, 7u);
  EXPECT_EQ(summary.acknowledged, 7u);
  EXPECT_TRUE(summary.problems().empty());
}

}  // namespace
}  // namespace parley::bench
