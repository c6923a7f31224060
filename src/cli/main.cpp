// The `parley` command line client. Parses the arguments, then runs one command
// (commands.hpp); everything it says to the server goes through the client library.
#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <functional>
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/commands.hpp"

namespace parley::cli {
namespace {

// Everything the command line can say; CLI11 fills it in.
struct Arguments {
  GlobalOptions global;
  RegisterArgs register_args;
  LoginArgs login;
  LogoutArgs logout;
  PasswdArgs passwd;
  ProfileArgs profile;
  SearchArgs search;
  FriendsArgs friends;
  GroupArgs group;
  SendArgs send;
  HistoryArgs history;
  MessageArgs message;  // recall, read
  std::string chat_user;
  std::string presence;
};

// The chosen command, set by its subcommand's callback.
using Runner = std::function<int(const Context&)>;

std::string default_home() {
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    return std::string(home) + "/.parley";
  }
  if (const passwd* pw = ::getpwuid(::getuid()); pw != nullptr && pw->pw_dir != nullptr) {
    return std::string(pw->pw_dir) + "/.parley";
  }
  return ".parley";
}

// Options every subcommand accepts, before or after its name (fallthrough).
void add_global_options(CLI::App& app, GlobalOptions& options) {
  app.add_option("--server", options.server,
                 "server URL, http(s):// or ws(s)://HOST:PORT (default: the saved session's, else " +
                     std::string(kDefaultServer) + ")")
      ->envname("PARLEY_SERVER")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);  // a repeated option takes the last value
  app.add_option("--home", options.home, "directory of session.json (default: $HOME/.parley)")
      ->envname("PARLEY_HOME")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app.add_flag("--json", options.json, "print the server's result (or the error) as one JSON line");
  app.add_flag("--insecure-tls", options.insecure_tls, "accept any TLS certificate (self-signed)");
}

void add_account_commands(CLI::App& app, Arguments& args, Runner& run) {
  auto* reg = app.add_subcommand("register", "create an account (does not log in)");
  reg->add_option("USER", args.register_args.username, "user name")->required();
  reg->add_option("--nickname", args.register_args.nickname, "display name (default: the user name)");
  reg->add_flag("--password-stdin", args.register_args.password_stdin, "read the password as one line of stdin");
  reg->callback([&] { run = [&](const Context& c) { return run_register(c, args.register_args); }; });

  auto* login = app.add_subcommand("login", "log in and save the session in HOME/session.json");
  login->add_option("USER", args.login.username, "user name")->required();
  login->add_option("--device", args.login.device, "device id (default: cli-HOSTNAME)");
  login->add_flag("--password-stdin", args.login.password_stdin, "read the password as one line of stdin");
  login->callback([&] { run = [&](const Context& c) { return run_login(c, args.login); }; });

  auto* logout = app.add_subcommand("logout", "revoke the saved session and delete it");
  logout->add_flag("--all", args.logout.all, "sign out every device of the account");
  logout->callback([&] { run = [&](const Context& c) { return run_logout(c, args.logout); }; });

  auto* whoami = app.add_subcommand("whoami", "show whom the saved session belongs to");
  whoami->callback([&] { run = [](const Context& c) { return run_whoami(c); }; });

  auto* passwd = app.add_subcommand("passwd", "change the password (signs out the other sessions)");
  passwd->add_flag("--password-stdin", args.passwd.password_stdin,
                   "read the old, then the new password, one line each, from stdin");
  passwd->callback([&] { run = [&](const Context& c) { return run_passwd(c, args.passwd); }; });
}

void add_user_commands(CLI::App& app, Arguments& args, Runner& run) {
  auto* profile = app.add_subcommand("profile", "show a profile (your own without USER), or change yours");
  profile->add_option("USER", args.profile.user, "user name or user id");
  profile->add_option("--set", args.profile.set,
                      "FIELD=VALUE to change; FIELD: nickname signature gender birthday email avatar");
  profile->callback([&] { run = [&](const Context& c) { return run_profile(c, args.profile); }; });

  auto* search = app.add_subcommand("search", "find users by user name prefix or nickname");
  search->add_option("QUERY", args.search.query, "text to look for")->required();
  search->add_option("--limit", args.search.limit, "at most this many users (1-50)")
      ->check(CLI::Range(1, 50))
      ->capture_default_str();
  search->callback([&] { run = [&](const Context& c) { return run_search(c, args.search); }; });

  auto* listen = app.add_subcommand("listen", "print every event as one JSON line until closed or Ctrl-C");
  listen->footer("Its connection signs out a `parley listen` or `parley chat` running with the same login (device).");
  listen->callback([&] { run = [](const Context& c) { return run_listen(c); }; });
}

void add_friends_commands(CLI::App& app, Arguments& args, Runner& run) {
  using Action = FriendsArgs::Action;
  FriendsArgs& f = args.friends;
  auto choose = [&f, &run](CLI::App* command, Action action) {
    command->callback([&f, &run, action] {
      f.action = action;
      run = [&f](const Context& c) { return run_friends(c, f); };
    });
  };
  // A group without an action runs its first one (list). The group's callback may run
  // before or after the action's, so it only fills in what the action did not choose.
  auto group = [&f, &run](CLI::App* command, Action fallback) {
    command->require_subcommand(0, 1);
    command->callback([&f, &run, command, fallback] {
      if (!command->get_subcommands().empty()) return;
      f.action = fallback;
      run = [&f](const Context& c) { return run_friends(c, f); };
    });
  };
  const std::string user_help = "user name, or user id";

  auto* friends = app.add_subcommand("friends", "your friends, friend requests, categories, blocks and privacy");
  group(friends, Action::list);
  choose(friends->add_subcommand("list", "show your friends by category (the default)"), Action::list);
  choose(friends->add_subcommand("requests", "show pending requests to you and your requests of the last 30 days"),
         Action::requests);

  auto* request = friends->add_subcommand("request", "ask a user to be your friend");
  request->add_option("USER", f.user, user_help)->required();
  request->add_option("--note", f.text, "a few words for them (up to 128 characters)");
  choose(request, Action::request);

  auto* accept = friends->add_subcommand("accept", "accept a friend request to you");
  accept->add_option("REQUEST_ID", f.id, "as shown by: parley friends requests")->required();
  accept->add_option("--category", f.category, "put the new friend in this category (default: the default one)");
  choose(accept, Action::accept);

  auto* reject = friends->add_subcommand("reject", "reject a friend request to you");
  reject->add_option("REQUEST_ID", f.id, "as shown by: parley friends requests")->required();
  reject->add_option("--reason", f.text, "told to the requester (up to 128 characters)");
  choose(reject, Action::reject);

  auto* remove = friends->add_subcommand("delete", "remove a friend (from both lists)");
  remove->add_option("USER", f.user, user_help)->required();
  choose(remove, Action::remove);

  auto* remark = friends->add_subcommand("remark", "set the name you see for a friend (\"\" clears it)");
  remark->add_option("USER", f.user, user_help)->required();
  remark->add_option("TEXT", f.text, "up to 32 characters")->required();
  choose(remark, Action::remark);

  auto* move = friends->add_subcommand("move", "move a friend to another category");
  move->add_option("USER", f.user, user_help)->required();
  move->add_option("CATEGORY_ID", f.id, "as shown by: parley friends category list")->required();
  choose(move, Action::move);

  auto* category =
      friends->add_subcommand("category", "list (the default), create, rename, delete or reorder categories");
  group(category, Action::category_list);
  choose(category->add_subcommand("list", "show your categories in order"), Action::category_list);
  auto* create = category->add_subcommand("create", "add a category after the others");
  create->add_option("NAME", f.text, "1 to 32 characters")->required();
  choose(create, Action::category_create);
  auto* rename = category->add_subcommand("rename", "rename a category");
  rename->add_option("ID", f.id, "category id")->required();
  rename->add_option("NAME", f.text, "1 to 32 characters")->required();
  choose(rename, Action::category_rename);
  auto* drop = category->add_subcommand("delete", "delete a category; its friends move to the default one");
  drop->add_option("ID", f.id, "category id")->required();
  choose(drop, Action::category_delete);
  auto* reorder = category->add_subcommand("reorder", "set the order of your categories");
  reorder->add_option("ID", f.ids, "every category id, in the new order")->required();
  choose(reorder, Action::category_reorder);

  auto* block = friends->add_subcommand("block", "block a user: no friend requests or messages from them");
  block->add_option("USER", f.user, user_help)->required();
  choose(block, Action::block);
  auto* unblock = friends->add_subcommand("unblock", "lift a block");
  unblock->add_option("USER", f.user, user_help)->required();
  choose(unblock, Action::unblock);
  choose(friends->add_subcommand("blocks", "show the users you blocked"), Action::blocks);

  auto* privacy =
      friends->add_subcommand("privacy", "show or set whether users who are not your friends may message you");
  privacy->add_option("--allow-strangers", f.allow_strangers, "true or false")->check(CLI::IsMember({"true", "false"}));
  choose(privacy, Action::privacy);
}

void add_group_commands(CLI::App& app, Arguments& args, Runner& run) {
  using Action = GroupArgs::Action;
  GroupArgs& g = args.group;
  auto choose = [&g, &run](CLI::App* command, Action action) {
    command->callback([&g, &run, action] {
      g.action = action;
      run = [&g](const Context& c) { return run_group(c, g); };
    });
    return command;
  };
  const std::string group_help = "group number: 7 or #7";
  const std::string user_help = "user name, or user id";
  const std::string request_help = "as shown by: parley group requests";
  auto policies = [&g](CLI::App* command) {
    command->add_option("--policy", g.join_policy, "who may join: open (anyone), approval (asks first) or invite")
        ->check(CLI::IsMember({"open", "approval", "invite"}));
    command
        ->add_option("--invite-policy", g.invite_policy,
                     "a member's invitation: direct (joins at once) or approval (an admin decides)")
        ->check(CLI::IsMember({"direct", "approval"}));
    command->add_option("--limit", g.member_limit, "at most this many members (2-10000)")->check(CLI::Range(2, 10000));
  };

  auto* group = app.add_subcommand("group", "groups: create, find and join them, moderate them, see their members");
  group->require_subcommand(1);
  group->footer(
      "A group's messages: parley send '#7' TEXT, parley chat '#7', parley history '#7' (quote #, or the shell "
      "takes it for a comment).");

  auto* create = choose(group->add_subcommand("create", "create a group; you are its owner"), Action::create);
  create->add_option("NAME", g.text, "1 to 60 characters")->required();
  create->add_option("--description", g.description, "up to 500 characters");
  policies(create);
  create->add_flag("--full-history", g.full_history, "those who join later see the messages from before");

  auto* search =
      choose(group->add_subcommand("search", "find groups by number or by words of their name"), Action::search);
  search->add_option("QUERY", g.text, "a group number, or words of its name")->required();
  search->add_option("--limit", g.limit, "at most this many groups (1-100)")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();

  choose(group->add_subcommand("info", "show a group's profile"), Action::info)
      ->add_option("GROUP", g.group, group_help)
      ->required();

  auto* join = choose(group->add_subcommand("join", "join a group, or ask to when it needs approval"), Action::join);
  join->add_option("GROUP", g.group, group_help)->required();
  join->add_option("--note", g.text, "a few words for whoever decides (up to 200 characters)");

  choose(group->add_subcommand("requests", "show join requests to your groups and your own of the last 30 days"),
         Action::requests);

  choose(group->add_subcommand("approve", "let someone in who asked to join (owner and admins)"), Action::approve)
      ->add_option("REQUEST_ID", g.id, request_help)
      ->required();
  auto* reject = choose(group->add_subcommand("reject", "turn down a join request (owner and admins)"), Action::reject);
  reject->add_option("REQUEST_ID", g.id, request_help)->required();
  reject->add_option("--reason", g.text, "told to the requester");

  // GROUP USER, in this order, for the actions on a member.
  auto on_member = [&](const char* name, const char* help, Action action) {
    auto* command = choose(group->add_subcommand(name, help), action);
    command->add_option("GROUP", g.group, group_help)->required();
    command->add_option("USER", g.user, user_help)->required();
    return command;
  };
  on_member("invite", "invite a friend (an invitation may need an admin's approval)", Action::invite);
  choose(group->add_subcommand("leave", "leave a group (its owner transfers or dissolves it instead)"), Action::leave)
      ->add_option("GROUP", g.group, group_help)
      ->required();
  on_member("kick", "remove a member (owner and admins)", Action::kick);
  on_member("mute", "stop a member from sending for a while (owner and admins)", Action::mute)
      ->add_option("DURATION", g.duration, "seconds, or with a unit: 90s, 10m, 2h, 1d (at most 30 days)")
      ->required();
  on_member("unmute", "let a muted member send again", Action::unmute);

  auto* mute_all =
      choose(group->add_subcommand("mute-all", "only the owner and admins may send (on), or everyone again (off)"),
             Action::mute_all);
  mute_all->add_option("GROUP", g.group, group_help)->required();
  mute_all->add_option("SWITCH", g.choice, "on or off")->required()->check(CLI::IsMember({"on", "off"}));

  auto* admin =
      choose(group->add_subcommand("admin", "make a member an admin (add) or not (remove); owner only"), Action::admin);
  admin->add_option("ACTION", g.choice, "add or remove")->required()->check(CLI::IsMember({"add", "remove"}));
  admin->add_option("GROUP", g.group, group_help)->required();
  admin->add_option("USER", g.user, user_help)->required();

  on_member("transfer", "hand the group to a member; you stay as a member (owner only)", Action::transfer);
  choose(group->add_subcommand("dissolve", "end the group; everyone is removed (owner only)"), Action::dissolve)
      ->add_option("GROUP", g.group, group_help)
      ->required();
  choose(group->add_subcommand("members", "list every member with role, presence, card and mute"), Action::members)
      ->add_option("GROUP", g.group, group_help)
      ->required();

  auto* card = choose(group->add_subcommand("card", "set your name in this group (\"\" clears it)"), Action::card);
  card->add_option("GROUP", g.group, group_help)->required();
  card->add_option("TEXT", g.text, "up to 30 characters")->required();

  auto* update =
      choose(group->add_subcommand("update", "change the group's profile (owner and admins)"), Action::update);
  update->add_option("GROUP", g.group, group_help)->required();
  update->add_option("--name", g.name, "1 to 60 characters");
  update->add_option("--description", g.description, "up to 500 characters");
  policies(update);
  update->add_option("--full-history", g.full_history_switch, "on: those who join later see the earlier messages")
      ->check(CLI::IsMember({"on", "off"}));
}

void add_message_commands(CLI::App& app, Arguments& args, Runner& run) {
  const std::string user_help = "user name, user id, or a group: #7 (quoted in a shell)";
  auto* send = app.add_subcommand("send", "send a text message to a user or a group");
  send->footer("In a group, @username mentions a member, and @all everyone (owner and admins).");
  send->add_option("USER", args.send.user, user_help)->required();
  send->add_option("TEXT", args.send.text, "the message; - reads it from stdin (several lines allowed)")->required();
  send->callback([&] { run = [&](const Context& c) { return run_send(c, args.send); }; });

  auto* history = app.add_subcommand(
      "history",
      "show your messages with a user or in a group, oldest first; with --search, --from or --to: find some");
  history->add_option("USER", args.history.user, user_help)->required();
  history->add_option("--before", args.history.before, "only messages before this seq (to page back)")
      ->check(CLI::PositiveNumber);
  history->add_option("--limit", args.history.limit, "at most this many messages (1-200)")
      ->check(CLI::Range(1, 200))
      ->capture_default_str();
  history->add_option("--search", args.history.search, "only messages with every word of this text");
  history->add_option("--from", args.history.from, "only messages from this time on: YYYY-MM-DD (UTC) or ISO time");
  history->add_option("--to", args.history.to, "only messages before this time (exclusive), like --from");
  history->callback([&] { run = [&](const Context& c) { return run_history(c, args.history); }; });

  auto* conversations = app.add_subcommand("conversations", "list your conversations with unread counts");
  conversations->callback([&] { run = [](const Context& c) { return run_conversations(c); }; });

  auto* recall = app.add_subcommand(
      "recall",
      "recall a message you sent (within the recall window, 2 minutes by default; a group's owner and admins: "
      "anyone's, within 2 hours)");
  recall->add_option("USER", args.message.user, user_help)->required();
  recall->add_option("SEQ", args.message.seq, "the message's seq")->required()->check(CLI::PositiveNumber);
  recall->callback([&] { run = [&](const Context& c) { return run_recall(c, args.message); }; });

  auto* read = app.add_subcommand("read", "mark your conversation with a user, or a group, read");
  read->add_option("USER", args.message.user, user_help)->required();
  read->add_option("SEQ", args.message.seq, "up to this seq (default: the newest)")->check(CLI::PositiveNumber);
  read->callback([&] { run = [&](const Context& c) { return run_read(c, args.message); }; });

  auto* presence = app.add_subcommand("presence", "set the status your friends see while you are connected");
  presence->add_option("STATUS", args.presence, "online, away, busy or invisible (looks offline)")
      ->required()
      ->check(CLI::IsMember({"online", "away", "busy", "invisible"}));
  presence->callback([&] { run = [&](const Context& c) { return run_presence(c, args.presence); }; });

  auto* chat = app.add_subcommand("chat", "chat with a user, or in a group, in the terminal until Ctrl-D or Ctrl-C");
  chat->footer(
      "Shows the last 20 messages, then new ones as they come, and sends each line you type (Enter). At a "
      "terminal it also tells them while you type. In a group ('#7'), people go by their card in it, changes to "
      "the group show as lines starting with *, and @username mentions a member. Its connection signs out a "
      "`parley listen` or `parley chat` running with the same login (device), and starting one of those signs it "
      "out; the other commands use HTTP and disturb nothing.");
  chat->add_option("USER", args.chat_user, user_help)->required();
  chat->callback([&] { run = [&](const Context& c) { return run_chat(c, args.chat_user); }; });
}

int usage_failure(const CLI::ParseError& e) {
  std::cerr << "error: bad_request: " << e.what() << "\nrun: parley --help" << std::endl;
  return kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("parley: command line client for a Parley server", "parley");
  app.set_version_flag("--version", PARLEY_VERSION);
  app.require_subcommand(1);
  app.fallthrough();  // global options may follow the subcommand's name

  Arguments args;
  Runner run;
  add_global_options(app, args.global);
  add_account_commands(app, args, run);
  add_user_commands(app, args, run);
  add_friends_commands(app, args, run);
  add_group_commands(app, args, run);
  add_message_commands(app, args, run);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return e.get_exit_code() == 0 ? app.exit(e) : usage_failure(e);
  }
  if (args.global.home.empty()) args.global.home = default_home();
  if (!run) return usage_failure(CLI::RequiredError("a command"));
  return run(Context(std::move(args.global)));
}

}  // namespace parley::cli

int main(int argc, char** argv) { return parley::cli::main(argc, argv); }
