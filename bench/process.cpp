#include "bench/process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace parley::bench {
namespace {

proto::Error failed(std::string message) { return proto::make_error(proto::Errc::unavailable, std::move(message)); }

// Waits for the child up to `limit`; returns its status, or empty if it still runs.
std::optional<int> wait_for_exit(pid_t pid, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    int status = 0;
    pid_t got = ::waitpid(pid, &status, WNOHANG);
    if (got == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (got < 0) return -1;
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace

std::optional<double> cpu_seconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return std::nullopt;
  // The command name (field 2) may hold spaces: the numbers start after its ')'.
  auto close = line.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(line.substr(close + 2));
  std::string field;
  // After ')': state is field 3; utime and stime are fields 14 and 15.
  double utime = 0;
  double stime = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14) utime = std::stod(field);
    if (i == 15) stime = std::stod(field);
  }
  static const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
  return (utime + stime) / ticks;
}

std::vector<ThreadCpu> thread_cpu(pid_t pid) {
  std::vector<ThreadCpu> threads;
  std::error_code ec;
  const std::string task = "/proc/" + std::to_string(pid) + "/task";
  for (const auto& entry : std::filesystem::directory_iterator(task, ec)) {
    ThreadCpu thread;
    try {
      thread.tid = std::stoi(entry.path().filename().string());
    } catch (const std::exception&) {
      continue;
    }
    std::ifstream schedstat(entry.path() / "schedstat");
    double on_cpu_ns = 0;
    if (!(schedstat >> on_cpu_ns)) continue;  // the thread ended meanwhile
    thread.seconds = on_cpu_ns / 1e9;
    std::ifstream comm(entry.path() / "comm");
    std::getline(comm, thread.name);
    threads.push_back(std::move(thread));
  }
  return threads;
}

std::optional<std::int64_t> rss_kib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoll(line.substr(6));
  }
  return std::nullopt;
}

void CpuMeter::start() {
  begin_ = std::chrono::steady_clock::now();
  begin_cpu_ = pid_ > 0 ? cpu_seconds(pid_) : std::nullopt;
}

void CpuMeter::stop() {
  end_ = std::chrono::steady_clock::now();
  end_cpu_ = pid_ > 0 ? cpu_seconds(pid_) : std::nullopt;
}

std::optional<double> CpuMeter::percent() const {
  if (!begin_cpu_ || !end_cpu_) return std::nullopt;
  double wall = std::chrono::duration<double>(end_ - begin_).count();
  if (wall <= 0) return std::nullopt;
  return 100.0 * (*end_cpu_ - *begin_cpu_) / wall;
}

std::optional<double> CpuMeter::seconds() const {
  if (!begin_cpu_ || !end_cpu_) return std::nullopt;
  return *end_cpu_ - *begin_cpu_;
}

proto::Result<std::unique_ptr<SpawnedServer>> SpawnedServer::start(const Options& options) {
  if (::access(options.parleyd.c_str(), X_OK) != 0) return failed("cannot run " + options.parleyd);
  std::string parent = options.data_parent;
  if (parent.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    parent = tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
  }
  std::string pattern = parent + "/parley-bench-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) return failed("cannot make a data directory in " + parent);
  std::unique_ptr<SpawnedServer> server(new SpawnedServer());
  server->data_dir_ = pattern;
  server->log_path_ = pattern + ".log";
  server->tls_ = options.tls;
  const std::string port_file = pattern + "/port";

  std::vector<std::string> args = {options.parleyd,
                                   "--listen",
                                   "127.0.0.1:0",
                                   "--port-file",
                                   port_file,
                                   "--data-dir",
                                   pattern + "/data",
                                   "--argon2-ops",
                                   "1",
                                   "--argon2-memory-kib",
                                   "8",
                                   "--max-requests-per-second",
                                   "1000000",
                                   "--request-burst",
                                   "1000000",
                                   "--max-connections-per-ip",
                                   "100000"};
  if (options.tls) args.push_back("--tls-self-signed");
  args.insert(args.end(), options.extra_args.begin(), options.extra_args.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  pid_t pid = ::fork();
  if (pid < 0) return failed("fork failed");
  if (pid == 0) {
    // If the benchmark dies (a crash, SIGKILL), the server goes with it instead of
    // lingering on its port.
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    int log = ::open(server->log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (log >= 0) {
      ::dup2(log, STDOUT_FILENO);
      ::dup2(log, STDERR_FILENO);
      ::close(log);
    }
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  server->pid_ = pid;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream in(port_file);
    int port = 0;
    if (in >> port && port > 0) {
      server->port_ = static_cast<std::uint16_t>(port);
      return server;
    }
    if (auto status = wait_for_exit(pid, std::chrono::milliseconds(20))) {
      server->pid_ = -1;
      server->keep_log_ = true;
      return failed("parleyd exited with status " + std::to_string(*status) + " at start; see " + server->log_path_);
    }
  }
  server->keep_log_ = true;
  return failed("parleyd did not start listening within 30 s; see " + server->log_path_);
}

int SpawnedServer::stop() {
  if (pid_ <= 0) return 0;
  ::kill(pid_, SIGTERM);
  auto status = wait_for_exit(pid_, std::chrono::seconds(15));
  if (!status) {
    ::kill(pid_, SIGKILL);
    status = wait_for_exit(pid_, std::chrono::seconds(15));
  }
  pid_ = -1;
  if (status.value_or(-1) != 0) keep_log_ = true;
  return status.value_or(-1);
}

SpawnedServer::~SpawnedServer() {
  stop();
  std::error_code ec;
  if (!data_dir_.empty()) std::filesystem::remove_all(data_dir_, ec);
  if (!keep_log_ && !log_path_.empty()) std::filesystem::remove(log_path_, ec);
}

}  // namespace parley::bench
