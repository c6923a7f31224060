#include "server/net/tls_files.hpp"

#include <cstdio>
#include <filesystem>
#include <memory>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

namespace parley::server {
namespace {

namespace fs = std::filesystem;

template <class T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using CertPtr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using ExtPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION, X509_EXTENSION_free>>;

proto::Error fail(const std::string& what) { return proto::make_error(proto::Errc::internal, "self-signed TLS: " + what); }

bool add_extension(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  ExtPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
  return ext && X509_add_ext(cert, ext.get(), -1) == 1;
}

proto::Status write_pem(const fs::path& path, mode_t mode, bool (*write)(FILE*, void*), void* object) {
  FILE* file = std::fopen(path.c_str(), "w");
  if (file == nullptr) return fail("cannot write " + path.string());
  ::chmod(path.c_str(), mode);
  bool ok = write(file, object);
  ok = std::fclose(file) == 0 && ok;
  if (!ok) return fail("cannot write " + path.string());
  return {};
}

}  // namespace

proto::Result<TlsFiles> ensure_self_signed(const std::string& dir) {
  TlsFiles files{(fs::path(dir) / "self-signed.crt").string(), (fs::path(dir) / "self-signed.key").string()};
  if (fs::exists(files.cert) && fs::exists(files.key)) return files;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return fail("cannot create " + dir + ": " + ec.message());

  KeyPtr key(EVP_EC_gen("P-256"));
  CertPtr cert(X509_new());
  if (!key || !cert) return fail("out of memory");
  X509_set_version(cert.get(), 2);
  unsigned char serial[16];
  FILE* urandom = std::fopen("/dev/urandom", "r");
  if (urandom == nullptr || std::fread(serial, 1, sizeof serial, urandom) != sizeof serial) return fail("no randomness");
  std::fclose(urandom);
  serial[0] &= 0x7F;
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 825L * 24 * 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("Parley"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  if (!add_extension(cert.get(), NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1,IP:::1") ||
      !add_extension(cert.get(), NID_basic_constraints, "critical,CA:FALSE")) {
    return fail("cannot add extensions");
  }
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) return fail("cannot sign");

  auto write_key = [](FILE* f, void* k) {
    return PEM_write_PrivateKey(f, static_cast<EVP_PKEY*>(k), nullptr, nullptr, 0, nullptr, nullptr) == 1;
  };
  auto write_cert = [](FILE* f, void* c) { return PEM_write_X509(f, static_cast<X509*>(c)) == 1; };
  if (auto s = write_pem(files.key, 0600, write_key, key.get()); !s) return s.error();
  if (auto s = write_pem(files.cert, 0644, write_cert, cert.get()); !s) return s.error();
  return files;
}

}  // namespace parley::server
