// The connections of transport.hpp over plain TCP: one of the two translation units of
// parley-bench that compile Beast (transport.ipp), for this one stream type.
#include "bench/transport.ipp"

namespace parley::bench::detail {

using PlainWs = BeastWsConnection<tcp::socket>;
using PlainHttp = BeastHttpConnection<tcp::socket>;

asio::awaitable<proto::Result<std::unique_ptr<WsConnection>>> open_plain_ws(const ServerTarget& target,
                                                                            const std::string& source_address) {
  auto connection = std::make_unique<PlainWs>(co_await asio::this_coro::executor);
  auto status = co_await connection->connect(target, source_address);
  if (!status) co_return status.error();
  co_return std::unique_ptr<WsConnection>(std::move(connection));
}

asio::awaitable<proto::Result<std::unique_ptr<HttpConnection>>> open_plain_http(const ServerTarget& target,
                                                                                const std::string& source_address) {
  auto connection = std::make_unique<PlainHttp>(target, co_await asio::this_coro::executor);
  auto status = co_await connection->connect(source_address);
  if (!status) co_return status.error();
  co_return std::unique_ptr<HttpConnection>(std::move(connection));
}

}  // namespace parley::bench::detail
