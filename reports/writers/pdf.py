"""Report tables as HTML (the template the screen shows) and as PDF through WeasyPrint.

The PDF takes its text from `templates/reports/_table.html`, the partial the on-screen page includes,
inside `reports/pdf.html` (A4 landscape, page numbers, embedded Noto/DejaVu fonts).
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from ..tables import Table


@lru_cache(maxsize=1)
def report_css() -> str:
    path = finders.find("reports/report.css")
    return Path(path).read_text(encoding="utf-8") if path else ""


def html_document(tables: list[Table], *, title: str, stamp: datetime) -> str:
    """A standalone HTML document of the tables, as WeasyPrint renders it (no external resources)."""
    return render_to_string(
        "reports/pdf.html",
        {
            "tables": tables,
            "title": title,
            "stamp": stamp.replace(microsecond=0).isoformat(),
            "css": report_css(),
        },
    )


FONT_FOLDERS = ("file:///usr/share/fonts/", "file:///usr/local/share/fonts/")


def _fetcher():
    """Reports embed everything but the system fonts that @font-face local() resolves to: no network,
    no other file is read while rendering."""
    from weasyprint.urls import URLFetcher

    class FontsOnly(URLFetcher):
        def fetch(self, url, headers=None):
            if not url.startswith(FONT_FOLDERS):
                raise ValueError(f"report PDFs fetch no resources: {url}")
            return super().fetch(url, headers)

    return FontsOnly(allowed_protocols={"file"})


_renderer: dict = {}


def pdf_from_html(html: str) -> bytes:
    """One PDF; the font configuration (local fonts copied once) is kept for the process's life."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    if not _renderer:
        _renderer.update(fonts=FontConfiguration(), fetcher=_fetcher())
    return HTML(string=html, url_fetcher=_renderer["fetcher"]).write_pdf(font_config=_renderer["fonts"])


def table_pdf(table: Table, stamp: datetime) -> bytes:
    return pdf_from_html(html_document([table], title=f"{table.caption} · {table.titles[-1]}", stamp=stamp))
