"""Who reads which assessment items: `items_readable_q` (items of any period) and the policy's
`item_audience` (a user's audience for one item), on PostgreSQL.

An appraiser's assignment counts in its own period only, for its agency (or every agency) and its
content area (or every area: an item's area is its node's nearest ancestor marked as an area, else its
root, found in SQL by a recursive query), whether they are its first or its second appraiser; an agency user
reads their own agency's items. Each case
names exactly the items read, so a dropped condition or a widened filter fails (`make mutate`,
docs/testing.md).
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import Role
from agencies.permissions import items_readable_q
from agencies.policy import Audience as A
from agencies.policy import item_audience
from assessment.appraisal import area_codes
from assessment.models import AppraisalAssignment, AssessmentItem
from assessment.services import items_ensure
from sample import criteria
from scoring.formats import criteria_set_from_document
from scoring.models import CriteriaNode
from tests.factories import AgencyFactory, BlockFactory, PeriodFactory, UserFactory
from tests.worlds import self_assessment_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return self_assessment_world()


def read(user) -> set[tuple[str, str]]:
    """(agency code, leaf code) of every item the user may read."""
    items = AssessmentItem.objects.filter(items_readable_q(user))
    return set(items.values_list("agency__code", "node__code"))


def items_of(*agencies) -> set[tuple[str, str]]:
    return set(AssessmentItem.objects.filter(agency__in=agencies).values_list("agency__code", "node__code"))


def appraiser(name: str):
    return UserFactory(username=name, role=Role.APPRAISER)


# --- items_readable_q --------------------------------------------------------------------------------


def test_first_and_second_appraiser_of_one_agency_read_that_agency_s_items_only(world):
    first, second = appraiser("tham-dinh-1"), appraiser("tham-dinh-2")
    AppraisalAssignment.objects.create(
        period=world.period, appraiser=first, agency=world.agency, second_appraiser=second
    )
    assert read(first) == items_of(world.agency)
    assert read(second) == items_of(world.agency)
    assert len(read(first)) == 6  # the six leaves of the small criteria set


def test_an_assignment_of_every_agency_covers_both(world):
    first, second = appraiser("tham-dinh-1"), appraiser("tham-dinh-2")
    AppraisalAssignment.objects.create(
        period=world.period, appraiser=first, agency=None, second_appraiser=second
    )
    assert read(first) == items_of(world.agency, world.other)
    assert read(second) == items_of(world.agency, world.other)


def test_another_appraiser_s_assignment_gives_nothing(world):
    colleague, idle = appraiser("tham-dinh-1"), appraiser("tham-dinh-3")
    AppraisalAssignment.objects.create(period=world.period, appraiser=colleague, agency=None)
    assert read(idle) == set()


def test_an_assignment_of_another_period_gives_nothing_in_this_one(world):
    first, second = appraiser("tham-dinh-1"), appraiser("tham-dinh-2")
    earlier = PeriodFactory(year=2025)
    AppraisalAssignment.objects.create(
        period=earlier, appraiser=first, agency=world.agency, second_appraiser=second
    )
    assert read(first) == set()
    assert read(second) == set()


def test_agency_users_read_their_agency_and_province_wide_roles_every_agency(world):
    assert read(world.users["focal"]) == items_of(world.agency)
    assert read(world.users["other_focal"]) == items_of(world.other)
    assert read(world.users["lead"]) == items_of(world.agency, world.other)
    assert read(world.users["operator"]) == set()
    assert read(AnonymousUser()) == set()


def test_a_superuser_with_the_appraiser_role_reads_every_item(world):
    boss = UserFactory(username="boss", role=Role.APPRAISER, is_superuser=True)
    assert read(boss) == items_of(world.agency, world.other)


# --- item_audience -----------------------------------------------------------------------------------


def test_an_appraiser_meets_an_item_as_first_or_second_where_assigned_in_its_period(world):
    first, second, idle = appraiser("tham-dinh-1"), appraiser("tham-dinh-2"), appraiser("tham-dinh-3")
    AppraisalAssignment.objects.create(
        period=world.period, appraiser=first, agency=world.agency, second_appraiser=second
    )
    AppraisalAssignment.objects.create(period=PeriodFactory(year=2025), appraiser=idle, agency=None)
    own, others = world.item("1.1"), world.item("1.1", world.other)
    assert item_audience(first, own) == A.FIRST
    assert item_audience(second, own) == A.SECOND
    assert item_audience(first, others) == A.APPRAISER
    assert item_audience(second, others) == A.APPRAISER
    assert item_audience(idle, own) == A.APPRAISER


def test_other_users_meet_an_item_through_their_role_and_agency(world, django_assert_num_queries):
    own, others = world.item("2.1"), world.item("2.1", world.other)
    boss = UserFactory(username="boss", role=Role.APPRAISER, is_superuser=True)
    with django_assert_num_queries(0):  # only an appraiser's relation needs the assignments
        assert item_audience(None, own) == A.ANONYMOUS
        assert item_audience(AnonymousUser(), own) == A.ANONYMOUS
        assert item_audience(boss, own) == A.SUPERUSER
        assert item_audience(world.users["focal"], own) == A.FOCAL_POINT
        assert item_audience(world.users["focal"], others) == A.OUTSIDER
        assert item_audience(world.users["head"], own) == A.AGENCY_HEAD
        assert item_audience(world.users["lead"], own) == A.LEAD
        assert item_audience(world.users["operator"], own) == A.SURVEY_OPERATOR


# --- content areas: the filter in SQL, against the policy's Python ----------------------------------


def deep_document() -> dict:
    """Areas at several depths: root A is an area holding area A.2; root B is not an area and holds area
    B.3; groups without an area mark sit between areas and leaves."""
    manual = criteria.manual
    return {
        "format": "parindex-criteria/1",
        "name": "Bộ sâu",
        "bands": [{"code": "A", "label": "Mọi mức", "min_index": "0"}],
        "head_rules": [],
        "nodes": [
            criteria.area(
                "A",
                "Khu vực A",
                "4",
                [
                    manual("A.1", "Lá A.1", "1"),
                    criteria.area(
                        "A.2",
                        "Khu vực A.2 trong A",
                        "3",
                        [
                            manual("A.2.1", "Lá A.2.1", "1"),
                            {
                                "code": "A.2.2",
                                "title": "Nhóm A.2.2",
                                "max_points": "2",
                                "children": [
                                    manual("A.2.2.1", "Lá A.2.2.1", "1"),
                                    manual("A.2.2.2", "Lá", "1"),
                                ],
                            },
                        ],
                    ),
                ],
            ),
            {
                "code": "B",
                "title": "Gốc B, không là khu vực",
                "max_points": "4",
                "children": [
                    manual("B.1", "Lá B.1", "1"),
                    {
                        "code": "B.2",
                        "title": "Nhóm B.2",
                        "max_points": "1",
                        "children": [manual("B.2.1", "Lá B.2.1", "1")],
                    },
                    criteria.area("B.3", "Khu vực B.3 trong B", "2", [manual("B.3.1", "Lá B.3.1", "2")]),
                ],
            },
        ],
    }


@pytest.fixture
def deep(world):
    """A second block scored by the deep set in the same period, with one agency and its items."""
    block = BlockFactory(code="ubnd-huyen", name="UBND huyện")
    world.deep_set = criteria_set_from_document(period=world.period, block=block, document=deep_document())
    world.district = AgencyFactory(block=block, code="huyen-a", name="Huyện A")
    items_ensure(period=world.period, agency=world.district)
    return world


def test_an_area_at_any_depth_covers_the_leaves_the_policy_gives_it(deep):
    """Areas that are roots or inside another area, a root that is no area, groups between: an
    assignment of each area reads exactly the leaves `area_codes` (the policy's Python) puts in it."""
    nodes = list(CriteriaNode.objects.filter(criteria_set=deep.deep_set))
    areas = area_codes(nodes)
    parents = {node.parent_id for node in nodes}
    leaves = {node.code: areas[node.id] for node in nodes if node.id not in parents}
    assert leaves == {
        "A.1": "A", "A.2.1": "A.2", "A.2.2.1": "A.2", "A.2.2.2": "A.2", "B.1": "B", "B.2.1": "B", "B.3.1": "B.3",
    }  # fmt: skip
    for code in ("A", "A.2", "B", "B.3"):
        user = appraiser(f"tham-dinh-{code}")
        AppraisalAssignment.objects.create(
            period=deep.period, appraiser=user, agency=deep.district, area_code=code
        )
        assert read(user) == {("huyen-a", leaf) for leaf, area in leaves.items() if area == code}, code


ASSIGNMENTS = {
    # appraiser → (agency key or None, area code, as second appraiser?) of their assignments
    "a": [("district", "A.2", False)],
    "b": [("district", "B", False), ("agency", "1", True)],
    "c": [(None, "A", True)],
    "d": [(None, "2", False), ("district", "", True)],
    "e": [("other", "", False)],
    "f": [(None, "B.3", False), (None, "no-such-area", False), (None, "A.2.2", False)],
}


def test_an_appraisers_items_in_sql_are_those_the_policy_meets_them_as_first_or_second(deep):
    """Every item of the period × appraisers assigned by agency and area at every depth, first or second:
    `items_readable_q` holds exactly the items for which `item_audience` says FIRST or SECOND."""
    AppraisalAssignment.objects.filter(period=deep.period).delete()
    agencies = {"agency": deep.agency, "other": deep.other, "district": deep.district, None: None}
    users = {name: UserFactory(username=f"tham-dinh-{name}", role=Role.APPRAISER) for name in ASSIGNMENTS}
    holder = UserFactory(username="tham-dinh-chinh", role=Role.APPRAISER)
    for name, cells in ASSIGNMENTS.items():
        for agency, area, second in cells:
            AppraisalAssignment.objects.create(
                period=deep.period,
                agency=agencies[agency],
                area_code=area,
                appraiser=holder if second else users[name],
                second_appraiser=users[name] if second else None,
            )
    items = list(AssessmentItem.objects.select_related("node__criteria_set__period", "agency"))
    assert len(items) == 2 * 6 + 7
    covered = {A.FIRST, A.SECOND}
    for name, user in users.items():
        read = set(AssessmentItem.objects.filter(items_readable_q(user)).values_list("pk", flat=True))
        expected = {item.pk for item in items if item_audience(user, item) in covered}
        assert read == expected, name
    codes = {
        name: sorted(
            AssessmentItem.objects.filter(items_readable_q(user)).values_list("agency__code", "node__code")
        )
        for name, user in users.items()
    }
    assert codes["a"] == [("huyen-a", "A.2.1"), ("huyen-a", "A.2.2.1"), ("huyen-a", "A.2.2.2")]
    assert codes["b"] == [
        ("huyen-a", "B.1"),
        ("huyen-a", "B.2.1"),
        ("so-a", "1.1"),
        ("so-a", "1.2"),
        ("so-a", "1.3"),
    ]
    assert codes["c"] == [("huyen-a", "A.1")]
    assert len(codes["d"]) == 7 + 3 + 3 and len(codes["e"]) == 6
    assert codes["f"] == [("huyen-a", "B.3.1")]  # an area code that names a group or nothing covers nothing


def test_an_area_assignment_of_another_period_gives_nothing_in_this_one(world):
    last_year = UserFactory(username="tham-dinh-2025", role="appraiser")
    AppraisalAssignment.objects.create(
        period=PeriodFactory(year=2025), appraiser=last_year, agency=world.agency, area_code="1"
    )
    assert read(last_year) == set()
