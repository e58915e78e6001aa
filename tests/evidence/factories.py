"""Factories for evidence tests: criteria, items, role users, and small real files of each kind."""

import io
import zipfile
from datetime import timedelta

import docx
import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from agencies.models import Period, PeriodState, Window, WindowKind
from assessment.models import AssessmentItem
from scoring.models import CriteriaNode, CriteriaSet
from tests.factories import AgencyFactory, BlockFactory, PeriodFactory, UserFactory


class CriteriaSetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CriteriaSet
        django_get_or_create = ("period", "block")

    period = factory.SubFactory(PeriodFactory)
    block = factory.SubFactory(BlockFactory)
    name = factory.LazyAttribute(lambda o: f"Bộ tiêu chí {o.block.name} {o.period.year}")


class CriteriaNodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CriteriaNode

    criteria_set = factory.SubFactory(CriteriaSetFactory)
    code = factory.Sequence(lambda n: f"1.{n + 1}")
    title = factory.Sequence(lambda n: f"Ban hành kế hoạch CCHC số {n}")
    max_points = 1
    position = factory.Sequence(lambda n: n)
    source = "evidence"
    rule = "manual"


class AssessmentItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssessmentItem
        skip_postgeneration_save = True

    agency = factory.SubFactory(AgencyFactory)
    node = factory.SubFactory(
        CriteriaNodeFactory, criteria_set__block=factory.SelfAttribute("...agency.block")
    )

    @factory.post_generation
    def open_window(item, create, extracted, **kwargs):
        """Evidence changes only inside the self-assessment window of a period in self-assessment: open
        one around now."""
        if create and extracted is not False:
            period = item.node.criteria_set.period
            if period.state == PeriodState.DRAFT:
                Period.objects.filter(pk=period.pk).update(state=PeriodState.SELF_ASSESSMENT)
                period.state = PeriodState.SELF_ASSESSMENT
            now = timezone.now()
            Window.objects.get_or_create(
                period=item.node.criteria_set.period,
                kind=WindowKind.SELF_ASSESSMENT,
                defaults={"starts_at": now - timedelta(days=1), "ends_at": now + timedelta(days=1)},
            )


class RoleUserFactory(UserFactory):
    """A user with a role; agency users get an agency unless one is given."""

    role = "focal_point"
    agency = factory.Maybe(
        factory.LazyAttribute(lambda o: o.role in ("focal_point", "agency_head")),
        yes_declaration=factory.SubFactory(AgencyFactory),
        no_declaration=None,
    )


# Real files, small, built here: libmagic sees them as what they are.


def pdf_bytes(text: str = "Kế hoạch CCHC") -> bytes:
    """A valid one-page PDF with a correct cross-reference table."""
    stream = b"BT /F1 12 Tf 72 720 Td (" + text.encode("latin-1", "replace") + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += str(number).encode() + b" 0 obj\n" + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 " + str(len(objects) + 1).encode() + b"\n0000000000 65535 f \n"
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size " + str(len(objects) + 1).encode() + b" /Root 1 0 R >>\n"
    out += b"startxref\n" + str(xref).encode() + b"\n%%EOF\n"
    return bytes(out)


def png_bytes(color=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), color).save(buffer, "PNG")
    return buffer.getvalue()


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (10, 120, 10)).save(buffer, "JPEG")
    return buffer.getvalue()


def docx_bytes(text: str = "Báo cáo kết quả cải cách hành chính") -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def docx_reordered_bytes() -> bytes:
    """The same DOCX with [Content_Types].xml stored last, as some tools write it: libmagic says ZIP."""
    source = zipfile.ZipFile(io.BytesIO(docx_bytes()))
    names = sorted(source.namelist(), key=lambda name: name == "[Content_Types].xml")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for name in names:
            target.writestr(name, source.read(name))
    return buffer.getvalue()


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("bien-ban.txt", "Biên bản họp")
    return buffer.getvalue()


EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00" * 16
HTML_BYTES = b"<!DOCTYPE html><html><head><script>alert(1)</script></head><body>x</body></html>"
TEXT_BYTES = b"Day la mot tep van ban thuan tuy khong phai PDF.\n" * 20


def upload(content: bytes, name: str = "ke-hoach.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)
