"""The demo accounts: two survey operators, so double entry can be tried (issue 14)."""

import pytest

from sample.loader import _users
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


def test_the_sample_has_two_survey_operators_who_can_sign_in(client, django_user_model):
    for code in ("so-gtvt", "so-y-te", "nam-sach"):
        AgencyFactory(code=code)
    accounts = dict(_users())
    assert {"khaosat", "khaosat2"} <= set(accounts)
    for username in ("khaosat", "khaosat2"):
        user = django_user_model.objects.get(username=username)
        assert user.role == "survey_operator" and user.check_password("demo") and user.is_active
        client.force_login(user)
        assert client.get("/")["Location"] == "/khao-sat/"  # the operators' desk
