#include "cli/line_input.hpp"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace parley::cli {

std::optional<std::string> LineInput::next_line(std::chrono::milliseconds timeout) {
  if (auto line = take_line()) return line;
  if (eof_) return std::nullopt;
  fill(timeout);
  return take_line();
}

std::optional<std::string> LineInput::take_line() {
  auto end = buffer_.find('\n');
  std::size_t take = end == std::string::npos ? 0 : end + 1;
  if (take == 0 && (eof_ || buffer_.size() >= kMaxLineBytes)) take = std::min(buffer_.size(), kMaxLineBytes);
  if (take == 0) return std::nullopt;
  std::string line = buffer_.substr(0, take);
  buffer_.erase(0, take);
  if (!line.empty() && line.back() == '\n') line.pop_back();
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

void LineInput::fill(std::chrono::milliseconds timeout) {
  pollfd watch{fd_, POLLIN, 0};
  if (::poll(&watch, 1, static_cast<int>(timeout.count())) <= 0) return;  // timeout or EINTR
  char chunk[4096];
  const ssize_t n = ::read(fd_, chunk, sizeof chunk);
  if (n > 0) {
    buffer_.append(chunk, static_cast<std::size_t>(n));
  } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
    eof_ = true;
  }
}

}  // namespace parley::cli
