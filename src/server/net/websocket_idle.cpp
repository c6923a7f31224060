#include "server/net/websocket_idle.hpp"

#include <array>

namespace parley::server::net {
namespace {

// The explicit-instantiation rule lets a template argument name a private member; the
// friend functions below hand out those pointers-to-member. Kept to this one file.
struct PlainTag {
  friend auto impl_member(PlainTag);
};
struct TlsTag {
  friend auto impl_member(TlsTag);
};
template <class Tag, auto Member>
struct ImplAccess {
  friend auto impl_member(Tag) { return Member; }
};
template struct ImplAccess<PlainTag, &PlainWebSocket::impl_>;
template struct ImplAccess<TlsTag, &TlsWebSocket::impl_>;

auto& impl(PlainWebSocket& ws) { return *(ws.*impl_member(PlainTag{})); }
auto& impl(TlsWebSocket& ws) { return *(ws.*impl_member(TlsTag{})); }

// The bytes the client sent, copied without taking them; an error when nothing can be read.
std::size_t peek(tcp::socket& socket, asio::mutable_buffer buffer, beast::error_code& ec) {
  return socket.receive(buffer, tcp::socket::message_peek, ec);
}
std::size_t peek(TlsSocket& stream, asio::mutable_buffer buffer, beast::error_code& ec) {
  const std::size_t n = stream.peek(buffer, ec);
  if (!ec && n == 0) ec = asio::error::would_block;
  return n;
}

// Takes the bytes peek() showed.
bool take(tcp::socket& socket, asio::mutable_buffer buffer) {
  beast::error_code ec;
  return socket.receive(buffer, 0, ec) == buffer.size() && !ec;
}
bool take(TlsSocket& stream, asio::mutable_buffer buffer) { return stream.take(buffer); }

template <class WebSocket>
Peeked take_pong_from(WebSocket& ws) {
  // A client's pong: FIN + opcode 0xA, then the mask bit and a length up to 125, a
  // 4-byte mask and the payload (RFC 6455, section 5.2).
  std::array<unsigned char, 2 + 4 + 125> head{};
  beast::error_code ec;
  const std::size_t n = peek(ws.next_layer(), asio::buffer(head), ec);
  if (ec == asio::error::would_block || ec == asio::error::try_again) return Peeked::nothing;
  if (ec || n < 2 || head[0] != 0x8A || (head[1] & 0x80) == 0) return Peeked::other;
  const std::size_t frame = 2 + 4 + (head[1] & 0x7F);
  if ((head[1] & 0x7F) > 125 || n < frame) return Peeked::other;  // Beast reads the rest
  if (!take(ws.next_layer(), asio::buffer(head, frame))) return Peeked::other;
  impl(ws).reset_idle();
  return Peeked::pong_taken;
}

template <class WebSocket>
bool put_back_into(WebSocket& ws, std::string_view bytes) {
  auto& buffer = impl(ws).rd_buf;
  if (bytes.size() > buffer.max_size() - buffer.size()) return false;
  buffer.commit(asio::buffer_copy(buffer.prepare(bytes.size()), asio::buffer(bytes)));
  return true;
}

}  // namespace

bool put_back(PlainWebSocket& ws, std::string_view bytes) { return put_back_into(ws, bytes); }
bool put_back(TlsWebSocket& ws, std::string_view bytes) { return put_back_into(ws, bytes); }

bool holds_unread_bytes(PlainWebSocket& ws) { return impl(ws).rd_buf.size() > 0; }
bool holds_unread_bytes(TlsWebSocket& ws) { return impl(ws).rd_buf.size() > 0 || ws.next_layer().holds_unread_bytes(); }

bool ping_outstanding(PlainWebSocket& ws) { return impl(ws).idle_counter > 0; }
bool ping_outstanding(TlsWebSocket& ws) { return impl(ws).idle_counter > 0; }

Peeked take_pong(PlainWebSocket& ws) { return take_pong_from(ws); }
Peeked take_pong(TlsWebSocket& ws) { return take_pong_from(ws); }

namespace {
// What holds Beast's write lock while the rest of a direct write goes out. Beast's own
// operations use ids 1 to 5 (websocket/impl/*.hpp).
struct DirectWrite {
  static constexpr int id = 64;
};
const DirectWrite kDirectWrite;
}  // namespace

bool beast_writes(PlainWebSocket& ws) { return impl(ws).wr_block.is_locked(); }

void hold_writes(PlainWebSocket& ws) { impl(ws).wr_block.lock(&kDirectWrite); }

void release_writes(PlainWebSocket& ws) {
  auto& i = impl(ws);
  i.wr_block.unlock(&kDirectWrite);
  // What Beast's own write operation does when it ends (websocket/impl/write.hpp): start
  // the first operation that waited for the lock.
  i.op_close.maybe_invoke() || i.op_idle_ping.maybe_invoke() || i.op_rd.maybe_invoke() ||
      i.op_ping.maybe_invoke() || i.op_wr.maybe_invoke();
}

}  // namespace parley::server::net
