"""Who may change an agency's evidence: only that agency's focal point (reading goes through scope_for)."""

from accounts.models import Role


def may_attach_evidence(user, agency) -> bool:
    return bool(user.is_authenticated and user.role == Role.FOCAL_POINT and user.agency_id == agency.pk)
