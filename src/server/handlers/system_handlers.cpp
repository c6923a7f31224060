#include <algorithm>

#include "server/handlers/handlers.hpp"

namespace parley::server {

using proto::Errc;
using proto::make_error;

void add_system_handlers(Dispatcher& dispatcher, const proto::Limits& limits, Clock clock) {
  dispatcher.add(proto::type::kHello, {.needs_session = false, .websocket_only = true, .changes_state = true},
                 typed<proto::HelloRequest>([limits](RequestContext& ctx, const proto::HelloRequest& r)
                                                -> proto::Result<proto::HelloResult> {
                   if (ctx.hello_done) return make_error(Errc::bad_request, "hello was already sent");
                   if (std::find(r.versions.begin(), r.versions.end(), proto::kProtocolVersion) == r.versions.end()) {
                     return make_error(Errc::unsupported_version,
                                       "this server speaks protocol version " +
                                           std::to_string(proto::kProtocolVersion),
                                       "versions");
                   }
                   ctx.hello_done = true;
                   return proto::HelloResult{proto::kProtocolVersion, std::string("parleyd/") + PARLEY_VERSION, limits};
                 }));
  dispatcher.add(proto::type::kPing, {.needs_session = false},
                 typed<proto::PingRequest>([clock](RequestContext&, const proto::PingRequest&)
                                               -> proto::Result<proto::PingResult> { return proto::PingResult{clock()}; }));
}

}  // namespace parley::server
