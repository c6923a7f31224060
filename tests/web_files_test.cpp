// WebFiles: the web client's build, read at start-up and looked up by request path.
#include "server/web_files.hpp"

#include <filesystem>
#include <fstream>
#include <random>

#include <gtest/gtest.h>

namespace parley::server {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() : path_(fs::temp_directory_path() / ("parley-web-" + std::to_string(std::random_device{}()))) {
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }
  void write(const std::string& name, const std::string& body) const {
    fs::create_directories((path_ / name).parent_path());
    std::ofstream(path_ / name, std::ios::binary) << body;
  }

 private:
  fs::path path_;
};

TEST(WebFiles, ServesIndexAtTheRootAndEveryFileByItsPath) {
  TempDir dir;
  dir.write("index.html", "<!doctype html><title>Parley</title>");
  dir.write("assets/index-abc123.js", "console.log(1)");
  dir.write("favicon.svg", "<svg/>");
  auto web = WebFiles::load(dir.path().string());
  ASSERT_TRUE(web) << web.error().message;
  EXPECT_EQ(web->size(), 3u);

  const WebFile* index = web->find("/");
  ASSERT_NE(index, nullptr);
  EXPECT_EQ(index->body, "<!doctype html><title>Parley</title>");
  EXPECT_EQ(index->content_type, "text/html; charset=utf-8");
  EXPECT_EQ(index->cache_control, "no-cache");
  EXPECT_EQ(web->find("/index.html"), index);

  const WebFile* script = web->find("/assets/index-abc123.js");
  ASSERT_NE(script, nullptr);
  EXPECT_EQ(script->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(script->cache_control, "public, max-age=31536000, immutable");
  EXPECT_EQ(web->find("/favicon.svg")->content_type, "image/svg+xml");
  EXPECT_EQ(web->find("/favicon.svg")->cache_control, "no-cache");
}

TEST(WebFiles, EtagsAreQuotedAndFollowTheContent) {
  TempDir dir;
  dir.write("index.html", "one");
  dir.write("a.txt", "one");
  dir.write("b.txt", "two");
  auto web = WebFiles::load(dir.path().string());
  ASSERT_TRUE(web);
  const std::string& etag = web->find("/a.txt")->etag;
  ASSERT_GE(etag.size(), 3u);
  EXPECT_EQ(etag.front(), '"');
  EXPECT_EQ(etag.back(), '"');
  EXPECT_EQ(etag, web->find("/index.html")->etag);
  EXPECT_NE(etag, web->find("/b.txt")->etag);
}

TEST(WebFiles, NothingOutsideTheRootOrUnknownIsFound) {
  TempDir outer;
  outer.write("secret.txt", "no");
  outer.write("dist/index.html", "yes");
  auto web = WebFiles::load((outer.path() / "dist").string());
  ASSERT_TRUE(web);
  for (const char* path : {"/../secret.txt", "/..%2fsecret.txt", "/secret.txt", "/missing.js", "", "index.html",
                           "//index.html", "/./index.html"}) {
    EXPECT_EQ(web->find(path), nullptr) << path;
  }
}

TEST(WebFiles, ARootWithoutIndexHtmlIsRefusedWithTheSetting) {
  TempDir dir;
  dir.write("app.js", "x");
  auto web = WebFiles::load(dir.path().string());
  ASSERT_FALSE(web);
  EXPECT_NE(web.error().message.find("server.web_root"), std::string::npos) << web.error().message;
  EXPECT_NE(web.error().message.find("index.html"), std::string::npos) << web.error().message;
  EXPECT_FALSE(WebFiles::load((dir.path() / "missing").string()));
}

TEST(WebFiles, ContentTypesByExtension) {
  EXPECT_EQ(WebFiles::content_type_of("/a/b.css"), "text/css; charset=utf-8");
  EXPECT_EQ(WebFiles::content_type_of("/x.woff2"), "font/woff2");
  EXPECT_EQ(WebFiles::content_type_of("/x.png"), "image/png");
  EXPECT_EQ(WebFiles::content_type_of("/x.webmanifest"), "application/manifest+json");
  EXPECT_EQ(WebFiles::content_type_of("/x"), "application/octet-stream");
  EXPECT_EQ(WebFiles::content_type_of("/x.html.bak"), "application/octet-stream");
}

}  // namespace
}  // namespace parley::server
