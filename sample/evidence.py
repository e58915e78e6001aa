"""The sample province's evidence files (made up): signed (the plan with a timestamp authority's token),
changed after signing, unsigned, signed by an untrusted authority, and one file uploaded by two agencies,
so the appraisal pages show every badge.

The PDFs are built once and kept in sample/evidence/ (`python -m sample.evidence` rebuilds them with
new throwaway keys; the loader only reads them, so load_sample stays fast). The sample's root (a
made-up provincial authority) is trusted; the second authority is not.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.core.files.base import ContentFile

FILES = Path(__file__).with_name("evidence")
ROOT_PEM = FILES / "ca-mau-hai-duong.pem"
UTC = datetime.UTC


@dataclass(frozen=True)
class SampleFile:
    name: str  # the file in sample/evidence/, and the name shown
    agency: str
    criterion: str
    number: str = ""
    date: datetime.date | None = None
    summary: str = ""


# Year 2022. The plan of Sở GTVT is also what Sở Y tế uploaded for its own plan (the duplicate).
SAMPLE_FILES = [
    SampleFile(
        "Ke-hoach-CCHC-2022-So-GTVT.pdf",
        "so-gtvt",
        "1.1.1",
        "05/KH-SGTVT",
        None,  # the signing day stands for the document's date
        "Kế hoạch cải cách hành chính năm 2022 của Sở Giao thông vận tải",
    ),
    SampleFile(
        "Bao-cao-CCHC-quy-IV-So-GTVT.pdf",
        "so-gtvt",
        "1.2",
        "112/BC-SGTVT",
        datetime.date(2022, 12, 15),
        "Báo cáo kết quả cải cách hành chính quý IV năm 2022",
    ),
    SampleFile(
        "Ke-hoach-CCHC-2022-So-GTVT.pdf",
        "so-y-te",
        "1.1.1",
        "",
        None,
        "Kế hoạch cải cách hành chính năm 2022",
    ),
    SampleFile(
        "Bao-cao-CCHC-nam-So-Y-te.pdf",
        "so-y-te",
        "1.2",
        "08/BC-SYT",
        datetime.date(2021, 12, 20),
        "Báo cáo cải cách hành chính năm (bản chưa ký số)",
    ),
    SampleFile(
        "Ke-hoach-CCHC-2022-Nam-Sach.pdf",
        "nam-sach",
        "1.1.1",
        "21/KH-UBND",
        None,
        "Kế hoạch cải cách hành chính năm 2022 của UBND huyện Nam Sách",
    ),
]


def load_sample_evidence(period) -> list[int]:
    """Stores the sample's files for the period's items and trusts the sample's root; returns the
    ids of the checks queued (they run once the caller's transaction commits, or in the worker)."""
    from agencies.models import Agency
    from assessment.models import AssessmentItem
    from evidence.checks import evidence_check_queue
    from evidence.models import EvidenceFile, EvidenceLink, TrustedRoot

    root = ROOT_PEM.read_bytes()
    from asn1crypto import pem

    der = pem.unarmor(root)[2]
    if not TrustedRoot.objects.filter(fingerprint=hashlib.sha256(der).hexdigest()).exists():
        from evidence.checks import trusted_root_add

        trusted_root_add(data=root, acting_user=None, name="CA mẫu tỉnh Hải Dương (minh hoạ)")
    agencies = {a.code: a for a in Agency.objects.filter(code__in={f.agency for f in SAMPLE_FILES})}
    queued = []
    for sample in SAMPLE_FILES:
        content = (FILES / sample.name).read_bytes()
        agency = agencies[sample.agency]
        sha256 = hashlib.sha256(content).hexdigest()
        evidence = EvidenceFile.objects.filter(agency=agency, sha256=sha256).first()
        if evidence is None:
            evidence = EvidenceFile(
                agency=agency,
                original_name=sample.name,
                size=len(content),
                sha256=sha256,
                content_type="application/pdf",
                document_number=sample.number,
                document_date=sample.date,
                summary=sample.summary,
                uploaded_at=datetime.datetime(2023, 1, 5, 3, 0, tzinfo=UTC),
            )
            evidence.file.save(sample.name, ContentFile(content), save=False)
            evidence.save()
        item = AssessmentItem.objects.get(
            agency=agency, node__criteria_set__period=period, node__code=sample.criterion
        )
        EvidenceLink.objects.get_or_create(item=item, evidence=evidence)
        queued.append(evidence_check_queue(evidence).pk)
    return queued


def build_files() -> None:  # pragma: no cover - run by hand to rebuild sample/evidence/
    """Renders the PDFs (WeasyPrint) and signs them with new throwaway keys."""
    import weasyprint

    from .pki import alter_after_signing, make_root, make_signer, sign_pdf

    start = datetime.datetime(2020, 1, 1, tzinfo=UTC)
    end = datetime.datetime(2045, 12, 31, tzinfo=UTC)
    root = make_root("CA mẫu tỉnh Hải Dương", valid_from=start, valid_to=end)
    stranger = make_root("CA không được tin cậy (minh hoạ)", valid_from=start, valid_to=end)
    gtvt = make_signer(root, "Nguyễn Văn Hùng", "Sở Giao thông vận tải", valid_from=start, valid_to=end)
    nam_sach = make_signer(stranger, "Phạm Thị Lan", "UBND huyện Nam Sách", valid_from=start, valid_to=end)
    time_stamps = make_signer(
        root, "Dịch vụ cấp dấu thời gian mẫu", "Tổ chức chứng thực thử nghiệm",
        valid_from=start, valid_to=end, time_stamping=True,
    )  # fmt: skip

    def pdf(title: str, body: str) -> bytes:
        html = (
            "<style>body{font-family:'DejaVu Serif';font-size:12pt} h1{font-size:15pt;text-align:center}</style>"
            f"<p>UBND TỈNH HẢI DƯƠNG</p><h1>{title}</h1><p>{body}</p>"
        )
        return weasyprint.HTML(string=html).write_pdf()

    FILES.mkdir(exist_ok=True)
    ROOT_PEM.write_bytes(root.pem)
    plan = pdf(
        "KẾ HOẠCH Cải cách hành chính năm 2022",
        "Sở Giao thông vận tải ban hành kế hoạch cải cách hành chính năm 2022, tập trung vào cải cách thủ "
        "tục hành chính trong lĩnh vực đường thủy nội địa và đăng kiểm phương tiện.",
    )
    (FILES / "Ke-hoach-CCHC-2022-So-GTVT.pdf").write_bytes(
        sign_pdf(
            plan,
            gtvt,
            root,
            signed_at=datetime.datetime(2022, 1, 10, 2, 0, tzinfo=UTC),
            time_stamp=(time_stamps, datetime.datetime(2022, 1, 10, 2, 5, tzinfo=UTC)),
        )
    )
    report = pdf(
        "BÁO CÁO Kết quả cải cách hành chính quý IV năm 2022",
        "Trong quý IV, Sở đã giải quyết đúng hạn 98,5% hồ sơ thủ tục hành chính.",
    )
    signed = sign_pdf(report, gtvt, root, signed_at=datetime.datetime(2022, 12, 15, 8, 0, tzinfo=UTC))
    (FILES / "Bao-cao-CCHC-quy-IV-So-GTVT.pdf").write_bytes(alter_after_signing(signed))
    (FILES / "Bao-cao-CCHC-nam-So-Y-te.pdf").write_bytes(
        pdf(
            "BÁO CÁO Cải cách hành chính năm 2021",
            "Sở Y tế báo cáo kết quả cải cách hành chính; bản này chưa được ký số.",
        )
    )
    district = pdf(
        "KẾ HOẠCH Cải cách hành chính năm 2022 của UBND huyện Nam Sách",
        "Huyện tập trung nâng cao chất lượng bộ phận một cửa cấp huyện và cấp xã.",
    )
    (FILES / "Ke-hoach-CCHC-2022-Nam-Sach.pdf").write_bytes(
        sign_pdf(district, nam_sach, stranger, signed_at=datetime.datetime(2022, 1, 20, 3, 0, tzinfo=UTC))
    )


if __name__ == "__main__":  # pragma: no cover
    build_files()
