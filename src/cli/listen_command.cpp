// listen: print every event as one JSON line until the connection closes or SIGINT.
// Without --json, the group events and the changes to groups are also told in words, on
// stderr, so that stdout stays one JSON event a line for scripts.
#include <algorithm>
#include <array>
#include <iostream>

#include "cli/chat_support.hpp"
#include "cli/commands.hpp"
#include "cli/group_support.hpp"
#include "cli/live_connection.hpp"
#include "proto/codec.hpp"

namespace parley::cli {
namespace {

constexpr std::chrono::milliseconds kPollInterval{200};

// Text that others wrote, on one line and safe for a terminal.
std::string safe(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  return printable(text, "");
}

std::string group_title(std::int64_t group_id, const std::string& name) {
  return group_label(group_id) + " " + safe(name);
}

// Tells events for people: "* bob asks to join #7 Hiking (request 31) ...". People are
// named by nickname, asked for over the listening connection once each.
class Narrator {
 public:
  Narrator(const Context& context, client::Client& client) : context_(context), channel_(client) {}

  void tell(const proto::Event& event) {
    static constexpr std::array<std::pair<std::string_view, void (Narrator::*)(const boost::json::object&)>, 3>
        kTellers{{
            {proto::event::kGroupJoinRequest, &Narrator::join_request},
            {proto::event::kGroupJoinResponse, &Narrator::join_response},
            {proto::event::kMessage, &Narrator::message},
        }};
    if (context_.out().json()) return;
    for (const auto& [type, teller] : kTellers) {
      if (event.type == type) (this->*teller)(event.data);
    }
  }

 private:
  void join_request(const boost::json::object& data) {
    auto r = proto::decode<proto::GroupJoinRequestInfo>(data);
    if (!r) return;
    const std::string who = r->user.username + " (" + safe(r->user.nickname) + ")";
    const std::string id = std::to_string(r->request_id);
    std::string line =
        r->inviter_id != 0 ? "* " + name(r->inviter_id) + " invited " + who + " to " : "* " + who + " asks to join ";
    line += group_title(r->group_id, r->group_name) + " (request " + id + ")";
    if (!r->note.empty()) line += ": \"" + safe(r->note) + "\"";
    context_.out().note(line + "; parley group approve " + id + ", or reject " + id);
  }

  void join_response(const boost::json::object& data) {
    auto r = proto::decode<proto::GroupJoinResponseEvent>(data);
    if (!r) return;
    std::string line = "* request " + std::to_string(r->request_id) + " to join " +
                       group_title(r->group_id, r->group_name) + (r->accepted ? " was accepted" : " was rejected");
    if (!r->reason.empty()) line += ": " + safe(r->reason);
    context_.out().note(line);
  }

  void message(const boost::json::object& data) {
    auto m = proto::decode<proto::ChatMessage>(data);
    if (!m || m->kind != proto::kind::kSystem) return;
    const NameOf name_of = [this](std::int64_t id) { return name(id); };
    context_.out().note("* " + group_label(m->conversation_id) + ": " + system_text(*m, name_of));
  }

  std::string name(std::int64_t user_id) { return names_.name(channel_, user_id); }

  const Context& context_;
  SocketChannel channel_;
  GroupNames names_;  // of no group in particular: nicknames, no cards
};

void print_event(const proto::Event& event, Narrator& narrator) {
  std::cout << proto::serialize(event) << std::endl;  // flushed: a reader may be waiting
  narrator.tell(event);
}

int listen(const Context& context, client::Client& client) {
  Narrator narrator(context, client);
  for (;;) {
    if (stop_requested()) {
      client.close();
      return kExitOk;
    }
    if (auto event = client.next_event(kPollInterval)) {
      print_event(*event, narrator);
      continue;
    }
    if (!client.is_open()) break;
  }
  // Events queued before the close still count.
  while (auto event = client.next_event(std::chrono::milliseconds(0))) print_event(*event, narrator);
  auto info = client.wait_closed(std::chrono::milliseconds(0));
  return report_close(context, info.value_or(client::CloseInfo{}));
}

Outcome<LiveConnection> connect_listener(const Context& context) {
  auto saved = load_session(context);
  if (!saved) return saved.error();
  return connect_live(context, *saved);
}

}  // namespace

int run_listen(const Context& context) {
  auto listener = connect_listener(context);
  if (!listener) return context.out().fail(listener.error());
  install_stop_handlers();  // only now: until here Ctrl-C simply ends the process
  const proto::AuthResult& auth = listener->auth;
  context.out().note("listening as " + auth.username + " (user_id " + std::to_string(auth.user_id) + ", device " +
                     auth.device + "); Ctrl-C stops");
  return listen(context, *listener->client);
}

}  // namespace parley::cli
