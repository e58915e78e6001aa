"""Who may work on surveys, as the policy says (agencies.policy: SURVEY, SURVEY_VALUES, SURVEY_LINKS) and
the role's group holds (surveys.operate_surveys: survey operators and Home Affairs)."""

from __future__ import annotations

from agencies import policy


def may_operate_surveys(user) -> bool:
    """Sees questionnaires, sample progress and import batches; imports response files."""
    return policy.may_use(policy.audience(user), policy.Obj.SURVEY) and user.has_perm(
        "surveys.operate_surveys"
    )


def may_refresh_survey_values(user) -> bool:
    """Turns responses into the survey values the index computation reads: Home Affairs only."""
    return policy.may_use(policy.audience(user), policy.Obj.SURVEY_VALUES)


def may_manage_online_survey(user) -> bool:
    """Makes the one-time links of the online survey and downloads them: Home Affairs only."""
    return policy.may_use(policy.audience(user), policy.Obj.SURVEY_LINKS)
