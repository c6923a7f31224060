#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/channel.hpp"

// One function per command. Each prints its result (see Output) and returns the
// process's exit status: kExitOk, or the Failure's status after printing it.
namespace parley::cli {

struct RegisterArgs {
  std::string username;
  std::optional<std::string> nickname;
  bool password_stdin = false;
};
int run_register(const Context& context, const RegisterArgs& args);

struct LoginArgs {
  std::string username;
  std::string device;  // empty: default_device()
  bool password_stdin = false;
};
int run_login(const Context& context, const LoginArgs& args);

struct LogoutArgs {
  bool all = false;
};
int run_logout(const Context& context, const LogoutArgs& args);

int run_whoami(const Context& context);

struct PasswdArgs {
  bool password_stdin = false;
};
int run_passwd(const Context& context, const PasswdArgs& args);

struct ProfileArgs {
  std::string user;              // empty: one's own; all digits: a user id
  std::vector<std::string> set;  // FIELD=VALUE
};
int run_profile(const Context& context, const ProfileArgs& args);

struct SearchArgs {
  std::string query;
  std::int64_t limit = 20;
};
int run_search(const Context& context, const SearchArgs& args);

int run_listen(const Context& context);

// parley friends ACTION ...: the friend list, requests, categories, blocks, privacy.
struct FriendsArgs {
  enum class Action {
    list,
    requests,
    request,
    accept,
    reject,
    remove,
    remark,
    move,
    category_list,
    category_create,
    category_rename,
    category_delete,
    category_reorder,
    block,
    unblock,
    blocks,
    privacy,
  };
  Action action = Action::list;
  std::string user;                      // USER: a user name, or a user id when all digits
  std::string text;                      // --note, --reason, the remark, a category name
  std::int64_t id = 0;                   // REQUEST_ID or CATEGORY_ID
  std::optional<std::int64_t> category;  // accept --category
  std::vector<std::int64_t> ids;         // category reorder
  std::string allow_strangers;           // privacy --allow-strangers: "true", "false" or "" (show)
};
int run_friends(const Context& context, const FriendsArgs& args);

// parley group ACTION ...: creating, finding and joining groups, moderation, members.
// GROUP is a group number, "7" or "#7".
struct GroupArgs {
  enum class Action {
    create,
    search,
    info,
    join,
    requests,
    approve,
    reject,
    invite,
    leave,
    kick,
    mute,
    unmute,
    mute_all,
    admin,
    transfer,
    dissolve,
    members,
    card,
    update,
  };
  Action action = Action::info;
  std::string group;        // GROUP
  std::string user;         // USER: a user name, or a user id when all digits
  std::string text;         // create's NAME, search's QUERY, --note, --reason, the card
  std::int64_t id = 0;      // REQUEST_ID
  std::int64_t limit = 20;  // search --limit
  std::string duration;     // mute's DURATION
  std::string choice;       // mute-all on|off, admin add|remove
  // create and update: the profile; absent ones are left alone (update) or defaulted.
  std::optional<std::string> name;  // update --name
  std::optional<std::string> description;
  std::optional<std::string> join_policy;
  std::optional<std::string> invite_policy;
  std::optional<std::int64_t> member_limit;
  bool full_history = false;                       // create --full-history
  std::optional<std::string> full_history_switch;  // update --full-history on|off
};
int run_group(const Context& context, const GroupArgs& args);

// parley send TARGET TEXT: TEXT "-" reads the text from stdin. TARGET is a user, or a
// group written "#7".
struct SendArgs {
  std::string user;
  std::string text;
};
int run_send(const Context& context, const SendArgs& args);

// parley history TARGET (a user, or a group "#7"): a page of the log, or a search in it
// with any of the filters.
struct HistoryArgs {
  std::string user;
  std::optional<std::int64_t> before;  // history only: entries before this seq
  std::int64_t limit = 50;
  std::string search;  // message_search's query
  std::string from;    // a date or ISO time, inclusive
  std::string to;      // exclusive
};
int run_history(const Context& context, const HistoryArgs& args);

int run_conversations(const Context& context);

// parley recall TARGET SEQ, parley read TARGET [SEQ] (default: the newest entry); TARGET
// a user or a group "#7".
struct MessageArgs {
  std::string user;
  std::optional<std::int64_t> seq;
};
int run_recall(const Context& context, const MessageArgs& args);
int run_read(const Context& context, const MessageArgs& args);

int run_presence(const Context& context, const std::string& status);

// parley chat TARGET (a user, or a group "#7"): interactive, over a WebSocket, until EOF
// or SIGINT.
int run_chat(const Context& context, const std::string& user);

// "cli-" + the host name, reduced to what a device id may hold.
std::string default_device();

}  // namespace parley::cli
