#include "server/handlers/handlers.hpp"
#include "server/handlers/handler_support.hpp"

namespace parley::server {

void add_friends_handlers(Dispatcher& dispatcher, FriendsService& friends, PresenceService& presence,
                          ChatService& chat) {
  dispatcher.add(
      proto::type::kFriendRequest, {},
      typed<proto::FriendRequestRequest>([&friends](RequestContext& ctx, const proto::FriendRequestRequest& r) {
        return friends.send_request(caller(ctx), r);
      }));

  dispatcher.add(
      proto::type::kFriendRequests, {},
      typed<proto::FriendRequestsRequest>([&friends](RequestContext& ctx, const proto::FriendRequestsRequest&) {
        return friends.requests(caller(ctx));
      }));

  dispatcher.add(
      proto::type::kFriendRespond, {},
      typed<proto::FriendRespondRequest>([&friends](RequestContext& ctx, const proto::FriendRespondRequest& r) {
        return done(friends.respond(caller(ctx), r));
      }));

  // The list joins three domains: friends (who), presence (how they are), chat (what
  // was said last).
  dispatcher.add(proto::type::kFriendsList, {},
                 typed<proto::FriendsListRequest>([&friends, &presence, &chat](RequestContext& ctx,
                                                                              const proto::FriendsListRequest&)
                                                      -> proto::Result<proto::FriendsListResult> {
                   auto list = friends.list(caller(ctx));
                   if (!list) return list.error();
                   auto last = chat.last_messages(ctx.session->user_id);
                   if (!last) return last.error();
                   for (auto& f : list->friends) {
                     // A friend who blocked the caller shows as offline to them.
                     bool hidden = friends.is_blocked(f.user_id, ctx.session->user_id);
                     f.presence = hidden ? std::string(proto::presence::kOffline) : presence.visible_status(f.user_id);
                     if (auto it = last->find(f.user_id); it != last->end()) f.last_message = it->second;
                   }
                   return list;
                 }));

  dispatcher.add(
      proto::type::kFriendDelete, {},
      typed<proto::FriendDeleteRequest>([&friends](RequestContext& ctx, const proto::FriendDeleteRequest& r) {
        return done(friends.remove_friend(caller(ctx), r));
      }));

  dispatcher.add(
      proto::type::kFriendRemark, {},
      typed<proto::FriendRemarkRequest>([&friends](RequestContext& ctx, const proto::FriendRemarkRequest& r) {
        return done(friends.set_remark(caller(ctx), r));
      }));

  dispatcher.add(proto::type::kFriendMove, {},
                 typed<proto::FriendMoveRequest>([&friends](RequestContext& ctx, const proto::FriendMoveRequest& r) {
                   return done(friends.move_friend(caller(ctx), r));
                 }));

  dispatcher.add(
      proto::type::kCategoryCreate, {},
      typed<proto::CategoryCreateRequest>([&friends](RequestContext& ctx, const proto::CategoryCreateRequest& r) {
        return friends.create_category(caller(ctx), r);
      }));

  dispatcher.add(
      proto::type::kCategoryRename, {},
      typed<proto::CategoryRenameRequest>([&friends](RequestContext& ctx, const proto::CategoryRenameRequest& r) {
        return done(friends.rename_category(caller(ctx), r));
      }));

  dispatcher.add(
      proto::type::kCategoryReorder, {},
      typed<proto::CategoryReorderRequest>([&friends](RequestContext& ctx, const proto::CategoryReorderRequest& r) {
        return done(friends.reorder_categories(caller(ctx), r));
      }));

  dispatcher.add(
      proto::type::kCategoryDelete, {},
      typed<proto::CategoryDeleteRequest>([&friends](RequestContext& ctx, const proto::CategoryDeleteRequest& r) {
        return done(friends.delete_category(caller(ctx), r));
      }));

  dispatcher.add(proto::type::kBlock, {},
                 typed<proto::BlockRequest>([&friends](RequestContext& ctx, const proto::BlockRequest& r) {
                   return done(friends.block(caller(ctx), r));
                 }));

  dispatcher.add(proto::type::kUnblock, {},
                 typed<proto::UnblockRequest>([&friends](RequestContext& ctx, const proto::UnblockRequest& r) {
                   return done(friends.unblock(caller(ctx), r));
                 }));

  dispatcher.add(proto::type::kBlocksList, {},
                 typed<proto::BlocksListRequest>([&friends](RequestContext& ctx, const proto::BlocksListRequest&) {
                   return friends.blocks(caller(ctx));
                 }));

  dispatcher.add(proto::type::kPrivacyGet, {},
                 typed<proto::PrivacyGetRequest>([&friends](RequestContext& ctx, const proto::PrivacyGetRequest&) {
                   return friends.privacy(caller(ctx));
                 }));

  dispatcher.add(proto::type::kPrivacySet, {},
                 typed<proto::Privacy>([&friends](RequestContext& ctx, const proto::Privacy& r) {
                   return friends.set_privacy(caller(ctx), r);
                 }));
}

}  // namespace parley::server
