"""Who may work on surveys: the survey operators (entry and import), Home Affairs (also aggregation)."""

from __future__ import annotations

from accounts.models import Role

SURVEY_ROLES = frozenset({Role.SURVEY_OPERATOR, Role.HOME_AFFAIRS})


def may_operate_surveys(user) -> bool:
    """Sees questionnaires, sample progress and import batches; imports response files."""
    return user.is_authenticated and (user.is_superuser or user.role in SURVEY_ROLES)


def may_refresh_survey_values(user) -> bool:
    """Turns responses into the survey values the index computation reads: Home Affairs only."""
    return user.is_authenticated and (user.is_superuser or user.role == Role.HOME_AFFAIRS)


def may_manage_online_survey(user) -> bool:
    """Makes the one-time links of the online survey and downloads them: Home Affairs only."""
    return user.is_authenticated and (user.is_superuser or user.role == Role.HOME_AFFAIRS)
