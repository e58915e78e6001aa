"""Throwaway certificates and PDF signing, for the tests and for the sample province's signed files.

A root (a made-up provincial certificate authority) issues signers' certificates; `sign_pdf` signs a
PDF as pyHanko does for a real one. Nothing here is trusted anywhere unless Home Affairs adds the root.
EC P-256 keys: generated in milliseconds (a timestamp authority: RSA, as pyHanko's test server needs).
"""

from __future__ import annotations

import datetime
import hashlib
import io
from dataclasses import dataclass
from unittest import mock

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

UTC = datetime.UTC


def _name(common_name: str, organisation: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _usage(*, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not ca,
        content_commitment=not ca,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


@dataclass(frozen=True)
class Identity:
    certificate: x509.Certificate
    key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey

    @property
    def der(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.DER)

    @property
    def pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)


def make_root(
    name: str = "CA thử nghiệm tỉnh", *, valid_from: datetime.datetime, valid_to: datetime.datetime
) -> Identity:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = _name(name, "Tổ chức chứng thực thử nghiệm")
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(valid_from)
        .not_valid_after(valid_to)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(_usage(ca=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return Identity(certificate, key)


def make_signer(
    root: Identity,
    common_name: str,
    organisation: str,
    *,
    valid_from: datetime.datetime,
    valid_to: datetime.datetime,
    time_stamping: bool = False,
) -> Identity:
    """A certificate `root` issues: a signer's, or with `time_stamping` a timestamp authority's (RSA:
    pyHanko's test timestamp server signs with RSA only)."""
    key = rsa.generate_private_key(65537, 2048) if time_stamping else ec.generate_private_key(ec.SECP256R1())
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, organisation))
        .issuer_name(root.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(valid_from)
        .not_valid_after(valid_to)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(ca=False), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root.key.public_key()), critical=False
        )
    )
    if time_stamping:  # RFC 3161: a TSA's certificate has this one extended usage, marked critical
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
        )
    return Identity(builder.sign(root.key, hashes.SHA256()), key)


def sign_pdf(
    pdf: bytes,
    signer: Identity,
    root: Identity,
    *,
    signed_at: datetime.datetime,
    field_name: str = "ChuKySo",
    time_stamp: tuple[Identity, datetime.datetime] | None = None,
    stamp_another_signature: bool = False,
) -> bytes:
    """The PDF with one approval signature of `signer` claiming `signed_at`, added as an incremental
    update: a signed PDF signed again (another `field_name`) is countersigned. With `time_stamp`
    (a timestamp authority made by make_signer(time_stamping=True), and its time), the signature also
    carries that authority's RFC 3161 token, as a signing tool with a timestamp server adds it;
    `stamp_another_signature` makes the token vouch for other bytes (a token copied from elsewhere)."""
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    key_der = signer.key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    simple = signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(signer.der),
        signing_key=asn1_keys.PrivateKeyInfo.load(key_der),
        cert_registry=SimpleCertificateStore.from_certs([asn1_x509.Certificate.load(root.der)]),
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    timestamper = None
    if time_stamp is not None:
        authority, stamped_at = time_stamp
        timestamper = _time_stamper(authority, root, stamped_at, another_signature=stamp_another_signature)
    signing = signers.PdfSigner(
        signers.PdfSignatureMetadata(field_name=field_name), signer=simple, timestamper=timestamper
    )

    class _Clock(datetime.datetime):
        """pyHanko reads the signing time from datetime.now(); the sample's documents claim their own."""

        @classmethod
        def now(cls, tz=None):
            return signed_at.astimezone(tz) if tz else signed_at

    from evidence.signatures import run_to_completion

    # pyHanko's sign_pdf is asyncio.run(async_sign_pdf): refused where a loop already runs (a test
    # after the browser tests, whose Playwright loop lives for the session).
    with mock.patch("pyhanko.sign.signers.pdf_signer.datetime", _Clock):
        return run_to_completion(lambda: signing.async_sign_pdf(writer)).getvalue()


def _time_stamper(authority: Identity, root: Identity, at: datetime.datetime, *, another_signature=False):
    """pyHanko's test timestamp server as `authority` (its chain up to `root` embedded), stamping `at`;
    with `another_signature` its tokens vouch for other bytes (a token copied from elsewhere)."""
    from asn1crypto import keys as asn1_keys
    from asn1crypto import tsp
    from asn1crypto import x509 as asn1_x509
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    class Stamper(DummyTimeStamper):
        def _build_tst_info(self, message_imprint, dt, req):
            if another_signature:
                other = hashlib.new(message_imprint["hash_algorithm"]["algorithm"].native, b"other")
                message_imprint = tsp.MessageImprint(
                    {"hash_algorithm": message_imprint["hash_algorithm"], "hashed_message": other.digest()}
                )
            return super()._build_tst_info(message_imprint, dt, req)

    key = authority.key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return Stamper(
        tsa_cert=asn1_x509.Certificate.load(authority.der),
        tsa_key=asn1_keys.PrivateKeyInfo.load(key),
        certs_to_embed=SimpleCertificateStore.from_certs([asn1_x509.Certificate.load(root.der)]),
        fixed_dt=at,
    )


def timestamp_document(pdf: bytes, authority: Identity, root: Identity, *, at: datetime.datetime) -> bytes:
    """The PDF with a document timestamp of `authority` (PAdES /DocTimeStamp) added as an incremental
    update, as an archive adds one to a signed file."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    from evidence.signatures import run_to_completion

    stamper = _time_stamper(authority, root, at)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    stamping = signers.PdfTimeStamper(stamper)
    return run_to_completion(lambda: stamping.async_timestamp_pdf(writer, "sha256")).getvalue()


def alter_after_signing(signed: bytes) -> bytes:
    """The signed PDF with one byte of its signed content changed: the signature no longer matches."""
    index = signed.find(b"/MediaBox")
    if index < 0:
        raise ValueError("no /MediaBox to alter")
    return signed[:index] + b"/MediaBoy" + signed[index + len(b"/MediaBox") :]
