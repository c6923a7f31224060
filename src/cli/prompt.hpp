#pragma once

#include <string>
#include <string_view>

#include "cli/failure.hpp"

namespace parley::cli {

// Reads passwords: with --password-stdin one line of standard input per password,
// otherwise from the controlling terminal (/dev/tty) with echo off. Passwords never
// come from the command line. Not thread-safe (it owns the terminal while asking).
class PasswordReader {
 public:
  explicit PasswordReader(bool from_stdin) : from_stdin_(from_stdin) {}

  // One password (e.g. to log in).
  Outcome<std::string> read(std::string_view prompt) const;
  // A password being chosen: on a terminal asked twice and both must match; from
  // stdin one line.
  Outcome<std::string> read_new(std::string_view prompt, std::string_view again_prompt) const;

 private:
  bool from_stdin_;
};

}  // namespace parley::cli
