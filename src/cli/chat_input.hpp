#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>

namespace parley::cli {

// Where `parley chat` gets the lines to send, read so that its loop can serve the
// network in between. Two kinds: LineInput reads whole lines (a pipe, a file, or a
// terminal left to do its own line editing), TerminalInput reads keystrokes (so that
// it can tell the peer that one is typing). Used from one thread.
class ChatInput {
 public:
  static constexpr std::size_t kMaxLineBytes = 64 * 1024;  // a longer line is cut

  virtual ~ChatInput() = default;

  // The next line, or nothing when none was complete within `timeout` (or a signal
  // interrupted the wait).
  virtual std::optional<std::string> next_line(std::chrono::milliseconds timeout) = 0;
  // Whether the input has ended and every line has been taken.
  virtual bool ended() const = 0;
  // Whether the line being typed changed since the last call.
  virtual bool typed() { return false; }
  // Runs `print`, which writes whole lines, so that they appear above the line being
  // typed.
  virtual void above(const std::function<void()>& print) { print(); }
};

}  // namespace parley::cli
