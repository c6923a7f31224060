#include "cli/session_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace parley::cli {
namespace json = boost::json;
namespace fs = std::filesystem;
namespace {

Failure io_failure(const std::string& what, const fs::path& path, int error_number) {
  return Failure(
      proto::make_error(proto::Errc::internal, what + " " + path.string() + ": " + std::strerror(error_number)),
      kExitServerError);
}

Failure damaged(const fs::path& path, const std::string& why) {
  return Failure(proto::make_error(proto::Errc::unauthorized, "the session file " + path.string() + " is damaged (" +
                                                                  why + "); run: parley login USER"),
                 kExitServerError);
}

json::object to_json(const Session& s) {
  return {{"server", s.server},     {"token", s.token},   {"user_id", s.user_id},
          {"username", s.username}, {"device", s.device}, {"expires_at", s.expires_at}};
}

bool read_string(const json::object& o, const char* key, std::string& out) {
  auto* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) return false;
  out = std::string(v->get_string());
  return true;
}

bool read_int(const json::object& o, const char* key, std::int64_t& out) {
  auto* v = o.if_contains(key);
  if (v == nullptr || !v->is_int64()) return false;
  out = v->get_int64();
  return true;
}

std::optional<Session> from_json(const json::object& o) {
  Session s;
  const bool ok = read_string(o, "server", s.server) && read_string(o, "token", s.token) &&
                  read_int(o, "user_id", s.user_id) && read_string(o, "username", s.username) &&
                  read_string(o, "device", s.device) && read_int(o, "expires_at", s.expires_at);
  if (!ok || s.token.empty()) return std::nullopt;
  return s;
}

constexpr std::size_t kMaxSessionBytes = 64 * 1024;

// Reads up to a little more than kMaxSessionBytes; empty when the file does not exist.
Outcome<std::optional<std::string>> read_small_file(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::optional<std::string>();
    return io_failure("cannot read", path, errno);
  }
  std::string text;
  char buffer[4096];
  int error_number = 0;
  while (text.size() <= kMaxSessionBytes) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) error_number = errno;
    if (n <= 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  if (error_number != 0) return io_failure("cannot read", path, error_number);
  return std::optional<std::string>(std::move(text));
}

// Creates the directory 0700 if missing (its parents with the default mode).
Outcome<void> ensure_private_dir(const fs::path& dir) {
  std::error_code ec;
  if (fs::is_directory(dir, ec)) return {};
  if (dir.has_parent_path()) fs::create_directories(dir.parent_path(), ec);
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return io_failure("cannot create", dir, errno);
  return {};
}

// Writes all of `text` to a new 0600 file beside `target` and renames it over `target`.
Outcome<void> replace_file(const fs::path& target, const std::string& text) {
  std::string temp = target.string() + ".XXXXXX";
  const int fd = ::mkstemp(temp.data());  // mode 0600
  if (fd < 0) return io_failure("cannot create", temp, errno);
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    written += static_cast<std::size_t>(n);
  }
  const int write_errno = written == text.size() ? 0 : errno;
  const bool synced = write_errno == 0 && ::fsync(fd) == 0;
  const int sync_errno = errno;
  ::close(fd);
  if (!synced || ::rename(temp.c_str(), target.c_str()) != 0) {
    const int error_number = write_errno != 0 ? write_errno : (!synced ? sync_errno : errno);
    ::unlink(temp.c_str());
    return io_failure("cannot write", target, error_number);
  }
  return {};
}

}  // namespace

Failure not_logged_in() {
  return Failure(proto::make_error(proto::Errc::unauthorized, "not logged in; run: parley login USER"),
                 kExitServerError);
}

SessionFile::SessionFile(fs::path home) : home_(std::move(home)), path_(home_ / "session.json") {}

Outcome<std::optional<Session>> SessionFile::load() const {
  auto text = read_small_file(path_);
  if (!text) return text.error();
  if (!*text) return std::optional<Session>();
  if ((*text)->size() > kMaxSessionBytes) return damaged(path_, "too large");
  boost::system::error_code ec;
  auto value = json::parse(**text, ec);
  if (ec || !value.is_object()) return damaged(path_, "not a JSON object");
  auto session = from_json(value.get_object());
  if (!session) return damaged(path_, "missing or wrongly typed members");
  return session;
}

Outcome<Session> SessionFile::require() const {
  auto loaded = load();
  if (!loaded) return loaded.error();
  if (!*loaded) return not_logged_in();
  return std::move(**loaded);
}

Outcome<void> SessionFile::save(const Session& session) const {
  if (auto made = ensure_private_dir(home_); !made) return made;
  return replace_file(path_, json::serialize(to_json(session)) + "\n");
}

Outcome<void> SessionFile::remove() const {
  if (::unlink(path_.c_str()) != 0 && errno != ENOENT) return io_failure("cannot delete", path_, errno);
  return {};
}

}  // namespace parley::cli
