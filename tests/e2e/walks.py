"""Role walks: visit a role's pages in Chromium at a desk and a phone size and list every problem a
visitor would meet: console errors, failed requests, a page wider than the screen, and accessibility
violations of serious or critical impact (axe-core, bundled by axe-playwright-python, no network)."""

from __future__ import annotations

from dataclasses import dataclass, field

from axe_playwright_python.sync_playwright import Axe

DESK = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
VIEWPORTS = {"1366": DESK, "390": PHONE}
AXE = Axe()
AXE_OPTIONS = {"resultTypes": ["violations"], "runOnly": ["wcag2a", "wcag2aa", "wcag21aa", "best-practice"]}
SERIOUS = ("serious", "critical")
# The axe rules that are best practice, not WCAG, and that judge the page's outline rather than a defect
# a visitor meets; everything else of serious or critical impact fails the walk.
AXE_SKIPPED = {"region", "landmark-one-main", "page-has-heading-one"}


@dataclass
class Walk:
    """What one role's walk met, page by page; `problems` is empty when every page is clean."""

    problems: list[str] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)

    def add(self, where: str, what: str) -> None:
        self.problems.append(f"{where}: {what}")


def _axe_problems(page) -> list[str]:
    results = AXE.run(page, options=AXE_OPTIONS)
    found = []
    for violation in results.response["violations"]:
        if violation["impact"] in SERIOUS and violation["id"] not in AXE_SKIPPED:
            targets = [", ".join(node["target"]) for node in violation["nodes"][:3]]
            found.append(f"axe {violation['id']} ({violation['impact']}) at {targets}")
    return found


def _real_failure(request) -> bool:
    """A request that failed for the site's sake, not because the browser moved on.

    Chromium's own PDF viewer (chrome-extension://) is not the site, and a request the next
    navigation cancelled (net::ERR_ABORTED, e.g. a late favicon) says nothing about the page; a
    missing file still shows as a 4xx response.
    """
    return not request.url.startswith("chrome-extension://") and request.failure != "net::ERR_ABORTED"


def overflow(page) -> int:
    """How many pixels the page is wider than the window (0: no sideways scrolling)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def choose_language(page, base_url: str, language: str) -> None:
    """Pick the language in the public pages' language picker, as a visitor does (the choice is kept
    for the staff pages too)."""
    page.goto(base_url + "/ket-qua/")
    with page.expect_navigation():
        page.click(f"a[lang={language}]")
    page.wait_for_load_state()


def walk_pages(
    browser, base_url: str, username: str | None, paths, *, login, shots=None, axe=True, language: str = "vi"
) -> Walk:
    """Log in as `username` (None: a visitor) and visit `paths` at both sizes, in `language` (picked
    in the language picker when not Vietnamese, the site's default)."""
    walk = Walk()
    for size_name, viewport in VIEWPORTS.items():
        context = browser.new_context(viewport=viewport, locale="vi-VN")
        page = context.new_page()
        where = {"url": ""}

        def note(what, size_name=size_name, where=where):
            walk.add(f"{size_name} {where['url']}", what)

        page.on("console", lambda m, note=note: m.type == "error" and note(f"console: {m.text}"))
        page.on("pageerror", lambda e, note=note: note(f"script error: {e}"))
        page.on("response", lambda r, note=note: r.status >= 400 and note(f"{r.status} {r.url}"))
        page.on(
            "requestfailed", lambda r, note=note: _real_failure(r) and note(f"failed {r.url} ({r.failure})")
        )
        if username:
            login(page, base_url, username)
        if language != "vi":
            choose_language(page, base_url, language)
        for path in paths:
            where["url"] = path
            page.goto(base_url + path)
            page.wait_for_load_state("networkidle")
            walk.pages.append(f"{size_name} {path}")
            if username and "/dang-nhap/" in page.url and not path.startswith("/dang-nhap/"):
                walk.add(f"{size_name} {path}", "sent to the login page: the walk is not signed in")
            if (shown := page.evaluate("document.documentElement.lang")) != language:
                walk.add(f"{size_name} {path}", f"page in language {shown!r}, not {language!r}")
            wide = overflow(page)
            if wide > 0:
                walk.add(f"{size_name} {path}", f"{wide} px wider than the window")
            if axe:
                for problem in _axe_problems(page):
                    walk.add(f"{size_name} {path}", problem)
            if shots is not None:
                name = (username or "public") + path.replace("/", "_") + f"-{size_name}.png"
                page.screenshot(path=str(shots / name), full_page=True)
        context.close()
    return walk
