"""The load test's database side (run with the application's venv, against the load test's database).

    python -m bench.load.state accounts --focal-points 150 > accounts.json   # who logs in
    python -m bench.load.state check saves.jsonl                               # no lost write

`check` reads every save the load test saw acknowledged (item, version, points, note) and proves that
each one is stored: its audit entry (the item's history row at that version, reason "self-assessment",
with that value and note) exists, and the item now holds the value of its highest acknowledged version.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import defaultdict


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.load.settings")
    os.environ.setdefault("PARINDEX_COMMAND", "load-test")
    import django

    django.setup()


def accounts(focal_points: int, appraisers: int) -> dict:
    """`focal_points` focal points spread over the agencies still self-assessing (not submitted): the
    first of every agency, then the second…; and the staff who read: the secretariat and Home Affairs."""
    from accounts.models import Role, User
    from agencies.models import Period, PeriodState
    from assessment.models import Submission, SubmissionStatus

    period = Period.objects.filter(state=PeriodState.SELF_ASSESSMENT).order_by("-year").first()
    submitted = Submission.objects.filter(period=period, status=SubmissionStatus.SUBMITTED).values(
        "agency_id"
    )
    focal = list(
        User.objects.filter(role=Role.FOCAL_POINT, is_active=True, agency__isnull=False)
        .exclude(agency__in=submitted)
        .order_by("username")
    )
    by_agency = defaultdict(list)
    for user in focal:
        by_agency[user.agency_id].append(user.username)
    rounds = max((len(names) for names in by_agency.values()), default=0)
    spread = [names[n] for n in range(rounds) for names in by_agency.values() if n < len(names)]
    staff = User.objects.filter(
        role__in=(Role.SECRETARIAT_LEAD, Role.HOME_AFFAIRS, Role.COUNCIL), is_active=True
    ).order_by("role", "username")
    readers = [staff[n % len(staff)] for n in range(appraisers)] if staff else []
    users = {u.username: u for u in User.objects.filter(username__in=spread[:focal_points])}
    return {
        "period": period.code,
        "focal_points": [
            {**_logged_in(users[name]), "page": f"/tu-danh-gia/{period.code}/{users[name].agency.code}/"}
            for name in spread[:focal_points]
        ],
        "readers": [_logged_in(user) for user in readers],
    }


def _logged_in(user) -> dict:
    """A session as a login would leave it: the rush starts with everyone logged in (a login costs one
    Argon2 hash, ~0.1–0.5 s of CPU, which 150 simultaneous logins would spend instead of the rush)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return {"username": user.username, "session": session.session_key}


def check(paths: list[str]) -> int:
    from assessment.models import AssessmentItem

    acknowledged = {}
    for path in paths:
        with open(path, encoding="utf-8") as lines:
            for line in lines:
                save = json.loads(line)
                acknowledged[(save["item"], save["version"])] = save
    latest = {}
    for (item_id, version), save in acknowledged.items():
        if version > latest.get(item_id, (0, None))[0]:
            latest[item_id] = (version, save)
    history = defaultdict(dict)
    for item_id, version, self_input, note, reason in AssessmentItem.history.filter(
        id__in=list(latest)
    ).values_list("id", "version", "self_input", "self_note", "history_change_reason"):
        history[item_id][version] = (self_input, note, reason)
    problems = []
    for (item_id, version), save in sorted(acknowledged.items()):
        stored = history[item_id].get(version)
        expected = ({"points": save["points"]}, save["note"], "self-assessment")
        if stored != expected:
            problems.append(f"item {item_id} v{version}: audit entry {stored!r}, acknowledged {expected!r}")
    items = {item.pk: item for item in AssessmentItem.objects.filter(pk__in=list(latest))}
    later = 0  # saves stored after the last acknowledged one whose answer the client never read
    for item_id, (version, save) in latest.items():
        item = items[item_id]
        now = (item.version, item.self_input, item.self_note)
        if item.version > version and version + 1 in history[item_id]:
            later += 1  # in flight when the test stopped: stored and audited, not acknowledged
        elif now != (version, {"points": save["points"]}, save["note"]):
            problems.append(f"item {item_id}: holds {now!r}, last acknowledged v{version} {save!r}")
    print(
        f"acknowledged saves: {len(acknowledged)} on {len(latest)} items; "
        f"stored with their audit entry: {len(acknowledged) - sum('audit' in p for p in problems)}; "
        f"items saved again after their last acknowledged save (answer not read before the stop): {later}; "
        f"lost writes: {len(problems)}"
    )
    for problem in problems[:20]:
        print("  " + problem)
    return 1 if problems else 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    accounts_parser = sub.add_parser("accounts")
    accounts_parser.add_argument("--focal-points", type=int, default=150)
    accounts_parser.add_argument("--readers", type=int, default=10)
    check_parser = sub.add_parser("check")
    check_parser.add_argument("saves", nargs="+")
    args = parser.parse_args()
    _django()
    if args.command == "accounts":
        json.dump(accounts(args.focal_points, args.readers), sys.stdout)
        return 0
    return check(args.saves)


if __name__ == "__main__":
    sys.exit(main())
