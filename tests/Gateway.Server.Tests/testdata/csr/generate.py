#!/usr/bin/env python3
"""Regenerates the CSR test inputs (python3 with the `cryptography` package, and openssl 3). Run from this directory;
commit the results. Every file is a DER PKCS#10 request with a fresh P-256 key and a valid signature, so only the
names in it decide how the gateway answers (see README.md)."""
import subprocess
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

def run(*args):
    return subprocess.run(args, check=True, capture_output=True).stdout

def write(name, data):
    with open(name, "wb") as f:
        f.write(data)

def csr(cn, sans=()):
    key = ec.generate_private_key(ec.SECP256R1())
    builder = x509.CertificateSigningRequestBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)]))
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName(list(sans)), critical=False)
    return builder.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)

# Issue 13 item 6: a multi-valued RDN hides the CN from a check that reads single-valued RDNs only; the SAN the
# credential is bound to makes the request name something it allows.
run("openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "/dev/null",
    "-multivalue-rdn", "-subj", "/CN=dev2.test+OU=x", "-addext", "subjectAltName=DNS:dev1.test", "-outform", "DER", "-out", "multivalue-rdn-cn-dev2.der")
run("openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "/dev/null",
    "-multivalue-rdn", "-subj", "/CN=dev1.test+OU=x", "-addext", "subjectAltName=DNS:dev1.test", "-outform", "DER", "-out", "multivalue-rdn-cn-dev1.der")

# A CN that is not a string (an OCTET STRING): openssl cannot make one, so the request is assembled here and signed
# with openssl (ECDSA over the DER CertificationRequestInfo).
def der(tag, content):
    n = len(content)
    length = bytes([n]) if n < 0x80 else bytes([0x80 | ((n.bit_length() + 7) // 8)]) + n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag]) + length + content
key = ec.generate_private_key(ec.SECP256R1())
spki = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
cn_oid = bytes([0x06, 0x03, 0x55, 0x04, 0x03])
name = der(0x30, der(0x31, der(0x30, cn_oid + der(0x04, b"dev1.test"))))
# attributes [0] { extensionRequest { subjectAltName DNS:dev1.test } }
san = der(0x30, bytes([0x06, 0x03, 0x55, 0x1D, 0x11]) + der(0x04, der(0x30, der(0x82, b"dev1.test"))))
extension_request = der(0x30, bytes([0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x0E]) + der(0x31, der(0x30, san)))
info = der(0x30, bytes([0x02, 0x01, 0x00]) + name + spki + der(0xA0, extension_request))
from cryptography.hazmat.primitives.asymmetric import ec as _ec
signature = key.sign(info, _ec.ECDSA(hashes.SHA256()))
ecdsa_sha256 = der(0x30, bytes([0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x02]))
write("cn-octet-string.der", der(0x30, info + ecdsa_sha256 + der(0x03, b"\x00" + signature)))

# Issue 13 items 5 and Low: control characters (C0, DEL, C1) in the subject and in SANs, a second '@', a trailing dot.
write("cn-dev1.der", csr("dev1.test"))
write("cn-dev2.der", csr("dev2.test"))
write("cn-with-c0-control.der", csr("dev1\x07.test"))
write("cn-with-del.der", csr("dev1\x7f.test"))
write("cn-with-c1-control.der", csr("dev1\u0085.test"))
write("san-dns-with-newline.der", csr("dev1.test", [x509.DNSName("dev1.test"), x509.DNSName("dev1.test\nx")]))
write("san-email-with-control.der", csr("dev1.test", [x509.RFC822Name._init_without_validation("dev1\x01@host.test")]))
write("san-email-two-at.der", csr("dev1.test", [x509.RFC822Name._init_without_validation("dev1@evil@host.test")]))
write("san-uri-with-control.der", csr("dev1.test", [x509.UniformResourceIdentifier("urn:dev:dev1\x1b")]))
write("san-uri-not-a-uri.der", csr("dev1.test", [x509.UniformResourceIdentifier("urn:")]))
write("san-dns-trailing-dot.der", csr("dev1.test", [x509.DNSName("dev1.test.")]))
