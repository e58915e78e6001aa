"""The self-assessment tests' world: see tests/worlds.py."""

import pytest

from tests.worlds import self_assessment_world


@pytest.fixture
def world(db):
    return self_assessment_world()
