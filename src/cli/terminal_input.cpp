#include "cli/terminal_input.hpp"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <iostream>
#include <utility>

namespace parley::cli {
namespace {

constexpr char kPrompt[] = "> ";
constexpr char kClearLine[] = "\r\033[K";  // to the line's start, then erase it

constexpr char kEscape = 0x1b, kBackspace = 0x08, kDelete = 0x7f, kCtrlD = 0x04, kCtrlU = 0x15;

}  // namespace

std::unique_ptr<TerminalInput> TerminalInput::open(int fd) {
  termios saved{};
  if (::isatty(fd) == 0 || ::tcgetattr(fd, &saved) != 0) return nullptr;
  termios keys = saved;
  keys.c_lflag &= ~static_cast<tcflag_t>(ICANON | ECHO);  // ISIG stays: Ctrl-C is SIGINT
  keys.c_cc[VMIN] = 1;
  keys.c_cc[VTIME] = 0;
  if (::tcsetattr(fd, TCSANOW, &keys) != 0) return nullptr;
  auto input = std::make_unique<TerminalInput>(fd, saved);
  input->redraw();
  return input;
}

TerminalInput::~TerminalInput() {
  std::cout << kClearLine << std::flush;
  ::tcsetattr(fd_, TCSANOW, &saved_);
}

std::optional<std::string> TerminalInput::next_line(std::chrono::milliseconds timeout) {
  if (lines_.empty() && !eof_) read_keys(timeout);
  if (lines_.empty()) return std::nullopt;
  std::string line = std::move(lines_.front());
  lines_.pop_front();
  return line;
}

bool TerminalInput::typed() { return std::exchange(typed_, false); }

void TerminalInput::above(const std::function<void()>& print) {
  std::cout << kClearLine << std::flush;
  print();
  redraw();
}

void TerminalInput::read_keys(std::chrono::milliseconds timeout) {
  pollfd watch{fd_, POLLIN, 0};
  if (::poll(&watch, 1, static_cast<int>(timeout.count())) <= 0) return;  // timeout or EINTR
  char chunk[256];
  const ssize_t n = ::read(fd_, chunk, sizeof chunk);
  if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) eof_ = true;  // the terminal hung up
  for (ssize_t i = 0; i < n; ++i) key(chunk[i]);
  std::cout << std::flush;
}

void TerminalInput::key(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (escape_ == 1) {  // ESC [ or ESC O starts a sequence; ESC and another key is Alt+key
    escape_ = (c == '[' || c == 'O') ? 2 : 0;
    return;
  }
  if (escape_ == 2) {  // a control sequence ends with a byte from @ to ~
    if (u >= 0x40 && u <= 0x7e) escape_ = 0;
    return;
  }
  if (c == '\r' || c == '\n') {
    lines_.push_back(std::exchange(line_, {}));
    redraw();
  } else if (c == kDelete || c == kBackspace) {
    erase_character();
  } else if (c == kCtrlU) {
    line_.clear();
    typed_ = true;
    redraw();
  } else if (c == kCtrlD) {
    eof_ = eof_ || line_.empty();
  } else if (c == kEscape) {
    escape_ = 1;
  } else if ((u >= 0x20 || c == '\t') && line_.size() < kMaxLineBytes) {
    line_.push_back(c);
    typed_ = true;
    std::cout << c;  // echo: the terminal puts the bytes of a character together
  }
}

void TerminalInput::erase_character() {
  if (line_.empty()) return;
  // Drop UTF-8 continuation bytes, then the lead byte.
  while (line_.size() > 1 && (static_cast<unsigned char>(line_.back()) & 0xC0) == 0x80) line_.pop_back();
  line_.pop_back();
  typed_ = true;
  redraw();
}

void TerminalInput::redraw() const { std::cout << kClearLine << kPrompt << line_ << std::flush; }

}  // namespace parley::cli
