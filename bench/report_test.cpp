#include "bench/report.hpp"

#include <sstream>

#include <gtest/gtest.h>

namespace parley::bench {
namespace {

TEST(Latencies, QuantilesAreNearestRank) {
  Latencies latencies;
  for (int ms = 100; ms >= 1; --ms) latencies.add_ns(ms * 1'000'000LL);
  EXPECT_DOUBLE_EQ(latencies.quantile_ms(0.5), 50);
  EXPECT_DOUBLE_EQ(latencies.quantile_ms(0.99), 99);
  EXPECT_DOUBLE_EQ(latencies.quantile_ms(0.999), 100);
  EXPECT_DOUBLE_EQ(latencies.quantile_ms(1.0), 100);
  EXPECT_DOUBLE_EQ(latencies.quantile_ms(0.0), 1);
}

TEST(Latencies, EmptyIsZeroAndMergeAddsSamples) {
  Latencies a;
  EXPECT_EQ(a.quantile_ms(0.5), 0);
  Latencies b;
  b.add_ns(2'000'000);
  a.add_ns(4'000'000);
  a.merge(b);
  EXPECT_EQ(a.size(), 2u);
  EXPECT_DOUBLE_EQ(a.quantile_ms(0.5), 2);
}

TEST(Row, PrintsOneTableRowAndMarksProblems) {
  Row row("W1");
  row.add("delivered msg/s", 1234.4);
  row.add_cpu("server CPU %", std::nullopt);
  std::ostringstream ok;
  row.print_table(ok);
  EXPECT_EQ(ok.str(),
            "| workload | delivered msg/s | server CPU % | verified |\n|---|---|---|---|\n| W1 | 1234 | n/a | ok |\n");
  row.problem("2 acknowledged messages never delivered");
  std::ostringstream json;
  row.print_json(json);
  EXPECT_EQ(
      json.str(),
      R"({"workload":"W1","delivered msg/s":1234,"server CPU %":"n/a","verified":false,"problems":["2 acknowledged messages never delivered"]})"
      "\n");
}

TEST(ThreadCpu, BusiestFirstAndQuietOnesCounted) {
  const std::vector<ThreadCpu> before{{10, "parleyd", 1.0}, {11, "parley-writer", 2.0}, {12, "parleyd", 5.0}};
  // Over 2 s: 10 used 1.5 s (75 %), 11 0.2 s (10 %), 12 nothing, 13 (new) 0.9 s (45 %).
  const std::vector<ThreadCpu> after{
      {10, "parleyd", 2.5}, {11, "parley-writer", 2.2}, {12, "parleyd", 5.0}, {13, "parley-deliver", 0.9}};
  EXPECT_EQ(describe_thread_cpu(before, after, 2.0),
            "parleyd 10: 75, parley-deliver 13: 45, parley-writer 11: 10, 1 more under 1");
  EXPECT_EQ(describe_thread_cpu(before, after, 0), "n/a");
}

}  // namespace
}  // namespace parley::bench
