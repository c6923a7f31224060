#include "client/client.hpp"

#include <condition_variable>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <utility>

#include <boost/json/serialize.hpp>

#include "client/connection.hpp"
#include "proto/codec.hpp"

namespace parley::client {
namespace json = boost::json;
namespace {

// Events nobody takes are dropped beyond this many, oldest first, so that a client
// which never calls next_event() (a load generator) does not grow without bound.
constexpr std::size_t kMaxQueuedEvents = 100'000;
// Responses echo what users wrote; the server limits its own input depth to 16.
constexpr int kMaxResponseDepth = 64;

proto::Error unavailable(std::string message) {
  return proto::make_error(proto::Errc::unavailable, std::move(message));
}

proto::Error malformed(std::string what) {
  return proto::make_error(proto::Errc::bad_request, "malformed response from the server: " + what);
}

std::string describe(const CloseInfo& info) {
  if (info.code == 0) return "the connection was lost" + (info.reason.empty() ? "" : ": " + info.reason);
  std::string out = "the server closed the connection (" + std::to_string(info.code);
  if (!info.reason.empty()) out += ": " + info.reason;
  return out + ")";
}

// The outcome a response carries: its result, or its error; a response that is
// neither gives bad(what is wrong). The codec's parse_response() takes text and wants
// an id; the WebSocket reader has parsed the frame already (to tell responses from
// events), and an HTTP body has no id, so this reads the envelope from the object.
template <class Bad>
proto::Result<json::object> response_outcome(json::object& object, const Bad& bad) {
  auto* ok = object.if_contains("ok");
  if (ok == nullptr || !ok->is_bool()) return bad("ok must be a boolean");
  if (ok->get_bool()) {
    auto* result = object.if_contains("result");
    if (result == nullptr || !result->is_object()) return bad("result must be an object");
    return std::move(result->get_object());
  }
  auto* error = object.if_contains("error");
  if (error == nullptr || !error->is_object()) return bad("error must be an object");
  proto::Error parsed;
  if (auto status = proto::error_from_json(error->get_object(), parsed); !status) {
    return bad(status.error().message);
  }
  return parsed;
}

}  // namespace

struct Client::Impl {
  explicit Impl(const ClientOptions& opts) : options(opts), limits{opts.max_frame_bytes, kMaxResponseDepth} {}
  ~Impl() { connection.reset(); }  // joins the I/O thread while the state below lives

  proto::Result<json::object> request(std::string_view type, json::object data);

  // Called on the I/O thread.
  void on_frame(std::string payload, bool binary);
  void on_close(CloseInfo info);

  const ClientOptions options;
  const proto::ParseLimits limits;
  proto::HelloResult hello;  // set once by connect()

  std::mutex mutex;
  std::condition_variable changed;  // an event came in, or the connection closed
  std::int64_t next_id = 1;         // GUARDED_BY(mutex)
  std::map<std::int64_t, std::promise<proto::Result<json::object>>> pending;  // GUARDED_BY(mutex)
  std::deque<proto::Event> events;                                            // GUARDED_BY(mutex)
  std::optional<CloseInfo> closed;                                            // GUARDED_BY(mutex)

  // Last, so that it is destroyed (and its thread joined) first.
  std::unique_ptr<detail::Connection> connection;
};

proto::Result<json::object> Client::Impl::request(std::string_view type, json::object data) {
  std::int64_t id = 0;
  std::future<proto::Result<json::object>> answer;
  {
    std::lock_guard lock(mutex);
    if (closed) return unavailable(describe(*closed));
    id = next_id++;
    answer = pending[id].get_future();
  }
  proto::Request envelope{id, std::string(type), std::move(data)};
  if (auto sent = connection->send(proto::serialize(envelope), false); !sent) {
    std::lock_guard lock(mutex);
    pending.erase(id);
    return sent.error();
  }
  if (answer.wait_for(options.timeout) != std::future_status::ready) {
    std::lock_guard lock(mutex);
    // Still pending: nobody will fulfil it now. Gone: it was answered meanwhile.
    if (pending.erase(id) > 0) {
      return unavailable("no response to \"" + std::string(type) + "\" within " +
                         std::to_string(options.timeout.count()) + " ms");
    }
  }
  return answer.get();
}

void Client::Impl::on_frame(std::string payload, bool binary) {
  if (binary) return;  // protocol v1 has no binary frames
  auto object = proto::parse_object(payload, limits);
  if (!object) return;  // nothing can be matched to it; the server logs its own mistakes

  auto* id = object->if_contains("id");
  if (id == nullptr) {
    proto::Event event;
    auto* type = object->if_contains("type");
    if (type == nullptr || !type->is_string()) return;
    event.type = std::string(type->get_string());
    if (auto* data = object->if_contains("data"); data != nullptr && data->is_object()) {
      event.data = std::move(data->get_object());
    }
    std::lock_guard lock(mutex);
    if (events.size() >= kMaxQueuedEvents) events.pop_front();
    events.push_back(std::move(event));
    changed.notify_all();
    return;
  }
  // Our ids are integers; a null id answers a request the server could not parse,
  // which this client never sends, so there is nothing to match it to.
  if (!id->is_int64()) return;
  const std::int64_t key = id->get_int64();
  auto outcome = response_outcome(*object, malformed);
  std::lock_guard lock(mutex);
  auto found = pending.find(key);
  if (found == pending.end()) return;  // timed out already
  found->second.set_value(std::move(outcome));
  pending.erase(found);
}

void Client::Impl::on_close(CloseInfo info) {
  std::lock_guard lock(mutex);
  const std::string why = describe(info);
  for (auto& [id, promise] : pending) promise.set_value(unavailable(why));
  pending.clear();
  closed = std::move(info);
  changed.notify_all();
}

proto::Result<std::unique_ptr<Client>> Client::connect(const ClientOptions& options) {
  auto impl = std::make_unique<Impl>(options);
  Impl* state = impl.get();  // outlives the connection: see Impl's member order
  auto connection = detail::Connection::open(
      options, "/ws", [state](std::string payload, bool binary) { state->on_frame(std::move(payload), binary); },
      [state](CloseInfo info) { state->on_close(std::move(info)); });
  if (!connection) return connection.error();
  impl->connection = std::move(*connection);

  proto::HelloRequest hello{{proto::kProtocolVersion}, options.client_name};
  auto answer = impl->request(proto::type::kHello, proto::encode(hello));
  if (!answer) return answer.error();
  auto result = proto::decode<proto::HelloResult>(*answer);
  if (!result) return malformed("hello: " + result.error().message);
  if (result->version != proto::kProtocolVersion) {
    return proto::make_error(proto::Errc::unsupported_version,
                             "the server chose protocol version " + std::to_string(result->version));
  }
  impl->hello = std::move(*result);
  // The constructor is private, so make_unique cannot reach it.
  return std::unique_ptr<Client>(new Client(std::move(impl)));
}

Client::Client(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Client::~Client() = default;

proto::Result<json::object> Client::request(std::string_view type, json::object data) {
  return impl_->request(type, std::move(data));
}

std::optional<proto::Event> Client::next_event(std::chrono::milliseconds timeout) {
  std::unique_lock lock(impl_->mutex);
  impl_->changed.wait_for(lock, timeout, [&] { return !impl_->events.empty() || impl_->closed; });
  if (impl_->events.empty()) return std::nullopt;
  proto::Event event = std::move(impl_->events.front());
  impl_->events.pop_front();
  return event;
}

std::optional<CloseInfo> Client::wait_closed(std::chrono::milliseconds timeout) {
  std::unique_lock lock(impl_->mutex);
  impl_->changed.wait_for(lock, timeout, [&] { return impl_->closed.has_value(); });
  return impl_->closed;
}

bool Client::is_open() const {
  std::lock_guard lock(impl_->mutex);
  return !impl_->closed;
}

const proto::HelloResult& Client::hello() const { return impl_->hello; }

void Client::close() {
  impl_->connection->close(1000);
  wait_closed(impl_->options.timeout);
}

proto::Result<json::object> http_call(const ClientOptions& options, std::string_view type, const json::object& data,
                                      std::string_view bearer_token) {
  auto response = http_request(options, "POST", "/api/v1/" + std::string(type), json::serialize(data), bearer_token);
  if (!response) return response.error();
  // Not from parleyd (a proxy's error page, say), or not as protocol v1 says: report the
  // HTTP status, which is all there is to go on.
  auto unexpected = [&](std::string_view what) {
    return proto::make_error(proto::Errc::internal, "unexpected answer from the server (HTTP " +
                                                        std::to_string(response->status) + "): " + std::string(what));
  };
  auto body = proto::parse_object(response->body, {options.max_frame_bytes, kMaxResponseDepth});
  if (!body) return unexpected(body.error().message);
  return response_outcome(*body, unexpected);
}

}  // namespace parley::client
