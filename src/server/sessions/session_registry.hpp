#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "proto/codec.hpp"
#include "proto/messages.hpp"
#include "server/sessions/connection.hpp"

namespace parley::server {

// Which connections are logged in as which user and device, on this node. Thread-safe.
// Holds connections weakly: a connection that ends removes itself with detach().
class SessionRegistry {
 public:
  // Told (outside the registry's lock) when a user's first device connects and when the
  // last one goes: presence follows these.
  using OnlineObserver = std::function<void(std::int64_t user_id, bool online)>;
  // Set once, before the server starts.
  void set_online_observer(OnlineObserver observer) { observer_ = std::move(observer); }
  bool is_online(std::int64_t user_id) const;

  // Records `connection` as user/device and returns the other connections of the same
  // user and device, which the caller signs out ("logged in elsewhere").
  std::vector<std::shared_ptr<Connection>> attach(std::int64_t user_id, const std::string& device,
                                                  const std::shared_ptr<Connection>& connection);
  void detach(std::int64_t user_id, std::uint64_t connection_id);

  // Every live connection of the user, except `except_id` (0: none).
  std::vector<std::shared_ptr<Connection>> connections_of(std::int64_t user_id, std::uint64_t except_id = 0) const;
  // The live connections of the user on `device`, except `except_id`.
  std::vector<std::shared_ptr<Connection>> device_connections(std::int64_t user_id, const std::string& device,
                                                              std::uint64_t except_id) const;

  // Sends one frame to every live connection of the user, except `except_id`.
  void send_to_user(std::int64_t user_id, const std::shared_ptr<const std::string>& frame,
                    std::uint64_t except_id = 0) const;

  // The same for many users (a group's members), taking the registry's lock once.
  void send_to_users(std::span<const std::int64_t> user_ids, const std::shared_ptr<const std::string>& frame,
                     std::uint64_t except_id = 0) const;

  // Serialises the event once and sends it to every live connection of the user.
  template <class Event>
  void notify(std::int64_t user_id, std::string_view type, const Event& event, std::uint64_t except_id = 0) const {
    send_to_user(user_id, event_frame(type, proto::encode(event)), except_id);
  }

  static std::shared_ptr<const std::string> event_frame(std::string_view type, boost::json::object data);

 private:
  struct Entry {
    std::string device;
    std::uint64_t connection_id = 0;
    std::weak_ptr<Connection> connection;
  };

  template <class Keep>
  std::vector<std::shared_ptr<Connection>> select(std::int64_t user_id, Keep keep) const;

  OnlineObserver observer_;
  mutable std::mutex mutex_;
  std::unordered_map<std::int64_t, std::vector<Entry>> users_;  // GUARDED_BY(mutex_)
};

}  // namespace parley::server
