#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "cli/failure.hpp"

namespace parley::cli {

// What `parley login` saves: enough to resume with `auth`.
struct Session {
  std::string server;
  std::string token;
  std::int64_t user_id = 0;
  std::string username;
  std::string device;
  std::int64_t expires_at = 0;
};

// "not logged in; run: parley login USER".
Failure not_logged_in();

// The session file HOME/session.json: JSON, mode 0600, in a directory created 0700.
// Not safe against two CLI processes saving at once (the last rename wins, whole).
class SessionFile {
 public:
  explicit SessionFile(std::filesystem::path home);

  const std::filesystem::path& path() const { return path_; }

  // Empty when there is no file; a failure when it cannot be read or is damaged.
  Outcome<std::optional<Session>> load() const;
  // Loads, failing with "not logged in" when there is no file.
  Outcome<Session> require() const;
  // Writes a temporary file beside it and renames it into place.
  Outcome<void> save(const Session& session) const;
  // Deletes the file; no error when it is already gone.
  Outcome<void> remove() const;

 private:
  std::filesystem::path home_;
  std::filesystem::path path_;
};

}  // namespace parley::cli
