"""Each role is a Django group holding its permissions; a user is kept in the group of their role.

Views and services check these permissions, and `agencies.permissions.scope_for` narrows them to the
agencies a user may see.
"""

from __future__ import annotations

from .models import Role

# app_label.codename per role; groups are (re)built after every migrate.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.HOME_AFFAIRS: [
        "agencies.view_agency", "agencies.add_agency", "agencies.change_agency",
        "agencies.view_block", "agencies.add_block", "agencies.change_block",
        "agencies.view_period", "agencies.add_period", "agencies.change_period",
        "agencies.view_window", "agencies.add_window", "agencies.change_window",
        "agencies.view_extension", "agencies.add_extension", "agencies.change_extension",
        "scoring.view_criteriaset", "scoring.add_criteriaset", "scoring.change_criteriaset",
        "scoring.view_criterianode", "scoring.view_resultsnapshot",
        "assessment.view_assessmentitem", "assessment.view_submission", "assessment.reopen_self_assessment",
        "accounts.manage_agency_accounts",
        "evidence.view_evidencefile", "agencies.manage_period_workflow",
        "scoring.compute_results", "scoring.publish_results", "scoring.view_computejob",
        "reports.view_reports", "measures.import_measures", "surveys.operate_surveys",
    ],
    Role.SECRETARIAT_LEAD: [
        "agencies.run_appraisal_workflow",
        "assessment.view_assessmentitem", "assessment.view_submission", "evidence.view_evidencefile",
        "scoring.view_resultsnapshot", "reports.view_reports",
    ],
    Role.APPRAISER: ["assessment.view_assessmentitem", "evidence.view_evidencefile"],
    Role.COUNCIL: [
        "agencies.decide_as_council",
        "assessment.view_assessmentitem", "assessment.view_submission", "evidence.view_evidencefile",
        "scoring.view_resultsnapshot", "reports.view_reports",
    ],
    Role.FOCAL_POINT: [
        "assessment.view_assessmentitem", "assessment.self_assess", "evidence.view_evidencefile",
        "evidence.add_evidencefile",
    ],
    Role.AGENCY_HEAD: [
        "assessment.view_assessmentitem", "assessment.sign_off_self_assessment", "evidence.view_evidencefile",
    ],
    Role.SURVEY_OPERATOR: ["surveys.operate_surveys"],
}  # fmt: skip


# System administration stays with superusers: no role group may ever hold these (accounts.grants).
SYSTEM_MODELS = frozenset({"accounts.user", "auth.group", "auth.permission"})


def role_groups_sync(apps=None, **kwargs) -> None:
    """post_migrate: one group per role, holding exactly its permissions. Skipped while auth's tables are
    not migrated yet (`migrate <app> <target>` on a new database), as Django's own permission sync is."""
    from django.apps import apps as global_apps
    from django.core.exceptions import ImproperlyConfigured

    try:
        Group = (apps or global_apps).get_model("auth", "Group")
        Permission = (apps or global_apps).get_model("auth", "Permission")
    except LookupError:
        return

    for role, names in ROLE_PERMISSIONS.items():
        for name in names:
            app_label, codename = name.split(".")
            action, _sep, model = codename.partition("_")
            if action in ("add", "change", "delete", "view") and f"{app_label}.{model}" in SYSTEM_MODELS:
                raise ImproperlyConfigured(f"The role {role} may not hold {name}: system administration.")
        group, _ = Group.objects.get_or_create(name=role)
        wanted = []
        for name in names:
            app_label, codename = name.split(".")
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is not None:
                wanted.append(permission)
        group.permissions.set(wanted)


def user_role_group_sync(sender, instance, **kwargs) -> None:
    """post_save of User: membership follows the role (other groups are left alone)."""
    from django.contrib.auth.models import Group

    role_groups = Group.objects.filter(name__in=list(ROLE_PERMISSIONS))
    current = set(instance.groups.filter(pk__in=role_groups).values_list("name", flat=True))
    if current == ({instance.role} if instance.role else set()):
        return
    instance.groups.remove(*role_groups)
    if instance.role:
        group, _ = Group.objects.get_or_create(name=instance.role)
        instance.groups.add(group)


def history_skip_last_login(sender, instance, update_fields=None, **kwargs) -> None:
    """pre_save of User: a login only stamps last_login; it is not an account change worth a history row."""
    if update_fields is not None and set(update_fields) == {"last_login"}:
        instance.skip_history_when_saving = True


def history_skip_reset(sender, instance, **kwargs) -> None:
    """post_save of User (after simple-history's own receiver): the next save is recorded again."""
    if hasattr(instance, "skip_history_when_saving"):
        del instance.skip_history_when_saving
