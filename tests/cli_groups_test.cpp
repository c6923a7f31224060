// parley group ..., and send, history, chat, conversations and listen with a group
// ("#7"), against the real parleyd, with one CLI home per user.
#include <signal.h>
#include <unistd.h>

#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include "tests/cli_runner.hpp"

namespace parley::test {
namespace {


// The value of a "key: value" line of human output ("" when missing).
std::string fact(const std::string& out, const std::string& key) {
  const std::string line_start = key + ": ";
  for (std::size_t at = out.find(line_start); at != std::string::npos; at = out.find(line_start, at + 1)) {
    if (at != 0 && out[at - 1] != '\n') continue;
    auto start = at + line_start.size();
    return out.substr(start, out.find('\n', start) - start);
  }
  return "";
}


class CliGroupsTest : public CliRunner {
 protected:
  void SetUp() override {
    CliRunner::SetUp();
    for (const char* user : {"alice", "bob", "carol"}) sign_up(user);  // 10001, 10002, 10003
  }

  // `parley ARGS` as `user`, which must succeed; its stdout.
  std::string ok(const std::string& user, const std::vector<std::string>& args) {
    auto run = parley_as(user, args);
    EXPECT_EQ(run.status, 0) << user << ": " << run.err;
    return run.out;
  }

  // A group created by `owner` with these extra options; its number.
  std::string create(const std::string& owner, const std::string& name, std::vector<std::string> options = {}) {
    std::vector<std::string> args = {"group", "create", name};
    args.insert(args.end(), options.begin(), options.end());
    auto id = fact(ok(owner, args), "group_id");
    EXPECT_FALSE(id.empty());
    return id;
  }

  void befriend(const std::string& a, const std::string& b) {
    auto sent = ok(a, {"friends", "request", b});
    ok(b, {"friends", "accept", fact(sent, "request_id")});
  }

  // Starts `parley listen` as `user` into the files NAME.out and NAME.err.
  pid_t start_listening(const std::string& user, const std::string& name) {
    pid_t listener = start(user, {"listen"}, "", name);
    EXPECT_TRUE(has(wait_for(name + ".err", "listening as"), "listening as")) << slurp_file(dir_ / (name + ".err"));
    return listener;
  }
};

TEST_F(CliGroupsTest, CreateSearchJoinWithApprovalSendAndHistory) {
  auto created = ok("alice", {"group", "create", "周末爬山 Hiking", "--description", "每周六早上 8 点", "--policy",
                              "approval", "--limit", "50"});
  const std::string g = fact(created, "group_id");
  ASSERT_FALSE(g.empty()) << created;
  EXPECT_EQ(fact(created, "name"), "周末爬山 Hiking");
  EXPECT_EQ(fact(created, "join_policy"), "approval");
  EXPECT_EQ(fact(created, "member_limit"), "50");
  EXPECT_EQ(fact(created, "member_count"), "1");
  EXPECT_EQ(fact(created, "role"), "owner");

  // Found by a word of its name and by its number, with or without '#'.
  auto found = ok("bob", {"group", "search", "爬山"});
  EXPECT_TRUE(has(found, g + "\t周末爬山 Hiking\t1/50 members\tapproval\n")) << found;
  EXPECT_TRUE(has(ok("bob", {"group", "search", g}), g + "\t周末爬山 Hiking"));
  EXPECT_TRUE(has(ok("bob", {"group", "search", "#" + g}), g + "\t周末爬山 Hiking"));
  EXPECT_TRUE(has(ok("alice", {"group", "search", "hiking"}), "\tyou: owner"));
  auto nothing = parley_as("bob", {"group", "search", "nosuchgroupname"});
  EXPECT_EQ(nothing.status, 0);
  EXPECT_TRUE(has(nothing.err, "no groups found")) << nothing.err;
  auto info = ok("bob", {"group", "info", "#" + g});
  EXPECT_EQ(fact(info, "description"), "每周六早上 8 点");
  EXPECT_EQ(fact(info, "role"), "");  // not a member

  // bob asks; alice sees the request and approves it.
  auto asked = ok("bob", {"group", "join", g, "--note", "我是 Bob，想一起去"});
  EXPECT_EQ(fact(asked, "status"), "pending");
  const std::string request_id = fact(asked, "request_id");
  ASSERT_FALSE(request_id.empty()) << asked;
  auto incoming = ok("alice", {"group", "requests"});
  EXPECT_TRUE(has(incoming, request_id + "\t#" + g + " 周末爬山 Hiking\tfrom 10002\tbob\tbob\t")) << incoming;
  EXPECT_TRUE(has(incoming, "\tnote: 我是 Bob，想一起去")) << incoming;
  EXPECT_TRUE(has(ok("bob", {"group", "requests"}), request_id + "\t#" + g + " 周末爬山 Hiking\tpending"));
  EXPECT_EQ(ok("alice", {"group", "approve", request_id}), "approved request " + request_id + "\n");
  EXPECT_TRUE(has(ok("bob", {"group", "requests"}), request_id + "\t#" + g + " 周末爬山 Hiking\taccepted"));
  EXPECT_EQ(fact(ok("bob", {"group", "info", g}), "role"), "member");

  // Messages into the group, with '#'.
  auto sent = ok("bob", {"send", "#" + g, "大家好 hello all"});
  EXPECT_EQ(fact(sent, "conversation_id"), g);
  ok("alice", {"send", "#" + g, "welcome, bob 🎉"});
  auto json = parley_as("alice", {"--json", "send", "#" + g, "third"});
  ASSERT_EQ(json.status, 0) << json.err;
  EXPECT_EQ(boost::json::parse(json.out).at("conversation_id").as_int64(), std::stoll(g)) << json.out;

  // The history holds the changes to the group, in order with the messages.
  auto history = ok("alice", {"history", "#" + g});
  EXPECT_TRUE(
      in_order(history, {"  * alice created the group \"周末爬山 Hiking\"\n", "  * bob joined (added by alice)\n",
                         "  bob: 大家好 hello all\n", "  alice: welcome, bob 🎉\n", "  alice: third\n"}))
      << history;
  // bob sees the log from his joining on.
  auto his = ok("bob", {"history", "#" + g});
  EXPECT_FALSE(has(his, "created the group")) << his;
  EXPECT_TRUE(in_order(his, {"* bob joined", "bob: 大家好 hello all", "alice: third"})) << his;
  auto page = parley_as("alice", {"history", "#" + g, "--limit", "2"});
  EXPECT_EQ(lines_of(page.out).size(), 2u) << page.out;
  EXPECT_TRUE(has(page.err, "parley history '#" + g + "' --before ")) << page.err;
  auto searched = ok("bob", {"history", "#" + g, "--search", "welcome"});
  EXPECT_EQ(lines_of(searched).size(), 1u) << searched;
  auto raw = parley_as("alice", {"--json", "history", "#" + g});
  auto messages = boost::json::parse(raw.out).at("messages").as_array();
  EXPECT_EQ(messages.at(0).at("kind"), "system") << raw.out;

  // conversations shows the group by number and name.
  auto listed = ok("bob", {"conversations"});
  EXPECT_TRUE(has(listed, g + "  #" + g + " 周末爬山 Hiking  unread=")) << listed;
  EXPECT_TRUE(has(listed, "  last: alice: third\n")) << listed;
  EXPECT_EQ(ok("bob", {"read", "#" + g}).substr(0, 10), "read_seq: ");
  EXPECT_TRUE(has(ok("bob", {"conversations"}), " 周末爬山 Hiking  unread=0  mentions=0  "));
}

TEST_F(CliGroupsTest, MuteShowsWhenItEndsAndKickRemoves) {
  const std::string g = create("alice", "team", {"--policy", "open"});
  EXPECT_EQ(fact(ok("bob", {"group", "join", g}), "status"), "joined");
  EXPECT_EQ(fact(ok("carol", {"group", "join", "#" + g}), "status"), "joined");

  EXPECT_EQ(ok("alice", {"group", "mute", g, "bob", "2h"}), "muted bob in #" + g + " for 2h\n");
  auto refused = parley_as("bob", {"send", "#" + g, "can I talk?"});
  EXPECT_EQ(refused.status, 1);
  EXPECT_TRUE(has(refused.err, "error: forbidden: ")) << refused.err;
  // When the mute ends, as the CLI shows times.
  const std::string until = fact(refused.err, "until");
  EXPECT_EQ(until.size(), 20u) << refused.err;
  EXPECT_EQ(until.back(), 'Z') << refused.err;
  auto json = parley_as("bob", {"--json", "send", "#" + g, "can I talk?"});
  EXPECT_EQ(json.status, 1);
  EXPECT_EQ(boost::json::parse(json.out).at("code"), "forbidden") << json.out;
  EXPECT_GT(boost::json::parse(json.out).at("until").as_int64(), 0) << json.out;

  auto members = ok("alice", {"group", "members", g});
  EXPECT_TRUE(has(members, "10002\tbob\tbob\tmember\t")) << members;
  EXPECT_TRUE(has(members, "\tmuted until " + until)) << members;
  EXPECT_TRUE(has(ok("bob", {"conversations"}), "  muted until " + until + "  last: ")) << "bob's conversations";
  EXPECT_FALSE(has(ok("carol", {"conversations"}), "  muted until ")) << "carol's conversations";
  EXPECT_TRUE(has(ok("alice", {"history", "#" + g}), "* alice muted bob until ")) << "history";

  ok("alice", {"group", "unmute", g, "10002"});
  ok("bob", {"send", "#" + g, "thanks"});
  EXPECT_FALSE(has(ok("alice", {"group", "members", g}), "muted until"));

  EXPECT_EQ(ok("alice", {"group", "kick", "#" + g, "carol"}), "removed carol from #" + g + "\n");
  auto after = ok("alice", {"group", "members", g});
  EXPECT_EQ(lines_of(after).size(), 2u) << after;
  EXPECT_FALSE(has(after, "carol")) << after;
  auto gone = parley_as("carol", {"send", "#" + g, "hello?"});
  EXPECT_EQ(gone.status, 1);
  EXPECT_TRUE(has(gone.err, "error: not_found:")) << gone.err;
  auto history = parley_as("carol", {"history", "#" + g});
  EXPECT_EQ(history.status, 1);
  EXPECT_TRUE(has(history.err, "error: not_found: you are not a member of group #" + g)) << history.err;
  EXPECT_TRUE(has(ok("bob", {"history", "#" + g}), "* alice removed carol\n"));
}

TEST_F(CliGroupsTest, MembersRolesCardsAndProfile) {
  befriend("alice", "bob");
  const std::string g = create("alice", "读书会 Book club", {"--policy", "invite"});
  // An invite-only group: asking is refused, an invitation by the owner is a joining.
  auto asked = parley_as("carol", {"group", "join", g});
  EXPECT_EQ(asked.status, 1);
  EXPECT_TRUE(has(asked.err, "error: forbidden:")) << asked.err;
  EXPECT_EQ(fact(ok("alice", {"group", "invite", g, "bob"}), "status"), "joined");

  ok("alice", {"group", "admin", "add", g, "bob"});
  ok("bob", {"group", "card", g, "鲍勃 the reader"});
  auto members = ok("alice", {"group", "members", "#" + g});
  EXPECT_TRUE(has(members, "10001\talice\talice\towner\t")) << members;
  EXPECT_TRUE(has(members, "10002\tbob\tbob\tadmin\t")) << members;
  EXPECT_TRUE(has(members, "\tcard: 鲍勃 the reader")) << members;
  auto json = parley_as("alice", {"--json", "group", "members", g});
  auto listed = boost::json::parse(json.out).at("members").as_array();
  ASSERT_EQ(listed.size(), 2u) << json.out;
  EXPECT_EQ(listed[1].at("card"), "鲍勃 the reader");

  // The group goes by the card: bob's messages and the changes he makes.
  ok("bob", {"send", "#" + g, "hi"});
  ok("bob", {"group", "mute-all", g, "on"});
  auto history = ok("alice", {"history", "#" + g});
  EXPECT_TRUE(in_order(
      history, {"* alice made 鲍勃 the reader an admin", "* 鲍勃 the reader set their card", "鲍勃 the reader: hi",
                "* 鲍勃 the reader muted the group: only the owner and admins may send"}))
      << history;

  auto updated = ok("bob", {"group", "update", g, "--name", "Book club 2", "--policy", "open", "--full-history", "on"});
  EXPECT_EQ(fact(updated, "name"), "Book club 2");
  EXPECT_EQ(fact(updated, "join_policy"), "open");
  EXPECT_EQ(fact(updated, "full_history"), "true");
  EXPECT_EQ(fact(updated, "role"), "admin");
  // Open now, and with the whole history for newcomers; but muted.
  ok("carol", {"group", "join", g});
  EXPECT_TRUE(has(ok("carol", {"history", "#" + g}), "alice created the group"));
  auto muted = parley_as("carol", {"send", "#" + g, "me too"});
  EXPECT_EQ(muted.status, 1);
  EXPECT_TRUE(has(muted.err, "error: forbidden:")) << muted.err;
  EXPECT_FALSE(has(muted.err, "until:")) << muted.err;
  EXPECT_TRUE(has(ok("carol", {"conversations"}), "  muted (all members)  last: "));
  EXPECT_FALSE(has(ok("bob", {"conversations"}), "  muted (all members)")) << "an admin may send";
  ok("alice", {"group", "mute-all", g, "off"});
  ok("carol", {"send", "#" + g, "me too"});

  // The owner cannot leave; after handing the group over, she can.
  auto stays = parley_as("alice", {"group", "leave", g});
  EXPECT_EQ(stays.status, 1);
  EXPECT_TRUE(has(stays.err, "error: forbidden:")) << stays.err;
  ok("alice", {"group", "transfer", g, "bob"});
  EXPECT_EQ(fact(ok("alice", {"group", "info", g}), "role"), "member");
  EXPECT_EQ(fact(ok("bob", {"group", "info", g}), "owner_id"), "10002");
  EXPECT_EQ(ok("alice", {"group", "leave", g}), "left #" + g + "\n");
  auto last = ok("bob", {"history", "#" + g});
  EXPECT_TRUE(in_order(last, {"* alice handed the group to 鲍勃 the reader, the new owner", "* alice left"})) << last;
}

TEST_F(CliGroupsTest, RejectedRequestAndDissolve) {
  const std::string g = create("alice", "quiet room");
  auto asked = ok("bob", {"group", "join", g});
  const std::string request_id = fact(asked, "request_id");
  EXPECT_EQ(ok("alice", {"group", "reject", request_id, "--reason", "members only"}),
            "rejected request " + request_id + "\n");
  EXPECT_TRUE(has(ok("bob", {"group", "requests"}), "\trejected"));
  auto again = parley_as("alice", {"group", "approve", request_id});
  EXPECT_EQ(again.status, 1);
  EXPECT_TRUE(has(again.err, "error: conflict:")) << again.err;

  EXPECT_EQ(ok("alice", {"group", "dissolve", "#" + g}), "dissolved #" + g + "\n");
  auto info = parley_as("alice", {"group", "info", g});
  EXPECT_EQ(info.status, 1);
  EXPECT_TRUE(has(info.err, "error: not_found:")) << info.err;
  EXPECT_EQ(parley_as("alice", {"send", "#" + g, "anyone?"}).status, 1);
  EXPECT_TRUE(has(parley_as("alice", {"group", "search", "quiet"}).err, "no groups found"));
}

TEST_F(CliGroupsTest, MentionsAreCountedForWhomTheyName) {
  const std::string g = create("alice", "mentions", {"--policy", "open"});
  ok("bob", {"group", "join", g});
  ok("carol", {"group", "join", g});
  ok("alice", {"send", "#" + g, "@bob are you coming?"});
  ok("alice", {"send", "#" + g, "@all meeting at 8"});
  auto raw = parley_as("bob", {"--json", "history", "#" + g});
  auto messages = boost::json::parse(raw.out).at("messages").as_array();
  auto body = messages.at(messages.size() - 2).at("body");
  EXPECT_EQ(body.at("mentions").at(0), 10002) << raw.out;
  EXPECT_EQ(messages.back().at("body").at("mention_all"), true) << raw.out;
  EXPECT_TRUE(has(ok("bob", {"conversations"}), "  unread=2  mentions=2  "));
  EXPECT_TRUE(has(ok("carol", {"conversations"}), "  unread=2  mentions=1  "));
  // From a member, "@all" is only text: the server would refuse it.
  ok("carol", {"send", "#" + g, "@all hello"});
  auto carols = boost::json::parse(parley_as("carol", {"--json", "history", "#" + g}).out).at("messages").as_array();
  EXPECT_FALSE(carols.back().at("body").as_object().contains("mention_all"));
}

TEST_F(CliGroupsTest, ChatInAGroupShowsNamesAndChangesAndEndsOnRemoval) {
  const std::string g = create("alice", "chat room", {"--policy", "open"});
  ok("bob", {"group", "join", g});
  ok("bob", {"group", "card", g, "Bobby"});
  ok("alice", {"send", "#" + g, "before the chat"});

  int input = -1;
  pid_t chat = start_piped("bob", {"chat", "#" + g}, input, "chat");
  ASSERT_GT(chat, 0);
  ASSERT_TRUE(has(wait_for("chat.err", "chatting in #" + g + " chat room as bob"), "chatting in"))
      << slurp_file(dir_ / "chat.err");
  ASSERT_TRUE(has(wait_for("chat.out", "alice: before the chat"), "before the chat")) << slurp_file(dir_ / "chat.out");

  const std::string line = "hello from the chat\n";
  ASSERT_EQ(::write(input, line.data(), line.size()), static_cast<ssize_t>(line.size()));
  ASSERT_TRUE(has(wait_for("chat.out", "Bobby: hello from the chat"), "Bobby: hello")) << slurp_file(dir_ / "chat.out");
  ok("carol", {"group", "join", g});
  ASSERT_TRUE(has(wait_for("chat.out", "* carol joined"), "* carol joined")) << slurp_file(dir_ / "chat.out");
  ok("carol", {"send", "#" + g, "hi all"});
  ok("alice", {"group", "mute", g, "carol", "10m"});
  ASSERT_TRUE(has(wait_for("chat.out", "* alice muted carol until "), "muted carol")) << slurp_file(dir_ / "chat.out");
  ok("alice", {"group", "kick", g, "bob"});

  // The chat ends by itself; should it not, the test fails rather than hangs.
  if (!has(wait_for("chat.err", "no longer a member"), "no longer a member")) ::kill(chat, SIGINT);
  auto chatted = finish(chat, "chat");
  ::close(input);
  EXPECT_EQ(chatted.status, 0) << chatted.err;
  EXPECT_TRUE(
      in_order(chatted.out, {"alice: before the chat\n", "Bobby: hello from the chat\n", "* carol joined\n",
                             "carol: hi all\n", "* alice muted carol until ", " UTC\n", "* alice removed Bobby\n"}))
      << chatted.out;
  EXPECT_TRUE(has(chatted.err, "you are no longer a member of #" + g)) << chatted.err;
  // A former member has no card there any more: the history names him by nickname.
  EXPECT_TRUE(has(ok("alice", {"history", "#" + g}), "  bob: hello from the chat\n"));
}

TEST_F(CliGroupsTest, ListenTellsJoinRequestsAnswersAndChanges) {
  const std::string g = create("alice", "listened");
  pid_t alice = start_listening("alice", "alice-listen");
  pid_t bob = start_listening("bob", "bob-listen");

  auto asked = ok("bob", {"group", "join", g, "--note", "let me in"});
  const std::string request_id = fact(asked, "request_id");
  EXPECT_TRUE(has(wait_for("alice-listen.err", "asks to join"),
                  "* bob (bob) asks to join #" + g + " listened (request " + request_id + "): \"let me in\"; " +
                      "parley group approve " + request_id))
      << slurp_file(dir_ / "alice-listen.err");
  ok("alice", {"group", "approve", request_id});
  EXPECT_TRUE(has(wait_for("bob-listen.err", "was accepted"),
                  "* request " + request_id + " to join #" + g + " listened was accepted"))
      << slurp_file(dir_ / "bob-listen.err");
  EXPECT_TRUE(has(wait_for("alice-listen.err", "joined"), "* #" + g + ": bob joined (added by alice)"))
      << slurp_file(dir_ / "alice-listen.err");

  ::kill(alice, SIGINT);
  ::kill(bob, SIGINT);
  auto alices = finish(alice, "alice-listen");
  auto bobs = finish(bob, "bob-listen");
  EXPECT_EQ(alices.status, 0) << alices.err;
  // stdout stays one JSON event a line.
  for (const auto& out : {alices.out, bobs.out}) {
    for (const auto& event : lines_of(out)) EXPECT_NO_THROW(boost::json::parse(event)) << event;
  }
  EXPECT_TRUE(has(alices.out, "\"type\":\"group_join_request\"")) << alices.out;
  EXPECT_TRUE(has(bobs.out, "\"type\":\"group_join_response\"")) << bobs.out;
}

TEST_F(CliGroupsTest, BadInputAndRefusals) {
  const std::string g = create("alice", "rules", {"--policy", "open"});
  ok("bob", {"group", "join", g});

  // Mistakes in the arguments: exit status 2, before anything is asked.
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"group"},
           {"group", "nosuchaction"},
           {"group", "info"},
           {"group", "info", "seven"},
           {"group", "info", "#"},
           {"group", "info", "0"},
           {"group", "mute", g, "bob"},
           {"group", "mute", g, "bob", "soon"},
           {"group", "mute", g, "bob", "0"},
           {"group", "mute", g, "bob", "10y"},
           {"group", "mute-all", g, "maybe"},
           {"group", "admin", "promote", g, "bob"},
           {"group", "create", "x", "--policy", "closed"},
           {"group", "create", "x", "--limit", "1"},
           {"group", "update", g},
           {"group", "update", g, "--full-history", "yes"},
           {"group", "approve", "abc"},
           {"send", "#abc", "hi"},
           {"history", "#"},
           {"chat", "#x"},
       }) {
    auto run = parley_as("alice", args);
    EXPECT_EQ(run.status, 2) << args.back() << ": " << run.err;
    EXPECT_TRUE(has(run.err, "error: bad_request: ")) << run.err;
  }
  auto duration = parley_as("alice", {"group", "mute", g, "bob", "10x"});
  EXPECT_TRUE(has(duration.err, "DURATION is a number of seconds, or a number with s, m, h or d")) << duration.err;
  auto group = parley_as("alice", {"group", "members", "seven"});
  EXPECT_TRUE(has(group.err, "GROUP is a group number like 7 or #7, got \"seven\"")) << group.err;

  // Refusals by the server: exit status 1 and its error.
  auto unknown = parley_as("alice", {"group", "info", "999999"});
  EXPECT_EQ(unknown.status, 1);
  EXPECT_TRUE(has(unknown.err, "error: not_found:")) << unknown.err;
  EXPECT_EQ(parley_as("alice", {"send", "#999999", "hi"}).status, 1);
  auto chat = parley_as("alice", {"chat", "#999999"});
  EXPECT_EQ(chat.status, 1);
  EXPECT_TRUE(has(chat.err, "error: not_found:")) << chat.err;
  auto outsider = parley_as("carol", {"chat", "#" + g});
  EXPECT_EQ(outsider.status, 1);
  EXPECT_TRUE(has(outsider.err, "you are not a member of group #" + g)) << outsider.err;
  auto members = parley_as("carol", {"group", "members", g});
  EXPECT_EQ(members.status, 1);
  EXPECT_TRUE(has(members.err, "error: not_found:")) << members.err;
  auto json = parley_as("bob", {"--json", "group", "kick", g, "alice"});
  EXPECT_EQ(json.status, 1);
  EXPECT_EQ(boost::json::parse(json.out).at("code"), "forbidden") << json.out;
  for (const auto& args : std::vector<std::vector<std::string>>{{"group", "mute", g, "alice", "10m"},
                                                                {"group", "dissolve", g},
                                                                {"group", "admin", "add", g, "bob"},
                                                                {"group", "update", g, "--name", "mine"}}) {
    auto run = parley_as("bob", args);
    EXPECT_EQ(run.status, 1) << args[1];
    EXPECT_TRUE(has(run.err, "error: forbidden:")) << args[1] << ": " << run.err;
  }
  auto nobody = parley_as("alice", {"group", "kick", g, "nosuchuser"});
  EXPECT_EQ(nobody.status, 1);
  EXPECT_TRUE(has(nobody.err, "error: not_found:")) << nobody.err;
  auto stranger = parley_as("alice", {"group", "invite", g, "carol"});  // not a friend
  EXPECT_EQ(stranger.status, 1);
  EXPECT_TRUE(has(stranger.err, "error: forbidden:")) << stranger.err;
  auto twice = parley_as("bob", {"group", "join", g});
  EXPECT_EQ(twice.status, 1);
  EXPECT_TRUE(has(twice.err, "error: conflict:")) << twice.err;
  auto too_long = parley_as("alice", {"group", "create", std::string(61, 'n')});
  EXPECT_EQ(too_long.status, 1);
  EXPECT_TRUE(has(too_long.err, "error: bad_request:")) << too_long.err;
  auto logged_out = parley_as("nobody", {"group", "info", g});
  EXPECT_EQ(logged_out.status, 1);
  EXPECT_TRUE(has(logged_out.err, "not logged in")) << logged_out.err;
}

}  // namespace
}  // namespace parley::test
