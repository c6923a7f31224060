#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace parley::cli {

// The lines of a file descriptor (stdin), read so that a loop can serve the network
// in between: next_line() waits no longer than it is told. A line ends at "\n" (a "\r"
// before it is dropped); a last line without one counts when the input ends; a line
// over kMaxLineBytes is cut into pieces of that size. Does not own the descriptor.
// Not thread-safe.
class LineInput {
 public:
  static constexpr std::size_t kMaxLineBytes = 64 * 1024;

  explicit LineInput(int fd) : fd_(fd) {}

  // The next line, or nothing when none was complete within `timeout` (or a signal
  // interrupted the wait).
  std::optional<std::string> next_line(std::chrono::milliseconds timeout);
  // Whether the input has ended (end of file, or an error reading it) and every line
  // has been taken.
  bool ended() const { return eof_ && buffer_.empty(); }

 private:
  std::optional<std::string> take_line();
  void fill(std::chrono::milliseconds timeout);

  int fd_;
  std::string buffer_;
  bool eof_ = false;
};

}  // namespace parley::cli
