#include "server/web_files.hpp"

#include <array>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <sodium.h>

namespace parley::server {
namespace {

namespace fs = std::filesystem;
using proto::Errc;
using proto::make_error;

// Vite names what it puts under assets/ by a hash of the content, so a browser may keep
// those for good; everything else (index.html above all) is checked on every load.
constexpr std::string_view kHashedFolder = "/assets/";
constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";
constexpr std::string_view kRevalidate = "no-cache";

std::string etag_of(const std::string& body) {
  std::array<unsigned char, 16> hash{};
  crypto_generichash(hash.data(), hash.size(), reinterpret_cast<const unsigned char*>(body.data()), body.size(),
                     nullptr, 0);
  std::array<char, 2 * 16 + 1> hex{};
  sodium_bin2hex(hex.data(), hex.size(), hash.data(), hash.size());
  return "\"" + std::string(hex.data()) + "\"";
}

proto::Result<std::string> read_whole(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) return make_error(Errc::internal, "cannot read " + path.string());
  return body;
}

proto::Error setting_error(const std::string& message) {
  return make_error(Errc::bad_request, "setting server.web_root: " + message);
}

}  // namespace

proto::Result<WebFiles> WebFiles::load(const std::string& root) {
  std::error_code ec;
  if (!fs::is_regular_file(fs::path(root) / "index.html", ec)) {
    return setting_error(root + " has no index.html (build the web client: npm --prefix web run build)");
  }
  WebFiles web;
  std::size_t total = 0;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    if (web.files_.size() == kMaxFiles) return setting_error(root + " holds more than " + std::to_string(kMaxFiles) + " files");
    auto body = read_whole(it->path());
    if (!body) return setting_error(body.error().message);
    total += body->size();
    if (total > kMaxTotalBytes) return setting_error(root + " holds more than " + std::to_string(kMaxTotalBytes) + " bytes");
    std::string path = "/" + it->path().lexically_relative(root).generic_string();
    WebFile file;
    file.content_type = content_type_of(path);
    file.etag = etag_of(*body);
    file.cache_control = path.starts_with(kHashedFolder) ? kImmutable : kRevalidate;
    file.body = std::move(*body);
    web.files_.emplace(std::move(path), std::move(file));
  }
  if (ec) return setting_error("cannot list " + root + ": " + ec.message());
  return web;
}

const WebFile* WebFiles::find(std::string_view path) const {
  if (path == "/") path = "/index.html";
  auto it = files_.find(std::string(path));
  return it == files_.end() ? nullptr : &it->second;
}

std::string_view WebFiles::content_type_of(std::string_view name) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 16> kTypes{{
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".webmanifest", "application/manifest+json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".webp", "image/webp"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".wav", "audio/wav"},
      {".mp3", "audio/mpeg"},
      {".txt", "text/plain; charset=utf-8"},
  }};
  for (const auto& [extension, type] : kTypes) {
    if (name.ends_with(extension)) return type;
  }
  return "application/octet-stream";
}

}  // namespace parley::server
