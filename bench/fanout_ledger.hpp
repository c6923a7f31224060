#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bench/delivery_ledger.hpp"
#include "bench/report.hpp"

// The books of W3 (group fan-out): one sender's sends to a group, and what each
// receiving member got, so that a run can prove that every member got every
// acknowledged message exactly once and in seq order, and measure per message the time
// until the last member had it.
//
// The sender's FanoutSends live on its thread; each generator thread keeps one
// FanoutReceipts for the members it reads. check_fanout() reads them all after the
// threads have been joined. None of the classes is thread-safe.
namespace parley::bench {

class FanoutSends;
class FanoutReceipts;

// What check_fanout() found.
struct FanoutResult {
  std::uint64_t sent = 0;
  std::uint64_t acknowledged = 0;
  std::uint64_t complete = 0;            // acknowledged and held by every member
  std::uint64_t complete_in_window = 0;  // of those, the last member got it within the window
  std::uint64_t deliveries = 0;          // message events booked, all members
  Latencies all_members;                 // per complete message: the last member's arrival - sent
  Latencies first_member;                // per complete message: the first member's arrival - sent
  // Per complete message, in send order: when it was sent and when the first and the
  // last member got it (ns, the clock of the stamps), for a time series.
  struct Timing {
    std::uint64_t n = 0;
    std::int64_t sent_ns = 0;
    std::int64_t first_ns = 0;
    std::int64_t last_ns = 0;
  };
  std::vector<Timing> timings;
  std::vector<std::string> problems;  // empty when every member got every message once, in order
};

// Checks the sends against every thread's receipts for `members` receiving members:
// each acknowledged message held by every member exactly once, with the seq of its
// acknowledgement; each member's messages in send order with consecutive seqs; nothing
// received that was not acknowledged. Messages whose last arrival falls in
// [window_start_ns, window_end_ns] count towards complete_in_window.
FanoutResult check_fanout(const FanoutSends& sends, const std::vector<const FanoutReceipts*>& receipts,
                          std::size_t members, std::int64_t window_start_ns, std::int64_t window_end_ns);

// The sender's side: what was sent when, and how the server answered.
class FanoutSends {
 public:
  using Ack = DeliveryLedger::Ack;

  // Books the next send, stamped `sent_ns` (when it was due); returns its number, 0, 1, ...
  std::uint64_t book_send(std::int64_t sent_ns);
  std::uint64_t sent() const { return sent_ns_.size(); }

  // Records the server's answer to send n and the seq it gave the message (0 when none).
  // False when n was never sent or was answered already (the answer is then ignored).
  bool answer(std::uint64_t n, Ack ack, std::int64_t seq);

 private:
  friend FanoutResult check_fanout(const FanoutSends&, const std::vector<const FanoutReceipts*>&, std::size_t,
                                   std::int64_t, std::int64_t);
  std::vector<std::int64_t> sent_ns_;  // by send number
  std::vector<Ack> acks_;
  std::vector<std::int64_t> seqs_;
  std::uint64_t answered_twice_ = 0;
};

// The receiving members' side, on one generator thread: per member, what came in which
// order; per message, how many members got it, the seq they saw and when the first and
// the last of them got it.
class FanoutReceipts {
 public:
  // Members are numbered 0 .. members-1 across all threads (a thread books only its own);
  // message numbers at or past `max_messages` are refused as unknown, so a bad number
  // in a message cannot make the books grow without bound.
  FanoutReceipts(std::size_t members, std::uint64_t max_messages);

  // Records that `member` got message n, carrying `seq`, at `received_ns`. False (and
  // counted) when the member or n is out of range.
  bool deliver(std::size_t member, std::uint64_t n, std::int64_t seq, std::int64_t received_ns);

  std::uint64_t deliveries() const { return deliveries_; }

 private:
  friend FanoutResult check_fanout(const FanoutSends&, const std::vector<const FanoutReceipts*>&, std::size_t,
                                   std::int64_t, std::int64_t);
  struct Member {
    std::uint64_t next = 0;     // the message number expected next
    std::int64_t last_seq = 0;  // 0: none yet
    std::uint64_t got = 0;
  };
  struct Message {
    std::uint32_t count = 0;
    std::int64_t seq = 0;       // as the first member here saw it
    std::int64_t first_ns = 0;  // the earliest arrival here
    std::int64_t last_ns = 0;   // the latest arrival here
  };
  std::uint64_t max_messages_;
  std::vector<Member> members_;
  std::vector<Message> messages_;  // by message number, grown as numbers arrive
  std::uint64_t deliveries_ = 0;
  std::uint64_t skipped_ = 0;       // numbers a member jumped over (got n + 2 after n)
  std::uint64_t backwards_ = 0;     // a number at or below one the member already got
  std::uint64_t seq_breaks_ = 0;    // a member's seq not the previous one + 1
  std::uint64_t seq_mismatch_ = 0;  // members saw different seqs for one message
  std::uint64_t unknown_ = 0;       // out of range
};

}  // namespace parley::bench
