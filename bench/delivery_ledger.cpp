#include "bench/delivery_ledger.hpp"

namespace parley::bench {

std::uint64_t DeliveryLedger::book_send() {
  acks_.push_back(Ack::pending);
  deliveries_.push_back(0);
  return acks_.size() - 1;
}

bool DeliveryLedger::answer(std::uint64_t n, Ack ack) {
  if (n >= acks_.size() || acks_[n] != Ack::pending || ack == Ack::pending) {
    ++answered_twice_;
    return false;
  }
  acks_[n] = ack;
  return true;
}

bool DeliveryLedger::deliver(std::uint64_t n, std::int64_t seq) {
  if (n >= deliveries_.size()) {
    ++unknown_events_;
    return false;
  }
  if (deliveries_[n] < 255) ++deliveries_[n];
  // One sender per conversation, and the recipient online throughout: its events must
  // come with consecutive seqs.
  if (last_seq_ != 0 && seq != last_seq_ + 1) ++out_of_order_;
  last_seq_ = seq;
  return true;
}

void DeliveryLedger::add_to(Summary& s) const {
  s.sent += acks_.size();
  for (std::size_t n = 0; n < acks_.size(); ++n) {
    const int got = deliveries_[n];
    switch (acks_[n]) {
      case Ack::ok:
        ++s.acknowledged;
        if (got == 0) ++s.missing;
        if (got > 1) ++s.repeated;
        break;
      case Ack::pending:
        ++s.unanswered;
        if (got > 0) ++s.unexpected;
        break;
      case Ack::duplicate:
        ++s.duplicate_acks;
        if (got > 0) ++s.unexpected;
        break;
      case Ack::error:
        ++s.errors;
        if (got > 0) ++s.unexpected;
        break;
    }
  }
  s.out_of_order += out_of_order_;
  s.answered_twice += answered_twice_;
  s.unknown_events += unknown_events_;
}

std::vector<std::string> DeliveryLedger::Summary::problems() const {
  std::vector<std::string> out;
  auto check = [&out](std::uint64_t count, const char* what) {
    if (count > 0) out.push_back(std::to_string(count) + " " + what);
  };
  check(missing, "acknowledged messages never delivered");
  check(repeated, "acknowledged messages delivered more than once");
  check(unexpected, "messages delivered without a successful acknowledgement");
  check(unanswered, "sends without a response by the end of the drain");
  check(errors, "sends answered with an error");
  check(duplicate_acks, "new client_ids answered as duplicates");
  check(out_of_order, "message events out of seq order");
  check(answered_twice, "responses to no outstanding send");
  check(unknown_events, "message events for sends never made");
  return out;
}

}  // namespace parley::bench
