# shellcheck shell=bash
# A local certificate authority and a server certificate signed by it, for
# running paymentd and pspsim over HTTPS on this machine (scripts/run --tls):
#
#   DIR/ca.crt, DIR/ca.key          the CA (clients trust ca.crt: curl
#                                   --cacert, psp.ca_file, pspsim
#                                   --webhook-ca-file)
#   DIR/server.crt, DIR/server.key  for localhost and 127.0.0.1
#
# Made with the openssl CLI. Private keys are 0600 in a 0700 directory: the
# CA key can sign a certificate for any name this machine's clients would
# then trust. Throw-away and local only; never trust this CA anywhere else.
# Sourced after common.sh (pay_info, pay_die), never executed.

PAY_TLS_CA_DAYS=3650
PAY_TLS_SERVER_DAYS=397
# Remade when it would expire within this long.
PAY_TLS_RENEW_BEFORE_S=86400

# True when $1 is a certificate that is still valid for a day.
pay_tls_cert_fresh() {
  local cert="$1"
  [[ -s ${cert} ]] \
    && openssl x509 -in "${cert}" -noout -checkend "${PAY_TLS_RENEW_BEFORE_S}" \
      >/dev/null 2>&1
}

# True when certificate $1 and private key $2 belong together.
pay_tls_key_matches() {
  local cert="$1" key="$2" cert_pub key_pub
  [[ -s ${key} ]] || return 1
  cert_pub="$(openssl x509 -in "${cert}" -noout -pubkey 2>/dev/null)" || return 1
  key_pub="$(openssl pkey -in "${key}" -pubout 2>/dev/null)" || return 1
  [[ -n ${cert_pub} && ${cert_pub} == "${key_pub}" ]]
}

# Makes DIR/ca.crt and DIR/ca.key. Written under temporary names and moved
# into place, so an interrupted run never leaves half a CA behind.
pay_tls_make_ca() {
  local dir="$1"
  (
    umask 077
    openssl req -x509 -newkey rsa:2048 -nodes -sha256 \
      -days "${PAY_TLS_CA_DAYS}" \
      -subj "/CN=payments local development CA" \
      -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
      -addext "keyUsage=critical,keyCertSign,cRLSign" \
      -keyout "${dir}/ca.key.new" -out "${dir}/ca.crt.new" >/dev/null 2>&1
  ) || pay_die "openssl could not make the local CA in ${dir}"
  chmod 0600 "${dir}/ca.key.new"
  chmod 0644 "${dir}/ca.crt.new"
  mv -f "${dir}/ca.key.new" "${dir}/ca.key"
  mv -f "${dir}/ca.crt.new" "${dir}/ca.crt"
}

# Makes DIR/server.crt and DIR/server.key for localhost and 127.0.0.1,
# signed by DIR's CA. RSA, so the same certificate serves every TLS 1.2
# client our servers accept (ECDHE-RSA with AES-GCM or ChaCha20).
pay_tls_make_server_cert() {
  local dir="$1"
  (
    umask 077
    printf '%s\n' \
      "subjectAltName=DNS:localhost,IP:127.0.0.1" \
      "basicConstraints=critical,CA:FALSE" \
      "keyUsage=critical,digitalSignature,keyEncipherment" \
      "extendedKeyUsage=serverAuth" >"${dir}/server.ext"
    openssl req -newkey rsa:2048 -nodes -sha256 -subj "/CN=localhost" \
      -keyout "${dir}/server.key.new" -out "${dir}/server.csr" >/dev/null 2>&1 \
      && openssl x509 -req -sha256 -days "${PAY_TLS_SERVER_DAYS}" \
        -in "${dir}/server.csr" -CA "${dir}/ca.crt" -CAkey "${dir}/ca.key" \
        -CAcreateserial -CAserial "${dir}/ca.srl" \
        -extfile "${dir}/server.ext" -out "${dir}/server.crt.new" >/dev/null 2>&1
  ) || pay_die "openssl could not make the server certificate in ${dir}"
  rm -f "${dir}/server.csr" "${dir}/server.ext"
  chmod 0600 "${dir}/server.key.new"
  chmod 0644 "${dir}/server.crt.new"
  mv -f "${dir}/server.key.new" "${dir}/server.key"
  mv -f "${dir}/server.crt.new" "${dir}/server.crt"
}

# Usage: pay_tls_ensure DIR
# Makes whatever of the CA and the server certificate is missing, expiring,
# unmatched by its key or (for the server certificate) not signed by DIR's
# CA; keeps what is fine. A new CA always brings a new server certificate.
pay_tls_ensure() {
  local dir="$1"
  [[ -n ${dir} ]] || pay_die "pay_tls_ensure needs a directory"
  command -v openssl >/dev/null 2>&1 \
    || pay_die "openssl is not installed (scripts/lib/deps.sh installs it)"
  mkdir -p "${dir}" || pay_die "cannot create ${dir}"
  chmod 0700 "${dir}" || pay_die "cannot restrict ${dir} to its owner"

  local new_ca=0
  if ! pay_tls_cert_fresh "${dir}/ca.crt" \
    || ! pay_tls_key_matches "${dir}/ca.crt" "${dir}/ca.key"; then
    pay_info "making a local CA in ${dir}"
    pay_tls_make_ca "${dir}"
    new_ca=1
  fi
  if ((new_ca)) \
    || ! pay_tls_cert_fresh "${dir}/server.crt" \
    || ! pay_tls_key_matches "${dir}/server.crt" "${dir}/server.key" \
    || ! openssl verify -CAfile "${dir}/ca.crt" "${dir}/server.crt" \
      >/dev/null 2>&1; then
    pay_info "making a server certificate for localhost and 127.0.0.1 in ${dir}"
    pay_tls_make_server_cert "${dir}"
  fi
  # Also when both were kept: modes may have been loosened since.
  chmod 0600 "${dir}/ca.key" "${dir}/server.key"
}
