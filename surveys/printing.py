"""Printed questionnaires with a QR code: one form per planned respondent, carrying the serial number
of that respondent's one-time link and the link itself as a QR code (segno), so a citizen answers on
paper or on a phone. The serial is the online answer's own (`form_serial`), so a paper form typed later
and an answer sent through the link are one response: whichever comes second is refused.

Built in a Celery job (WeasyPrint) into one PDF, one form starting on each page, kept in the default
storage; the page offers it for download once ready.
"""

from __future__ import annotations

import io
import logging
import secrets

import segno
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from agencies import policy
from agencies.models import Period
from parindex.jobs import job_claim, job_enqueue

from .models import PrintedForms, PrintStatus, Questionnaire, SurveyToken

logger = logging.getLogger(__name__)

SERIAL_PREFIX = "TT"
CHUNK = 200  # forms rendered at once


def form_serial(token: SurveyToken) -> str:
    """The serial printed on a respondent's form and given to the answer sent through its link."""
    return link_serial(token.pk)


def link_serial(link_id: int) -> str:
    """The serial printed on the form of link `link_id`."""
    return f"{SERIAL_PREFIX}{link_id:06d}"


def serial_link_id(serial: str) -> int | None:
    """The link id a printed form's serial names, however it was typed (" tt000123" → 123), or None."""
    digits = serial.strip().upper().removeprefix(SERIAL_PREFIX)
    if not serial.strip().upper().startswith(SERIAL_PREFIX) or not (digits.isascii() and digits.isdigit()):
        return None  # "TT²" is not a serial: str.isdigit() takes "²", int() does not
    return int(digits)


def printed_serials_mend(response_model, token_model) -> int:
    """Rewrites each stored serial that names a printed form of its questionnaire but was kept as typed
    ("tt000123", "TT123": imports before they stored the printed form) to the printed serial, so that
    importing the same file again finds it stored; left as it is when the printed serial is stored too
    (one form stored twice: for a person to resolve). Models are given so that a migration can call it.
    Returns how many serials were rewritten."""
    links = set(token_model.objects.values_list("questionnaire_id", "id"))
    stored = set(response_model.objects.values_list("questionnaire_id", "serial"))
    rewritten = 0
    for pk, questionnaire_id, serial in response_model.objects.filter(
        serial__istartswith=SERIAL_PREFIX
    ).values_list("id", "questionnaire_id", "serial"):
        link_id = serial_link_id(serial)
        if link_id is None or (questionnaire_id, link_id) not in links:
            continue
        printed = link_serial(link_id)
        if serial != printed and (questionnaire_id, printed) not in stored:
            response_model.objects.filter(pk=pk).update(serial=printed)
            stored.add((questionnaire_id, printed))
            rewritten += 1
    return rewritten


def token_for_serial(questionnaire: Questionnaire, serial: str) -> SurveyToken | None:
    """The one-time link whose printed form carries `serial`, if any."""
    link_id = serial_link_id(serial)
    if link_id is None:
        return None
    return SurveyToken.objects.filter(questionnaire=questionnaire, pk=link_id).first()


def answer_url(token: SurveyToken) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("surveys:answer", args=[token.token])


def qr_svg_data_uri(url: str) -> str:
    """The link as a QR code (error correction M), an SVG data URI WeasyPrint draws crisply."""
    return segno.make(url, error="m", micro=False).svg_data_uri(scale=4, border=2)


def printed_forms_start(*, questionnaire: Questionnaire, acting_user) -> PrintedForms:
    """Makes the missing links of the sample plan, then queues the job (Home Affairs, while the links
    may change: Obj.SURVEY_LINKS)."""
    from .services import tokens_generate
    from .tasks import print_forms

    period = Period.objects.get(pk=questionnaire.period_id)
    if refusal := policy.write_refusal(policy.audience(acting_user), policy.Obj.SURVEY_LINKS, period):
        raise ValidationError(refusal, code="frozen")
    with transaction.atomic():
        tokens_generate(questionnaire=questionnaire, acting_user=acting_user)
        job = PrintedForms.objects.create(questionnaire=questionnaire, created_by=acting_user)
        job_enqueue(print_forms, PrintedForms, job.pk, queued=PrintStatus.QUEUED, failed=PrintStatus.FAILED)
    return job


def _forms(questionnaire: Questionnaire) -> list[dict]:
    tokens = SurveyToken.objects.filter(questionnaire=questionnaire, used_at__isnull=True).select_related(
        "agency", "group"
    )
    return [
        {
            "serial": form_serial(token),
            "agency": token.agency,
            "group": token.group,
            "url": answer_url(token),
            "qr": qr_svg_data_uri(answer_url(token)),
        }
        for token in tokens.order_by("agency__block__position", "agency__position", "group_id", "pk")
    ]


def printed_forms_run(*, job_id: int) -> PrintedForms | None:
    """The job: renders every unused link's form into one PDF; a failure is recorded on the row."""
    import weasyprint
    from pypdf import PdfReader, PdfWriter

    if not job_claim(PrintedForms, job_id, queued=PrintStatus.QUEUED, running=PrintStatus.RUNNING):
        return None
    job = PrintedForms.objects.select_related("questionnaire__period").get(pk=job_id)
    try:
        questionnaire = job.questionnaire
        questions = list(questionnaire.questions.prefetch_related("options").order_by("position", "pk"))
        forms = _forms(questionnaire)
        # Rendered CHUNK forms at a time (WeasyPrint's memory grows with the document; a plan holds
        # thousands of respondents), the pages appended to one PDF, progress recorded per chunk.
        writer = PdfWriter()
        for start in range(0, max(len(forms), 1), CHUNK):
            with translation.override(settings.LANGUAGE_CODE):
                html = render_to_string(
                    "surveys/printed_forms.html",
                    {
                        "questionnaire": questionnaire,
                        "questions": questions,
                        "forms": forms[start : start + CHUNK],
                    },
                )
            part = weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
            writer.append(PdfReader(io.BytesIO(part)))
            done = min(start + CHUNK, len(forms))
            PrintedForms.objects.filter(pk=job.pk).update(
                progress=int(100 * done / max(len(forms), 1)), updated_at=timezone.now()
            )
        buffer = io.BytesIO()
        writer.write(buffer)
        pdf = buffer.getvalue()
        name = default_storage.save(
            f"surveys/printed/{questionnaire.pk}-{secrets.token_hex(8)}.pdf", ContentFile(pdf)
        )
    except Exception as error:
        logger.exception("printed forms %s failed", job_id)
        job.status, job.message = PrintStatus.FAILED, type(error).__name__[:255]
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "message", "finished_at", "updated_at"])
        return job
    job.status, job.forms, job.storage_name = PrintStatus.DONE, len(forms), name
    job.progress, job.finished_at = 100, timezone.now()
    job.save()
    return job
