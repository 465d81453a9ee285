#!/usr/bin/env bash
# Regenerates the PKCS#10 test inputs in this folder with OpenSSL 3 and coreutils (keys are fresh each run, so the files
# change; the cases do not). Run from anywhere: ./make-testdata.sh
#
# Good requests (must parse; most must verify):
#   csr-p256-dns.der            P-256, ecdsa-with-SHA256, SAN DNS:x.example.test
#   csr-p384-sha384.der         P-384, ecdsa-with-SHA384
#   csr-p521-sha512.der         P-521, ecdsa-with-SHA512
#   csr-rsa2048.der             RSA-2048, sha256WithRSAEncryption
#   csr-rsa1024.der             RSA-1024 (parses; policy refuses it later)
#   csr-rsa2048-pss.der         RSA-2048 key, RSASSA-PSS SHA-256, salt 32 (verifiable)
#   csr-rsa2048-pss-saltmax.der RSASSA-PSS with OpenSSL's default maximal salt (222): parses, the BCL cannot verify it
#   csr-rsapss-key.der          key of type id-RSASSA-PSS (from -newkey rsa-pss), PSS SHA-256 salt 32
#   csr-rsa2048-sha1.der        sha1WithRSAEncryption: parses, VerifySignature refuses SHA-1
#   csr-ed25519.der             Ed25519 key and signature: parses, not verifiable with the .NET 10 BCL
#   csr-challenge-password.der  challengePassword "s3cret-Pass" plus SAN
#   csr-p256-all-sans.der       every GeneralName kind OpenSSL can write
# Bad requests (Parse must throw CsrFormatException):
#   csr-empty.der, csr-truncated.der, csr-trailing-garbage.der, csr-not-der-ber-indefinite.der, csr-wrong-version.der,
#   csr-bad-spki.der (EC point prefix 0x04 patched to 0x05), csr-bad-san.der (1-byte iPAddress, properly signed),
#   csr-duplicate-extension.der (subjectAltName twice, properly signed), csr-random-bytes.der,
#   csr-certificate-instead.der (a self-signed X.509 certificate)
set -euo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

req() { openssl req -new -nodes -keyout "$tmp/key.pem" -outform DER "$@" 2>/dev/null; }
ec() { req -newkey ec -pkeyopt "ec_paramgen_curve:$1" "${@:2}"; }

# --- good ---
ec P-256 -subj /CN=x -addext subjectAltName=DNS:x.example.test -out csr-p256-dns.der
ec P-384 -sha384 -subj /CN=p384.example.test -out csr-p384-sha384.der
ec P-521 -sha512 -subj /CN=p521.example.test -out csr-p521-sha512.der
req -newkey rsa:2048 -subj "/CN=rsa2048.example.test/O=Example/C=DE" -addext subjectAltName=DNS:rsa2048.example.test -out csr-rsa2048.der
req -newkey rsa:1024 -subj /CN=rsa1024.example.test -out csr-rsa1024.der
req -newkey rsa:2048 -subj /CN=pss.example.test -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:digest -out csr-rsa2048-pss.der
req -newkey rsa:2048 -subj /CN=pss-saltmax.example.test -sigopt rsa_padding_mode:pss -out csr-rsa2048-pss-saltmax.der
req -newkey rsa-pss -pkeyopt rsa_keygen_bits:2048 -subj /CN=pss-key.example.test -sigopt rsa_pss_saltlen:digest -out csr-rsapss-key.der
req -newkey rsa:2048 -sha1 -subj /CN=sha1.example.test -out csr-rsa2048-sha1.der
req -newkey ed25519 -subj /CN=ed25519.example.test -out csr-ed25519.der
cat > "$tmp/cp.cnf" <<'EOF'
[req]
prompt = no
distinguished_name = dn
attributes = attrs
req_extensions = ext
[dn]
CN = scep-device-01
[attrs]
challengePassword = s3cret-Pass
[ext]
subjectAltName = DNS:scep-device-01.example.test
EOF
ec P-256 -config "$tmp/cp.cnf" -out csr-challenge-password.der
cat > "$tmp/sans.cnf" <<'EOF'
[req]
prompt = no
distinguished_name = dn
req_extensions = ext
[dn]
CN = all-sans
[ext]
subjectAltName = @alt
[alt]
DNS.1 = Host.Example.TEST
IP.1 = 192.0.2.7
IP.2 = 2001:DB8:0:0:0:0:0:1
email.1 = ops@example.test
URI.1 = https://example.test/device/7
otherName.1 = 1.3.6.1.4.1.311.20.2.3;UTF8:user@corp.example.test
dirName.1 = dir
RID.1 = 1.2.3.4
[dir]
CN = directory-name
O = Example
EOF
ec P-256 -config "$tmp/sans.cnf" -out csr-p256-all-sans.der

# --- bad ---
good=csr-p256-dns.der
size=$(stat -c %s "$good")
: > csr-empty.der
head -c $((size / 2)) "$good" > csr-truncated.der
{ cat "$good"; printf 'garbage!'; } > csr-trailing-garbage.der

# Outer SEQUENCE re-encoded with BER indefinite length: 30 80 <contents> 00 00.
hl=$(openssl asn1parse -inform DER -in "$good" | head -1 | sed -E 's/.*hl=([0-9]+).*/\1/')
{ printf '\x30\x80'; tail -c +$((hl + 1)) "$good"; printf '\x00\x00'; } > csr-not-der-ber-indefinite.der

# version INTEGER 0 -> 1 (first INTEGER in the file).
off=$(openssl asn1parse -inform DER -in "$good" | grep -m1 'INTEGER' | sed -E 's/^ *([0-9]+):.*/\1/')
cp "$good" csr-wrong-version.der
printf '\x01' | dd of=csr-wrong-version.der bs=1 seek=$((off + 2)) conv=notrunc status=none

# EC point 04||X||Y -> 05||X||Y: the subjectPublicKey BIT STRING is the first one; skip its header and unused-bits byte.
line=$(openssl asn1parse -inform DER -in "$good" | grep -m1 'BIT STRING')
off=$(echo "$line" | sed -E 's/^ *([0-9]+):.*/\1/')
bhl=$(echo "$line" | sed -E 's/.*hl=([0-9]+).*/\1/')
cp "$good" csr-bad-spki.der
printf '\x05' | dd of=csr-bad-spki.der bs=1 seek=$((off + bhl + 1)) conv=notrunc status=none

ec P-256 -subj /CN=bad-san -addext subjectAltName=DER:3003870101 -out csr-bad-san.der
ec P-256 -subj /CN=dup-ext -addext subjectAltName=DNS:a.example.test \
  -addext 2.5.29.17=DER:3010820e622e6578616d706c652e74657374 -out csr-duplicate-extension.der
head -c 300 /dev/urandom > csr-random-bytes.der
openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$tmp/key.pem" -subj /CN=cert \
  -days 1 -outform DER -out csr-certificate-instead.der 2>/dev/null

# X.501 Names for DerName (fixed bytes; CN=test is 30 0f 31 0d 30 0b 06 03 55 04 03 0c 04 74 65 73 74):
#   name-cn.der (good), name-trailing-data.der (00 after it), name-empty-rdn.der (30 02 31 00),
#   name-attribute-no-oid.der, name-attribute-no-value.der, name-attribute-extra-value.der,
#   name-ber-long-length.der (81 0f: a long-form length DER forbids), name-truncated.der (last 3 bytes cut)
printf '%s' 300f310d300b0603550403""0c0474657374 | xxd -r -p > name-cn.der
printf '%s' 300f310d300b0603550403""0c047465737400 | xxd -r -p > name-trailing-data.der
printf '%s' 30023100 | xxd -r -p > name-empty-rdn.der
printf '%s' 300a310830060c0474657374 | xxd -r -p > name-attribute-no-oid.der
printf '%s' 30093107300506035504""03 | xxd -r -p > name-attribute-no-value.der
printf '%s' 30123110300e0603550403""0c0474657374""0c0178 | xxd -r -p > name-attribute-extra-value.der
printf '%s' 30810f310d300b0603550403""0c0474657374 | xxd -r -p > name-ber-long-length.der
printf '%s' 300f310d300b0603550403""0c04""74 | xxd -r -p > name-truncated.der

ls -l *.der
