#include "bench/fanout_ledger.hpp"

#include <algorithm>
#include <limits>

namespace parley::bench {

std::uint64_t FanoutSends::book_send(std::int64_t sent_ns) {
  sent_ns_.push_back(sent_ns);
  acks_.push_back(Ack::pending);
  seqs_.push_back(0);
  return sent_ns_.size() - 1;
}

bool FanoutSends::answer(std::uint64_t n, Ack ack, std::int64_t seq) {
  if (n >= acks_.size() || acks_[n] != Ack::pending || ack == Ack::pending) {
    ++answered_twice_;
    return false;
  }
  acks_[n] = ack;
  seqs_[n] = seq;
  return true;
}

FanoutReceipts::FanoutReceipts(std::size_t members, std::uint64_t max_messages)
    : max_messages_(max_messages), members_(members) {}

bool FanoutReceipts::deliver(std::size_t member, std::uint64_t n, std::int64_t seq, std::int64_t received_ns) {
  if (member >= members_.size() || n >= max_messages_) {
    ++unknown_;
    return false;
  }
  Member& m = members_[member];
  // One sender whose sends the server answers in order: each member must get messages
  // 0, 1, 2, ... with seqs one apart.
  if (n >= m.next) {
    skipped_ += n - m.next;
    m.next = n + 1;
  } else {
    ++backwards_;
  }
  if (m.last_seq != 0 && seq != m.last_seq + 1) ++seq_breaks_;
  m.last_seq = seq;
  ++m.got;

  if (n >= messages_.size()) messages_.resize(n + 1);
  Message& message = messages_[n];
  if (message.count == 0) {
    message.seq = seq;
    message.first_ns = received_ns;
    message.last_ns = received_ns;
  } else {
    if (seq != message.seq) ++seq_mismatch_;
    message.first_ns = std::min(message.first_ns, received_ns);
    message.last_ns = std::max(message.last_ns, received_ns);
  }
  ++message.count;
  ++deliveries_;
  return true;
}

FanoutResult check_fanout(const FanoutSends& sends, const std::vector<const FanoutReceipts*>& receipts,
                          std::size_t members, std::int64_t window_start_ns, std::int64_t window_end_ns) {
  using Ack = FanoutSends::Ack;
  FanoutResult result;
  result.sent = sends.sent();
  std::uint64_t skipped = 0, backwards = 0, seq_breaks = 0, seq_mismatch = 0, unknown = 0;
  for (const auto* r : receipts) {
    result.deliveries += r->deliveries_;
    skipped += r->skipped_;
    backwards += r->backwards_;
    seq_breaks += r->seq_breaks_;
    seq_mismatch += r->seq_mismatch_;
    unknown += r->unknown_;
  }

  std::uint64_t unanswered = 0, errors = 0, duplicate_acks = 0;
  std::uint64_t incomplete = 0, missing_deliveries = 0, repeated_deliveries = 0, unexpected = 0, wrong_seq = 0;
  for (std::uint64_t n = 0; n < sends.sent(); ++n) {
    std::uint64_t count = 0;
    std::int64_t first = std::numeric_limits<std::int64_t>::max();
    std::int64_t last = std::numeric_limits<std::int64_t>::min();
    bool seq_differs = false;
    for (const auto* r : receipts) {
      if (n >= r->messages_.size() || r->messages_[n].count == 0) continue;
      const auto& m = r->messages_[n];
      count += m.count;
      first = std::min(first, m.first_ns);
      last = std::max(last, m.last_ns);
      if (m.seq != sends.seqs_[n]) seq_differs = true;
    }
    const Ack ack = sends.acks_[n];
    if (ack != Ack::ok) {
      if (ack == Ack::pending) ++unanswered;
      if (ack == Ack::error) ++errors;
      if (ack == Ack::duplicate) ++duplicate_acks;
      if (count > 0) ++unexpected;
      continue;
    }
    ++result.acknowledged;
    if (count > 0 && seq_differs) ++wrong_seq;
    if (count < members) {
      ++incomplete;
      missing_deliveries += members - count;
      continue;
    }
    if (count > members) repeated_deliveries += count - members;
    ++result.complete;
    result.all_members.add_ns(last - sends.sent_ns_[n]);
    result.first_member.add_ns(first - sends.sent_ns_[n]);
    result.timings.push_back({n, sends.sent_ns_[n], first, last});
    if (last >= window_start_ns && last <= window_end_ns) ++result.complete_in_window;
  }
  // Numbers past the last send (a message the sender never booked).
  for (const auto* r : receipts) {
    for (std::uint64_t n = sends.sent(); n < r->messages_.size(); ++n) {
      if (r->messages_[n].count > 0) ++unexpected;
    }
  }

  // Members that got fewer or more messages than were acknowledged (each member lives
  // in one thread's receipts; the others hold zeros for it).
  std::uint64_t short_members = 0, long_members = 0;
  for (std::size_t member = 0; member < members; ++member) {
    std::uint64_t got = 0;
    for (const auto* r : receipts) {
      if (member < r->members_.size()) got += r->members_[member].got;
    }
    if (got < result.acknowledged) ++short_members;
    if (got > result.acknowledged) ++long_members;
  }

  auto check = [&result](std::uint64_t count, const std::string& what) {
    if (count > 0) result.problems.push_back(std::to_string(count) + " " + what);
  };
  check(incomplete, "acknowledged messages not held by every member (" + std::to_string(missing_deliveries) +
                        " deliveries missing)");
  check(short_members, "members missed messages");
  check(repeated_deliveries, "deliveries of a message a member already had");
  check(long_members, "members got more messages than were acknowledged");
  check(unexpected, "messages delivered without a successful acknowledgement");
  check(wrong_seq, "messages delivered with a seq other than their acknowledgement's");
  check(seq_mismatch, "deliveries whose seq differs from another member's for the same message");
  check(seq_breaks, "message events out of seq order (a member's seq not the previous one + 1)");
  check(skipped, "messages a member jumped over");
  check(backwards, "messages a member got after a later one, or again");
  check(unknown, "message events for unknown members or message numbers");
  check(unanswered, "sends without a response by the end of the drain");
  check(errors, "sends answered with an error");
  check(duplicate_acks, "new client_ids answered as duplicates");
  check(sends.answered_twice_, "responses to no outstanding send");
  return result;
}

}  // namespace parley::bench
