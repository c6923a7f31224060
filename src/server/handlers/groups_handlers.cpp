#include "server/handlers/handlers.hpp"
#include "server/handlers/handler_support.hpp"

namespace parley::server {
namespace {

// Adds a request whose service method answers a result.
template <class Req, class Method>
void add(Dispatcher& dispatcher, const char* type, GroupsService& groups, Method method) {
  dispatcher.add(type, {}, typed<Req>([&groups, method](RequestContext& ctx, const Req& r) {
                   return (groups.*method)(caller(ctx), r);
                 }));
}

// Adds a request whose service method answers only success or an error.
template <class Req, class Method>
void add_done(Dispatcher& dispatcher, const char* type, GroupsService& groups, Method method) {
  dispatcher.add(type, {}, typed<Req>([&groups, method](RequestContext& ctx, const Req& r) {
                   return done((groups.*method)(caller(ctx), r));
                 }));
}

}  // namespace

void add_groups_handlers(Dispatcher& dispatcher, GroupsService& groups) {
  using namespace proto;
  using G = GroupsService;
  add<GroupCreateRequest>(dispatcher, type::kGroupCreate, groups, &G::create);
  add<GroupSearchRequest>(dispatcher, type::kGroupSearch, groups, &G::search);
  add<GroupRef>(dispatcher, type::kGroupInfo, groups, &G::info);
  add<GroupUpdateRequest>(dispatcher, type::kGroupUpdate, groups, &G::update);
  add<GroupJoinRequest>(dispatcher, type::kGroupJoin, groups, &G::join);
  add<GroupMemberRef>(dispatcher, type::kGroupInvite, groups, &G::invite);
  dispatcher.add(type::kGroupRequests, {},
                 typed<GroupRequestsRequest>([&groups](RequestContext& ctx, const GroupRequestsRequest&) {
                   return groups.requests(caller(ctx));
                 }));
  add_done<GroupRespondRequest>(dispatcher, type::kGroupRespond, groups, &G::respond);
  add_done<GroupRef>(dispatcher, type::kGroupLeave, groups, &G::leave);
  add_done<GroupMemberRef>(dispatcher, type::kGroupKick, groups, &G::kick);
  add_done<GroupMuteRequest>(dispatcher, type::kGroupMute, groups, &G::mute);
  add_done<GroupMemberRef>(dispatcher, type::kGroupUnmute, groups, &G::unmute);
  add_done<GroupMuteAllRequest>(dispatcher, type::kGroupMuteAll, groups, &G::mute_all);
  add_done<GroupAdminRequest>(dispatcher, type::kGroupAdmin, groups, &G::set_admin);
  add_done<GroupMemberRef>(dispatcher, type::kGroupTransfer, groups, &G::transfer);
  add_done<GroupRef>(dispatcher, type::kGroupDissolve, groups, &G::dissolve);
  add<GroupMembersRequest>(dispatcher, type::kGroupMembers, groups, &G::members);
  add_done<GroupCardRequest>(dispatcher, type::kGroupCard, groups, &G::set_card);
}

}  // namespace parley::server
