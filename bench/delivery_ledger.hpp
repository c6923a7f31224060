#pragma once

#include <cstdint>
#include <string>
#include <vector>

// The books of one sender and its recipient in W1/W2: what was sent, how the server
// answered each send, and how often each message reached the recipient, so a run can
// prove that every acknowledged message was delivered exactly once and in seq order.
// Not thread-safe: a sender, its recipient and their ledger live on one thread.
namespace parley::bench {

class DeliveryLedger {
 public:
  enum class Ack : std::uint8_t { pending, ok, duplicate, error };

  // Books the next send; returns its number, 0, 1, 2, ...
  std::uint64_t book_send();
  std::uint64_t sent() const { return acks_.size(); }

  // Records the server's answer to send n. False when n was never sent or was answered
  // already (the answer is then ignored).
  bool answer(std::uint64_t n, Ack ack);

  // Records a message event for send n carrying conversation seq `seq`. False when n
  // was never sent (the event is then ignored).
  bool deliver(std::uint64_t n, std::int64_t seq);

  // Counts over one or more ledgers.
  struct Summary {
    std::uint64_t sent = 0;
    std::uint64_t acknowledged = 0;  // answered ok, not as a duplicate
    std::uint64_t unanswered = 0;
    std::uint64_t errors = 0;          // answered with an error
    std::uint64_t duplicate_acks = 0;  // answered as a duplicate, though every client_id is new
    std::uint64_t missing = 0;         // acknowledged, never delivered
    std::uint64_t repeated = 0;        // acknowledged, delivered more than once
    std::uint64_t unexpected = 0;      // delivered without a successful acknowledgement
    std::uint64_t out_of_order = 0;    // an event whose seq is not the previous one + 1
    std::uint64_t answered_twice = 0;
    std::uint64_t unknown_events = 0;  // events for sends that were never made

    // One line per kind of failure; empty when everything is right.
    std::vector<std::string> problems() const;
  };
  void add_to(Summary& summary) const;

 private:
  std::vector<Ack> acks_;                 // by send number
  std::vector<std::uint8_t> deliveries_;  // by send number, saturating at 255
  std::int64_t last_seq_ = 0;
  std::uint64_t out_of_order_ = 0;
  std::uint64_t answered_twice_ = 0;
  std::uint64_t unknown_events_ = 0;
};

}  // namespace parley::bench
