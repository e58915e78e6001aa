"""Loads the sample province (Hải Dương 2021–2022) and computes its results: `manage.py load_sample`.

Survey values are not stored directly: sample.surveys stores questionnaires and responses, and the
values come from aggregating them (surveys.services.survey_values_refresh)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from agencies.models import Agency, Block, Period, PeriodState, Window, WindowKind
from assessment.models import AssessmentItem, ItemStatus, Submission
from scoring.formats import criteria_set_from_document
from scoring.inputs import engine_tree
from scoring.models import ResultSnapshot
from scoring.services import period_compute, snapshot_publish
from surveys.models import SurveyValue, SurveyValueSource
from surveys.services import survey_values_refresh

from . import criteria, province
from .calibrate import calibrate
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
                # Inputs are loaded as the council saw them; the period reaches its recorded state after
                # (approval freezes every input: agencies.policy).
                "state": PeriodState.COUNCIL,
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
    return period


def _clear(periods: list[Period]) -> None:
    """The sample owns its periods: earlier results and inputs of them are replaced."""
    ResultSnapshot.objects.filter(period__in=periods).delete()
    Submission.objects.filter(period__in=periods).delete()
    AssessmentItem.objects.filter(node__criteria_set__period__in=periods).delete()
    questionnaires_clear(periods)
    SurveyValue.objects.filter(node__criteria_set__period__in=periods).delete()


def _load_year(
    period: Period, block: Block, agencies: list[province.SampleAgency]
) -> dict[tuple[int, int], Decimal]:
    """Stores the leaf inputs and the survey responses of one block and year; returns the survey values
    the responses must aggregate to, by (agency id, leaf id)."""
    document = (
        criteria.departments(period.year) if block.code == "so-nganh" else criteria.districts(period.year)
    )
    criteria_set = criteria_set_from_document(period=period, block=block, document=document, replace=True)
    nodes = list(criteria_set.nodes.all())
    tree = engine_tree(nodes)
    node_ids = {node.code: node.id for node in nodes}
    agency_ids = dict(Agency.objects.filter(code__in=[a.code for a in agencies]).values_list("code", "id"))
    items, targets = [], {}
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


def _survey_values(period: Period, targets: dict[tuple[int, int], Decimal]) -> None:
    """Aggregates the period's stored responses into survey values, which must be the calibrated ones."""
    survey_values_refresh(period=period)
    stored = {
        (agency_id, node_id): value
        for agency_id, node_id, value in SurveyValue.objects.filter(
            node__criteria_set__period=period, source=SurveyValueSource.AGGREGATED
        ).values_list("agency_id", "node_id", "value")
    }
    if stored != targets:
        wrong = sorted(key for key in targets.keys() | stored.keys() if stored.get(key) != targets.get(key))
        raise AssertionError(f"{period.code}: survey values differ from the calibration at {wrong[:5]}")


def _users() -> list[tuple[str, str]]:
    accounts = []
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
        user.set_password(province.DEMO_PASSWORD)
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
            targets = {}
            for block, agencies in blocks.values():
                targets.update(_load_year(periods[year], block, agencies))
            _survey_values(periods[year], targets)
            final = PeriodState.PUBLISHED if year < 2022 else PeriodState.APPROVED
            Period.objects.filter(pk=periods[year].pk).update(state=final)
            periods[year].state = final
        _open_period(periods[YEARS[-1]], blocks)
        accounts = _users()
    snapshots = []
    if compute:
        publisher = User.objects.get(username="noivu")
        for year in YEARS:
            snapshots.append(period_compute(period=periods[year]))
            if periods[year].state == PeriodState.PUBLISHED:
                snapshot_publish(snapshot=snapshots[-1], acting_user=publisher)
    return {"accounts": accounts, "snapshots": snapshots, "kept": False}
