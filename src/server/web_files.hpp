#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>

#include "proto/errors.hpp"

namespace parley::server {

// One file of the web client, ready to send.
struct WebFile {
  std::string body;
  std::string content_type;
  std::string etag;        // a quoted strong validator derived from the content
  std::string cache_control;
};

// The web client's build (web/dist), read into memory once at start-up and served at `/`.
// Only files found under the root when it was loaded can be served, so a request path can
// never reach outside it. Immutable after load(): thread-safe to share.
class WebFiles {
 public:
  // Every response of the web client carries this policy: the client loads nothing from
  // other origins and runs no inline script or style.
  static constexpr std::string_view kContentSecurityPolicy =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
      "media-src 'self' data: blob:; connect-src 'self' ws: wss:; font-src 'self'; object-src 'none'; "
      "base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
  static constexpr std::size_t kMaxTotalBytes = 64 * 1024 * 1024;
  static constexpr std::size_t kMaxFiles = 4096;

  // Reads every regular file under `root`. Fails when the root has no index.html, holds
  // more than kMaxFiles files or kMaxTotalBytes bytes, or a file cannot be read.
  static proto::Result<WebFiles> load(const std::string& root);

  // The file for a request path (the query already removed): "/" is index.html. Null when
  // there is none.
  const WebFile* find(std::string_view path) const;
  std::size_t size() const { return files_.size(); }

  // The Content-Type for a file name, by its extension.
  static std::string_view content_type_of(std::string_view name);

 private:
  std::unordered_map<std::string, WebFile> files_;  // by path from the root, "/index.html"
};

}  // namespace parley::server
