"""The notary's keys and certificates, generated at first run into var/notary/.

* the log key (Ed25519) signs checkpoints;
* a local root CA ("self-hosted") issues two certificates: the timestamping
  authority's (RSA, critical extendedKeyUsage timeStamping, RFC 3161 §2.3) and
  the platform's document-signing certificate used for PAdES signatures.

Production points NOTARY_DIR (or the individual *_FILE settings) at keys it
manages itself; nothing here is ever committed. Generation takes a file lock,
so two processes starting at once create one set of keys.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import functools
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings

from notary.checkpoint import verifier_key


@dataclass(frozen=True)
class LocalPKI:
    root_cert: x509.Certificate
    tsa_key: rsa.RSAPrivateKey
    tsa_cert: x509.Certificate
    signing_key: rsa.RSAPrivateKey
    signing_cert: x509.Certificate
    directory: Path

    @property
    def root_pem_path(self) -> Path:
        return self.directory / "root-ca.pem"

    @property
    def tsa_cert_path(self) -> Path:
        return self.directory / "tsa-cert.pem"

    @property
    def signing_cert_path(self) -> Path:
        return self.directory / "signing-cert.pem"

    @property
    def signing_key_path(self) -> Path:
        return self.directory / "signing-key.pem"


def notary_dir() -> Path:
    path = Path(settings.NOTARY_DIR)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def _write_private(path: Path, data: bytes) -> None:
    path.write_bytes(data)
    path.chmod(0o600)


def _pem_key(key) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _name(common_name: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, settings.NOTARY_ORGANISATION),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])


def _issue(*, subject: str, key, issuer_cert: x509.Certificate | None, issuer_key, ca: bool,
           eku: list | None, days: int) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer_cert.subject if issuer_cert else _name(subject))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=0 if ca else None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if issuer_cert is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_cert.public_key()), critical=False)
    if ca:
        builder = builder.add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=False, key_encipherment=False, data_encipherment=False,
            key_agreement=False, key_cert_sign=True, crl_sign=True, encipher_only=False, decipher_only=False),
            critical=True)
    else:
        builder = builder.add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=True, key_encipherment=False, data_encipherment=False,
            key_agreement=False, key_cert_sign=False, crl_sign=False, encipher_only=False, decipher_only=False),
            critical=True)
    if eku:
        # RFC 3161 §2.3: a TSA certificate has exactly one, critical, EKU: timeStamping.
        builder = builder.add_extension(x509.ExtendedKeyUsage(eku), critical=True)
    return builder.sign(issuer_key, hashes.SHA256())


def _generate_pki(directory: Path) -> None:
    root_key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    root = _issue(subject=f"{settings.NOTARY_ORGANISATION} Local Root CA", key=root_key, issuer_cert=None,
                  issuer_key=root_key, ca=True, eku=None, days=3650 * 2)
    tsa_key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    tsa = _issue(subject=f"{settings.NOTARY_ORGANISATION} Timestamping Authority", key=tsa_key, issuer_cert=root,
                 issuer_key=root_key, ca=False, eku=[ExtendedKeyUsageOID.TIME_STAMPING], days=3650)
    signing_key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    signing = _issue(subject=f"{settings.NOTARY_ORGANISATION} Document Signing", key=signing_key, issuer_cert=root,
                     issuer_key=root_key, ca=False, eku=[ExtendedKeyUsageOID.EMAIL_PROTECTION,
                                                         x509.ObjectIdentifier("1.3.6.1.5.5.7.3.36")],
                     days=3650)
    _write_private(directory / "root-ca-key.pem", _pem_key(root_key))
    (directory / "root-ca.pem").write_bytes(root.public_bytes(serialization.Encoding.PEM))
    _write_private(directory / "tsa-key.pem", _pem_key(tsa_key))
    (directory / "tsa-cert.pem").write_bytes(tsa.public_bytes(serialization.Encoding.PEM))
    _write_private(directory / "signing-key.pem", _pem_key(signing_key))
    (directory / "signing-cert.pem").write_bytes(signing.public_bytes(serialization.Encoding.PEM))


@functools.cache
def local_pki() -> LocalPKI:
    directory = notary_dir() / "pki"
    directory.mkdir(exist_ok=True, mode=0o700)
    with open(notary_dir() / ".keygen.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (directory / "signing-cert.pem").exists():
            _generate_pki(directory)

    def load_key(name):
        return serialization.load_pem_private_key((directory / name).read_bytes(), password=None)

    def load_cert(name):
        return x509.load_pem_x509_certificate((directory / name).read_bytes())

    return LocalPKI(
        root_cert=load_cert("root-ca.pem"), tsa_key=load_key("tsa-key.pem"), tsa_cert=load_cert("tsa-cert.pem"),
        signing_key=load_key("signing-key.pem"), signing_cert=load_cert("signing-cert.pem"), directory=directory,
    )


@functools.cache
def log_signing_key() -> ed25519.Ed25519PrivateKey:
    path = Path(settings.NOTARY_LOG_KEY_FILE) if settings.NOTARY_LOG_KEY_FILE else notary_dir() / "log-ed25519.pem"
    with open(notary_dir() / ".keygen.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.exists():
            _write_private(path, _pem_key(ed25519.Ed25519PrivateKey.generate()))
    return serialization.load_pem_private_key(path.read_bytes(), password=None)


def log_verifier_key() -> str:
    """The public key a court pins to check checkpoints (C2SP vkey form)."""
    return verifier_key(settings.NOTARY_LOG_KEY_NAME, log_signing_key().public_key())


def reset_caches() -> None:
    """For tests that point NOTARY_DIR elsewhere."""
    local_pki.cache_clear()
    log_signing_key.cache_clear()
