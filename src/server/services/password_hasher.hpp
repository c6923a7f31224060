#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace parley::server {

// Argon2id password hashing (libsodium). Hashing costs tens of milliseconds and 64 MiB
// by design: call it on a worker thread, never on an I/O thread. Thread-safe.
class PasswordHasher {
 public:
  struct Cost {
    std::uint64_t ops = 2;                       // crypto_pwhash_OPSLIMIT_INTERACTIVE
    std::size_t memory_bytes = 64 * 1024 * 1024;  // crypto_pwhash_MEMLIMIT_INTERACTIVE
  };
  explicit PasswordHasher(Cost cost);

  // An encoded hash ("$argon2id$v=19$m=...") that carries its own salt and cost.
  std::string hash(std::string_view password) const;
  bool verify(std::string_view encoded, std::string_view password) const;
  // Spends the time of a verify() without a real hash, so that a login for an unknown
  // user takes as long as one for a known user.
  void verify_dummy(std::string_view password) const;

 private:
  Cost cost_;
  std::string dummy_hash_;
};

}  // namespace parley::server
