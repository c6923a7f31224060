#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/context.hpp"

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

// "cli-" + the host name, reduced to what a device id may hold.
std::string default_device();

}  // namespace parley::cli
