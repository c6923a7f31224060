#pragma once

#include <fcntl.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tests/server_process.hpp"

// A fixture that runs the `parley` command against a real parleyd as a user would: a
// scratch directory holds one CLI home per user name, and each run's stdin, stdout and
// stderr go through files.
namespace parley::test {

inline bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Whether `parts` occur in `text` in this order.
inline bool in_order(const std::string& text, const std::vector<std::string>& parts) {
  std::size_t at = 0;
  for (const auto& part : parts) {
    at = text.find(part, at);
    if (at == std::string::npos) return false;
    at += part.size();
  }
  return true;
}

// The lines of human output.
inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

inline std::string slurp_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class CliRunner : public ::testing::Test {
 protected:
  struct Run {
    int status = -1;
    std::string out;
    std::string err;
  };

  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "parley-cli-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Starts `parley --home DIR/HOME ARGS` with `input` on stdin; returns its pid.
  pid_t start(const std::string& home, const std::vector<std::string>& args, const std::string& input,
              const std::string& name) {
    std::ofstream(dir_ / (name + ".in")) << input;
    return spawn(home, args, ::open((dir_ / (name + ".in")).c_str(), O_RDONLY | O_CLOEXEC), name);
  }

  // Like start(), with stdin a pipe whose write end goes to `input` (the caller writes,
  // then closes it for end of file).
  pid_t start_piped(const std::string& home, const std::vector<std::string>& args, int& input,
                    const std::string& name) {
    int ends[2];
    if (::pipe2(ends, O_CLOEXEC) != 0) return -1;
    input = ends[1];
    return spawn(home, args, ends[0], name);
  }

  // Like start(), with stdin and stdout a new pseudo-terminal whose other side goes to
  // `terminal` (read what parley shows, write what a person types; close it after).
  pid_t start_on_terminal(const std::string& home, const std::vector<std::string>& args, int& terminal,
                          const std::string& name) {
    int user_side = -1;
    if (::openpty(&terminal, &user_side, nullptr, nullptr, nullptr) != 0) return -1;
    ::fcntl(terminal, F_SETFD, FD_CLOEXEC);
    ::fcntl(user_side, F_SETFD, FD_CLOEXEC);
    return spawn(home, args, user_side, name, user_side);
  }

  // Waits (up to 20 s) until the file DIR/NAME holds `part`; returns what it holds.
  std::string wait_for(const std::string& name, const std::string& part) {
    std::string text = slurp_file(dir_ / name);
    for (int i = 0; i < 400 && text.find(part) == std::string::npos; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      text = slurp_file(dir_ / name);
    }
    return text;
  }

  Run finish(pid_t pid, const std::string& name) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), slurp_file(dir_ / (name + ".out")),
            slurp_file(dir_ / (name + ".err"))};
  }

  // Runs `parley ARGS` as the user whose home is `home` and waits for it.
  Run parley_as(const std::string& home, const std::vector<std::string>& args, const std::string& input = "") {
    return finish(start(home, args, input, "run"), "run");
  }

  // Registers and logs in `user` with the CLI, keeping the session in the home `user`.
  void sign_up(const std::string& user) {
    auto reg = parley_as(user, {"register", user, "--password-stdin"}, std::string(kPassword) + "\n");
    ASSERT_EQ(reg.status, 0) << reg.err;
    auto login = parley_as(user, {"login", user, "--password-stdin"}, std::string(kPassword) + "\n");
    ASSERT_EQ(login.status, 0) << login.err;
  }

  ServerProcess server_;
  std::filesystem::path dir_;

 private:
  // Runs parley with `stdin_fd` (closed here afterwards) as its stdin, and as its
  // stdout `stdout_fd` (the same descriptor, or -1: the file DIR/NAME.out).
  pid_t spawn(const std::string& home, const std::vector<std::string>& args, int stdin_fd, const std::string& name,
              int stdout_fd = -1) {
    std::vector<std::string> full = {PARLEY_CLI_PATH, "--server", server_.url(), "--home", (dir_ / home).string()};
    full.insert(full.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : full) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = ::fork();
    if (pid == 0) {
      ::dup2(stdin_fd, 0);
      ::dup2(stdout_fd >= 0 ? stdout_fd : ::open((dir_ / (name + ".out")).c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644),
             1);
      ::dup2(::open((dir_ / (name + ".err")).c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644), 2);
      ::setsid();  // no controlling terminal: prompts must not be possible
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    ::close(stdin_fd);
    return pid;
  }
};

}  // namespace parley::test
