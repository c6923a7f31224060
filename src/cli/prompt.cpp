#include "cli/prompt.hpp"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <csignal>
#include <iostream>

namespace parley::cli {
namespace {

constexpr std::size_t kMaxLineBytes = 4096;

// If SIGINT, SIGTERM or SIGHUP arrives while echo is off, the handler puts the
// terminal back before the process dies. A signal handler can only reach state at
// file scope; nothing else touches these two.
int g_tty_fd = -1;
termios g_saved_tty{};

extern "C" void restore_tty_and_reraise(int signal_number) {
  ::tcsetattr(g_tty_fd, TCSAFLUSH, &g_saved_tty);
  const char newline = '\n';
  [[maybe_unused]] auto n = ::write(g_tty_fd, &newline, 1);
  std::signal(signal_number, SIG_DFL);
  std::raise(signal_number);
}

// Turns echo off on `fd` for its lifetime, and back on even if a signal ends the process.
class EchoOff {
 public:
  explicit EchoOff(int fd) : fd_(fd) {
    if (::tcgetattr(fd_, &saved_) != 0) return;
    g_tty_fd = fd_;
    g_saved_tty = saved_;
    struct sigaction action {};
    action.sa_handler = restore_tty_and_reraise;
    sigemptyset(&action.sa_mask);
    for (int i = 0; i < kSignals; ++i) ::sigaction(kSignalList[i], &action, &old_[i]);
    termios quiet = saved_;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    quiet.c_lflag |= ECHONL;  // the Enter key still moves to the next line
    active_ = ::tcsetattr(fd_, TCSAFLUSH, &quiet) == 0;
  }
  ~EchoOff() {
    if (g_tty_fd != fd_) return;
    if (active_) ::tcsetattr(fd_, TCSAFLUSH, &saved_);
    for (int i = 0; i < kSignals; ++i) ::sigaction(kSignalList[i], &old_[i], nullptr);
    g_tty_fd = -1;
  }
  EchoOff(const EchoOff&) = delete;
  EchoOff& operator=(const EchoOff&) = delete;

 private:
  static constexpr int kSignals = 3;
  static constexpr int kSignalList[kSignals] = {SIGINT, SIGTERM, SIGHUP};
  int fd_;
  termios saved_{};
  struct sigaction old_[kSignals] {};
  bool active_ = false;
};

// Reads one line (without its end) byte by byte, so nothing past it is consumed.
Outcome<std::string> read_line_fd(int fd) {
  std::string line;
  for (;;) {
    char c = 0;
    const ssize_t n = ::read(fd, &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return usage_error("cannot read the password from the terminal");
    if (n == 0) {
      if (line.empty()) return usage_error("no password given (end of input)");
      break;
    }
    if (c == '\n') break;
    if (line.size() >= kMaxLineBytes) return usage_error("the password is too long");
    line.push_back(c);
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

class Tty {
 public:
  Tty() : fd_(::open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY)) {}
  ~Tty() {
    if (fd_ >= 0) ::close(fd_);
  }
  Tty(const Tty&) = delete;
  Tty& operator=(const Tty&) = delete;

  bool ok() const { return fd_ >= 0; }

  Outcome<std::string> ask_secret(std::string_view prompt) const {
    [[maybe_unused]] auto n = ::write(fd_, prompt.data(), prompt.size());
    EchoOff quiet(fd_);
    return read_line_fd(fd_);
  }

 private:
  int fd_;
};

Failure no_terminal() { return usage_error("no terminal to ask for the password on; use --password-stdin"); }

Outcome<std::string> read_stdin_line() {
  std::string line;
  if (!std::getline(std::cin, line)) return usage_error("expected a password line on standard input");
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace

Outcome<std::string> PasswordReader::read(std::string_view prompt) const {
  if (from_stdin_) return read_stdin_line();
  Tty tty;
  if (!tty.ok()) return no_terminal();
  return tty.ask_secret(prompt);
}

Outcome<std::string> PasswordReader::read_new(std::string_view prompt, std::string_view again_prompt) const {
  if (from_stdin_) return read_stdin_line();
  Tty tty;
  if (!tty.ok()) return no_terminal();
  auto first = tty.ask_secret(prompt);
  if (!first) return first;
  auto second = tty.ask_secret(again_prompt);
  if (!second) return second;
  if (*first != *second) return usage_error("the passwords do not match");
  return first;
}

}  // namespace parley::cli
