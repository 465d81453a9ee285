#!/usr/bin/env python3
"""Regenerates the OCSP request test files (python3 + openssl 3). Run from this directory; commit the results.

Valid requests are made by `openssl ocsp -reqout` for a throwaway CA (foreign-ca.pem) and leaf; malformed ones are
either cut from them or assembled here byte by byte with a minimal DER writer.
"""
import os, subprocess

def run(*args):
    subprocess.run(args, check=True, capture_output=True)

def der(tag, content):
    n = len(content)
    if n < 0x80:
        length = bytes([n])
    else:
        b = n.to_bytes((n.bit_length() + 7) // 8, "big")
        length = bytes([0x80 | len(b)]) + b
    return bytes([tag]) + length + content

def seq(*items): return der(0x30, b"".join(items))
def octets(b): return der(0x04, b)
def oid(dotted):
    parts = [int(p) for p in dotted.split(".")]
    body = bytes([parts[0] * 40 + parts[1]])
    for p in parts[2:]:
        chunk = [p & 0x7F]
        p >>= 7
        while p:
            chunk.insert(0, 0x80 | (p & 0x7F))
            p >>= 7
        body += bytes(chunk)
    return der(0x06, body)
def integer(value): return der(0x02, value.to_bytes((value.bit_length() + 8) // 8, "big"))
NULL = b"\x05\x00"
TRUE = b"\x01\x01\xff"
SHA1, SHA256, MD5 = "1.3.14.3.2.26", "2.16.840.1.101.3.4.2.1", "1.2.840.113549.2.5"
NONCE = "1.3.6.1.5.5.7.48.1.2"

def cert_id(hash_oid, name_hash, key_hash, serial, params=NULL):
    return seq(seq(oid(hash_oid) + params), octets(name_hash), octets(key_hash), integer(serial))

def request(*cert_ids, extensions=None):
    tbs = seq(seq(*[seq(c) for c in cert_ids]), *([der(0xA2, seq(*extensions))] if extensions else []))
    return seq(tbs)

def write(name, data):
    with open(name, "wb") as f:
        f.write(data)

# A throwaway CA and two leaves, for openssl-made requests.
run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "3650",
    "-subj", "/O=Elsewhere/CN=Foreign Test CA", "-keyout", "foreign-ca.key", "-out", "foreign-ca.pem")
for leaf in ("leaf-a", "leaf-b"):
    run("openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", f"/CN={leaf}.test",
        "-keyout", f"{leaf}.key", "-out", f"{leaf}.csr")
    run("openssl", "x509", "-req", "-in", f"{leaf}.csr", "-CA", "foreign-ca.pem", "-CAkey", "foreign-ca.key", "-days", "3650", "-out", f"{leaf}.pem")
    os.remove(f"{leaf}.csr"); os.remove(f"{leaf}.key")
os.remove("foreign-ca.key")

run("openssl", "ocsp", "-issuer", "foreign-ca.pem", "-cert", "leaf-a.pem", "-no_nonce", "-reqout", "valid-sha1.der")
run("openssl", "ocsp", "-sha256", "-issuer", "foreign-ca.pem", "-cert", "leaf-a.pem", "-nonce", "-reqout", "valid-sha256-nonce.der")
run("openssl", "ocsp", "-issuer", "foreign-ca.pem", "-cert", "leaf-a.pem", "-cert", "leaf-b.pem", "-no_nonce", "-reqout", "two-requests.der")
valid = open("valid-sha1.der", "rb").read()

write("empty.der", b"")
write("garbage.bin", b"this is not an OCSP request\n")
write("truncated.der", valid[: len(valid) // 2])
write("trailing-data.der", valid + b"\x00\x01\x02")
write("wrong-outer-length.der", bytes([valid[0], valid[1] + 5]) + valid[2:])
write("certificate-not-request.der", subprocess.run(["openssl", "x509", "-in", "leaf-a.pem", "-outform", "DER"], check=True, capture_output=True).stdout)
write("no-requests.der", seq(seq(seq())))
write("md5-certid.der", request(cert_id(MD5, b"\x11" * 16, b"\x22" * 16, 0x1234)))
write("sha1-certid-32-byte-hashes.der", request(cert_id(SHA1, b"\x11" * 32, b"\x22" * 32, 0x1234)))
write("sha256-certid-with-parameters.der", request(cert_id(SHA256, b"\x11" * 32, b"\x22" * 32, 0x1234, params=integer(7))))
write("nonce-too-long.der", request(cert_id(SHA1, b"\x11" * 20, b"\x22" * 20, 0x1234),
                                    extensions=[seq(oid(NONCE), octets(octets(b"\x5a" * 100)))]))
write("critical-unknown-extension.der", request(cert_id(SHA1, b"\x11" * 20, b"\x22" * 20, 0x1234),
                                                extensions=[seq(oid("1.2.3.4.5"), TRUE, octets(NULL))]))
write("noncritical-unknown-extension.der", request(cert_id(SHA1, b"\x11" * 20, b"\x22" * 20, 0x1234),
                                                   extensions=[seq(oid("1.2.3.4.5"), octets(NULL))]))
# RFC 5280 §4.1.2.2: serials are at most 20 octets (the DER INTEGER's contents).
write("serial-20-octets.der", request(cert_id(SHA1, b"\x11" * 20, b"\x22" * 20, int.from_bytes(b"\x7f" + b"\xab" * 19, "big"))))
write("serial-21-octets.der", request(cert_id(SHA1, b"\x11" * 20, b"\x22" * 20, int.from_bytes(b"\x01" + b"\xab" * 20, "big"))))
write("serial-8-kib.der", request(cert_id(SHA1, b"\x11" * 20, b"\x22" * 20, int.from_bytes(b"\x01" + b"\xab" * 8191, "big"))))
