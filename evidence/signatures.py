"""Reads the digital signatures of a PDF (pyHanko): signer, time, integrity and trust.

No Django here: the check job passes the bytes' stream and the trusted roots (DER) and stores what
comes back. Nothing is fetched from the network (no OCSP, CRL or AIA): a province's roots are
configured, not discovered.
"""

from __future__ import annotations

import asyncio
import datetime
import logging
import threading
from dataclasses import dataclass, field
from typing import BinaryIO

from asn1crypto import x509 as asn1_x509

logger = logging.getLogger(__name__)
# pyHanko logs an untrusted chain or a changed file with a traceback; here they are verdicts, recorded
# on the check, not errors of the worker.
for _name in ("pyhanko.sign.validation", "pyhanko.sign.diff_analysis"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)

# The worst signature decides the file's state: the order below, worst first.
SEVERITY = ("altered", "invalid", "expired", "unverified", "verified")
# A stamp dated later than this past the check's clock is refused: clocks differ, not by days.
CLOCK_SKEW = datetime.timedelta(hours=1)


@dataclass(frozen=True)
class SignatureFound:
    state: str  # one of SEVERITY
    signer_name: str
    signer_organisation: str
    signed_at: datetime.datetime | None
    covers_whole_file: bool
    # The verdict on the signature's RFC 3161 timestamp token ("" when it has none): "trusted" (its time
    # decides), "not_trusted" (its authority is not trusted now) or "rejected" (altered, made for another
    # signature, or dated outside its authority's certificate or in the future).
    time_stamp: str = ""

    @property
    def time_stamped(self) -> bool:
        """signed_at is a trusted timestamp authority's, not the signer's own clock."""
        return self.time_stamp == "trusted"

    def as_json(self) -> dict:
        return {
            "state": self.state,
            "signer_name": self.signer_name,
            "signer_organisation": self.signer_organisation,
            "signed_at": self.signed_at.isoformat() if self.signed_at else None,
            "time_stamp": self.time_stamp,
            "covers_whole_file": self.covers_whole_file,
        }


@dataclass(frozen=True)
class SignatureReport:
    state: str  # "unsigned", "unreadable" or the worst of the signatures' states
    signatures: list[SignatureFound] = field(default_factory=list)

    @property
    def first(self) -> SignatureFound | None:
        """The first signature (the document's issuer signs first; later ones countersign)."""
        return self.signatures[0] if self.signatures else None


def _names(certificate: asn1_x509.Certificate) -> tuple[str, str]:
    subject = certificate.subject.native
    return str(subject.get("common_name", ""))[:255], str(subject.get("organization_name", ""))[:255]


def _expired_at(certificate: asn1_x509.Certificate, moment: datetime.datetime) -> bool:
    validity = certificate["tbs_certificate"]["validity"]
    return not (validity["not_before"].native <= moment <= validity["not_after"].native)


def run_to_completion(start_coroutine):
    """Runs pyHanko's validation coroutine. Where this thread already runs an event loop (Playwright's
    sync API in the browser tests, an ASGI server), asyncio.run refuses, so the coroutine gets a short
    thread of its own; in a Celery worker it runs here."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(start_coroutine())
    outcome: dict = {}

    def run() -> None:
        try:
            outcome["value"] = asyncio.run(start_coroutine())
        except BaseException as error:  # handed to the caller below, as if raised here
            outcome["error"] = error

    thread = threading.Thread(target=run, name="pdf-signature-check")
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def _one(embedded, roots: list[asn1_x509.Certificate]) -> SignatureFound:
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    certificate = embedded.signer_cert
    name, organisation = _names(certificate)
    status, moment, time_stamp = run_to_completion(lambda: _validated(embedded, roots))
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    later_changes_allowed = status.modification_level in (
        ModificationLevel.NONE,
        ModificationLevel.LTA_UPDATES,
        ModificationLevel.FORM_FILLING,
    )
    if not status.intact or (not whole and not (status.docmdp_ok and later_changes_allowed)):
        state = "altered"
    elif not status.valid:
        state = "invalid"
    elif _expired_at(certificate, moment):
        state = "expired"
    elif status.trusted:
        state = "verified"
    else:
        state = "unverified"
    signed_at = moment if time_stamp == "trusted" else embedded.self_reported_timestamp
    return SignatureFound(state, name, organisation, signed_at, whole, time_stamp)


async def _validated(embedded, roots: list[asn1_x509.Certificate]):
    """(pyHanko's status, the moment the certificate is judged at, the timestamp token's verdict).

    The certificate is judged at the time of signing: a document signed last year stays valid after its
    certificate expired. That time is the signer's own claim unless the signature carries a timestamp
    token whose authority chains to a trusted root and is valid now, whose time then decides: a signer
    who set the computer's clock back is judged at the real time. Once the authority's certificate has
    expired its tokens are "not_trusted" (nothing here can prove it was not revoked before), and the
    claim decides again. A token that does not hold is "rejected", shown to the appraiser, and decides
    nothing. (A token pyHanko cannot parse at all fails the whole check, as before: "not checked".)"""
    from pyhanko.sign.validation import async_validate_pdf_signature, generic_cms
    from pyhanko_certvalidator import ValidationContext

    def trusting(moment=None) -> ValidationContext:
        return ValidationContext(trust_roots=roots, moment=moment, allow_fetching=False)

    timing = await generic_cms.collect_timing_info(
        embedded.signer_info, trusting(), raw_digest=embedded.compute_digest
    )
    token = timing.get("timestamp_validity")
    time_stamp = _token_verdict(token) if token is not None else ""
    if time_stamp == "trusted":
        moment = token.timestamp
    else:
        moment = embedded.self_reported_timestamp or datetime.datetime.now(datetime.UTC)
    status = await async_validate_pdf_signature(embedded, trusting(moment), ts_validation_context=trusting())
    return status, moment, time_stamp


def _token_verdict(token) -> str:
    if not token.intact or not token.valid:  # altered, or its imprint is another signature's
        return "rejected"
    if _expired_at(token.signing_cert, token.timestamp):  # a time its authority could not vouch for
        return "rejected"
    if token.timestamp > datetime.datetime.now(datetime.UTC) + CLOCK_SKEW:
        return "rejected"
    return "trusted" if token.trusted else "not_trusted"


def read_signatures(stream: BinaryIO, trusted_roots: list[bytes]) -> SignatureReport:
    """The signatures of the PDF in `stream`, each judged against `trusted_roots` (DER certificates).

    A file pyHanko cannot parse is "unreadable"; the caller decides what to show.
    """
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader

    roots = [asn1_x509.Certificate.load(der) for der in trusted_roots]
    try:
        reader = PdfFileReader(stream, strict=False)
        # Approval signatures only: a document timestamp (PAdES /DocTimeStamp) has no signer to judge.
        embedded = list(reader.embedded_regular_signatures)
    except (PdfError, ValueError, KeyError, TypeError, IndexError) as error:
        logger.info("PDF not readable for signatures: %s", error)
        return SignatureReport("unreadable")
    if not embedded:
        return SignatureReport("unsigned")
    found = [_one(signature, roots) for signature in embedded]
    worst = min(found, key=lambda signature: SEVERITY.index(signature.state))
    return SignatureReport(worst.state, found)
