#include "bench/ops.hpp"

#include <chrono>

#include <boost/json/serialize.hpp>

#include "bench/frames.hpp"
#include "proto/codec.hpp"

namespace parley::bench {

std::string describe(const proto::Error& error) {
  return std::string(proto::to_string(error.code)) + ": " + error.message;
}

std::string run_tag() {
  auto seconds =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  std::string tag;
  for (int i = 0; i < 6; ++i, seconds /= 36) tag += "0123456789abcdefghijklmnopqrstuvwxyz"[seconds % 36];
  return tag;
}

asio::awaitable<proto::Result<boost::json::object>> call(WsConnection& ws, std::int64_t id, std::string_view type,
                                                         boost::json::object data) {
  const std::string frame = request_frame(id, type, std::move(data));
  if (auto written = co_await ws.write(frame); !written) co_return written.error();
  for (;;) {
    auto text = co_await ws.read();
    if (!text) co_return text.error();
    FrameMessages messages(*text);
    for (std::string_view message; messages.next(message);) {
      auto incoming = parse_incoming(message);
      if (!incoming) co_return incoming.error();
      auto* response = std::get_if<proto::Response>(&*incoming);
      if (response == nullptr || response_id(*response) != id) continue;
      if (!response->ok) co_return response->error;
      co_return std::move(response->result);
    }
  }
}

asio::awaitable<proto::Status> hello(WsConnection& ws) {
  proto::HelloRequest request{{proto::kProtocolVersion}, "parley-bench/" PARLEY_VERSION};
  auto result = co_await call_typed<proto::HelloResult>(ws, 0, proto::type::kHello, request);
  if (!result) co_return result.error();
  co_return proto::Status{};
}

asio::awaitable<proto::Result<std::int64_t>> ensure_registered(WsConnection& ws, const std::string& username) {
  proto::RegisterRequest request{username, kPassword, std::nullopt};
  auto result = co_await call_typed<proto::RegisterResult>(ws, 1, proto::type::kRegister, request);
  if (result) co_return result->user_id;
  if (result.error().code == proto::Errc::conflict) co_return std::int64_t{0};
  co_return result.error();
}

asio::awaitable<proto::Result<proto::LoginResult>> register_and_login(WsConnection& ws, const std::string& username,
                                                                      const std::string& device) {
  if (auto registered = co_await ensure_registered(ws, username); !registered) co_return registered.error();
  proto::LoginRequest request{username, kPassword, device};
  co_return co_await call_typed<proto::LoginResult>(ws, 2, proto::type::kLogin, request);
}

asio::awaitable<proto::Result<std::unique_ptr<WsConnection>>> open_with_hello(const ServerTarget& target,
                                                                              const std::string& source_address) {
  auto ws = co_await WsConnection::open(target, source_address);
  if (!ws) co_return ws.error();
  if (auto said = co_await hello(**ws); !said) co_return said.error();
  co_return std::move(*ws);
}

asio::awaitable<proto::Result<boost::json::object>> http_call(HttpConnection& http, std::string_view type,
                                                              const boost::json::object& data) {
  const std::string path = "/api/v1/" + std::string(type);
  const std::string body = boost::json::serialize(data);
  const std::string no_token;
  auto reply = co_await http.post(path, body, no_token);
  if (!reply) co_return reply.error();
  auto parsed = proto::parse_object(reply->body, proto::ParseLimits{16 * 1024 * 1024, 64});
  if (!parsed) co_return parsed.error();
  // The HTTP body is the response without its id: {"ok":true,"result":{...}} or
  // {"ok":false,"error":{...}}.
  const auto* ok = parsed->if_contains("ok");
  if (ok == nullptr || !ok->is_bool()) {
    co_return proto::make_error(proto::Errc::internal, "HTTP " + std::to_string(reply->status) + ": " + reply->body);
  }
  if (!ok->get_bool()) {
    proto::Error error;
    const auto* object = parsed->if_contains("error");
    if (object == nullptr || !object->is_object() || !proto::error_from_json(object->get_object(), error)) {
      co_return proto::make_error(proto::Errc::internal, "HTTP " + std::to_string(reply->status) + ": " + reply->body);
    }
    co_return error;
  }
  auto* result = parsed->if_contains("result");
  if (result == nullptr || !result->is_object()) co_return boost::json::object{};
  co_return std::move(result->get_object());
}

}  // namespace parley::bench
