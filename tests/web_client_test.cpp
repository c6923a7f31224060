// parleyd serving the web client's files (--web-root): headers, caching, and nothing else.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>

#include <gtest/gtest.h>

#include "tests/server_process.hpp"

namespace parley::test {
namespace {

namespace fs = std::filesystem;

const std::string kPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "media-src 'self' data: blob:; connect-src 'self' ws: wss:; font-src 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

struct RawResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
};

// A connection to 127.0.0.1:`port` that has sent `request`, with a 10 s receive timeout.
int send_on_new_connection(std::uint16_t port, const std::string& request) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::send(fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) {
    ::close(fd);
    throw std::runtime_error("connect or send failed");
  }
  timeval timeout{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  return fd;
}

// One request as a browser would send it, on a fresh connection, read to its close.
RawResponse raw_http(std::uint16_t port, const std::string& method, const std::string& target,
                     const std::string& extra_headers = {}) {
  int fd = send_on_new_connection(port, method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" +
                                            extra_headers + "\r\n");
  std::string all;
  char buffer[16384];
  for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;) all.append(buffer, static_cast<std::size_t>(n));
  ::close(fd);

  RawResponse r;
  auto head_end = all.find("\r\n\r\n");
  if (head_end == std::string::npos || all.size() < 12) throw std::runtime_error("no HTTP response: " + all);
  r.status = std::stoi(all.substr(9, 3));
  r.body = all.substr(head_end + 4);
  std::size_t line = all.find("\r\n") + 2;
  while (line < head_end) {
    std::size_t end = all.find("\r\n", line);
    std::string header = all.substr(line, end - line);
    auto colon = header.find(':');
    std::string name = header.substr(0, colon);
    for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    r.headers[name] = header.substr(header.find_first_not_of(' ', colon + 1));
    line = end + 2;
  }
  return r;
}

class WebRoot {
 public:
  WebRoot() : path_(fs::temp_directory_path() / ("parley-webroot-" + std::to_string(std::random_device{}()))) {
    fs::create_directories(path_ / "assets");
    std::ofstream(path_ / "index.html") << "<!doctype html><title>Parley</title><script src=\"/assets/app-1a2b.js\"></script>";
    std::ofstream(path_ / "assets" / "app-1a2b.js") << "console.log('parley')";
  }
  ~WebRoot() { fs::remove_all(path_); }
  std::string path() const { return path_.string(); }

 private:
  fs::path path_;
};

TEST(WebClient, IndexIsServedAtTheRootWithAStrictPolicyAndRevalidation) {
  WebRoot root;
  ServerProcess server({"--web-root", root.path()});
  auto r = raw_http(server.port(), "GET", "/");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "<!doctype html><title>Parley</title><script src=\"/assets/app-1a2b.js\"></script>");
  EXPECT_EQ(r.headers["content-type"], "text/html; charset=utf-8");
  EXPECT_EQ(r.headers["content-security-policy"], kPolicy);
  EXPECT_EQ(r.headers["cache-control"], "no-cache");
  EXPECT_EQ(r.headers["x-content-type-options"], "nosniff");
  EXPECT_EQ(r.headers["referrer-policy"], "no-referrer");
  EXPECT_FALSE(r.headers["etag"].empty());
  EXPECT_EQ(raw_http(server.port(), "GET", "/index.html?v=2").body, r.body);
}

TEST(WebClient, HashedAssetsAreCachedForGoodAndRevalidatedFilesAnswer304) {
  WebRoot root;
  ServerProcess server({"--web-root", root.path()});
  auto script = raw_http(server.port(), "GET", "/assets/app-1a2b.js");
  ASSERT_EQ(script.status, 200);
  EXPECT_EQ(script.body, "console.log('parley')");
  EXPECT_EQ(script.headers["content-type"], "text/javascript; charset=utf-8");
  EXPECT_EQ(script.headers["cache-control"], "public, max-age=31536000, immutable");

  auto index = raw_http(server.port(), "GET", "/");
  auto again = raw_http(server.port(), "GET", "/", "If-None-Match: " + index.headers["etag"] + "\r\n");
  EXPECT_EQ(again.status, 304);
  EXPECT_EQ(again.body, "");
  EXPECT_EQ(again.headers["etag"], index.headers["etag"]);
  auto stale = raw_http(server.port(), "GET", "/", "If-None-Match: \"not-it\"\r\n");
  EXPECT_EQ(stale.status, 200);
  EXPECT_EQ(stale.body, index.body);
}

TEST(WebClient, HeadGivesTheHeadersWithoutTheBody) {
  WebRoot root;
  ServerProcess server({"--web-root", root.path()});
  auto r = raw_http(server.port(), "HEAD", "/assets/app-1a2b.js");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["content-length"], std::to_string(std::string("console.log('parley')").size()));
  EXPECT_EQ(r.body, "");
}

TEST(WebClient, NothingOutsideTheBuildIsServedAndTheApiStillAnswers) {
  WebRoot root;
  ServerProcess server({"--web-root", root.path()});
  for (const char* target : {"/nope.js", "/../index.html", "/assets/../../etc/passwd", "/%2e%2e/etc/passwd",
                             "/assets/", "/assets"}) {
    auto r = raw_http(server.port(), "GET", target);
    EXPECT_EQ(r.status, 404) << target;
    EXPECT_NE(r.body.find("\"not_found\""), std::string::npos) << target << ": " << r.body;
  }
  EXPECT_EQ(raw_http(server.port(), "POST", "/").status, 404);
  EXPECT_EQ(raw_http(server.port(), "GET", "/healthz").status, 200);
  auto api = raw_http(server.port(), "GET", "/api/v1/ping");
  EXPECT_EQ(api.status, 405);  // the API keeps its own rules
}

// A browser keeps its connection open after loading the page; stopping the server then
// must still be clean (this once freed the server's shared state before the connection's
// slot, which ASan reports as a use after free and a non-zero exit).
TEST(WebClient, StoppingWithABrowsersKeepAliveConnectionOpenIsClean) {
  WebRoot root;
  ServerProcess server({"--web-root", root.path()});
  // keep-alive: HTTP/1.1's default
  int fd = send_on_new_connection(server.port(), "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  std::string got;
  char buffer[4096];
  while (got.find("</script>") == std::string::npos) {
    ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    ASSERT_GT(n, 0) << got;
    got.append(buffer, static_cast<std::size_t>(n));
  }
  EXPECT_EQ(got.substr(0, 15), "HTTP/1.1 200 OK");
  EXPECT_EQ(server.terminate(), 0) << server.log();
  ::close(fd);
}

TEST(WebClient, WithoutAWebRootThereIsNoPageAtTheRoot) {
  ServerProcess server;
  EXPECT_EQ(raw_http(server.port(), "GET", "/").status, 404);
}

TEST(WebClient, AWebRootWithoutIndexHtmlStopsTheStart) {
  auto result = run_parleyd({"--listen", "127.0.0.1:0", "--web-root", "/nonexistent/parley/web"});
  EXPECT_NE(result.status, 0);
  EXPECT_NE(result.output.find("server.web_root"), std::string::npos) << result.output;
}

}  // namespace
}  // namespace parley::test
