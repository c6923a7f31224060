// The CLI's group pieces that need no server: GROUP and DURATION arguments, the names
// people go by, mentions, and system entries in words.
#include <map>

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include "cli/group_support.hpp"

namespace parley::cli {
namespace {

// Answers profile_get from a table, and counts what it was asked.
class FakeChannel final : public Channel {
 public:
  Outcome<boost::json::object> request(std::string_view type, const boost::json::object& data) const override {
    ++asked;
    if (type != proto::type::kProfileGet) return Failure(proto::make_error(proto::Errc::unknown_type, "no"));
    auto it = profiles.find(data.at("user_id").as_int64());
    if (it == profiles.end()) return Failure(proto::make_error(proto::Errc::not_found, "no such user"));
    return proto::encode(it->second);
  }

  std::map<std::int64_t, proto::Profile> profiles;
  mutable int asked = 0;
};

proto::ChatMessage entry(const std::string& body) {
  proto::ChatMessage m;
  m.conversation_id = 7;
  m.kind = proto::kind::kSystem;
  m.body = boost::json::parse(body).as_object();
  return m;
}

proto::GroupMember member(std::int64_t id, std::string username, std::string role, std::string card = "") {
  proto::GroupMember m;
  m.user_id = id;
  m.username = username;
  m.nickname = "nick-" + username;
  m.role = std::move(role);
  m.card = std::move(card);
  return m;
}

std::string by_name(std::int64_t id) {
  static const std::map<std::int64_t, std::string> names{{1, "alice"}, {2, "bob"}, {3, "carol"}};
  return names.at(id);
}

TEST(CliGroupSupport, GroupArguments) {
  EXPECT_EQ(*parse_group("7"), 7);
  EXPECT_EQ(*parse_group("#42"), 42);
  for (const char* bad : {"", "#", "x", "#x", "7x", "-7", "0", "#0", "##7", "99999999999999999999"}) {
    auto id = parse_group(bad);
    ASSERT_FALSE(id) << bad;
    EXPECT_EQ(id.error().exit_code, kExitUsage);
  }
  EXPECT_FALSE(*group_target("bob"));
  EXPECT_FALSE(*group_target("10002"));  // a user id
  EXPECT_EQ(**group_target("#7"), 7);
  EXPECT_FALSE(group_target("#bob"));
  EXPECT_EQ(group_label(7), "#7");
}

TEST(CliGroupSupport, Durations) {
  EXPECT_EQ(*parse_duration("90"), 90);
  EXPECT_EQ(*parse_duration("90s"), 90);
  EXPECT_EQ(*parse_duration("10m"), 600);
  EXPECT_EQ(*parse_duration("2h"), 7200);
  EXPECT_EQ(*parse_duration("1d"), 86400);
  EXPECT_EQ(*parse_duration("30D"), 30 * 86400);
  for (const char* bad : {"", "0", "0m", "m", "-5", "1.5h", "10x", "1h30m", "h1", " 5", "999999999999999999d"}) {
    auto seconds = parse_duration(bad);
    ASSERT_FALSE(seconds) << bad;
    EXPECT_EQ(seconds.error().exit_code, kExitUsage);
  }
}

TEST(CliGroupSupport, SystemEntriesInWords) {
  auto say = [](const std::string& body) { return system_text(entry(body), by_name); };
  EXPECT_EQ(say(R"({"event":"created","by":1,"name":"周末爬山 Hiking"})"),
            "alice created the group \"周末爬山 Hiking\"");
  EXPECT_EQ(say(R"({"event":"joined","by":2,"user_id":2})"), "bob joined");
  EXPECT_EQ(say(R"({"event":"joined","by":1,"user_id":2})"), "bob joined (added by alice)");
  EXPECT_EQ(say(R"({"event":"left","by":2,"user_id":2})"), "bob left");
  EXPECT_EQ(say(R"({"event":"removed","by":1,"user_id":3})"), "alice removed carol");
  EXPECT_EQ(say(R"({"event":"muted","by":1,"user_id":3,"until":1795319340169})"),
            "alice muted carol until 2026-11-22 03:49 UTC");
  EXPECT_EQ(say(R"({"event":"unmuted","by":1,"user_id":3})"), "alice unmuted carol");
  EXPECT_EQ(say(R"({"event":"muted_all","by":1,"muted":true})"),
            "alice muted the group: only the owner and admins may send");
  EXPECT_EQ(say(R"({"event":"muted_all","by":1,"muted":false})"), "alice unmuted the group");
  EXPECT_EQ(say(R"({"event":"admin","by":1,"user_id":2,"admin":true})"), "alice made bob an admin");
  EXPECT_EQ(say(R"({"event":"admin","by":1,"user_id":2,"admin":false})"), "alice revoked bob's admin role");
  EXPECT_EQ(say(R"({"event":"owner","by":1,"user_id":2})"), "alice handed the group to bob, the new owner");
  EXPECT_EQ(
      say(R"({"event":"updated","by":2,"name":"新名字","join_policy":"open","member_limit":600,"full_history":true})"),
      "bob changed the group: name \"新名字\", join policy \"open\", member limit 600, full history on");
  EXPECT_EQ(say(R"({"event":"card","by":2,"user_id":2,"card":"领队\nBob"})"), "bob set their card to \"领队 Bob\"");
  EXPECT_EQ(say(R"({"event":"card","by":2,"user_id":2,"card":""})"), "bob cleared their card");
  EXPECT_EQ(say(R"({"event":"dissolved","by":1})"), "alice dissolved the group");
  EXPECT_EQ(say(R"({"event":"renamed_planet","by":1})"), "(group event \"renamed_planet\")");
  // Text from the log cannot drive the terminal.
  EXPECT_EQ(say(R"({"event":"created","by":1,"name":"x\u001b[2Jy"})"), "alice created the group \"x\xEF\xBF\xBD[2Jy\"");
}

TEST(CliGroupSupport, WhatEndsAMembership) {
  EXPECT_TRUE(ends_membership(entry(R"({"event":"removed","by":1,"user_id":2})"), 2));
  EXPECT_FALSE(ends_membership(entry(R"({"event":"removed","by":1,"user_id":3})"), 2));
  EXPECT_TRUE(ends_membership(entry(R"({"event":"left","by":2,"user_id":2})"), 2));
  EXPECT_TRUE(ends_membership(entry(R"({"event":"dissolved","by":1})"), 2));
  EXPECT_FALSE(ends_membership(entry(R"({"event":"joined","by":2,"user_id":2})"), 2));
}

TEST(CliGroupSupport, NamesAreCardsThenNicknamesAndFollowTheLog) {
  FakeChannel channel;
  proto::Profile dave;
  dave.user_id = 4;
  dave.username = "dave";
  dave.nickname = "Dave 大卫";
  channel.profiles[4] = dave;
  GroupNames names;
  names.add(member(1, "alice", "owner", "领队 Alice"));
  names.add(member(2, "bob", "member"));
  EXPECT_EQ(names.name(channel, 1), "领队 Alice");
  EXPECT_EQ(names.name(channel, 2), "nick-bob");
  EXPECT_EQ(channel.asked, 0);

  names.apply(entry(R"({"event":"card","by":2,"user_id":2,"card":"Bobby"})"));
  EXPECT_EQ(names.name(channel, 2), "Bobby");
  // Someone new is looked up once; one who cannot be found is "user N".
  names.apply(entry(R"({"event":"joined","by":4,"user_id":4})"));
  EXPECT_EQ(names.name(channel, 4), "Dave 大卫");
  EXPECT_EQ(names.name(channel, 4), "Dave 大卫");
  EXPECT_EQ(names.name(channel, 9), "user 9");
  EXPECT_EQ(names.name(channel, 9), "user 9");
  EXPECT_EQ(channel.asked, 2);
  EXPECT_EQ(names.member_by_username("dave"), 4);
  EXPECT_EQ(names.role(4), "member");

  names.apply(entry(R"({"event":"admin","by":1,"user_id":2,"admin":true})"));
  EXPECT_EQ(names.role(2), "admin");
  names.apply(entry(R"({"event":"owner","by":1,"user_id":2})"));
  EXPECT_EQ(names.role(2), "owner");
  EXPECT_EQ(names.role(1), "member");
  names.apply(entry(R"({"event":"removed","by":2,"user_id":4})"));
  EXPECT_EQ(names.member_by_username("dave"), std::nullopt);
  EXPECT_EQ(names.name(channel, 4), "Dave 大卫");  // still named in the log
}

TEST(CliGroupSupport, Mentions) {
  GroupNames names;
  names.add(member(1, "alice", "owner"));
  names.add(member(2, "bob", "member"));
  names.add(member(3, "carol.w", "member"));

  auto found = find_mentions("@bob @Carol.W. see you, @bob; mail x@alice.com, @nobody", names, "member");
  EXPECT_EQ(found.users, (std::vector<std::int64_t>{2, 3}));
  EXPECT_FALSE(found.all);
  EXPECT_TRUE(find_mentions("@all 开会", names, "owner").all);
  EXPECT_TRUE(find_mentions("hi\n@all", names, "admin").all);
  EXPECT_FALSE(find_mentions("@all 开会", names, "member").all);
  EXPECT_TRUE(find_mentions("no one", names, "owner").users.empty());

  auto request = group_text_message(7, "@bob hi", find_mentions("@bob hi", names, "member"));
  EXPECT_EQ(request.conversation_id, 7);
  EXPECT_FALSE(request.to);
  EXPECT_EQ(request.body.at("text"), "@bob hi");
  EXPECT_EQ(request.body.at("mentions").as_array().size(), 1u);
  EXPECT_FALSE(request.body.contains("mention_all"));
  EXPECT_FALSE(group_text_message(7, "hi", {}).body.contains("mentions"));
}

}  // namespace
}  // namespace parley::cli
