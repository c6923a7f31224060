#include "tests/server_process.hpp"

#include <arpa/inet.h>
#include <sys/time.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace parley::test {
namespace {

namespace fs = std::filesystem;

std::string make_temp_dir() {
  std::string pattern = (fs::temp_directory_path() / "parley-test-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

pid_t spawn(const std::vector<std::string>& args, const std::string& log_path) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    // A test process that dies (a crash, a timeout's kill) takes its server with it.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    int null = ::open("/dev/null", O_RDWR);
    int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    ::dup2(null, 0);
    ::dup2(log, 1);
    ::dup2(log, 2);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  return pid;
}

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

ServerProcess::ServerProcess(std::vector<std::string> extra_args, std::string data_dir)
    : extra_args_(std::move(extra_args)), data_dir_(std::move(data_dir)) {
  if (data_dir_.empty()) {
    data_dir_ = make_temp_dir();
    own_dir_ = true;
  }
  for (const auto& a : extra_args_) tls_ = tls_ || a == "--tls-self-signed";
  start();
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) terminate();
  if (own_dir_) {
    if (::testing::Test::HasFailure()) {
      std::fprintf(stderr, "--- parleyd log (%s) ---\n%s\n", data_dir_.c_str(), log().c_str());
    }
    std::error_code ec;
    fs::remove_all(data_dir_, ec);
  }
}

void ServerProcess::start() {
  std::string port_file = data_dir_ + "/port";
  fs::remove(port_file);
  std::vector<std::string> args = {PARLEYD_PATH, "--listen",     "127.0.0.1:0", "--data-dir",         data_dir_,
                                   "--port-file", port_file,      "--argon2-ops", "1",                  "--argon2-memory-kib",
                                   "8",           "--log-level",  "debug"};
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  pid_ = spawn(args, data_dir_ + "/parleyd.log");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    std::string text = read_file(port_file);
    if (!text.empty() && text.back() == '\n') {
      port_ = static_cast<std::uint16_t>(std::stoi(text));
      return;
    }
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("parleyd exited at start: " + log());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  throw std::runtime_error("parleyd did not start in time: " + log());
}

std::string ServerProcess::url() const {
  return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_);
}

client::ClientOptions ServerProcess::options() const {
  client::ClientOptions o;
  o.server = url();
  o.verify_tls = false;
  o.timeout = std::chrono::seconds(30);  // sanitizer builds on a shared machine are slow
  return o;
}

int ServerProcess::wait_exit() {
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  return decode_status(status);
}

int ServerProcess::terminate() {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  return wait_exit();
}

void ServerProcess::kill9() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  wait_exit();
}

void ServerProcess::restart() {
  if (pid_ > 0) terminate();
  start();
}

std::string ServerProcess::log() const { return read_file(data_dir_ + "/parleyd.log"); }

ExitResult run_parleyd(const std::vector<std::string>& args, std::chrono::seconds timeout) {
  std::string dir = make_temp_dir();
  // A fresh data dir each run; a --data-dir in `args` comes later and wins.
  std::vector<std::string> full = {PARLEYD_PATH, "--data-dir", dir + "/data"};
  full.insert(full.end(), args.begin(), args.end());
  pid_t pid = spawn(full, dir + "/out");
  ExitResult result;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  result.status = decode_status(status);
  result.output = read_file(dir + "/out");
  fs::remove_all(dir);
  return result;
}

std::unique_ptr<client::Client> connect(const ServerProcess& server) {
  auto c = client::Client::connect(server.options());
  if (!c) throw std::runtime_error("connect failed: " + c.error().message);
  return std::move(*c);
}

std::unique_ptr<client::Client> register_and_login(const ServerProcess& server, const std::string& username,
                                                   const std::string& device) {
  auto c = connect(server);
  auto reg = c->call<proto::RegisterResult>(proto::type::kRegister, proto::RegisterRequest{username, kPassword, {}});
  if (!reg) throw std::runtime_error("register " + username + ": " + reg.error().message);
  auto login = c->call<proto::LoginResult>(proto::type::kLogin, proto::LoginRequest{username, kPassword, device});
  if (!login) throw std::runtime_error("login " + username + ": " + login.error().message);
  return c;
}

std::optional<proto::Event> wait_event(client::Client& c, const std::string& type, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    auto event = c.next_event(left);
    if (!event) return std::nullopt;
    if (event->type == type) return event;
  }
  return std::nullopt;
}

int silent_login(std::uint16_t port, const std::string& user, const std::string& device) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) throw std::runtime_error("connect");
  std::string upgrade = "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
  ::send(fd, upgrade.data(), upgrade.size(), 0);
  std::string head;
  char ch;
  while (head.find("\r\n\r\n") == std::string::npos && ::recv(fd, &ch, 1, 0) == 1) head.push_back(ch);
  auto frame = [&](const std::string& text) {
    std::string f = {static_cast<char>(0x81), static_cast<char>(0x80 | text.size())};  // FIN text, masked, < 126
    f.append(4, '\0');                                                                 // a zero mask key
    f += text;
    ::send(fd, f.data(), f.size(), 0);
  };
  frame(R"({"id":1,"type":"hello","data":{"versions":[1]}})");
  frame(R"({"id":2,"type":"login","data":{"username":")" + user + R"(","password":"correct horse 1","device":")" + device + R"("}})");
  return fd;
}

bool read_until_cut_off(int fd) {
  std::vector<char> buffer(1 << 20);
  timeval timeout{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  ssize_t n = 0;
  while ((n = ::recv(fd, buffer.data(), buffer.size(), 0)) > 0) {
  }
  const bool timed_out = n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
  ::close(fd);
  return !timed_out;
}

}  // namespace parley::test
