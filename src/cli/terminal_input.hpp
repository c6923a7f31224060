#pragma once

#include <termios.h>

#include <deque>
#include <memory>

#include "cli/chat_input.hpp"

namespace parley::cli {

// Lines typed on a terminal, read key by key with a small line editor of its own:
// printable characters, Backspace (one character), Ctrl-U (the whole line), Enter
// (sends), Ctrl-D on an empty line (ends); other control keys and escape sequences
// (arrows) are ignored; Ctrl-C still raises SIGINT. The line being typed stays at the
// bottom behind a "> " prompt, and output goes above it. A line longer than the
// terminal is wide is not redrawn cleanly after Backspace.
//
// Owns the terminal's mode: the constructor turns off canonical mode and echo, the
// destructor restores them. Does not own the descriptor; the output goes to stdout,
// which should be the same terminal.
class TerminalInput final : public ChatInput {
 public:
  // Null when `fd` is not a terminal or its mode cannot be changed.
  static std::unique_ptr<TerminalInput> open(int fd);
  // Takes over terminal `fd` whose mode was `saved` (see open()).
  TerminalInput(int fd, const termios& saved) : fd_(fd), saved_(saved) {}
  ~TerminalInput() override;
  TerminalInput(const TerminalInput&) = delete;
  TerminalInput& operator=(const TerminalInput&) = delete;

  std::optional<std::string> next_line(std::chrono::milliseconds timeout) override;
  bool ended() const override { return eof_ && lines_.empty(); }
  bool typed() override;
  void above(const std::function<void()>& print) override;

 private:
  void read_keys(std::chrono::milliseconds timeout);
  void key(char c);
  void erase_character();
  void redraw() const;

  int fd_;
  termios saved_;
  std::string line_;               // being typed
  std::deque<std::string> lines_;  // typed, not yet taken
  bool eof_ = false;
  bool typed_ = false;
  int escape_ = 0;  // 1 after ESC, 2 inside a control sequence
};

}  // namespace parley::cli
