"""What is not ready for a step of the period's workflow (agencies.workflow.TRANSITIONS).

Each step of the workflow is irreversible in practice (a round opens for every agency, results reach the
council or the public), so the step's page lists what is missing first, and the workflow asks for a stated
reason to go ahead anyway (agencies.workflow.period_transition). A selector: it reads, in a fixed number of
queries whatever the number of agencies (the publication check also rebuilds the inputs' fingerprint,
itself a fixed number of queries).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from agencies.models import Agency, Period, Window, WindowKind
from scoring.models import CriteriaNode, CriteriaSet, ResultSnapshot
from surveys.models import SurveyValue

from .models import AssessmentItem, ItemStatus, Submission, SubmissionStatus
from .windows import moment_text, window_for

NAMES_SHOWN = 20  # a gap lists its first names; the count says how many there are in all

NO_CRITERIA_SET = _("Blocks of assessed agencies without a criteria set")
EMPTY_CRITERIA_SET = _("Criteria sets without any scored criterion")
NO_FOCAL_POINT = _("Agencies without an active focal point account")
NOT_SUBMITTED = _("Agencies that have not submitted their self-assessment")
NOT_SIGNED_OFF = _("Agencies whose submission the head has not signed off")
NOT_APPRAISED = _("Criteria not appraised yet")
DISPUTED = _("Explained criteria not re-appraised yet")
SURVEY_MISSING = _("Survey criteria without a survey value")
NO_SNAPSHOT = _("No computed results")
SNAPSHOT_STALE = _("The results were computed before the latest change of the inputs")
WINDOW_MISSING = _("The time window of the next round is not set")
EXPLANATION_OPEN = _("The explanation window is still open: agencies may still explain")

# The round a step opens, whose window should be set before it opens.
WINDOW_OPENED = {
    "open_self_assessment": WindowKind.SELF_ASSESSMENT,
    "start_appraisal": WindowKind.APPRAISAL,
    "open_explanation": WindowKind.EXPLANATION,
    "start_reappraisal": WindowKind.REAPPRAISAL,
    "send_to_council": WindowKind.COUNCIL,
}
# Which checks each step runs (return_to_secretariat needs only its comment).
CHECKS = {
    "open_self_assessment": ("criteria", "focal_points", "window"),
    "start_appraisal": ("submissions", "window"),
    "open_explanation": ("appraised", "window"),
    "start_reappraisal": ("explanation_window", "window"),
    "send_to_council": ("appraised", "disputed", "survey", "window"),
    "return_to_secretariat": (),
    "approve": ("appraised", "disputed", "survey"),
    "publish": ("final", "disputed", "survey", "snapshot"),
}


@dataclass(frozen=True)
class Entry:
    """One name in a gap, with a link to where it is fixed when such a page exists."""

    label: str
    url: str = ""
    count: int | None = None  # e.g. the number of criteria of this agency


@dataclass(frozen=True)
class Gap:
    code: str
    label: str
    count: int
    entries: tuple[Entry, ...] = ()
    url: str = ""

    @property
    def more(self) -> int:
        """Names not listed (only when the gap lists names of what it counts)."""
        if not self.entries or self.entries[0].count is not None:
            return 0
        return max(self.count - len(self.entries), 0)

    def as_record(self) -> dict:
        return {
            "code": self.code,
            "label": str(self.label),
            "count": self.count,
            "names": [each.label for each in self.entries],
        }


@dataclass
class Readiness:
    period: Period
    name: str
    gaps: list[Gap] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return not self.gaps

    def as_record(self) -> list[dict]:
        """What PeriodTransition.readiness keeps."""
        return [gap.as_record() for gap in self.gaps]

    def summary(self) -> str:
        """One line: each gap with its count, for messages and the command line."""
        return "; ".join(f"{gap.label}: {gap.count}" for gap in self.gaps)


def _agency_label(agency: Agency) -> str:
    return agency.short_name or agency.name


def _assessed_agencies(period: Period) -> list[Agency]:
    return list(
        period.agencies()
        .filter(block__criteria_sets__period=period)
        .only("id", "code", "name", "short_name", "block_id", "position")
        .order_by("block__position", "position", "code")
        .distinct()
    )


def _agency_gap(code, label, agencies, url_for, url: str = "") -> Gap | None:
    """A gap counting agencies; `url` is the page with the whole list."""
    if not agencies:
        return None
    return Gap(
        code,
        label,
        len(agencies),
        tuple(Entry(_agency_label(a), url_for(a)) for a in agencies[:NAMES_SHOWN]),
        url,
    )


def _counted_gap(code, label, counts: Counter, agencies: list[Agency], url_for, url: str = "") -> Gap | None:
    """A gap counting items, listed per agency with the agency's own count."""
    if not counts:
        return None
    listed = [a for a in agencies if counts.get(a.id)]
    return Gap(
        code,
        label,
        sum(counts.values()),
        tuple(Entry(_agency_label(a), url_for(a), counts[a.id]) for a in listed[:NAMES_SHOWN]),
        url,
    )


def _items(period: Period):
    return AssessmentItem.objects.filter(node__criteria_set__period=period, applicable=True)


def _per_agency(queryset) -> Counter:
    return Counter(
        {row["agency_id"]: row["n"] for row in queryset.values("agency_id").annotate(n=Count("id"))}
    )


class _Checks:
    """The checks, sharing the period's assessed agencies (one query, read once)."""

    def __init__(self, period: Period):
        self.period = period
        self._agencies: list[Agency] | None = None

    @property
    def agencies(self) -> list[Agency]:
        if self._agencies is None:
            self._agencies = _assessed_agencies(self.period)
        return self._agencies

    def _page(self, agency: Agency) -> str:
        return reverse("assessment:page", args=[self.period.code, agency.code])

    @property
    def _review(self) -> str:
        return reverse("appraisal:review", args=[self.period.code])

    def _inbox(self, status: str = ""):
        def url(agency: Agency) -> str:
            query = f"?agency={agency.code}" + (f"&status={status}" if status else "")
            return reverse("appraisal:inbox", args=[self.period.code]) + query

        return url

    def criteria(self) -> list[Gap]:
        gaps = []
        sets = list(
            CriteriaSet.objects.filter(period=self.period)
            .select_related("block")
            .annotate(leaves=Count("nodes", filter=~Q(nodes__rule="")))
        )
        covered = {s.block_id for s in sets}
        uncovered = list(
            self.period.agencies()
            .exclude(block_id__in=covered)
            .values_list("block__name", flat=True)
            .distinct()
            .order_by("block__name")
        )
        if uncovered:
            gaps.append(Gap("no_criteria_set", NO_CRITERIA_SET, len(uncovered), tuple(map(Entry, uncovered))))
        empty = [s for s in sets if not s.leaves]
        if empty:
            gaps.append(
                Gap("empty_criteria_set", EMPTY_CRITERIA_SET, len(empty), tuple(Entry(s.name) for s in empty))
            )
        return gaps

    def focal_points(self) -> list[Gap]:
        staffed = set(
            User.objects.filter(role=Role.FOCAL_POINT, is_active=True, agency__isnull=False).values_list(
                "agency_id", flat=True
            )
        )
        missing = [a for a in self.agencies if a.id not in staffed]
        return [g for g in [_agency_gap("no_focal_point", NO_FOCAL_POINT, missing, lambda a: "")] if g]

    def submissions(self) -> list[Gap]:
        rows = {
            agency_id: (status, signed_off_at)
            for agency_id, status, signed_off_at in Submission.objects.filter(period=self.period).values_list(
                "agency_id", "status", "signed_off_at"
            )
        }
        not_submitted, not_signed = [], []
        for agency in self.agencies:
            status, signed_off_at = rows.get(agency.id, (None, None))
            if status != SubmissionStatus.SUBMITTED:
                not_submitted.append(agency)
            elif signed_off_at is None:
                not_signed.append(agency)
        overview = reverse("assessment:overview", args=[self.period.code])
        gaps = [
            _agency_gap("not_submitted", NOT_SUBMITTED, not_submitted, self._page, overview),
            _agency_gap("not_signed_off", NOT_SIGNED_OFF, not_signed, self._page, overview),
        ]
        return [g for g in gaps if g]

    def _leaves_per_block(self, survey: bool) -> dict[int, int]:
        leaves = CriteriaNode.objects.filter(criteria_set__period=self.period).exclude(rule="")
        leaves = leaves.filter(rule="survey") if survey else leaves.exclude(rule="survey")
        return {
            row["criteria_set__block_id"]: row["n"]
            for row in leaves.values("criteria_set__block_id").annotate(n=Count("id"))
        }

    def _missing(self, done: Counter, survey: bool = False) -> Counter:
        """Leaves per agency with no input yet: its block's leaves minus those done. An agency that never
        opened its page has no items at all, and every leaf of it is missing."""
        expected = self._leaves_per_block(survey)
        missing = Counter()
        for agency in self.agencies:
            count = expected.get(agency.block_id, 0) - done.get(agency.id, 0)
            if count > 0:
                missing[agency.id] = count
        return missing

    def _scored(self, scored: Q) -> Counter:
        """Evidence leaves per agency that are done: not applicable, or with the input `scored` asks for."""
        items = AssessmentItem.objects.filter(node__criteria_set__period=self.period).exclude(
            node__rule="survey"
        )
        return _per_agency(items.filter(Q(applicable=False) | scored))

    def appraised(self) -> list[Gap]:
        missing = self._missing(self._scored(Q(appraised_input__isnull=False)))
        gap = _counted_gap(
            "not_appraised", NOT_APPRAISED, missing, self.agencies, self._inbox(), self._review
        )
        return [gap] if gap else []

    def final(self) -> list[Gap]:
        """Before publication: a leaf without a final input scores 0 (domain.md section 4)."""
        scored = Q(appraised_input__isnull=False) | Q(reappraised_input__isnull=False)
        missing = self._missing(self._scored(scored))
        gap = _counted_gap(
            "not_appraised", NOT_APPRAISED, missing, self.agencies, self._inbox(), self._review
        )
        return [gap] if gap else []

    def disputed(self) -> list[Gap]:
        counts = _per_agency(_items(self.period).filter(status=ItemStatus.DISPUTED))
        gap = _counted_gap(
            "disputed", DISPUTED, counts, self.agencies, self._inbox(ItemStatus.DISPUTED), self._review
        )
        return [gap] if gap else []

    def survey(self) -> list[Gap]:
        """Survey leaves per agency with neither a survey value nor a "not applicable" item."""
        with_value = set(
            SurveyValue.objects.filter(
                node__criteria_set__period=self.period, node__rule="survey"
            ).values_list("agency_id", "node_id")
        )
        not_applicable = set(
            AssessmentItem.objects.filter(
                node__criteria_set__period=self.period, node__rule="survey", applicable=False
            ).values_list("agency_id", "node_id")
        )
        done = Counter(agency_id for agency_id, _node in with_value | not_applicable)
        missing = self._missing(done, survey=True)
        gap = _counted_gap(
            "survey_missing", SURVEY_MISSING, missing, self.agencies, lambda a: "", reverse("surveys:index")
        )
        return [gap] if gap else []

    def snapshot(self, snapshot: ResultSnapshot | None) -> list[Gap]:
        from scoring.inputs import period_inputs  # the fingerprint of today's inputs, as computed

        compute = reverse("results:compute", args=[self.period.code])
        if snapshot is None:
            snapshot = self.period.snapshots.order_by("-version").first()
        if snapshot is None:
            return [Gap("no_snapshot", NO_SNAPSHOT, 1, url=compute)]
        if snapshot.fingerprint != period_inputs(self.period).fingerprint:
            label = _("Version %(version)s") % {"version": snapshot.version}
            return [Gap("snapshot_stale", SNAPSHOT_STALE, 1, (Entry(str(label), compute),), url=compute)]
        return []

    def window(self, name: str) -> list[Gap]:
        kind = WINDOW_OPENED.get(name)
        if kind is None or Window.objects.filter(period=self.period, kind=kind).exists():
            return []
        label = WindowKind(kind).label
        return [Gap("window_missing", WINDOW_MISSING, 1, (Entry(str(label), _admin_period(self.period)),))]

    def explanation_window(self) -> list[Gap]:
        window = window_for(period=self.period, kind=WindowKind.EXPLANATION)
        if window is None or window.ends_at <= timezone.now():
            return []
        closes = moment_text(window.ends_at, end=True)
        return [Gap("explanation_open", EXPLANATION_OPEN, 1, (Entry(closes),))]


def _admin_period(period: Period) -> str:
    return reverse("admin:agencies_period_change", args=[period.pk])


def period_readiness(*, period: Period, name: str, snapshot: ResultSnapshot | None = None) -> Readiness:
    """What is not ready for the step `name` of the period; `snapshot` is the one to publish (publish
    only; the latest computation when omitted)."""
    checks = _Checks(period)
    readiness = Readiness(period, name)
    for check in CHECKS.get(name, ()):
        if check == "window":
            readiness.gaps += checks.window(name)
        elif check == "snapshot":
            readiness.gaps += checks.snapshot(snapshot)
        else:
            readiness.gaps += getattr(checks, check)()
    return readiness
