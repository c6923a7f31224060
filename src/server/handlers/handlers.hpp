#pragma once

#include "proto/messages.hpp"
#include "server/dispatcher.hpp"
#include "server/services/accounts_service.hpp"
#include "server/services/chat_service.hpp"
#include "server/services/presence_service.hpp"
#include "server/services/friends_service.hpp"
#include "server/services/groups_service.hpp"
#include "server/sessions/session_registry.hpp"

// The request handlers, one small function per request type, grouped by domain. Each
// add_* function puts its domain's handlers in the dispatcher's table.
namespace parley::server {

// hello and ping.
void add_system_handlers(Dispatcher& dispatcher, const proto::Limits& limits, Clock clock);

// register, login, auth, logout, change_password, profile_get, profile_update, user_search.
void add_accounts_handlers(Dispatcher& dispatcher, AccountsService& accounts, SessionRegistry& registry);

// message_send, conversations, sync, history, message_read, message_recall, message_search.
void add_chat_handlers(Dispatcher& dispatcher, ChatService& chat);

// presence_get, presence_set, typing.
void add_presence_handlers(Dispatcher& dispatcher, PresenceService& presence);
// friend_request, friend_requests, friend_respond, friends_list, friend_delete,
// friend_remark, friend_move, category_*, block, unblock, blocks_list, privacy_get,
// privacy_set.
// friends_list also shows each friend's presence and last message.
void add_friends_handlers(Dispatcher& dispatcher, FriendsService& friends, PresenceService& presence,
                          ChatService& chat);

// group_create, group_search, group_info, group_update, group_join, group_invite,
// group_requests, group_respond, group_leave, group_kick, group_mute, group_unmute,
// group_mute_all, group_admin, group_transfer, group_dissolve, group_members, group_card.
void add_groups_handlers(Dispatcher& dispatcher, GroupsService& groups);

}  // namespace parley::server
