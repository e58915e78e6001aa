"""Loads the sample province (Hải Dương 2021–2022) and computes its results: `manage.py load_sample`.

Survey values are not stored directly: sample.surveys stores questionnaires and responses, and the
values come from aggregating them (surveys.services.survey_values_refresh). Measured data (leaves with the
source `data`) is imported as Home Affairs does it: one CSV per period through measures.services, with
its source document and date."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from agencies.models import Agency, Block, Period, PeriodState, Window, WindowKind
from assessment.models import AssessmentItem, ItemStatus, Submission
from assessment.services import period_items_ensure
from evidence.checks import evidence_check_run
from measures.models import MeasureImport, MeasureValue
from measures.services import HEADERS, measures_import
from scoring.formats import criteria_set_from_document
from scoring.models import ResultSnapshot, Source
from scoring.nodes import engine_tree
from scoring.services import period_compute, snapshot_publish
from surveys.models import SurveyValue, SurveyValueSource, shown_value
from surveys.services import survey_values_refresh

from . import criteria, province
from .calibrate import calibrate
from .evidence import load_sample_evidence
from .surveys import open_questionnaire_load, questionnaires_clear, survey_targets_load

VN = ZoneInfo("Asia/Ho_Chi_Minh")
YEARS = (2021, 2022)
REVIEW_AREAS = ("3", "7")
NOT_APPLICABLE_REASON = "Cơ quan không có đơn vị trực thuộc."


def _at(year, month, day, hour=0, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=VN)


def _windows(year: int) -> list[tuple[str, datetime, datetime]]:
    """2022 as seed 002 says (upload 25/12/2022 to 24:00 10/01/2023, appraisal 11–16/01/2023); later ones made up."""
    nxt = year + 1
    return [
        (WindowKind.SELF_ASSESSMENT, _at(year, 12, 25), _at(nxt, 1, 11)),
        (WindowKind.APPRAISAL, _at(nxt, 1, 11), _at(nxt, 1, 17)),
        (WindowKind.EXPLANATION, _at(nxt, 1, 17), _at(nxt, 1, 20)),
        (WindowKind.REAPPRAISAL, _at(nxt, 1, 20), _at(nxt, 1, 25)),
        (WindowKind.COUNCIL, _at(nxt, 2, 1), _at(nxt, 2, 20)),
    ]


def _floors(target: province.Target) -> dict[str, Decimal]:
    """Area floors (percent) that keep an agency in the head class and review status its target implies."""
    if target.areas:
        return {}
    if Decimal(target.index) >= 90:
        return {code: Decimal("81") for code in "12345678"}
    floors = {code: Decimal("71") for code in "12345678"}
    floors.update({code: Decimal("76") for code in REVIEW_AREAS})
    return floors


def _blocks() -> dict[str, tuple[Block, list[province.SampleAgency]]]:
    result = {}
    for position, ((code, name, prefix), agencies) in enumerate(
        [(province.DEPARTMENTS_BLOCK, province.DEPARTMENTS), (province.DISTRICTS_BLOCK, province.DISTRICTS)],
        start=1,
    ):
        block, _ = Block.objects.update_or_create(
            code=code, defaults={"name": name, "table_prefix": prefix, "position": position}
        )
        for agency_position, sample in enumerate(agencies, start=1):
            Agency.objects.update_or_create(
                code=sample.code,
                defaults={
                    "name": sample.name,
                    "short_name": sample.short_name,
                    "head_title": sample.head_title,
                    "block": block,
                    "position": agency_position,
                },
            )
        result[code] = (block, agencies)
    return result


def _periods() -> dict[int, Period]:
    periods = {}
    for year in YEARS:
        period, _ = Period.objects.update_or_create(
            code=str(year),
            defaults={
                "name": f"Chỉ số CCHC năm {year}",
                "year": year,
                "starts_on": date(year, 1, 1),
                "ends_on": date(year, 12, 31),
                "previous": periods.get(year - 1),
                "state": PeriodState.COUNCIL,  # approval freezes inputs: set once they are loaded
            },
        )
        period.windows.all().delete()
        Window.objects.bulk_create(
            Window(period=period, kind=kind, starts_at=start, ends_at=end)
            for kind, start, end in _windows(year)
        )
        periods[year] = period
    return periods


OPEN_YEAR = 2026


def _open_period(previous: Period, blocks) -> Period:
    """A made-up current period whose self-assessment window is open around today, so the demo's focal
    points have something to fill in; its criteria are 2022's."""
    now = timezone.now()
    period, _ = Period.objects.update_or_create(
        code=str(OPEN_YEAR),
        defaults={
            "name": f"Chỉ số CCHC năm {OPEN_YEAR} (minh hoạ)",
            "year": OPEN_YEAR,
            "starts_on": date(OPEN_YEAR, 1, 1),
            "ends_on": date(OPEN_YEAR, 12, 31),
            "previous": previous,
            "state": PeriodState.SELF_ASSESSMENT,
        },
    )
    period.windows.all().delete()
    Window.objects.create(
        period=period,
        kind=WindowKind.SELF_ASSESSMENT,
        starts_at=now - timedelta(days=10),
        ends_at=timezone.localtime(now + timedelta(days=30)).replace(
            hour=23, minute=59, second=0, microsecond=0
        ),
    )
    for block, agencies in blocks.values():
        document = criteria.departments(2022) if block.code == "so-nganh" else criteria.districts(2022)
        criteria_set_from_document(period=period, block=block, document=document, replace=True)
        open_questionnaire_load(period=period, block=block, agencies=agencies)
    period_items_ensure(period=period)  # what opening the self-assessment does (agencies.workflow)
    return period


def _final_state(year: int) -> str:
    return PeriodState.PUBLISHED if year < 2022 else PeriodState.APPROVED


def _clear(periods: list[Period]) -> None:
    """The sample owns its periods: earlier results and inputs of them are replaced."""
    ResultSnapshot.objects.filter(period__in=periods).delete()
    Submission.objects.filter(period__in=periods).delete()
    MeasureValue.objects.filter(node__criteria_set__period__in=periods).delete()
    MeasureImport.objects.filter(period__in=periods).delete()
    AssessmentItem.objects.filter(node__criteria_set__period__in=periods).delete()
    questionnaires_clear(periods)
    SurveyValue.objects.filter(node__criteria_set__period__in=periods).delete()


def _load_year(
    period: Period, block: Block, agencies: list[province.SampleAgency], measured: list[list[str]]
) -> dict[tuple[int, int], Decimal]:
    """Stores the evidence leaves' inputs and the survey responses of one block and year, and adds the
    measured-data rows to `measured` (imported later); returns the survey values the responses must
    aggregate to, by (agency id, leaf id)."""
    document = (
        criteria.departments(period.year) if block.code == "so-nganh" else criteria.districts(period.year)
    )
    criteria_set = criteria_set_from_document(period=period, block=block, document=document, replace=True)
    nodes = list(criteria_set.nodes.all())
    tree = engine_tree(nodes)
    node_ids = {node.code: node.id for node in nodes}
    agency_ids = dict(Agency.objects.filter(code__in=[a.code for a in agencies]).values_list("code", "id"))
    items, targets = [], {}
    measured_codes = {node.code for node in nodes if node.source == Source.DATA}
    for sample in agencies:
        target = sample.y2021 if period.year == 2021 else sample.y2022
        result = calibrate(
            tree,
            seed=f"{sample.code}-{period.year}",
            index=Decimal(target.index),
            forced_areas={code: Decimal(fraction) for code, fraction in target.areas.items()},
            area_floors=_floors(target),
            bonus=Decimal(target.bonus),
            not_applicable=sample.not_applicable,
        )
        for code, (applicable, self_input, appraised_input) in result.items.items():
            if code in measured_codes:
                measured.append(_measured_row(sample.code, code, applicable, appraised_input, period.year))
                continue
            items.append(
                AssessmentItem(
                    agency_id=agency_ids[sample.code],
                    node_id=node_ids[code],
                    applicable=applicable,
                    not_applicable_reason="" if applicable else NOT_APPLICABLE_REASON,
                    self_input=self_input,
                    appraised_input=appraised_input,
                    status=ItemStatus.APPRAISED,
                )
            )
        targets[sample.code] = result.survey_values
    AssessmentItem.objects.bulk_create(items)
    survey_targets_load(period=period, block=block, agencies=agencies, agency_ids=agency_ids, targets=targets)
    return {
        (agency_ids[code], node_ids[leaf]): value
        for code, values in targets.items()
        for leaf, value in values.items()
    }


MEASURED_SOURCE = "Báo cáo kết quả CCHC năm {year} và số liệu Cổng Dịch vụ công quốc gia"
OPEN_MEASURED_SOURCE = "Số liệu Cổng Dịch vụ công quốc gia năm {year} (tạm tính, minh hoạ)"


def _measured_row(agency: str, code: str, applicable: bool, data: dict | None, year: int) -> list[str]:
    """A row of the measured-data file: the value the rule reads (KAD: not applicable, with the reason)."""
    if not applicable:
        return [agency, code, "KAD", "", NOT_APPLICABLE_REASON]
    return [agency, code, str(data["value"]), str(data.get("target", "")), ""]


def _measured_load(
    period: Period, rows: list[list[str]], source: str = MEASURED_SOURCE, dated: date | None = None
) -> None:
    """Imports the period's measured data through the service Home Affairs uses (one CSV file)."""
    if not rows:
        return
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([HEADERS[key] for key in ("agency", "criterion", "value", "target", "note")])
    writer.writerows(rows)
    measures_import(
        period=period,
        content=out.getvalue().encode(),
        file_name=f"so-lieu-do-luong-{period.code}.csv",
        acting_user=None,
        default_source=source.format(year=period.year),
        default_source_date=dated or date(period.year + 1, 1, 5),
        via="sample",
    )


def _survey_values(period: Period, targets: dict[tuple[int, int], Decimal]) -> None:
    """Aggregates the period's stored responses into survey values, which must be the calibrated ones to
    the calibration's 6 decimals (the answers aggregate to within half a millionth of them)."""
    survey_values_refresh(period=period)
    stored = {
        (agency_id, node_id): shown_value(value)
        for agency_id, node_id, value in SurveyValue.objects.filter(
            node__criteria_set__period=period, source=SurveyValueSource.AGGREGATED
        ).values_list("agency_id", "node_id", "value")
    }
    if stored != targets:
        wrong = sorted(key for key in targets.keys() | stored.keys() if stored.get(key) != targets.get(key))
        raise AssertionError(f"{period.code}: survey values differ from the calibration at {wrong[:5]}")


def _users() -> list[tuple[str, str]]:
    accounts = []
    # Hashed once for all accounts: argon2 for each was a tenth of the load.
    password = make_password(province.DEMO_PASSWORD)
    agencies = {
        a.code: a for a in Agency.objects.filter(code__in=[u[2] for u in province.DEMO_USERS if u[2]])
    }
    for username, role, agency_code, full_name in province.DEMO_USERS:
        user = User.objects.filter(username=username).first() or User(username=username)
        user.role = role
        user.agency = agencies.get(agency_code)
        user.first_name = full_name
        user.is_staff = username in ("admin", "noivu")
        user.is_superuser = username == "admin"
        user.password = password
        user.save()
        accounts.append((username, user.get_role_display() or "Quản trị hệ thống"))
    return accounts


def load_sample(*, compute: bool = True) -> dict:
    """Creates or refreshes the sample province; returns the demo accounts and the snapshots computed.

    2021's results are published (as they were). Published results are immutable, so once they exist
    a second load keeps the sample as it is and only resets the demo accounts.
    """
    sample_codes = [str(year) for year in YEARS]
    if ResultSnapshot.objects.filter(period__code__in=sample_codes, is_published=True).exists():
        with transaction.atomic():
            accounts = _users()
        return {"accounts": accounts, "snapshots": [], "kept": True}
    with transaction.atomic():
        blocks = _blocks()
        periods = _periods()
        _clear([*periods.values(), *Period.objects.filter(code=str(OPEN_YEAR))])
        for year in YEARS:
            targets, measured = {}, []
            for block, agencies in blocks.values():
                targets.update(_load_year(periods[year], block, agencies, measured))
            _survey_values(periods[year], targets)
            _measured_load(periods[year], measured)
            Period.objects.filter(pk=periods[year].pk).update(state=_final_state(year))
            periods[year].refresh_from_db()
        # Evidence with every badge (signed, changed after signing, unsigned, a duplicate) for 2022.
        evidence_checks = load_sample_evidence(periods[YEARS[-1]])
        open_period = _open_period(periods[YEARS[-1]], blocks)
        # The demo's open period shows measured data already entered (last year's figures, provisional).
        _measured_load(open_period, measured, OPEN_MEASURED_SOURCE, timezone.localdate())
        accounts = _users()
    for check_id in evidence_checks:  # eager Celery ran them on commit; with a worker, whoever is first
        evidence_check_run(check_id=check_id)
    snapshots = []
    if compute:
        publisher = User.objects.get(username="noivu")
        for year in YEARS:
            snapshots.append(period_compute(period=periods[year]))
            if periods[year].state == PeriodState.PUBLISHED:
                snapshot_publish(snapshot=snapshots[-1], acting_user=publisher, confirmed=True)
    return {"accounts": accounts, "snapshots": snapshots, "kept": False}
