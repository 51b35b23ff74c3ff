#include "http/tls_context.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <boost/asio/ip/address.hpp>

namespace pay::http {
namespace {

namespace ssl = boost::asio::ssl;

// ECDHE for forward secrecy, AEAD only: no CBC (Lucky13, POODLE-style
// padding oracles), no RSA key exchange, no SHA-1 MACs.
constexpr const char* tls12_ciphers =
  "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
  "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
  "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

// The oldest entry of OpenSSL's error queue, which names the real cause;
// the queue is emptied so the next caller starts clean.
std::string openssl_reason() {
  const unsigned long first = ERR_get_error();
  ERR_clear_error();
  if (first == 0) return "unknown OpenSSL error";
  char text[256];
  ERR_error_string_n(first, text, sizeof text);
  return text;
}

// OpenSSL's own message for a missing file is "system library"; the
// errno says which.
std::string unreadable(const std::string& what, const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "r");
  if (file == nullptr) {
    return "cannot read " + what + " " + path + ": " + std::strerror(errno);
  }
  std::fclose(file);
  return {};
}

// Settings shared by both ends: the protocol floor, and no compression
// (CRIME) or renegotiation (a CPU lever for a peer).
void restrict_protocols(ssl::context& ctx) {
  ctx.set_options(ssl::context::no_sslv2 | ssl::context::no_sslv3
                  | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1
                  | ssl::context::no_compression);
  SSL_CTX* native = ctx.native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  SSL_CTX_set_options(native, SSL_OP_NO_RENEGOTIATION);
}

bool is_ip_address(const std::string& host) {
  boost::system::error_code ec;
  boost::asio::ip::make_address(host, ec);
  return !ec;
}

}  // namespace

tls_context_result make_server_tls_context(const server_tls& files) {
  if (files.cert_chain_file.empty() || files.private_key_file.empty()) {
    return {nullptr, "TLS needs both a certificate chain file and a key file"};
  }
  for (const auto& [what, path] :
       {std::pair{"TLS certificate chain", &files.cert_chain_file},
        std::pair{"TLS private key", &files.private_key_file}}) {
    if (auto error = unreadable(what, *path); !error.empty()) {
      return {nullptr, std::move(error)};
    }
  }
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  restrict_protocols(*ctx);
  SSL_CTX* native = ctx->native_handle();
  SSL_CTX_set_options(native, SSL_OP_CIPHER_SERVER_PREFERENCE);
  if (SSL_CTX_set_cipher_list(native, tls12_ciphers) != 1) {
    return {nullptr, "cannot set the TLS 1.2 cipher list: " + openssl_reason()};
  }
  ERR_clear_error();
  if (SSL_CTX_use_certificate_chain_file(native, files.cert_chain_file.c_str())
      != 1) {
    return {nullptr,
            "TLS certificate chain " + files.cert_chain_file
              + " is not a usable PEM certificate: " + openssl_reason()};
  }
  if (SSL_CTX_use_PrivateKey_file(native, files.private_key_file.c_str(),
                                  SSL_FILETYPE_PEM)
      != 1) {
    // Loading checks the key against the certificate already set.
    const unsigned long first = ERR_peek_error();
    const bool mismatch = ERR_GET_LIB(first) == ERR_LIB_X509
                          && ERR_GET_REASON(first)
                               == X509_R_KEY_VALUES_MISMATCH;
    return {nullptr, "TLS private key " + files.private_key_file
                       + (mismatch ? " does not match the certificate in "
                                       + files.cert_chain_file
                                   : std::string(" is not a usable PEM key"))
                       + ": " + openssl_reason()};
  }
  if (SSL_CTX_check_private_key(native) != 1) {
    return {nullptr, "TLS private key " + files.private_key_file
                       + " does not match the certificate in "
                       + files.cert_chain_file + ": " + openssl_reason()};
  }
  return {std::move(ctx), {}};
}

tls_context_result make_client_tls_context(const client_tls& trust) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  restrict_protocols(*ctx);
  ERR_clear_error();
  if (trust.ca_file.empty()) {
    if (SSL_CTX_set_default_verify_paths(ctx->native_handle()) != 1) {
      return {nullptr,
              "cannot load the system's trusted CAs: " + openssl_reason()};
    }
  } else {
    if (auto error = unreadable("TLS CA file", trust.ca_file); !error.empty()) {
      return {nullptr, std::move(error)};
    }
    if (SSL_CTX_load_verify_locations(ctx->native_handle(),
                                      trust.ca_file.c_str(), nullptr)
        != 1) {
      return {nullptr,
              "TLS CA file " + trust.ca_file
                + " holds no usable PEM certificate: " + openssl_reason()};
    }
  }
  ctx->set_verify_mode(ssl::verify_peer);
  return {std::move(ctx), {}};
}

std::string check_client_tls(const client_tls& tls) {
  if (!tls.enabled) return {};
  return make_client_tls_context(tls).error;
}

std::string prepare_client_tls(SSL* ssl, const std::string& host) {
  ERR_clear_error();
  if (is_ip_address(host)) {
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    if (X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str()) != 1) {
      return "cannot expect IP address " + host
             + " in the certificate: " + openssl_reason();
    }
    return {};
  }
  if (SSL_set_tlsext_host_name(ssl, host.c_str()) != 1) {
    return "cannot set the TLS server name " + host + ": " + openssl_reason();
  }
  SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  if (SSL_set1_host(ssl, host.c_str()) != 1) {
    return "cannot expect host name " + host
           + " in the certificate: " + openssl_reason();
  }
  return {};
}

std::string describe_handshake_failure(SSL* ssl,
                                       const boost::system::error_code& ec) {
  const long verdict = SSL_get_verify_result(ssl);
  if (verdict != X509_V_OK) {
    return std::string("TLS handshake failed: peer certificate rejected: ")
           + X509_verify_cert_error_string(verdict);
  }
  return "TLS handshake failed: " + ec.message();
}

}  // namespace pay::http
