#pragma once

#include <string>

#include "proto/errors.hpp"

namespace parley::server {

struct TlsFiles {
  std::string cert;  // PEM certificate chain
  std::string key;   // PEM private key
};

// The self-signed certificate in DIR (self-signed.crt and .key), made on first use: an
// EC P-256 key and a certificate for localhost and 127.0.0.1, valid for 825 days.
proto::Result<TlsFiles> ensure_self_signed(const std::string& dir);

}  // namespace parley::server
