#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "cli/chat_input.hpp"

namespace parley::cli {

// The lines of a file descriptor (stdin) as they come. A line ends at "\n" (a "\r"
// before it is dropped); a last line without one counts when the input ends; a line
// over kMaxLineBytes is cut into pieces of that size. Does not own the descriptor.
// Not thread-safe.
class LineInput final : public ChatInput {
 public:
  explicit LineInput(int fd) : fd_(fd) {}

  std::optional<std::string> next_line(std::chrono::milliseconds timeout) override;
  // The input ends at end of file, or an error reading it.
  bool ended() const override { return eof_ && buffer_.empty(); }

 private:
  std::optional<std::string> take_line();
  void fill(std::chrono::milliseconds timeout);

  int fd_;
  std::string buffer_;
  bool eof_ = false;
};

}  // namespace parley::cli
