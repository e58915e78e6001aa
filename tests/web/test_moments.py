"""Every page writes a moment one way, as the decisions do: 09:53 28/11/2026 (local time), through the
one `moment` filter (parindex.formatting.moment_text). History and the publish page wrote 28/11/2026 09:53
while notifications and the step history wrote 09:53 28/11/2026."""

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from assessment.models import Notification
from parindex.formatting import moment_text
from parindex.history import Entry
from tests.factories import UserFactory

UTC = ZoneInfo("UTC")
MOMENT = datetime(2026, 11, 28, 2, 53, 7, tzinfo=UTC)  # 09:53:07 in Hà Nội
TEMPLATE_DIRS = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]] + [
    path for path in Path(settings.BASE_DIR).glob("*/templates") if ".venv" not in path.parts
]
# a date filter that writes a time: a moment formatted by hand
TIMED_DATE = re.compile(r"""\|\s*date\s*:\s*["'](?:[^"']*[HhGgiPAa][^"']*|[A-Z_]*DATETIME_FORMAT)["']""")


def test_no_template_formats_a_moment_by_hand():
    found = [
        f"{path}: {match.group(0)}"
        for directory in TEMPLATE_DIRS
        for path in directory.rglob("*.html")
        for match in TIMED_DATE.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_moment_reads_time_then_date_in_local_time(language):
    with translation.override(language):
        assert moment_text(MOMENT) == "09:53 28/11/2026"
        assert moment_text(MOMENT, seconds=True) == "09:53:07 28/11/2026"
        assert moment_text(datetime(2026, 11, 28, 17, 0, tzinfo=UTC), end=True) == "24:00 28/11/2026"


@pytest.mark.django_db
def test_the_history_list_and_the_notifications_write_a_moment_alike(client):
    history = render_to_string(
        "parindex/_history.html", {"entries": [Entry(when=MOMENT, who="Nguyễn Văn A", stage="", detail="")]}
    )
    user = UserFactory(username="thongbao")
    notice = Notification.objects.create(user=user, text="Đã mở vòng giải trình")
    Notification.objects.filter(pk=notice.pk).update(created_at=MOMENT)
    client.force_login(user)
    notifications = client.get(reverse("appraisal:notifications")).content.decode()
    for html in (history, notifications):
        assert "09:53 28/11/2026" in html and "28/11/2026 09:53" not in html
