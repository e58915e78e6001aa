"""Logging in: lock-out after repeated failures, and password reset by e-mail."""

import re

import pytest
from django.core import mail
from django.utils import translation

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def login(client, username, password):
    return client.post("/dang-nhap/", {"username": username, "password": password})


def test_an_account_is_locked_after_five_failures_even_with_the_right_password(client):
    UserFactory(username="so-a", password="đúng-mật-khẩu-2026")
    for _ in range(4):
        assert login(client, "so-a", "sai").status_code == 200
    assert login(client, "so-a", "sai").status_code == 429  # the fifth failure locks
    response = login(client, "so-a", "đúng-mật-khẩu-2026")
    assert response.status_code == 429 and "Account temporarily locked" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_another_account_from_the_same_office_is_not_locked(client):
    UserFactory(username="so-a", password="x-2026-mật-khẩu")
    UserFactory(username="so-b", password="y-2026-mật-khẩu")
    for _ in range(5):
        login(client, "so-a", "sai")
    assert login(client, "so-b", "y-2026-mật-khẩu").status_code == 302


def test_passwords_are_hashed_with_argon2(settings):
    from parindex import settings as project

    settings.PASSWORD_HASHERS = project.PASSWORD_HASHERS
    user = UserFactory(username="so-c", password="z-2026-mật-khẩu")
    assert user.password.startswith("argon2")


def test_password_reset_by_email(client):
    UserFactory(username="so-d", email="dau-moi@so-d.gov.vn", password="cu-2026-mật-khẩu")
    response = client.post("/quen-mat-khau/", {"email": "dau-moi@so-d.gov.vn"})
    assert response.status_code == 302 and len(mail.outbox) == 1
    link = re.search(r"http://testserver(/dat-lai-mat-khau/\S+/)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    assert "Choose a new password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "Mới-2026-an-toàn", "new_password2": "Mới-2026-an-toàn"},
        follow=True,
    )
    assert "Your password has been changed." in done.content.decode()
    assert login(client, "so-d", "Mới-2026-an-toàn").status_code == 302


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client):
    response = client.post("/quen-mat-khau/", {"email": "khong-co@x.vn"})
    assert response.status_code == 302 and mail.outbox == []


def test_each_role_is_a_group_and_membership_follows_the_role():
    from django.contrib.auth.models import Group

    from accounts.roles import ROLE_PERMISSIONS

    assert set(Group.objects.values_list("name", flat=True)) >= set(ROLE_PERMISSIONS)
    user = UserFactory(username="doi-vai-tro", role="focal_point")
    assert list(user.groups.values_list("name", flat=True)) == ["focal_point"]
    assert user.has_perm("assessment.self_assess") and not user.has_perm("assessment.reopen_self_assessment")
    user.role = "home_affairs"
    user.save()
    user = type(user).objects.get(pk=user.pk)  # permissions are cached per instance
    assert list(user.groups.values_list("name", flat=True)) == ["home_affairs"]
    assert user.has_perm("assessment.reopen_self_assessment") and not user.has_perm("assessment.self_assess")
