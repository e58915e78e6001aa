"""Loads the made-up reformed province (tỉnh Vân Sơn, 2025–2026): `manage.py load_sample --province van-son`.

20 departments and 120 communes and wards formed on 1 July 2025 from 335 former communes, wards and
towns (agencies.Agency.predecessors). 2025 ranks the former units (published); 2026 the new ones, its
items at the stages the chosen period state implies. Everything is generated from fixed seeds and written
in bulk, so a load takes seconds (docs/sample-data.md). Nothing here is published data.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from agencies import policy
from agencies.models import Agency, Block, Period, PeriodState, Window, WindowKind
from assessment.models import (
    AppraisalAssignment,
    AssessmentItem,
    ItemStatus,
    SecondAppraisal,
    Submission,
    SubmissionStatus,
)
from assessment.services import period_items_ensure
from evidence.models import EvidenceLink
from measures.models import MeasureImport, MeasureValue
from reports.models import ReportBundle
from scoring.formats import criteria_set_from_document
from scoring.inputs import engine_tree
from scoring.models import ComputeJob, ResultSnapshot, Source
from scoring.services import period_compute, snapshot_publish
from surveys.models import SurveyValue, SurveyValueSource

from . import reform_names as names
from .calibrate import leaf_options
from .loader import NOT_APPLICABLE_REASON, _measured_load
from .province import DEMO_PASSWORD
from .reform_criteria import commune_document, department_document
from .surveys import questionnaires_clear

VN = ZoneInfo("Asia/Ho_Chi_Minh")
DEPARTMENTS_BLOCK = ("vs-so-nganh", "Sở, ban, ngành tỉnh Vân Sơn", "A", 10)
COMMUNES_BLOCK = ("vs-xa-phuong", "UBND xã, phường tỉnh Vân Sơn", "C", 11)
PAST, CURRENT = "vs-2025", "vs-2026"
MERGED_ON = date(2025, 7, 1)
STATES = (
    PeriodState.SELF_ASSESSMENT,
    PeriodState.APPRAISAL,
    PeriodState.EXPLANATION,
    PeriodState.REAPPRAISAL,
    PeriodState.COUNCIL,
)
APPRAISERS = 6
EXPLANATION = (
    "Đơn vị bổ sung văn bản kiểm chứng (kế hoạch, báo cáo đã ban hành đúng hạn), đề nghị xem xét lại."
)
APPRAISAL_COMMENT = "Tài liệu kiểm chứng chưa thể hiện đầy đủ kết quả thực hiện."


class SampleKept(Exception):
    """The sample's period is approved or published: a reload would clear a closed round."""


@dataclass(frozen=True)
class Staff:
    username: str
    role: str
    full_name: str


STAFF = [
    Staff("vs-noivu", Role.HOME_AFFAIRS, "Phòng CCHC, Sở Nội vụ tỉnh Vân Sơn"),
    Staff("vs-thuky1", Role.SECRETARIAT_LEAD, "Tổ trưởng Tổ thư ký (Vân Sơn)"),
    *(
        Staff(f"vs-thuky{n}", Role.APPRAISER, f"Thành viên Tổ thư ký {n} (Vân Sơn)")
        for n in range(2, 2 + APPRAISERS)
    ),
    Staff("vs-hoidong", Role.COUNCIL, "Thành viên Hội đồng (Vân Sơn)"),
    Staff("vs-khaosat", Role.SURVEY_OPERATOR, "Nhân viên nhập phiếu, Bưu điện tỉnh Vân Sơn"),
]


def _at(day: date, hour: int = 0, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=VN)


# --- agencies and accounts ----------------------------------------------------------------------


def _blocks() -> tuple[Block, Block]:
    out = []
    for code, name, prefix, position in (DEPARTMENTS_BLOCK, COMMUNES_BLOCK):
        block, _ = Block.objects.update_or_create(
            code=code, defaults={"name": name, "table_prefix": prefix, "position": position}
        )
        out.append(block)
    return out[0], out[1]


FIELDS_SEEN = ("name", "short_name", "head_title", "block_id", "position", "active_from", "active_to")


def _old(values: dict, agency: Agency, field: str):
    return values[agency.code]["block_id" if field == "block" else field]


def _agencies(departments: Block, communes: Block, count: int) -> dict[str, Agency]:
    """Creates or refreshes every agency in bulk; links each new commune to its former ones."""
    new, former = names.communes(count)
    rows = []
    for position, unit in enumerate(names.DEPARTMENTS, start=1):
        rows.append((unit, departments, position, None, None))
    for position, unit in enumerate(former, start=1):
        rows.append((unit, communes, position, None, MERGED_ON - timedelta(days=1)))
    for position, unit in enumerate(new, start=1):
        rows.append((unit, communes, position, MERGED_ON, None))
    existing = {a.code: a for a in Agency.objects.filter(code__in=[row[0].code for row in rows])}
    existing_values = {a.code: {f: getattr(a, f) for f in FIELDS_SEEN} for a in existing.values()}
    fields = ("name", "short_name", "head_title", "block", "position", "active_from", "active_to")
    create, update = [], []
    for unit, block, position, active_from, active_to in rows:
        agency = existing.get(unit.code) or Agency(code=unit.code)
        values = (unit.name, unit.short_name, unit.head_title, block, position, active_from, active_to)
        for field, value in zip(fields, values, strict=True):
            setattr(agency, field, value)
        if agency.pk is None:
            create.append(agency)
        elif any(
            getattr(agency, f"{f}_id" if f == "block" else f) != _old(existing_values, agency, f)
            for f in fields
        ):
            update.append(agency)
    Agency.objects.bulk_create(create, batch_size=500)
    Agency.objects.bulk_update(update, fields, batch_size=500)
    agencies = {a.code: a for a in Agency.objects.filter(code__in=[row[0].code for row in rows])}
    through = Agency.predecessors.through
    through.objects.filter(from_agency__in=[agencies[u.code] for u in new]).delete()
    through.objects.bulk_create(
        through(from_agency_id=agencies[unit.code].pk, to_agency_id=agencies[code].pk)
        for unit in new
        for code in unit.predecessors
    )
    return agencies


def _users(agencies: dict[str, Agency], focal_points: int, count: int) -> list[tuple[str, str]]:
    """Staff accounts, and for every 2026 agency `focal_points` focal points and its head (password demo).

    Written in bulk with one password hash (argon2 for ~300 accounts would take most of the load)."""
    password = make_password(DEMO_PASSWORD, salt="vansonsample2026")  # one fixed hash: demo accounts only
    wanted: list[tuple[str, str, Agency | None, str]] = [
        (s.username, s.role, None, s.full_name) for s in STAFF
    ]
    new, _former = names.communes(count)
    for unit in [*names.DEPARTMENTS, *new]:
        agency = agencies[unit.code]
        for n in range(1, focal_points + 1):
            username = unit.code if n == 1 else f"{unit.code}-{n}"
            wanted.append((username, Role.FOCAL_POINT, agency, f"Cán bộ đầu mối CCHC, {unit.short_name}"))
        wanted.append((f"ct-{unit.code}", Role.AGENCY_HEAD, agency, f"{unit.head_title}, {unit.short_name}"))
    existing = {u.username: u for u in User.objects.filter(username__in=[w[0] for w in wanted])}
    create, update = [], []
    for username, role, agency, full_name in wanted:
        user = existing.get(username) or User(username=username)
        before = (user.role, user.agency_id, user.first_name, user.password, user.is_staff, user.is_active)
        user.role, user.agency, user.first_name, user.password = role, agency, full_name, password
        user.is_staff = role == Role.HOME_AFFAIRS
        user.is_active = True
        after = (
            user.role,
            user.agency and user.agency.pk,
            user.first_name,
            user.password,
            user.is_staff,
            True,
        )
        if user.pk is None:
            create.append(user)
        elif before != after:
            update.append(user)
    User.objects.bulk_create(create, batch_size=500)
    User.objects.bulk_update(update, ["role", "agency", "first_name", "password", "is_staff", "is_active"])
    users = list(User.objects.filter(username__in=[w[0] for w in wanted]))
    groups = {g.name: g for g in Group.objects.filter(name__in={u.role for u in users})}
    membership = User.groups.through
    membership.objects.filter(user__in=users, group__in=Group.objects.filter(name__in=list(Role))).delete()
    membership.objects.bulk_create(
        membership(user_id=user.pk, group_id=groups[user.role].pk) for user in users if user.role in groups
    )
    return [(w[0], str(Role(w[1]).label)) for w in wanted]


# --- periods -------------------------------------------------------------------------------------


def _period(code: str, year: int, *, starts: date, ends: date, previous: Period | None, state: str) -> Period:
    period, _ = Period.objects.update_or_create(
        code=code,
        defaults={
            "name": f"Chỉ số CCHC năm {year} — tỉnh {names.PROVINCE_NAME} (minh hoạ)",
            "year": year,
            "starts_on": starts,
            "ends_on": ends,
            "previous": previous,
            "state": state,
        },
    )
    return period


def _clear(period: Period) -> None:
    """The sample owns its periods: earlier results and inputs of them are replaced."""
    ReportBundle.objects.filter(snapshot__period=period).delete()
    ComputeJob.objects.filter(period=period).delete()
    ResultSnapshot.objects.filter(period=period).delete()
    Submission.objects.filter(period=period).delete()
    AppraisalAssignment.objects.filter(period=period).delete()
    MeasureValue.objects.filter(node__criteria_set__period=period).delete()
    MeasureImport.objects.filter(period=period).delete()
    EvidenceLink.objects.filter(item__node__criteria_set__period=period).delete()
    SecondAppraisal.objects.filter(item__node__criteria_set__period=period).delete()
    # Thousands of items: deleted in one statement, with their history (the sample owns the period), not
    # row by row through django-simple-history's signal.
    items = AssessmentItem.objects.filter(node__criteria_set__period=period)
    AssessmentItem.history.filter(node__criteria_set__period=period)._raw_delete(items.db)
    items._raw_delete(items.db)
    questionnaires_clear([period])
    SurveyValue.objects.filter(node__criteria_set__period=period).delete()


def _windows(period: Period, state: str, today: date) -> None:
    """Windows around today: the current state's window is open (self-assessment closes at 23:59 two days
    from now: the deadline rush), earlier ones are over, later ones to come."""
    kinds = [
        WindowKind.SELF_ASSESSMENT,
        WindowKind.APPRAISAL,
        WindowKind.EXPLANATION,
        WindowKind.REAPPRAISAL,
        WindowKind.COUNCIL,
    ]
    current = STATES.index(state)
    period.windows.all().delete()
    windows = []
    for position, kind in enumerate(kinds):
        offset = (position - current) * 10
        starts = _at(today + timedelta(days=offset - 20 if position == 0 else offset - 8))
        ends = _at(today + timedelta(days=offset + 2), 23, 59)
        windows.append(Window(period=period, kind=kind, starts_at=starts, ends_at=ends))
    Window.objects.bulk_create(windows)


# --- inputs ----------------------------------------------------------------------------------------


@dataclass
class Leaf:
    node_id: int
    code: str
    area: str
    source: str
    options: list  # rule inputs, best first


def _leaves(criteria_set) -> list[Leaf]:
    nodes = list(criteria_set.nodes.all())
    tree = engine_tree(nodes)
    ids = {node.code: node.id for node in nodes}
    out = []
    for leaf in tree.leaves:
        top = leaf
        while top.parent_code is not None:
            top = tree.node(top.parent_code)
        options = [] if leaf.rule == "survey" else [o.data for o in leaf_options(leaf)]
        source = next(node.source for node in nodes if node.code == leaf.code)
        out.append(Leaf(ids[leaf.code], leaf.code, top.code, source, options))
    return out


def _quality(rng: random.Random) -> float:
    """An agency's level: most between 0.6 and 0.9, a few weak ones (indices mostly 80–92)."""
    return min(0.96, max(0.4, rng.gauss(0.74, 0.1)))


def _pick(leaf: Leaf, quality: float, rng: random.Random, bonus: bool = False) -> dict:
    if bonus:
        return leaf.options[-1] if rng.random() < 0.8 else leaf.options[0]
    if rng.random() < quality:
        return leaf.options[0]
    return rng.choice(leaf.options)


def _survey_values(period: Period, leaves: list[Leaf], agencies: list[Agency], seed: str) -> None:
    rows = []
    for agency in agencies:
        rng = random.Random(f"{seed}-{agency.code}-survey")
        quality = _quality(rng)
        for leaf in leaves:
            if leaf.source == Source.SURVEY:
                value = min(1.0, max(0.3, quality + rng.uniform(0.0, 0.15)))
                rows.append(
                    SurveyValue(
                        agency=agency,
                        node_id=leaf.node_id,
                        value=Decimal(str(round(value, 4))),
                        respondents=rng.randint(40, 160),
                        source=SurveyValueSource.IMPORTED,
                    )
                )
    SurveyValue.objects.bulk_create(rows, batch_size=2000)


def _measured_rows(agency: Agency, leaves: list[Leaf], rng: random.Random, quality: float) -> list[list[str]]:
    rows = []
    for leaf in leaves:
        if leaf.source == Source.DATA:
            not_applicable = leaf.code in names.NO_UNITS.get(agency.code, ())
            if not_applicable:
                rows.append([agency.code, leaf.code, "KAD", "", NOT_APPLICABLE_REASON])
            else:
                data = _pick(leaf, quality, rng)
                rows.append([agency.code, leaf.code, str(data["value"]), str(data.get("target", "")), ""])
    return rows


def _load_past(period: Period, sets: dict[Block, object], agencies: dict[Block, list[Agency]]) -> None:
    """2025: every former unit appraised; measured data imported; survey values entered."""
    items, measured = [], []
    for block, criteria_set in sets.items():
        leaves = _leaves(criteria_set)
        for agency in agencies[block]:
            rng = random.Random(f"{period.code}-{agency.code}")
            quality = _quality(rng)
            measured.extend(_measured_rows(agency, leaves, rng, quality))
            for leaf in leaves:
                if leaf.source != Source.EVIDENCE:
                    continue
                applicable = leaf.code not in names.NO_UNITS.get(agency.code, ())
                data = _pick(leaf, quality, rng, bonus=leaf.area == _bonus_area(block))
                items.append(
                    AssessmentItem(
                        agency=agency,
                        node_id=leaf.node_id,
                        applicable=applicable,
                        not_applicable_reason="" if applicable else NOT_APPLICABLE_REASON,
                        self_input=(leaf.options[0] if rng.random() < 0.3 else data) if applicable else None,
                        appraised_input=data if applicable else None,
                        status=ItemStatus.APPRAISED,
                    )
                )
        _survey_values(period, leaves, agencies[block], period.code)
    AssessmentItem.objects.bulk_create(items, batch_size=2000)
    _measured_load(
        period, measured, "Báo cáo CCHC 6 tháng đầu năm {year} và số liệu Cổng Dịch vụ công quốc gia"
    )


def _bonus_area(block: Block) -> str:
    return "9" if block.code == DEPARTMENTS_BLOCK[0] else "10"


# An agency's progress in 2026, by period state: (share of agencies, their stage), drawn per agency.
SELF_STAGES = [(0.12, "not_started"), (0.33, "self_scoring"), (0.30, "submitted"), (0.25, "signed_off")]


def _stage(state: str, rng: random.Random) -> str:
    draw = rng.random()
    if state == PeriodState.SELF_ASSESSMENT:
        for share, stage in SELF_STAGES:
            if draw < share:
                return stage
            draw -= share
        return SELF_STAGES[-1][1]
    if draw < 0.03:
        return "never_submitted"  # still appraised, on what the agency had entered
    if state == PeriodState.APPRAISAL:
        return "appraised" if draw < 0.55 else ("appraising" if draw < 0.8 else "signed_off")
    if state == PeriodState.EXPLANATION:
        return "explained" if draw < 0.4 else "appraised"
    if state == PeriodState.REAPPRAISAL:
        return "reappraised" if draw < 0.2 else ("explained" if draw < 0.4 else "appraised")
    return "reappraised" if draw < 0.4 else "appraised"


def _load_current(
    period: Period,
    state: str,
    sets: dict[Block, object],
    agencies: dict[Block, list[Agency]],
    users: dict[str, User],
) -> dict[str, int]:
    """2026: items at the stage each agency reached; submissions, sign-offs, assignments."""
    now = timezone.now()
    items, submissions, measured, stages, all_areas = [], [], [], {}, set()
    appraisers = [users[f"vs-thuky{n}"] for n in range(2, 2 + APPRAISERS)]
    for block, criteria_set in sets.items():
        leaves = _leaves(criteria_set)
        areas = sorted({leaf.area for leaf in leaves}, key=int)
        for agency in agencies[block]:
            rng = random.Random(f"{period.code}-{state}-{agency.code}")
            quality = _quality(rng)
            stage = _stage(state, rng)
            stages[stage] = stages.get(stage, 0) + 1
            measured.extend(_measured_rows(agency, leaves, rng, quality))
            if stage == "not_started":
                continue
            share = rng.uniform(0.2, 0.9) if stage in ("self_scoring", "never_submitted") else 1.0
            appraised_share = rng.uniform(0.3, 0.8) if stage == "appraising" else 1.0
            appraised = state != PeriodState.SELF_ASSESSMENT and stage not in ("signed_off",)
            explained = stage in ("explained", "reappraised")
            disputes = set(rng.sample([leaf.code for leaf in leaves if leaf.options], k=rng.randint(1, 4)))
            for leaf in leaves:
                if leaf.source != Source.EVIDENCE:
                    continue
                applicable = leaf.code not in names.NO_UNITS.get(agency.code, ())
                data = _pick(leaf, quality, rng, bonus=leaf.area == _bonus_area(block))
                claim = leaf.options[0] if rng.random() < 0.3 else data
                item = AssessmentItem(
                    agency=agency,
                    node_id=leaf.node_id,
                    applicable=applicable,
                    not_applicable_reason="" if applicable else NOT_APPLICABLE_REASON,
                    status=ItemStatus.NOT_STARTED,
                )
                if rng.random() < share:
                    item.self_input = claim if applicable else None
                    partial = stage in ("self_scoring", "never_submitted")
                    item.status = ItemStatus.SELF_SCORED if partial else ItemStatus.SUBMITTED
                if appraised and rng.random() < appraised_share and applicable:
                    item.appraised_input = data if item.self_input is not None else leaf.options[-1]
                    item.appraised_by = appraisers[areas.index(leaf.area) % len(appraisers)]
                    item.appraised_at = now - timedelta(days=3)
                    item.status = ItemStatus.APPRAISED
                    if explained and leaf.code in disputes and data != leaf.options[0]:
                        item.appraisal_comment = APPRAISAL_COMMENT
                        item.evidence_insufficient = True
                        item.explanation = EXPLANATION
                        item.explained_at = now - timedelta(days=1)
                        item.status = ItemStatus.DISPUTED
                        if stage == "reappraised":
                            item.reappraised_input = leaf.options[0] if rng.random() < 0.5 else data
                            item.reappraisal_comment = "Chấp nhận giải trình."
                            item.reappraised_by = item.appraised_by
                            item.status = ItemStatus.REAPPRAISED
                items.append(item)
            if stage in ("self_scoring", "never_submitted"):
                submissions.append(
                    Submission(
                        period=period,
                        agency=agency,
                        last_activity_at=now - timedelta(hours=rng.randint(1, 72)),
                    )
                )
            elif stage != "not_started" and stage != "never_submitted":
                focal, head = users[agency.code], users[f"ct-{agency.code}"]
                signed = stage != "submitted"
                submissions.append(
                    Submission(
                        period=period,
                        agency=agency,
                        status=SubmissionStatus.SUBMITTED,
                        submitted_at=now - timedelta(days=rng.randint(2, 9)),
                        submitted_by=focal,
                        signed_off_at=now - timedelta(days=1) if signed else None,
                        signed_off_by=head if signed else None,
                        last_activity_at=now - timedelta(days=2),
                    )
                )
        _survey_values(period, leaves, agencies[block], period.code)
        all_areas.update(areas)
    # One appraiser per content area, for every agency of both blocks (the lead may refine it per agency).
    AppraisalAssignment.objects.bulk_create(
        AppraisalAssignment(
            period=period,
            appraiser=appraisers[position % len(appraisers)],
            area_code=area_code,
            assigned_by=users["vs-thuky1"],
        )
        for position, area_code in enumerate(sorted(all_areas, key=int))
    )
    AssessmentItem.objects.bulk_create(items, batch_size=2000)
    Submission.objects.bulk_create(submissions)
    _measured_load(
        period,
        measured,
        "Số liệu Cổng Dịch vụ công quốc gia năm {year} (tạm tính, minh hoạ)",
        timezone.localdate(),
    )
    return stages


def load_reformed_province(
    *,
    state: str = PeriodState.SELF_ASSESSMENT,
    compute: bool = True,
    focal_points: int = 1,
    communes: int = names.COMMUNES,
) -> dict:
    """Creates or refreshes the reformed province; returns its accounts, 2026 stages and the snapshots.

    2025 is published, so once it exists it is kept as it is; 2026 is rebuilt at the state asked for, unless
    it has been approved or published since (`SampleKept`, nothing changed).
    """
    if state not in STATES:
        raise ValueError(f"state must be one of {', '.join(STATES)}")
    snapshots = []
    today = timezone.localdate()
    with transaction.atomic():
        current = Period.objects.select_for_update().filter(code=CURRENT).first()
        if current is not None and policy.period_inputs_frozen(current):
            # The sample owns vs-2026 while it runs, not once its council approved it.
            raise SampleKept(
                f"{CURRENT} is {current.get_state_display()}: an approved or published round is kept as it "
                "is, so nothing was loaded."
            )
        count = communes
        departments, communes = _blocks()
        by_code = _agencies(departments, communes, count)
        accounts = _users(by_code, focal_points, count)
        users = {u.username: u for u in User.objects.filter(username__startswith="vs-")}
        users.update({u.username: u for u in User.objects.filter(username__startswith="ct-vs-")})
        new, former = names.communes(count)
        past = _period(
            PAST,
            2025,
            starts=date(2025, 1, 1),
            ends=MERGED_ON - timedelta(days=1),
            previous=None,
            state=PeriodState.COUNCIL,
        )
        kept = ResultSnapshot.objects.filter(period=past, is_published=True).exists()
        if not kept:
            _clear(past)
            sets = {
                departments: criteria_set_from_document(
                    period=past,
                    block=departments,
                    document=department_document(2025, names.UNRANKED),
                    replace=True,
                ),
                communes: criteria_set_from_document(
                    period=past, block=communes, document=commune_document(2025), replace=True
                ),
            }
            past_agencies = {
                departments: [by_code[u.code] for u in names.DEPARTMENTS],
                communes: [by_code[u.code] for u in former],
            }
            _load_past(past, sets, past_agencies)
            Window.objects.filter(period=past).delete()
            for kind, (start, end) in {
                WindowKind.SELF_ASSESSMENT: (date(2025, 7, 10), date(2025, 7, 25)),
                WindowKind.APPRAISAL: (date(2025, 7, 26), date(2025, 8, 5)),
                WindowKind.EXPLANATION: (date(2025, 8, 6), date(2025, 8, 10)),
                WindowKind.REAPPRAISAL: (date(2025, 8, 11), date(2025, 8, 15)),
                WindowKind.COUNCIL: (date(2025, 8, 18), date(2025, 8, 25)),
            }.items():
                Window.objects.create(period=past, kind=kind, starts_at=_at(start), ends_at=_at(end, 23, 59))
            Period.objects.filter(pk=past.pk).update(state=PeriodState.PUBLISHED)
            past.refresh_from_db()
        current = _period(
            CURRENT,
            2026,
            starts=date(2026, 1, 1),
            ends=date(2026, 12, 31),
            previous=past,
            state=PeriodState.SELF_ASSESSMENT,
        )
        _clear(current)
        _windows(current, state, today)
        sets = {
            departments: criteria_set_from_document(
                period=current,
                block=departments,
                document=department_document(2026, names.UNRANKED),
                replace=True,
            ),
            communes: criteria_set_from_document(
                period=current, block=communes, document=commune_document(2026), replace=True
            ),
        }
        current_agencies = {
            departments: [by_code[u.code] for u in names.DEPARTMENTS],
            communes: [by_code[u.code] for u in new],
        }
        stages = _load_current(current, state, sets, current_agencies, users)
        if state == PeriodState.SELF_ASSESSMENT:  # what the opening does: every leaf has its item to score
            period_items_ensure(period=current)  # (later states show only the stages' items)
        Period.objects.filter(pk=current.pk).update(state=state)
        current.refresh_from_db()
    if compute:
        if not kept:
            snapshot = period_compute(period=past)
            snapshot_publish(snapshot=snapshot, acting_user=users["vs-noivu"], confirmed=True)
            snapshots.append(snapshot)
        if state != PeriodState.SELF_ASSESSMENT:
            snapshots.append(period_compute(period=current))
    return {"accounts": accounts, "snapshots": snapshots, "stages": stages, "kept": kept}
