#!/bin/sh
# SPDX-License-Identifier: ISC
# mkcert.sh DIR: make a throw-away test CA and a gateway certificate for
# tests/gateway/gpgw.py with the openssl CLI. Both keys are ECDSA P-256;
# the server certificate names DNS:gw.gpvpn.test and IP:198.18.0.1.
# Writes DIR/ca.pem ca.key server.pem server.key and server.pin (the
# "pin-sha256:BASE64" of the server's SPKI, for --servercert).
set -eu

if [ $# -ne 1 ]; then
	echo "usage: $0 DIR" >&2
	exit 64
fi
dir=$1
mkdir -p "$dir"
umask 077

ossl() {
	openssl "$@" 2>"$dir/openssl.err" || {
		cat "$dir/openssl.err" >&2
		echo "mkcert: openssl $1 failed" >&2
		exit 1
	}
}

ossl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
    -out "$dir/ca.key"
ossl req -x509 -new -key "$dir/ca.key" -sha256 -days 30 \
    -subj "/O=gpvpn tests/CN=gpvpn test CA" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -out "$dir/ca.pem"

ossl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
    -out "$dir/server.key"
ossl req -new -key "$dir/server.key" -subj "/O=gpvpn tests/CN=gw.gpvpn.test" \
    -out "$dir/server.csr"
cat >"$dir/server.ext" <<'EOF'
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=DNS:gw.gpvpn.test,IP:198.18.0.1
EOF
ossl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" \
    -set_serial "0x$(openssl rand -hex 8)" -sha256 -days 30 \
    -extfile "$dir/server.ext" -out "$dir/server.pem"

# pin-sha256: base64 of SHA-256 over the DER SubjectPublicKeyInfo.
pin=$(openssl x509 -in "$dir/server.pem" -noout -pubkey |
    openssl pkey -pubin -outform der |
    openssl dgst -sha256 -binary | openssl base64 -A)
printf 'pin-sha256:%s\n' "$pin" >"$dir/server.pin"

# The certificates and the pin are public; the keys stay 0600.
chmod 644 "$dir/ca.pem" "$dir/server.pem" "$dir/server.pin"
rm -f "$dir/server.csr" "$dir/server.ext" "$dir/openssl.err"
