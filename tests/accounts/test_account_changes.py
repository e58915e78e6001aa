"""Home Affairs changes agency accounts through one audited service, never beyond what it may grant."""

import pytest
from django.utils import translation

from accounts.models import User
from accounts.services import AccountChangeRefused, user_account_change, user_account_changes
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def noivu():
    return UserFactory(username="noivu", role="home_affairs", is_staff=True)


@pytest.fixture
def gtvt():
    return AgencyFactory(code="so-gtvt")


@pytest.fixture
def focal(gtvt):
    return UserFactory(username="gtvt-1", role="focal_point", agency=gtvt)


def test_a_change_is_recorded_with_actor_old_and_new_values(noivu, focal, gtvt):
    user_account_change(
        acting_user=noivu, user=focal, role="agency_head", agency=gtvt, is_active=True, reason="new head"
    )
    focal.refresh_from_db()
    assert focal.role == "agency_head" and list(focal.groups.values_list("name", flat=True)) == [
        "agency_head"
    ]
    with translation.override("en"):
        latest = user_account_changes(user=focal)[0]
    assert latest.who == (noivu.get_full_name() or noivu.username) and latest.detail == "new head"
    assert latest.changes == [("role", "Agency focal point", "Agency head")]


def test_deactivating_an_account_is_recorded(noivu, focal, gtvt):
    user_account_change(acting_user=noivu, user=focal, role="focal_point", agency=gtvt, is_active=False)
    focal.refresh_from_db()
    assert not focal.is_active
    with translation.override("en"):
        assert user_account_changes(user=focal)[0].changes == [("active", "yes", "no")]


@pytest.mark.parametrize("role", ["home_affairs", "council", "secretariat_lead", "appraiser"])
def test_home_affairs_cannot_grant_a_role_beyond_agency_and_survey_accounts(noivu, focal, role):
    with pytest.raises(AccountChangeRefused, match="You may not grant the role"):
        user_account_change(acting_user=noivu, user=focal, role=role, agency=None, is_active=True)
    focal.refresh_from_db()
    assert focal.role == "focal_point"


@pytest.mark.parametrize(
    "target",
    [
        {"username": "hoidong", "role": "council"},
        {"username": "noivu-2", "role": "home_affairs"},
        {"username": "staff-op", "role": "survey_operator", "is_staff": True},
        {"username": "root", "role": "", "is_superuser": True},
    ],
)
def test_home_affairs_cannot_touch_accounts_outside_its_grant(noivu, target):
    user = UserFactory(**target)
    with pytest.raises(AccountChangeRefused, match="You may not change this account"):
        user_account_change(
            acting_user=noivu, user=user, role="survey_operator", agency=None, is_active=False
        )
    user.refresh_from_db()
    assert user.is_active and user.role == target["role"]


def test_home_affairs_cannot_change_its_own_account(noivu):
    with pytest.raises(AccountChangeRefused, match="You may not change this account"):
        user_account_change(acting_user=noivu, user=noivu, role="home_affairs", agency=None, is_active=False)


def test_a_login_writes_no_history_row(client, focal):
    before = focal.history.count()
    response = client.post("/dang-nhap/", {"username": "gtvt-1", "password": "demo"})
    assert response.status_code == 302 and "_auth_user_id" in client.session
    assert focal.history.count() == before


def test_the_accounts_page_lists_only_manageable_accounts_and_changes_through_the_service(
    client, noivu, focal, gtvt
):
    UserFactory(username="hoidong", role="council")
    client.force_login(noivu)
    listing = client.get("/tai-khoan/").content.decode()
    assert "gtvt-1" in listing and "hoidong" not in listing and ">noivu<" not in listing
    council = User.objects.get(username="hoidong")
    assert client.get(f"/tai-khoan/{council.pk}/").status_code == 404
    response = client.post(f"/tai-khoan/{focal.pk}/", {"role": "council", "agency": "", "is_active": "on"})
    assert response.status_code == 200
    focal.refresh_from_db()
    assert focal.role == "focal_point"
    response = client.post(
        f"/tai-khoan/{focal.pk}/", {"role": "agency_head", "agency": gtvt.pk, "is_active": "on"}
    )
    assert response.status_code == 302
    focal.refresh_from_db()
    assert focal.role == "agency_head" and user_account_changes(user=focal)[0].who == (
        noivu.get_full_name() or noivu.username
    )


@pytest.mark.parametrize("role", ["council", "focal_point", "appraiser", "survey_operator"])
def test_other_roles_have_no_accounts_pages(client, gtvt, role):
    user = UserFactory(username="u-" + role, role=role, agency=gtvt if role == "focal_point" else None)
    client.force_login(user)
    for url in ("/tai-khoan/", "/tai-khoan/nhap/", f"/tai-khoan/{user.pk}/"):
        assert client.get(url).status_code == 403, url


def test_the_accounts_page_lists_accounts_without_an_agency(client, noivu, focal):
    """A survey operator has no agency; the list shows a dash instead of failing."""
    UserFactory(username="buudien-1", role="survey_operator")
    client.force_login(noivu)
    response = client.get("/tai-khoan/")
    assert response.status_code == 200
    assert "buudien-1" in response.content.decode() and focal.username in response.content.decode()
