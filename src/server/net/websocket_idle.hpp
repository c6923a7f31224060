#pragma once

// What lets a WebSocket wait between messages with no read pending.
//
// A pending Beast read costs its operation state plus the coroutine frames above it
// (~2-3 KiB per idle connection). So between messages a session waits only for the
// socket to become readable, and starts a Beast read when there is something to read.
// Two things need Beast's private state, which Beast 1.81 does not expose:
//  - whether the stream holds bytes it has read but not yet parsed (then a read must
//    start at once: the socket will not become readable for bytes already taken);
//  - whether a ping is out, and resetting the idle counter when the session takes the
//    pong off the socket itself: a pong would otherwise start a read that then stays
//    pending until the next message.
// Over TLS the same holds one layer down: OpenSSL may hold decrypted bytes, and a pong
// is looked for in the decrypted stream.
#include <string_view>

#include "server/net/net.hpp"
#include "server/net/tls_socket.hpp"

namespace parley::server::net {

using PlainWebSocket = websocket::stream<tcp::socket, false>;
using TlsWebSocket = websocket::stream<TlsSocket, false>;

// Whether bytes read off the socket wait to be handed out: in Beast (a frame or part of
// one) or, over TLS, in OpenSSL.
bool holds_unread_bytes(PlainWebSocket& ws);
bool holds_unread_bytes(TlsWebSocket& ws);

// Whether Beast pinged the client and has heard nothing since: a pong may be coming.
bool ping_outstanding(PlainWebSocket& ws);
bool ping_outstanding(TlsWebSocket& ws);

// Hands Beast bytes that were read off the socket before the WebSocket took it over, as
// the start of what the client sent (Beast 1.81 takes such bytes only with a request it
// parses itself). False, and nothing kept, when they do not fit in Beast's read buffer
// (1,536 bytes: Beast's own limit for bytes that come with the upgrade request).
bool put_back(PlainWebSocket& ws, std::string_view bytes);
bool put_back(TlsWebSocket& ws, std::string_view bytes);

enum class Peeked { nothing, pong_taken, other };

// Looks at what the client sent, without waiting: takes one whole pong frame off the
// stream (and counts it as a sign of life, as Beast would), or says that something else
// is there for Beast to read, or that nothing is. The socket must be non-blocking.
Peeked take_pong(PlainWebSocket& ws);
Peeked take_pong(TlsWebSocket& ws);

// The session writes its messages to a plain connection's socket itself (session.ipp,
// write_directly): one sendmsg, no Beast operation. Beast writes frames of its own (a
// pong, a ping, a close), and no two writes may interleave on the socket:
//  - beast_writes: whether Beast is writing a frame now (then the session writes through
//    Beast, which queues behind it);
//  - hold_writes: a frame of the session's went out only in part; Beast's own writes wait,
//    as they wait behind one of Beast's, until release_writes starts the first of them.
bool beast_writes(PlainWebSocket& ws);
void hold_writes(PlainWebSocket& ws);
void release_writes(PlainWebSocket& ws);

}  // namespace parley::server::net
