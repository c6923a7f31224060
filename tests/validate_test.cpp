#include <gtest/gtest.h>

#include "proto/validate.hpp"

namespace parley::proto {
namespace {

TEST(Validate, Usernames) {
  EXPECT_EQ(fold_username("Alice_1"), "alice_1");
  for (const char* good : {"abc", "alice", "a.b-c_d9", "abcdefghijabcdefghijabcdefghij12"}) {
    EXPECT_TRUE(check_username(good)) << good;
  }
  for (const char* bad : {"ab", "1abc", "_abc", "al ice", "alice!", "ali\xc3\xa9", "abcdefghijabcdefghijabcdefghij123", ""}) {
    auto s = check_username(bad);
    ASSERT_FALSE(s) << bad;
    EXPECT_EQ(s.error().field, "username");
  }
}

TEST(Validate, Passwords) {
  EXPECT_TRUE(check_password("correct horse 1", "alice"));
  EXPECT_TRUE(check_password("密码密码1234", "alice"));
  struct Case {
    const char* password;
    const char* says;
  };
  for (auto c : {Case{"short1", "at least 8"}, Case{"onlyletters", "one letter and one digit"},
                 Case{"12345678", "one letter and one digit"}, Case{"Alice123", ""}}) {
    auto s = check_password(c.password, "alice123");
    ASSERT_FALSE(s) << c.password;
    EXPECT_EQ(s.error().field, "password");
    EXPECT_NE(s.error().message.find(c.says), std::string::npos) << s.error().message;
  }
  EXPECT_FALSE(check_password(std::string(129, 'a') + "1", "alice"));
  EXPECT_EQ(check_password("x", "alice", "new_password").error().field, "new_password");
}

TEST(Validate, ProfileFields) {
  EXPECT_TRUE(check_nickname("爱丽丝 👋"));
  EXPECT_FALSE(check_nickname(""));
  EXPECT_FALSE(check_nickname("a\nb"));
  EXPECT_TRUE(check_nickname(std::string(32 * 3, 'x').substr(0, 32)));
  std::string cjk32;
  for (int i = 0; i < 32; ++i) cjk32 += "字";
  EXPECT_TRUE(check_nickname(cjk32));
  EXPECT_FALSE(check_nickname(cjk32 + "字"));
  EXPECT_TRUE(check_signature("line one\nline two"));
  EXPECT_FALSE(check_signature(std::string(129, 's')));
  EXPECT_TRUE(check_email(""));
  EXPECT_TRUE(check_email("a@b.c"));
  for (const char* bad : {"ab.c", "@b.c", "a@", "a@b@c", "a b@c"}) EXPECT_FALSE(check_email(bad)) << bad;
  EXPECT_TRUE(check_gender("female"));
  EXPECT_FALSE(check_gender("robot"));
  EXPECT_TRUE(check_device("cli-host_1:a.b"));
  EXPECT_FALSE(check_device(""));
  EXPECT_FALSE(check_device("my phone"));
}

TEST(Validate, Birthdays) {
  const char* today = "2026-11-22";
  EXPECT_TRUE(check_birthday("", today));
  EXPECT_TRUE(check_birthday("1999-04-01", today));
  EXPECT_TRUE(check_birthday("2000-02-29", today));
  EXPECT_TRUE(check_birthday("2026-11-22", today));
  for (const char* bad : {"1999-4-1", "1999-02-30", "2001-02-29", "1999/04/01", "abcd-ef-gh", "1850-01-01", "2026-11-23"}) {
    auto s = check_birthday(bad, today);
    ASSERT_FALSE(s) << bad;
    EXPECT_EQ(s.error().field, "birthday");
  }
  EXPECT_EQ(utc_date(0), "1970-01-01");
  EXPECT_EQ(utc_date(1795312496000), "2026-11-22");
}

TEST(Validate, Utf8Length) {
  EXPECT_EQ(utf8_length("abc"), 3u);
  EXPECT_EQ(utf8_length("爱丽丝"), 3u);
  EXPECT_EQ(utf8_length("👋"), 1u);
}

TEST(Validate, FriendsFields) {
  std::string cjk32;
  for (int i = 0; i < 32; ++i) cjk32 += "字";
  EXPECT_TRUE(check_remark(""));
  EXPECT_TRUE(check_remark(cjk32));
  EXPECT_FALSE(check_remark(cjk32 + "字"));
  EXPECT_TRUE(check_category_name(cjk32));
  EXPECT_TRUE(check_category_name("同学"));
  EXPECT_TRUE(check_friend_note(""));
  EXPECT_TRUE(check_friend_note(std::string(128, 'n')));
  EXPECT_TRUE(check_friend_reason(std::string(128, 'r')));
  struct Case {
    Status status;
    const char* field;
  };
  for (const auto& c : {Case{check_remark(std::string(33, 'x')), "remark"}, Case{check_remark("a\tb"), "remark"},
                        Case{check_category_name(""), "name"}, Case{check_category_name(cjk32 + "字"), "name"},
                        Case{check_category_name("a\nb"), "name"}, Case{check_friend_note(std::string(129, 'n')), "note"},
                        Case{check_friend_note("\x7f"), "note"}, Case{check_friend_reason(std::string(129, 'r')), "reason"},
                        Case{check_friend_reason("a\rb"), "reason"}}) {
    ASSERT_FALSE(c.status) << c.field;
    EXPECT_EQ(c.status.error().code, Errc::bad_request);
    EXPECT_EQ(c.status.error().field, c.field);
  }
  EXPECT_NE(check_category_name("").error().message.find("1 to 32 characters"), std::string::npos);
  EXPECT_NE(check_remark(std::string(33, 'x')).error().message.find("at most 32 characters"), std::string::npos);
}

}  // namespace
}  // namespace parley::proto
