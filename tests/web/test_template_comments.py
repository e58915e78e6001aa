"""A Django template comment `{# … #}` ends on its own line; one spread over two lines is not a comment
and is shown to the user as text (the evidence panel did). Longer notes use {% comment %}."""

import re
from pathlib import Path

from django.conf import settings


def _template_files():
    roots = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]]
    return sorted(path for root in roots for path in root.rglob("*.html"))


def test_no_template_comment_spans_two_lines():
    files = _template_files()
    assert len(files) > 50
    broken = [
        f"{path.relative_to(settings.BASE_DIR)}:{number}"
        for path in files
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1)
        if "{#" in re.sub(r"\{#.*?#\}", "", line)
    ]
    assert broken == []
