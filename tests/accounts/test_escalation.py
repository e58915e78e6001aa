"""A Home Affairs official manages agency accounts, never the system: no path makes them (or anyone they
touch) superuser or staff, gives groups or permissions, or sets another user's password."""

import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import translation
from openpyxl import Workbook

from accounts.models import User
from accounts.roles import ROLE_PERMISSIONS
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def noivu(client):
    """As in the sample province: Home Affairs, staff (the admin serves it periods and criteria sets)."""
    user = UserFactory(username="noivu", role="home_affairs", is_staff=True)
    client.force_login(user)
    return user


@pytest.fixture
def council():
    return UserFactory(username="hoidong", role="council", first_name="Council")


def refused(response) -> bool:
    if response.status_code in (403, 404):
        return True
    return response.status_code == 302 and "/login/" in response["Location"]


def unchanged(user: User, before: dict) -> bool:
    user.refresh_from_db()
    return {
        "is_superuser": user.is_superuser,
        "is_staff": user.is_staff,
        "password": user.password,
        "groups": set(user.groups.values_list("name", flat=True)),
        "permissions": set(user.user_permissions.values_list("codename", flat=True)),
        "role": user.role,
    } == before


def state(user: User) -> dict:
    return {
        "is_superuser": user.is_superuser,
        "is_staff": user.is_staff,
        "password": user.password,
        "groups": set(user.groups.values_list("name", flat=True)),
        "permissions": set(user.user_permissions.values_list("codename", flat=True)),
        "role": user.role,
    }


def test_home_affairs_cannot_make_itself_superuser_in_the_admin_user_form(client, noivu):
    before = state(noivu)
    page = client.get(f"/admin/accounts/user/{noivu.pk}/change/")
    response = client.post(
        f"/admin/accounts/user/{noivu.pk}/change/",
        {
            "username": "noivu",
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "role": "home_affairs",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
            "user_permissions": [p.pk for p in Permission.objects.all()],
            "groups": [g.pk for g in Group.objects.all()],
        },
    )
    assert refused(page) and refused(response)
    assert unchanged(noivu, before)


def test_home_affairs_cannot_reach_the_user_list_or_add_a_user_in_the_admin(client, noivu):
    assert refused(client.get("/admin/accounts/user/"))
    response = client.post(
        "/admin/accounts/user/add/",
        {"username": "root2", "password1": "Xy9!long-pass-2026", "password2": "Xy9!long-pass-2026",
         "usable_password": "true", "role": "council"},
    )  # fmt: skip
    assert refused(response)
    assert not User.objects.filter(username="root2").exists()


def test_home_affairs_cannot_set_another_users_password_in_the_admin(client, noivu, council):
    before = state(council)
    url = f"/admin/accounts/user/{council.pk}/password/"
    assert refused(client.get(url))
    response = client.post(
        url, {"password1": "Xy9!long-pass-2026", "password2": "Xy9!long-pass-2026", "usable_password": "true"}
    )
    assert refused(response)
    assert unchanged(council, before)


def test_home_affairs_cannot_open_group_or_permission_pages(client, noivu):
    group = Group.objects.get(name="home_affairs")
    before = set(group.permissions.values_list("pk", flat=True))
    for url in ("/admin/auth/group/", "/admin/auth/group/add/", f"/admin/auth/group/{group.pk}/change/"):
        assert refused(client.get(url)), url
    response = client.post(
        f"/admin/auth/group/{group.pk}/change/",
        {"name": "home_affairs", "permissions": [p.pk for p in Permission.objects.all()]},
    )
    assert refused(response)
    assert set(group.permissions.values_list("pk", flat=True)) == before


def test_the_admin_index_offers_home_affairs_no_account_or_group_models(client, noivu):
    response = client.get("/admin/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "/admin/accounts/user/" not in body and "/admin/auth/group/" not in body


def test_no_domain_role_holds_user_group_or_permission_management():
    management = Permission.objects.filter(
        content_type__app_label__in=["auth", "accounts"],
        content_type__model__in=["user", "group", "permission"],
        codename__regex=r"^(add|change|delete|view)_",
    )
    assert management.exists()
    for role in ROLE_PERMISSIONS:
        group = Group.objects.get(name=role)
        held = set(group.permissions.filter(pk__in=management).values_list("codename", flat=True))
        assert held == set(), role


def _workbook(*rows) -> io.BytesIO:
    book = Workbook()
    book.active.append(["Tên đăng nhập", "Họ và tên", "Email", "Vai trò", "Mã cơ quan"])
    for row in rows:
        book.active.append(list(row))
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "tai-khoan.xlsx"
    return out


@pytest.mark.parametrize("role", ["home_affairs", "council", "secretariat_lead", "appraiser"])
def test_the_account_import_cannot_create_roles_home_affairs_may_not_grant(
    client, noivu, role, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the import runs as a job once committed
        response = client.post(
            "/tai-khoan/nhap/", {"file": _workbook(["x-1", "X", "x@example.gov.vn", role, ""])}
        )
    page = client.get(response["Location"]).content.decode()
    assert f"you may not grant the role {role}" in page
    assert not User.objects.filter(username="x-1").exists()


def test_the_account_import_still_creates_agency_accounts(client, noivu, django_capture_on_commit_callbacks):
    AgencyFactory(code="so-gtvt")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/tai-khoan/nhap/",
            {"file": _workbook(["gtvt-1", "A", "a@gtvt.gov.vn", "focal_point", "so-gtvt"],
                               ["buudien-1", "B", "b@vnpost.vn", "survey_operator", ""])},
        )  # fmt: skip
    created = User.objects.get(username="gtvt-1")
    assert created.role == "focal_point" and not created.is_staff and not created.is_superuser
    assert User.objects.get(username="buudien-1").role == "survey_operator"


def test_there_is_no_api_that_writes_users(client, noivu, council):
    from django.urls import get_resolver

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern), pattern.callback

    def writes(view) -> bool:
        """Whether the view accepts a method that changes something (a read-only job status does not)."""
        view_class = getattr(view, "cls", None) or getattr(view, "view_class", None)
        methods = {m.lower() for m in getattr(view, "actions", {}) or {}} or {
            m for m in getattr(view_class, "http_method_names", ["post"]) if hasattr(view_class, m)
        }
        return bool(methods & {"post", "put", "patch", "delete"})

    api = [(route, view) for route, view in walk(get_resolver().url_patterns) if route.startswith("api/")]
    about_accounts = [route for route, _ in api if "user" in route.lower() or "account" in route.lower()]
    assert api and about_accounts  # the account-import jobs' status is readable…
    assert not [route for route, view in api if route in about_accounts and writes(view)]  # …never writable
