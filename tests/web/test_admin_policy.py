"""The Django admin is one more path that asks the policy: a Home Affairs official (staff, with model
permissions) or a superuser changes a criteria set, a node, a period's settings, its windows or an
extension only in the period states the policy allows, and every change allowed is audited. Each test
posts the admin's own form as a browser would (read back from the page), at the last state that allows
the write and the first that refuses it."""

from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from agencies.models import Extension, Period, PeriodState, Window, WindowKind
from assessment.models import AssessmentItem
from scoring.models import CriteriaNode, CriteriaSet
from surveys.models import SamplePlan
from tests.factories import UserFactory
from tests.surveys.factories import make_survey
from tests.worlds import self_assessment_world

pytestmark = pytest.mark.django_db
S = PeriodState


class _ChangeForm(HTMLParser):
    """What a browser would post from the admin's change form: inputs, checked boxes, selected options,
    text areas (inline management forms included)."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._in_form = False
        self._select: tuple[str, bool, list[str]] | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("id") or "").endswith("_form"):
            self._in_form = True
        if not self._in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.data.setdefault(name, []).append(attrs.get("value") or "on")
            elif kind not in ("submit", "button", "file", "image"):
                self.data.setdefault(name, []).append(attrs.get("value") or "")
        elif tag == "select" and name:
            self._select = (name, "multiple" in attrs, [])
            self.data.setdefault(name, [])
        elif tag == "option" and self._select is not None:
            self._select[2].append(attrs.get("value") or "")
            if "selected" in attrs:
                self.data[self._select[0]].append(attrs.get("value") or "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None:
            name, multiple, options = self._select
            if not multiple and not self.data[name] and options:
                self.data[name] = [options[0]]  # a browser posts the first option
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            value = self.data[self._textarea][0]
            self.data[self._textarea] = [value[1:] if value.startswith("\n") else value]
            self._textarea = None
        elif tag == "form":
            self._in_form = False

    def handle_data(self, data):
        if self._textarea is not None:
            self.data[self._textarea][0] += data


def form_of(page) -> dict:
    parser = _ChangeForm()
    parser.feed(page.content.decode())
    return {**parser.data, "_save": ["Save"]}


def text(page) -> str:
    return page.content.decode()


def editable(page, field: str) -> bool:
    return f'name="{field}"' in text(page)


@pytest.fixture(autouse=True)
def _english(client, settings):
    """Dates are posted as the English admin writes them (2026-11-27, 14:00:00)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def world():
    return self_assessment_world()


@pytest.fixture
def home_affairs(world):
    """As in the sample province: Home Affairs is staff, with its role's model permissions."""
    user = world.users["home_affairs"]
    user.is_staff = True
    user.save()
    return user


@pytest.fixture
def root():
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def in_state(period: Period, state: str) -> Period:
    Period.objects.filter(pk=period.pk).update(state=state)
    period.refresh_from_db()
    return period


def signed_in(client, user):
    client.force_login(user)
    return client


# --- criteria sets: Obj.CRITERIA, a draft only --------------------------------------------------------


@pytest.mark.parametrize("who", ["home_affairs", "root"])
def test_a_draft_criteria_set_is_changed_in_the_admin_and_the_change_is_audited(client, world, who, request):
    user = request.getfixturevalue(who)
    criteria_set = CriteriaSet.objects.get(period=in_state(world.period, S.DRAFT))
    url = reverse("admin:scoring_criteriaset_change", args=[criteria_set.pk])
    page = signed_in(client, user).get(url)
    assert page.status_code == 200 and editable(page, "name") and editable(page, "unranked_agencies")
    before = criteria_set.history.count()
    data = form_of(page) | {"name": ["Bộ nhỏ (sửa)"], "unranked_agencies": [str(world.other.pk)]}
    assert client.post(url, data).status_code == 302
    criteria_set.refresh_from_db()
    assert criteria_set.name == "Bộ nhỏ (sửa)"
    assert list(criteria_set.unranked_agencies.all()) == [world.other]
    entries = list(criteria_set.history.order_by("history_id")[before:])
    assert entries and {entry.history_user for entry in entries} == {user}
    assert {entry.history_change_reason for entry in entries} == {"admin"}
    assert entries[0].name == "Bộ nhỏ (sửa)"
    assert [row.agency for row in entries[-1].unranked_agencies.all()] == [world.other]


@pytest.mark.parametrize("who", ["home_affairs", "root"])
@pytest.mark.parametrize("state", [S.SELF_ASSESSMENT, S.APPROVED, S.PUBLISHED])
def test_after_the_draft_a_criteria_set_is_shown_read_only_and_a_post_changes_nothing(
    client, world, who, state, request
):
    """Self-assessment is the first state that refuses; approval and publication must refuse too, for a
    superuser as well: the published figures stay reproducible from the set."""
    user = request.getfixturevalue(who)
    draft = CriteriaSet.objects.get(period=world.period)
    in_state(world.period, S.DRAFT)
    url = reverse("admin:scoring_criteriaset_change", args=[draft.pk])
    data = form_of(signed_in(client, user).get(url)) | {
        "name": ["Bộ khác"],
        "tie_rule": ["exact"],
        "unranked_agencies": [str(world.agency.pk)],
    }
    in_state(world.period, state)
    before = draft.history.count()
    page = client.get(url)
    assert page.status_code == 200  # opens, read-only
    assert not editable(page, "name") and not editable(page, "unranked_agencies") and "Bộ nhỏ" in text(page)
    assert client.post(url, data).status_code == 403
    draft.refresh_from_db()
    assert (draft.name, draft.tie_rule, list(draft.unranked_agencies.all())) == ("Bộ nhỏ", "shared", [])
    assert draft.history.count() == before


def test_no_criteria_set_is_added_or_deleted_in_the_admin_even_in_a_draft(client, world, root):
    """The import is the one path that checks a whole set; the bulk delete asks no period either."""
    criteria_set = CriteriaSet.objects.get(period=in_state(world.period, S.DRAFT))
    signed_in(client, root)
    assert client.get(reverse("admin:scoring_criteriaset_add")).status_code == 403
    assert (
        client.post(
            reverse("admin:scoring_criteriaset_delete", args=[criteria_set.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    changelist = reverse("admin:scoring_criteriaset_changelist")
    assert 'value="delete_selected"' not in client.get(changelist).content.decode()
    client.post(
        changelist, {"action": "delete_selected", "_selected_action": [criteria_set.pk], "post": "yes"}
    )
    assert CriteriaSet.objects.filter(pk=criteria_set.pk).exists()


def test_the_agency_page_shows_the_periods_it_is_not_ranked_in_without_changing_them(client, world, root):
    criteria_set = CriteriaSet.objects.get(period=in_state(world.period, S.DRAFT))
    criteria_set.unranked_agencies.add(world.agency)
    url = reverse("admin:agencies_agency_change", args=[world.agency.pk])
    page = signed_in(client, root).get(url)
    assert page.status_code == 200 and "CriteriaSet_unranked_agencies" in text(page)
    assert 'name="CriteriaSet_unranked_agencies-0-criteriaset"' not in text(page)
    data = form_of(page) | {"CriteriaSet_unranked_agencies-0-DELETE": ["on"]}
    assert client.post(url, data).status_code == 302  # the agency saved, the read-only inline left alone
    assert list(criteria_set.unranked_agencies.all()) == [world.agency]


# --- criteria nodes ---------------------------------------------------------------------------------


def test_a_draft_node_is_changed_by_a_superuser_and_kept_in_its_history(client, world, root):
    node = CriteriaNode.objects.get(criteria_set__period=in_state(world.period, S.DRAFT), code="1.1")
    url = reverse("admin:scoring_criterianode_change", args=[node.pk])
    page = signed_in(client, root).get(url)
    assert page.status_code == 200 and editable(page, "title")
    assert client.post(url, form_of(page) | {"title": ["Kế hoạch năm"]}).status_code == 302
    node.refresh_from_db()
    assert node.title == "Kế hoạch năm"
    entry = node.history.latest("history_id")
    assert (entry.history_user, entry.history_change_reason, entry.title) == (root, "admin", "Kế hoạch năm")


def test_a_node_change_that_breaks_the_set_is_refused_as_the_import_would(client, world, root):
    """1.1's maximum 3 would make area 1's children sum to 7, not its 6."""
    node = CriteriaNode.objects.get(criteria_set__period=in_state(world.period, S.DRAFT), code="1.1")
    url = reverse("admin:scoring_criterianode_change", args=[node.pk])
    page = signed_in(client, root).get(url)
    response = client.post(url, form_of(page) | {"max_points": ["3"]})
    assert response.status_code == 200 and "errornote" in text(response)
    node.refresh_from_db()
    assert str(node.max_points.normalize()) == "2"


@pytest.mark.parametrize("state", [S.SELF_ASSESSMENT, S.APPROVED, S.PUBLISHED])
def test_after_the_draft_a_node_is_read_only_even_for_a_superuser(client, world, root, state):
    node = CriteriaNode.objects.get(criteria_set__period=in_state(world.period, S.DRAFT), code="1.1")
    url = reverse("admin:scoring_criterianode_change", args=[node.pk])
    data = form_of(signed_in(client, root).get(url)) | {"max_points": ["20"], "title": ["Khác"]}
    in_state(world.period, state)
    page = client.get(url)
    assert page.status_code == 200 and not editable(page, "max_points")
    assert client.post(url, data).status_code == 403
    node.refresh_from_db()
    assert (node.title, str(node.max_points.normalize())) == ("Kế hoạch", "2")
    assert not node.history.filter(history_change_reason="admin").exists()


def test_home_affairs_changes_no_node_in_the_admin_its_role_holds_no_such_permission(
    client, world, home_affairs
):
    node = CriteriaNode.objects.get(criteria_set__period=in_state(world.period, S.DRAFT), code="1.1")
    url = reverse("admin:scoring_criterianode_change", args=[node.pk])
    assert signed_in(client, home_affairs).post(url, {"title": "Khác", "max_points": "2"}).status_code == 403
    node.refresh_from_db()
    assert node.title == "Kế hoạch"


# --- periods: settings (Obj.PERIOD, a draft only), windows (Obj.WINDOWS, until approval) -------------


def test_a_draft_period_s_settings_change_and_are_audited(client, world, home_affairs):
    period = in_state(world.period, S.DRAFT)
    url = reverse("admin:agencies_period_change", args=[period.pk])
    page = signed_in(client, home_affairs).get(url)
    assert page.status_code == 200 and editable(page, "name") and not editable(page, "state")
    assert client.post(url, form_of(page) | {"name": ["Kỳ 2026 (sửa)"]}).status_code == 302
    period.refresh_from_db()
    assert period.name == "Kỳ 2026 (sửa)" and period.state == S.DRAFT
    entry = period.history.latest("history_id")
    assert (entry.history_user, entry.history_change_reason, entry.name) == (
        home_affairs,
        "admin",
        period.name,
    )


@pytest.mark.parametrize("who", ["home_affairs", "root"])
def test_the_state_is_never_changed_in_the_admin(client, world, who, request):
    period = in_state(world.period, S.DRAFT)
    url = reverse("admin:agencies_period_change", args=[period.pk])
    page = signed_in(client, request.getfixturevalue(who)).get(url)
    client.post(url, form_of(page) | {"state": [S.PUBLISHED]})
    period.refresh_from_db()
    assert period.state == S.DRAFT and not period.transitions.exists()


def test_once_self_assessment_opens_the_settings_are_read_only_but_windows_still_move(
    client, world, home_affairs
):
    """Self-assessment: the first state refusing the settings (the items are made), a state allowing windows."""
    period = in_state(world.period, S.SELF_ASSESSMENT)
    url = reverse("admin:agencies_period_change", args=[period.pk])
    page = signed_in(client, home_affairs).get(url)
    assert page.status_code == 200 and not editable(page, "name") and editable(page, "windows-0-ends_at_0")
    ends = (world.window.ends_at + timedelta(days=3)).astimezone(timezone.get_current_timezone())
    data = form_of(page) | {
        "name": ["Khác"],
        "windows-0-ends_at_0": [ends.strftime("%Y-%m-%d")],
        "windows-0-ends_at_1": [ends.strftime("%H:%M:%S")],
    }
    assert client.post(url, data).status_code == 302
    period.refresh_from_db()
    world.window.refresh_from_db()
    assert period.name != "Khác"
    assert world.window.ends_at == ends.replace(microsecond=0)
    entry = world.window.history.latest("history_id")
    assert (entry.history_user, entry.history_change_reason) == (home_affairs, "admin")


@pytest.mark.parametrize(("state", "allowed"), [(S.COUNCIL, True), (S.APPROVED, False), (S.PUBLISHED, False)])
@pytest.mark.parametrize("who", ["home_affairs", "root"])
def test_windows_move_until_the_council_and_never_after_approval(client, world, state, allowed, who, request):
    period = in_state(world.period, S.COUNCIL)
    url = reverse("admin:agencies_period_change", args=[period.pk])
    page = signed_in(client, request.getfixturevalue(who)).get(url)
    before = world.window.ends_at
    ends = (before + timedelta(days=3)).astimezone(timezone.get_current_timezone())
    data = form_of(page) | {
        "windows-0-ends_at_0": [ends.strftime("%Y-%m-%d")],
        "windows-0-ends_at_1": [ends.strftime("%H:%M:%S")],
    }
    in_state(period, state)
    page = client.get(url)
    assert page.status_code == 200 and editable(page, "windows-0-ends_at_0") is allowed
    assert client.post(url, data).status_code == (302 if allowed else 403)
    world.window.refresh_from_db()
    assert (world.window.ends_at != before) is allowed


# --- extensions: Obj.WINDOWS of the window's period ----------------------------------------------------


def extension_data(world, ends) -> dict:
    local = ends.astimezone(timezone.get_current_timezone())
    return {
        "window": str(world.window.pk),
        "agency": str(world.agency.pk),
        "ends_at_0": local.strftime("%Y-%m-%d"),
        "ends_at_1": local.strftime("%H:%M:%S"),
        "reason": "Mất điện",
        "_save": "Save",
    }


def test_an_extension_granted_during_the_council_names_its_granter_and_is_audited(
    client, world, home_affairs
):
    in_state(world.period, S.COUNCIL)
    other = UserFactory(username="khac", role="home_affairs", is_staff=True)
    data = extension_data(world, world.window.ends_at + timedelta(days=2)) | {"granted_by": str(other.pk)}
    response = signed_in(client, home_affairs).post(reverse("admin:agencies_extension_add"), data)
    assert response.status_code == 302
    extension = Extension.objects.get()
    assert extension.granted_by == home_affairs
    entry = extension.history.get()
    assert (entry.history_type, entry.history_user, entry.history_change_reason) == (
        "+",
        home_affairs,
        "admin",
    )
    # a colleague moving the end later does not become its granter; the change is in the history
    later = extension_data(world, world.window.ends_at + timedelta(days=3))
    url = reverse("admin:agencies_extension_change", args=[extension.pk])
    assert signed_in(client, other).post(url, later).status_code == 302
    extension.refresh_from_db()
    assert extension.ends_at.date() == (world.window.ends_at + timedelta(days=3)).date()
    assert extension.granted_by == home_affairs
    assert extension.history.latest("history_id").history_user == other


@pytest.mark.parametrize("state", [S.APPROVED, S.PUBLISHED])
def test_no_extension_is_granted_or_changed_after_approval(client, world, home_affairs, state):
    extension = Extension.objects.create(
        window=world.window, agency=world.other, ends_at=world.window.ends_at + timedelta(days=1), reason="x"
    )
    in_state(world.period, state)
    signed_in(client, home_affairs)
    client.post(
        reverse("admin:agencies_extension_add"),
        extension_data(world, world.window.ends_at + timedelta(days=2)),
    )
    assert list(Extension.objects.all()) == [extension]
    url = reverse("admin:agencies_extension_change", args=[extension.pk])
    assert client.get(url).status_code == 200
    data = extension_data(world, world.window.ends_at + timedelta(days=9)) | {"agency": str(world.other.pk)}
    assert client.post(url, data).status_code == 403
    before = extension.ends_at
    extension.refresh_from_db()
    assert extension.ends_at == before


# --- the history pages read, never write --------------------------------------------------------------


def test_an_old_version_posted_to_the_history_page_changes_nothing(client, world, home_affairs):
    """simple_history's revert form saves for anyone who may view the row: here it is refused."""
    item = world.item("1.1")
    item.self_input = {"points": "2"}
    item.save()
    version = item.history.earliest("history_id")
    url = reverse("admin:assessment_assessmentitem_simple_history", args=[item.pk, version.history_id])
    signed_in(client, home_affairs)
    assert client.get(url).status_code == 200
    assert client.post(url, {"self_input": '{"points": "0"}', "status": item.status}).status_code == 403
    item.refresh_from_db()
    assert item.self_input == {"points": "2"}
    criteria_set = CriteriaSet.objects.get(period=in_state(world.period, S.PUBLISHED))
    version = criteria_set.history.earliest("history_id")
    url = reverse("admin:scoring_criteriaset_simple_history", args=[criteria_set.pk, version.history_id])
    assert client.post(url, {"name": "Khác", "tie_rule": "exact"}).status_code == 403
    assert CriteriaSet.objects.get(pk=criteria_set.pk).name == "Bộ nhỏ"
    assert AssessmentItem.objects.filter(pk=item.pk, self_input={"points": "2"}).exists()


def test_a_new_window_is_added_to_a_draft_period(client, world, root):
    period = in_state(world.period, S.DRAFT)
    url = reverse("admin:agencies_period_change", args=[period.pk])
    page = signed_in(client, root).get(url)
    starts = timezone.localtime(world.window.ends_at + timedelta(days=10))
    ends = starts + timedelta(days=5)
    data = form_of(page) | {
        "windows-TOTAL_FORMS": ["2"],
        "windows-1-kind": [WindowKind.APPRAISAL],
        "windows-1-starts_at_0": [starts.strftime("%Y-%m-%d")],
        "windows-1-starts_at_1": [starts.strftime("%H:%M:%S")],
        "windows-1-ends_at_0": [ends.strftime("%Y-%m-%d")],
        "windows-1-ends_at_1": [ends.strftime("%H:%M:%S")],
        "windows-1-period": [str(period.pk)],
        "windows-1-id": [""],
    }
    assert client.post(url, data).status_code == 302
    assert Window.objects.filter(period=period, kind=WindowKind.APPRAISAL).exists()


# --- surveys: the sample plan's counts until approval; a questionnaire's structure never ---------------


@pytest.mark.parametrize(("state", "allowed"), [(S.COUNCIL, True), (S.APPROVED, False)])
def test_a_planned_count_changes_until_approval_and_is_audited(client, root, state, allowed):
    survey = make_survey()
    plan = SamplePlan.objects.get(questionnaire=survey.questionnaire, agency=survey.a, group__code="dan")
    url = reverse("admin:surveys_sampleplan_change", args=[plan.pk])
    in_state(survey.period, S.COUNCIL)
    data = form_of(signed_in(client, root).get(url)) | {"planned": ["7"]}
    in_state(survey.period, state)
    assert editable(client.get(url), "planned") is allowed
    assert client.post(url, data).status_code == (302 if allowed else 403)
    plan.refresh_from_db()
    assert plan.planned == (7 if allowed else 3)
    assert plan.history.filter(history_user=root, history_change_reason="admin").exists() is allowed


def test_a_questionnaire_is_shown_but_its_structure_is_not_changed_in_the_admin(client, root):
    """Its import checks it whole; a superuser's form would change the aggregation behind it."""
    survey = make_survey()
    in_state(survey.period, S.DRAFT)
    url = reverse("admin:surveys_questionnaire_change", args=[survey.questionnaire.pk])
    page = signed_in(client, root).get(url)
    assert page.status_code == 200 and not editable(page, "title")
    assert client.post(url, form_of(page) | {"title": ["Khác"]}).status_code == 403
    survey.questionnaire.refresh_from_db()
    assert survey.questionnaire.title != "Khác"
    question = survey.questionnaire.questions.first()
    assert (
        client.post(
            reverse("admin:surveys_question_change", args=[question.pk]), {"text": "Khác"}
        ).status_code
        == 403
    )


# --- agencies and blocks: reference data of every period, audited -----------------------------------


def test_an_agency_moved_to_another_block_or_given_a_predecessor_keeps_who_did_it_and_what_was(
    client, world, root
):
    from agencies.models import Agency, Block

    in_state(world.period, S.DRAFT)  # the only state in which the period's agencies are still set
    before = world.agency.block
    other_block = Block.objects.create(code="khoi-moi", name="Khối mới", table_prefix="C")
    url = reverse("admin:agencies_agency_change", args=[world.agency.pk])
    page = signed_in(client, root).get(url)
    data = form_of(page) | {"block": [str(other_block.pk)], "predecessors": [str(world.other.pk)]}
    assert client.post(url, data).status_code == 302
    agency = Agency.objects.get(pk=world.agency.pk)
    assert agency.block == other_block and list(agency.predecessors.all()) == [world.other]
    entries = list(agency.history.order_by("history_id"))
    latest = entries[-1]
    assert (entries[0].block_id, latest.block_id, latest.history_user) == (before.pk, other_block.pk, root)
    assert [p.to_agency_id for p in latest.predecessors.all()] == [world.other.pk]


AGENCY_CHANGES = {
    "block": lambda world: {"block": [str(_new_block().pk)]},
    "ended before the period": lambda world: {
        "active_to": [(world.period.starts_on - timedelta(days=1)).isoformat()]
    },
    "starts after the period": lambda world: {
        "active_from": [(world.period.ends_on + timedelta(days=1)).isoformat()]
    },
    "predecessor": lambda world: {"predecessors": [str(world.other.pk)]},
}


def _new_block():
    from agencies.models import Block

    return Block.objects.create(code="khoi-moi", name="Khối mới", table_prefix="C")


@pytest.mark.parametrize("change", AGENCY_CHANGES)
@pytest.mark.parametrize("state", [S.SELF_ASSESSMENT, S.APPROVED, S.PUBLISHED])
@pytest.mark.parametrize("who", ["home_affairs", "root"])
def test_once_a_period_runs_its_agencies_blocks_dates_and_predecessors_stay(
    client, world, state, change, who, request
):
    """Which agencies a period assesses, in which block and after which predecessors, is settled when its
    self-assessment opens (Obj.PERIOD): the admin refuses a change that alters it, with the reason on the
    page, and nothing changes; a rename is still saved. A recomputation of a closed round gives the same
    agencies."""
    from agencies.models import Agency

    user = request.getfixturevalue(who)
    in_state(world.period, state)
    url = reverse("admin:agencies_agency_change", args=[world.agency.pk])
    page = signed_in(client, user).get(url)
    stored = Agency.objects.filter(pk=world.agency.pk)
    before = (list(stored.values()), list(world.agency.predecessors.all()))
    refused = client.post(url, form_of(page) | AGENCY_CHANGES[change](world))
    assert refused.status_code == 200 and "is settled once its self-assessment opens" in text(refused)
    assert (list(stored.values()), list(world.agency.predecessors.all())) == before
    renamed = client.post(url, form_of(page) | {"name": ["Sở A mới"]})
    assert renamed.status_code == 302 and stored.get().name == "Sở A mới"


def test_the_refusal_reads_in_vietnamese_note_and_reason(client, world, root, settings):
    """The admin's own note above the reason is Vietnamese too (Django's catalog lacks its plural form)."""
    in_state(world.period, S.APPROVED)
    url = reverse("admin:agencies_agency_change", args=[world.agency.pk])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    page = signed_in(client, root).get(url)
    refused = text(client.post(url, form_of(page) | AGENCY_CHANGES["block"](world)))
    assert "Hãy sửa lỗi dưới đây." in refused and "Please correct" not in refused
    assert "đã được chốt từ khi mở tự đánh giá" in refused


@pytest.mark.parametrize("change", AGENCY_CHANGES)
def test_in_a_draft_period_an_agencys_block_dates_and_predecessors_change(client, world, root, change):
    in_state(world.period, S.DRAFT)
    url = reverse("admin:agencies_agency_change", args=[world.agency.pk])
    page = signed_in(client, root).get(url)
    assert client.post(url, form_of(page) | AGENCY_CHANGES[change](world)).status_code == 302


def test_an_agency_added_into_a_running_period_is_refused_and_one_after_it_is_added(client, world, root):
    from agencies.models import Agency

    in_state(world.period, S.APPROVED)
    url = reverse("admin:agencies_agency_add")
    page = signed_in(client, root).get(url)
    new = form_of(page) | {"code": ["so-c"], "name": ["Sở C"], "block": [str(world.agency.block_id)]}
    refused = client.post(url, new)
    assert refused.status_code == 200 and "is settled once its self-assessment opens" in text(refused)
    assert not Agency.objects.filter(code="so-c").exists()
    later = new | {"active_from": [(world.period.ends_on + timedelta(days=1)).isoformat()]}
    assert client.post(url, later).status_code == 302 and Agency.objects.filter(code="so-c").exists()


def test_an_agency_of_a_running_period_is_not_deleted_in_the_admin(client, world, root):
    from agencies.models import Agency

    other = Agency.objects.create(code="so-c", name="Sở C", block=world.agency.block)
    in_state(world.period, S.SELF_ASSESSMENT)
    url = reverse("admin:agencies_agency_delete", args=[other.pk])
    assert signed_in(client, root).post(url, {"post": "yes"}).status_code == 403
    assert Agency.objects.filter(pk=other.pk).exists()
    in_state(world.period, S.DRAFT)
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not Agency.objects.filter(pk=other.pk).exists()


def test_a_block_renamed_in_the_admin_is_audited(client, world, root):
    block = world.agency.block
    url = reverse("admin:agencies_block_change", args=[block.pk])
    page = signed_in(client, root).get(url)
    assert client.post(url, form_of(page) | {"table_prefix": ["C"]}).status_code == 302
    entry = block.history.latest("history_id")
    assert (entry.history_user, entry.table_prefix) == (root, "C")


def test_an_unused_link_is_removed_while_the_survey_runs_but_an_answered_one_is_kept(client, root):
    from surveys.models import SurveyToken
    from surveys.services import online_response_store, tokens_generate

    survey = make_survey()
    in_state(survey.period, S.COUNCIL)
    assert tokens_generate(questionnaire=survey.questionnaire) >= 2
    answered, unused = SurveyToken.objects.order_by("pk")[:2]
    question = survey.questionnaire.questions.order_by("number").first()
    online_response_store(token=answered.token, answers={question.pk: question.options.first().key})
    signed_in(client, root)
    for link, status in ((answered, 403), (unused, 302)):
        url = reverse("admin:surveys_surveytoken_delete", args=[link.pk])
        assert client.post(url, {"post": "yes"}).status_code == status
    assert list(SurveyToken.objects.filter(pk__in=[answered.pk, unused.pk])) == [answered]


@pytest.mark.parametrize("role", ["appraiser", "second_appraiser"])
def test_a_user_assigned_to_appraise_is_not_deleted_and_the_round_keeps_its_assignment(
    client, world, root, role
):
    """Deleting a user cascaded to their assignments (or emptied the second appraiser), so an approved
    round lost who was to appraise it; such a user is deactivated instead."""
    from assessment.models import AppraisalAssignment

    first, second = UserFactory(username="tham-dinh-1"), UserFactory(username="tham-dinh-2")
    assignment = AppraisalAssignment.objects.create(
        period=world.period, appraiser=first, agency=world.agency, second_appraiser=second
    )
    in_state(world.period, S.APPROVED)
    user = first if role == "appraiser" else second
    url = reverse("admin:accounts_user_delete", args=[user.pk])
    page = signed_in(client, root).post(url, {"post": "yes"})
    assert page.status_code == 200  # the admin's "cannot delete: protected objects" page
    assert "tham-dinh" in text(page)
    assignment.refresh_from_db()
    assert (assignment.appraiser, assignment.second_appraiser) == (first, second)
