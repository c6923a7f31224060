#include "server/net/websocket_idle.hpp"

#include <array>

namespace parley::server::net {
namespace {

// The explicit-instantiation rule lets a template argument name a private member; the
// friend function below hands out that pointer-to-member. Kept to this one file.
struct ImplTag {
  friend auto impl_member(ImplTag);
};
template <auto Member>
struct ImplAccess {
  friend auto impl_member(ImplTag) { return Member; }
};
template struct ImplAccess<&PlainWebSocket::impl_>;

auto& impl(PlainWebSocket& ws) { return *(ws.*impl_member(ImplTag{})); }

}  // namespace

bool holds_unread_bytes(PlainWebSocket& ws) { return impl(ws).rd_buf.size() > 0; }

bool ping_outstanding(PlainWebSocket& ws) { return impl(ws).idle_counter > 0; }

Peeked take_pong(PlainWebSocket& ws) {
  // A client's pong: FIN + opcode 0xA, then the mask bit and a length up to 125, a
  // 4-byte mask and the payload (RFC 6455, section 5.2).
  std::array<unsigned char, 2 + 4 + 125> head{};
  beast::error_code ec;
  tcp::socket& socket = ws.next_layer();
  const std::size_t n = socket.receive(asio::buffer(head), tcp::socket::message_peek, ec);
  if (ec == asio::error::would_block || ec == asio::error::try_again) return Peeked::nothing;
  if (ec || n < 2 || head[0] != 0x8A || (head[1] & 0x80) == 0) return Peeked::other;
  const std::size_t frame = 2 + 4 + (head[1] & 0x7F);
  if ((head[1] & 0x7F) > 125 || n < frame) return Peeked::other;  // Beast reads the rest
  socket.receive(asio::buffer(head, frame), 0, ec);
  if (ec) return Peeked::other;
  impl(ws).reset_idle();
  return Peeked::pong_taken;
}

}  // namespace parley::server::net
