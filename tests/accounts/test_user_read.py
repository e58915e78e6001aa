"""The signed-in user read by SQL built once (accounts/backends.py, issue 17): the same user as the ORM's,
one statement, and an account deactivated or deleted is refused at its very next request."""

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, get_user
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.backends import ModelBackend
from accounts.models import Role, User
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_user_read_is_the_orm_s_field_for_field_in_one_statement():
    user = UserFactory(role=Role.FOCAL_POINT, agency=AgencyFactory(), first_name="Lê Thị", email="a@b.vn")
    with CaptureQueriesContext(connection) as queries:
        read = ModelBackend().get_user(user.pk)
    assert len(queries) == 1
    orm = User.objects.get(pk=user.pk)
    assert type(read) is User and read.pk == user.pk
    for field in User._meta.concrete_fields:
        ours, theirs = getattr(read, field.attname), getattr(orm, field.attname)
        assert (type(ours), ours) == (type(theirs), theirs), field.name
    assert read._state.adding is False and read._state.db == "default"  # saved, not created, if saved


def test_the_default_manager_hides_no_user():
    """The backend reads the row without the default manager: that is the same only while it filters
    nothing."""
    from django.contrib.auth.models import UserManager

    assert type(User._default_manager) is UserManager


def test_no_user_for_a_deleted_inactive_or_malformed_key():
    user = UserFactory(role=Role.HOME_AFFAIRS)
    backend = ModelBackend()
    assert backend.get_user(str(user.pk)) == user  # the session keeps the key as text
    assert backend.get_user("x1") is None
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert backend.get_user(user.pk) is None
    User.objects.filter(pk=user.pk).delete()
    assert backend.get_user(user.pk) is None


def test_a_deactivated_account_is_refused_at_its_next_request(client):
    user = UserFactory(role=Role.HOME_AFFAIRS)
    client.force_login(user)
    assert client.session[BACKEND_SESSION_KEY] == settings.AUTHENTICATION_BACKENDS[-1]
    accounts = reverse("accounts:list")
    assert client.get(accounts).status_code == 200
    User.objects.filter(pk=user.pk).update(is_active=False)
    answer = client.get(accounts)
    assert answer.status_code == 302 and answer["Location"].startswith(reverse(settings.LOGIN_URL))  # at once


def test_a_password_changed_elsewhere_ends_the_session(client):
    """Django's session hash check still runs on the user read here."""
    user = UserFactory(role=Role.HOME_AFFAIRS)
    client.force_login(user)
    request = RequestFactory().get("/")
    request.session = client.session
    assert get_user(request) == user
    user.set_password("another-long-password-2026")
    user.save()
    assert get_user(request).is_anonymous


def test_a_session_signed_in_before_the_upgrade_stays_signed_in(client):
    """accounts.middleware: a session naming Django's ModelBackend (every session on the day of the
    upgrade) is not signed out; its backend is renamed once; its password hash is still checked."""
    from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY

    from accounts.middleware import DJANGO_MODEL_BACKEND

    user = UserFactory(role=Role.HOME_AFFAIRS)
    session = client.session
    session.update(
        {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: DJANGO_MODEL_BACKEND,
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
    )
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    accounts = reverse("accounts:list")
    assert client.get(accounts).status_code == 200
    assert client.session[BACKEND_SESSION_KEY] == "accounts.backends.ModelBackend"
    assert client.get(accounts).status_code == 200
    user.set_password("another-long-password-2026")
    user.save()
    assert client.get(accounts).status_code == 302  # the hash check still ends it


def test_a_request_without_a_session_cookie_loads_no_session():
    """The rename reads no session of a visitor who has none (no Vary: Cookie on public pages)."""
    from django.contrib.sessions.middleware import SessionMiddleware
    from django.http import HttpResponse

    from accounts.middleware import SessionBackendRename

    seen = []
    rename = SessionBackendRename(lambda request: seen.append(request.session.accessed) or HttpResponse())
    request = RequestFactory().get("/ket-qua/")
    SessionMiddleware(rename)(request)
    assert seen == [False]
    request = RequestFactory().get("/ket-qua/", HTTP_COOKIE=f"{settings.SESSION_COOKIE_NAME}=x")
    SessionMiddleware(rename)(request)
    assert seen == [False, True]  # a cookie: looked at (an unknown key reads as an empty session)
