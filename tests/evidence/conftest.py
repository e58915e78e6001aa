"""Evidence fixtures: two agencies with one item each, a stored PDF of agency A, users of every role."""

from dataclasses import dataclass

import pytest
from django.utils import translation

from agencies.models import Agency
from assessment.models import AssessmentItem
from evidence.models import EvidenceFile
from evidence.services import evidence_attach

from .factories import AssessmentItemFactory, RoleUserFactory, pdf_bytes, upload


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in their English msgids, whatever the Vietnamese catalog holds."""
    with translation.override("en"):
        yield


@pytest.fixture
def login(client):
    """Logs the test client in as `user`, in English (the middleware reads the language cookie)."""

    def _login(user):
        client.cookies["django_language"] = "en"
        if user is not None:
            client.force_login(user)
        return client

    return _login


@dataclass
class World:
    agency: Agency
    other_agency: Agency
    item: AssessmentItem
    other_item: AssessmentItem
    evidence: EvidenceFile
    users: dict


@pytest.fixture
def world(db) -> World:
    item = AssessmentItemFactory()
    other_item = AssessmentItemFactory(agency__block=item.agency.block)
    agency, other_agency = item.agency, other_item.agency
    users = {
        "focal_point": RoleUserFactory(role="focal_point", agency=agency),
        "agency_head": RoleUserFactory(role="agency_head", agency=agency),
        "other_focal_point": RoleUserFactory(role="focal_point", agency=other_agency),
        "home_affairs": RoleUserFactory(role="home_affairs"),
        "secretariat_lead": RoleUserFactory(role="secretariat_lead"),
        "council": RoleUserFactory(role="council"),
        "appraiser": RoleUserFactory(role="appraiser"),
        "survey_operator": RoleUserFactory(role="survey_operator"),
    }
    evidence = evidence_attach(
        item=item,
        uploaded_file=upload(pdf_bytes(), "Quyết định số 15 phê duyệt kế hoạch.pdf"),
        acting_user=users["focal_point"],
        document_number="15/QĐ-UBND",
    )
    return World(agency, other_agency, item, other_item, evidence, users)
