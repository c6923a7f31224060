#include "server/services/password_hasher.hpp"

#include <stdexcept>

#include <sodium.h>

namespace parley::server {

PasswordHasher::PasswordHasher(Cost cost) : cost_(cost) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  if (cost_.ops < crypto_pwhash_OPSLIMIT_MIN || cost_.memory_bytes < crypto_pwhash_MEMLIMIT_MIN) {
    throw std::invalid_argument("argon2 cost below libsodium's minimum");
  }
  dummy_hash_ = hash("parley-dummy-password");
}

std::string PasswordHasher::hash(std::string_view password) const {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), cost_.ops, cost_.memory_bytes,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw std::runtime_error("out of memory while hashing a password");
  }
  return out;
}

bool PasswordHasher::verify(std::string_view encoded, std::string_view password) const {
  std::string copy(encoded);  // libsodium wants a NUL-terminated string
  return crypto_pwhash_str_verify(copy.c_str(), password.data(), password.size()) == 0;
}

void PasswordHasher::verify_dummy(std::string_view password) const { verify(dummy_hash_, password); }

}  // namespace parley::server
