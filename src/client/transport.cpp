// The only translation unit of the client library that sees Asio and Beast: the
// WebSocket connection behind Client and RawSocket, and http_request(). Each stream
// type's coroutines cost a minute or more to compile, so everything here is written
// once as a template over the next layer (plain TCP or TLS) and instantiated twice.
#include <atomic>
#include <chrono>
#include <deque>
#include <exception>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <openssl/ssl.h>

#include "client/client.hpp"
#include "client/connection.hpp"

namespace parley::client {
namespace detail {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using error_code = beast::error_code;

constexpr auto kTuple = net::as_tuple(net::use_awaitable);
// How long the destructor waits beyond options.timeout for the closing handshake
// before it stops the I/O thread the hard way.
constexpr std::chrono::milliseconds kCloseSlack{1000};

using PlainLayer = tcp::socket;
using TlsLayer = ssl::stream<tcp::socket>;

template <class NextLayer>
constexpr bool kIsTls = std::is_same_v<NextLayer, TlsLayer>;

proto::Error unavailable(std::string message) {
  return proto::make_error(proto::Errc::unavailable, std::move(message));
}

std::optional<ssl::context> make_tls_context(const ClientOptions& options, bool tls) {
  if (!tls) return std::nullopt;
  std::optional<ssl::context> context(std::in_place, ssl::context::tls_client);
  error_code ignored;  // without CA paths verification fails later, with a clear message
  if (options.verify_tls) {
    context->set_default_verify_paths(ignored);
    context->set_verify_mode(ssl::verify_peer, ignored);
  } else {
    context->set_verify_mode(ssl::verify_none, ignored);
  }
  return context;
}

template <class NextLayer>
NextLayer make_next_layer(net::io_context& ioc, std::optional<ssl::context>& tls) {
  if constexpr (kIsTls<NextLayer>) {
    return NextLayer(ioc, *tls);
  } else {
    return NextLayer(ioc);
  }
}

// Bounds a chain of steps (resolve, connect, handshakes, one exchange) by one time
// limit: when it passes, `on_expire` runs on the I/O thread (it cancels the resolver
// and closes the socket, so the pending step fails) and expired() turns true, so the
// next step can stop. Call disarm() before anything `on_expire` refers to goes away;
// the timer's handler may still run after the Deadline is gone, so it keeps its state
// in a shared_ptr. Used from the I/O thread only.
class Deadline {
 public:
  explicit Deadline(net::io_context& ioc) : timer_(ioc) {}

  void arm(std::chrono::milliseconds limit, std::function<void()> on_expire) {
    state_->on_expire = std::move(on_expire);
    timer_.expires_after(limit);
    timer_.async_wait([state = state_](error_code ec) {
      // A timer that fired just before disarm() still delivers success: check both.
      if (ec || state->disarmed) return;
      state->expired = true;
      state->on_expire();
    });
  }
  void disarm() {
    state_->disarmed = true;
    timer_.cancel();
  }
  bool expired() const { return state_->expired; }

 private:
  struct State {
    std::function<void()> on_expire;
    bool expired = false;
    bool disarmed = false;
  };
  net::steady_timer timer_;
  std::shared_ptr<State> state_ = std::make_shared<State>();
};

// "connecting to HOST:PORT failed: Connection refused", or "... timed out after N ms".
std::string describe(const ServerAddress& address, std::string_view step, const error_code& ec,
                     const Deadline& deadline, std::chrono::milliseconds limit) {
  std::string out = std::string(step) + " " + address.host_header();
  if (deadline.expired()) return out + " timed out after " + std::to_string(limit.count()) + " ms";
  return out + " failed: " + ec.message();
}

// Resolves and connects, then (for TLS) sets SNI and host name verification and does
// the TLS handshake. Returns the step that failed, if any.
template <class NextLayer>
net::awaitable<std::optional<std::pair<std::string_view, error_code>>> dial(NextLayer& stream, tcp::resolver& resolver,
                                                                            const ServerAddress& address,
                                                                            bool verify_tls, const Deadline& deadline) {
  using Failure = std::pair<std::string_view, error_code>;
  auto [resolve_ec, endpoints] = co_await resolver.async_resolve(address.host, address.port, kTuple);
  if (resolve_ec || deadline.expired()) co_return Failure{"resolving", resolve_ec};

  auto& socket = beast::get_lowest_layer(stream);
  auto [connect_ec, endpoint] = co_await net::async_connect(socket, endpoints, kTuple);
  if (connect_ec || deadline.expired()) co_return Failure{"connecting to", connect_ec};
  error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);

  if constexpr (kIsTls<NextLayer>) {
    // SNI carries host names only (RFC 6066), never IP literals.
    if (!address.host_is_ip && !SSL_set_tlsext_host_name(stream.native_handle(), address.host.c_str())) {
      co_return Failure{"setting TLS SNI for",
                        error_code(static_cast<int>(::ERR_get_error()), net::error::get_ssl_category())};
    }
    if (verify_tls) stream.set_verify_callback(ssl::host_name_verification(address.host));
    auto [tls_ec] = co_await stream.async_handshake(ssl::stream_base::client, kTuple);
    if (tls_ec || deadline.expired()) co_return Failure{"TLS handshake with", tls_ec};
  }
  co_return std::nullopt;
}

// One outgoing frame, or (when close_code is set) the closing handshake.
struct Outgoing {
  std::string payload;
  bool binary = false;
  std::optional<int> close_code;
};

template <class NextLayer>
class WsConnection final : public Connection {
 public:
  WsConnection(const ClientOptions& options, ServerAddress address, std::string target, FrameHandler on_frame,
               CloseHandler on_close)
      : options_(options),
        address_(std::move(address)),
        target_(std::move(target)),
        on_frame_(std::move(on_frame)),
        on_close_(std::move(on_close)),
        tls_(make_tls_context(options, kIsTls<NextLayer>)),
        ws_(make_next_layer<NextLayer>(ioc_, tls_)) {}

  ~WsConnection() override {
    close(1000);
    if (thread_.joinable()) {
      if (finished_.wait_for(options_.timeout + kCloseSlack) != std::future_status::ready) ioc_.stop();
      thread_.join();
    }
    // Only when the I/O thread was stopped before the read loop could report.
    if (opened_ && !reported_) on_close_(CloseInfo{0, "connection abandoned"});
  }

  // Starts the I/O thread and blocks until the upgrade is done or has failed.
  proto::Status start() {
    std::promise<proto::Status> connected;
    auto result = connected.get_future();
    net::co_spawn(ioc_, run(std::move(connected)), net::detached);
    std::promise<void> finished;
    finished_ = finished.get_future();
    thread_ = std::thread([this, done = std::move(finished)]() mutable {
      ioc_.run();
      done.set_value();
    });
    // The deadline inside run() bounds this; the extra wait is a safety net only.
    if (result.wait_for(options_.timeout + kCloseSlack) != std::future_status::ready) {
      return unavailable("timed out connecting to " + address_.host_header());
    }
    return result.get();
  }

  proto::Status send(std::string payload, bool binary) override {
    if (closing_) return unavailable("the connection is closed");
    net::post(ioc_, [this, frame = Outgoing{std::move(payload), binary, std::nullopt}]() mutable {
      enqueue(std::move(frame));
    });
    return {};
  }

  void close(int code) override {
    if (closing_.exchange(true)) return;
    net::post(ioc_, [this, code] { enqueue(Outgoing{{}, false, code}); });
  }

 private:
  net::awaitable<void> run(std::promise<proto::Status> connected) {
    proto::Status status;
    try {
      status = co_await connect();
    } catch (const std::exception& e) {
      status = unavailable(std::string("connecting failed: ") + e.what());
    }
    const bool ok = status.has_value();
    opened_ = ok;
    connected.set_value(std::move(status));
    if (!ok) {
      closing_ = true;
      // This io_context serves this connection only, and it never opened. After a
      // declined upgrade Beast's handshake timer stays armed until handshake_timeout;
      // end the I/O thread now instead of keeping the destructor waiting that long.
      ioc_.stop();
      co_return;
    }
    CloseInfo info;
    try {
      co_await read_loop();
      info = close_info();
    } catch (const std::exception& e) {
      // A frame handler threw: the connection cannot go on without it.
      info = CloseInfo{0, std::string("client error: ") + e.what()};
      error_code ignored;
      beast::get_lowest_layer(ws_).close(ignored);
    }
    closing_ = true;
    reported_ = true;
    on_close_(std::move(info));
  }

  net::awaitable<proto::Status> connect() {
    auto& socket = beast::get_lowest_layer(ws_);
    tcp::resolver resolver(ioc_);
    Deadline deadline(ioc_);
    deadline.arm(options_.timeout, [&] {
      resolver.cancel();
      error_code ignored;
      socket.close(ignored);
    });
    // The deadline's handler refers to locals of this frame: it must run before they go.
    struct Disarm {
      Deadline& d;
      ~Disarm() { d.disarm(); }
    } disarm{deadline};

    if (auto failed = co_await dial(ws_.next_layer(), resolver, address_, options_.verify_tls, deadline)) {
      co_return unavailable(describe(address_, failed->first, failed->second, deadline, options_.timeout));
    }
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = options_.timeout;  // also bounds the closing handshake
    timeouts.idle_timeout = websocket::stream_base::none();
    timeouts.keep_alive_pings = false;  // the server pings; Beast answers with pongs
    ws_.set_option(timeouts);
    ws_.set_option(websocket::stream_base::decorator([name = options_.client_name](websocket::request_type& request) {
      request.set(http::field::user_agent, name);
    }));
    ws_.read_message_max(options_.max_frame_bytes);

    websocket::response_type response;
    auto [ec] = co_await ws_.async_handshake(response, address_.host_header(), target_, kTuple);
    if (ec == websocket::error::upgrade_declined) {
      co_return unavailable("the server refused the WebSocket upgrade at " + target_ + ": HTTP " +
                            std::to_string(response.result_int()) + " " + std::string(response.reason()));
    }
    if (ec || deadline.expired()) {
      co_return unavailable(describe(address_, "WebSocket handshake with", ec, deadline, options_.timeout));
    }
    co_return proto::Status{};
  }

  // Ends when the connection is closed or broken.
  net::awaitable<void> read_loop() {
    beast::flat_buffer buffer;
    for (;;) {
      auto [ec, bytes] = co_await ws_.async_read(buffer, kTuple);
      if (ec) co_return;
      std::string payload = beast::buffers_to_string(buffer.data());
      buffer.consume(buffer.size());
      if (!ws_.got_text()) {
        on_frame_(std::move(payload), true);
        continue;
      }
      // A text frame holds one or more messages, one per line (docs/protocol.md).
      std::string_view rest = payload;
      while (!rest.empty()) {
        auto end = rest.find('\n');
        auto line = rest.substr(0, end);
        rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
        if (!line.empty()) on_frame_(std::string(line), false);
      }
      if (payload.empty()) on_frame_(std::string(), false);
    }
  }

  CloseInfo close_info() {
    // reason() holds the peer's close frame; code 0 (none) when there was none.
    const auto& reason = ws_.reason();
    return CloseInfo{reason.code, std::string(reason.reason.data(), reason.reason.size())};
  }

  // The writer: one write in flight, in the order queued. I/O thread only.
  void enqueue(Outgoing frame) {
    queue_.push_back(std::move(frame));
    if (!writing_) write_next();
  }

  void write_next() {
    if (queue_.empty()) {
      writing_ = false;
      return;
    }
    writing_ = true;
    Outgoing& front = queue_.front();
    if (front.close_code) {
      websocket::close_reason reason(static_cast<std::uint16_t>(*front.close_code));
      ws_.async_close(reason, [this](error_code) {
        queue_.clear();
        writing_ = false;
      });
      return;
    }
    ws_.text(!front.binary);
    ws_.async_write(net::buffer(front.payload), [this](error_code ec, std::size_t) {
      queue_.pop_front();
      if (ec) {
        // Make sure the read loop ends too, so on_close reports the loss.
        queue_.clear();
        writing_ = false;
        error_code ignored;
        beast::get_lowest_layer(ws_).close(ignored);
        return;
      }
      write_next();
    });
  }

  const ClientOptions options_;
  const ServerAddress address_;
  const std::string target_;
  FrameHandler on_frame_;
  CloseHandler on_close_;

  // Declared before everything that uses it, so it is destroyed last.
  net::io_context ioc_{1};
  std::optional<ssl::context> tls_;
  websocket::stream<NextLayer> ws_;
  std::deque<Outgoing> queue_;  // I/O thread only
  bool writing_ = false;        // I/O thread only
  // Set on the I/O thread; read by the destructor after join().
  bool opened_ = false;
  bool reported_ = false;
  std::atomic<bool> closing_{false};  // no more frames may be queued
  std::future<void> finished_;        // ready when the I/O thread is about to exit
  std::thread thread_;
};

template <class NextLayer>
proto::Result<std::unique_ptr<Connection>> open_as(const ClientOptions& options, ServerAddress address,
                                                   std::string target, Connection::FrameHandler on_frame,
                                                   Connection::CloseHandler on_close) {
  auto connection = std::make_unique<WsConnection<NextLayer>>(options, std::move(address), std::move(target),
                                                              std::move(on_frame), std::move(on_close));
  if (auto status = connection->start(); !status) return status.error();
  return std::unique_ptr<Connection>(std::move(connection));
}

// One HTTP exchange: dial, write the request, read the whole response.
template <class NextLayer>
net::awaitable<proto::Result<HttpResponse>> exchange(NextLayer& stream, tcp::resolver& resolver,
                                                     const Deadline& deadline, const ServerAddress& address,
                                                     const ClientOptions& options,
                                                     http::request<http::string_body>& request) {
  if (auto failed = co_await dial(stream, resolver, address, options.verify_tls, deadline)) {
    co_return unavailable(describe(address, failed->first, failed->second, deadline, options.timeout));
  }
  auto [write_ec, written] = co_await http::async_write(stream, request, kTuple);
  if (write_ec || deadline.expired())
    co_return unavailable(describe(address, "sending to", write_ec, deadline, options.timeout));

  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(options.max_frame_bytes);
  auto [read_ec, read] = co_await http::async_read(stream, buffer, parser, kTuple);
  if (read_ec || deadline.expired())
    co_return unavailable(describe(address, "reading from", read_ec, deadline, options.timeout));

  // The request said "Connection: close"; no TLS close_notify, the socket just goes.
  error_code ignored;
  beast::get_lowest_layer(stream).shutdown(tcp::socket::shutdown_both, ignored);
  auto& response = parser.get();
  co_return HttpResponse{static_cast<int>(response.result_int()), std::move(response.body())};
}

template <class NextLayer>
proto::Result<HttpResponse> run_http(const ClientOptions& options, const ServerAddress& address,
                                     http::request<http::string_body>& request) {
  net::io_context ioc{1};
  auto tls = make_tls_context(options, kIsTls<NextLayer>);
  NextLayer stream = make_next_layer<NextLayer>(ioc, tls);
  tcp::resolver resolver(ioc);
  Deadline deadline(ioc);
  deadline.arm(options.timeout, [&] {
    resolver.cancel();
    error_code ignored;
    beast::get_lowest_layer(stream).close(ignored);
  });

  std::optional<proto::Result<HttpResponse>> outcome;
  net::co_spawn(ioc, exchange(stream, resolver, deadline, address, options, request),
                [&](std::exception_ptr e, proto::Result<HttpResponse> result) {
                  deadline.disarm();
                  if (e) {
                    try {
                      std::rethrow_exception(e);
                    } catch (const std::exception& x) {
                      result = proto::make_error(proto::Errc::internal, x.what());
                    }
                  }
                  outcome = std::move(result);
                });
  ioc.run();  // returns once the exchange and the (cancelled) timer are done
  if (!outcome) return proto::make_error(proto::Errc::internal, "the HTTP exchange did not finish");
  return std::move(*outcome);
}

}  // namespace

proto::Result<std::unique_ptr<Connection>> Connection::open(const ClientOptions& options, std::string_view target,
                                                            FrameHandler on_frame, CloseHandler on_close) {
  auto address = parse_server_url(options.server);
  if (!address) return address.error();
  if (address->tls) {
    return open_as<TlsLayer>(options, std::move(*address), std::string(target), std::move(on_frame),
                             std::move(on_close));
  }
  return open_as<PlainLayer>(options, std::move(*address), std::string(target), std::move(on_frame),
                             std::move(on_close));
}

}  // namespace detail

proto::Result<HttpResponse> http_request(const ClientOptions& options, std::string_view method, std::string_view target,
                                         std::string_view body, std::string_view bearer_token) {
  namespace http = boost::beast::http;
  auto address = detail::parse_server_url(options.server);
  if (!address) return address.error();
  const auto verb = http::string_to_verb(method);
  if (verb == http::verb::unknown) {
    return proto::make_error(proto::Errc::bad_request, "unknown HTTP method \"" + std::string(method) + "\"");
  }
  http::request<http::string_body> request{verb, target.empty() ? "/" : target, 11};
  request.set(http::field::host, address->host_header());
  request.set(http::field::user_agent, options.client_name);
  if (!body.empty()) request.set(http::field::content_type, "application/json");
  if (!bearer_token.empty()) request.set(http::field::authorization, "Bearer " + std::string(bearer_token));
  request.keep_alive(false);
  request.body() = std::string(body);
  request.prepare_payload();
  if (address->tls) return detail::run_http<detail::TlsLayer>(options, *address, request);
  return detail::run_http<detail::PlainLayer>(options, *address, request);
}

}  // namespace parley::client
