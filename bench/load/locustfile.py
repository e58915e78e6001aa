"""The deadline rush (issue 17): focal points autosaving leaves, uploading files and opening their page,
while the secretariat and Home Affairs read. Run by bench/load/run.sh (locust in bench/load/.venv).

Every save the server acknowledges (an answer carrying the item's new version) is written to
LOAD_SAVES (JSON lines) so that `python -m bench.load.state check` can prove none was lost. A refused
stale save (two focal points of one agency on the same leaf) is not an error: it is the optimistic lock
working, counted under "autosave (conflict)", and the user takes the stored version as the page offers.
"""

from __future__ import annotations

import json
import os
import random
import re
import resource
import threading
import uuid
from http.cookiejar import Cookie
from pathlib import Path

from locust import FastHttpUser, between, events, task

ACCOUNTS = json.loads(
    Path(os.environ.get("LOAD_ACCOUNTS", "bench/load/out/accounts.json")).read_text("utf-8")
)
PASSWORD = os.environ.get("LOAD_PASSWORD", "demo")
SAVES_PATH = os.environ.get("LOAD_SAVES", "bench/load/out/saves.jsonl")
UPLOAD_MIN, UPLOAD_MAX = 1_000_000, 5_000_000
RANDOM_BYTES = os.urandom(UPLOAD_MAX)  # file bodies are slices of this, made unique by a header

LEAF = re.compile(
    r'for="points-input-(\d+)">[^<]*?([\d.,]+)\)</label>\s*<input[^>]*name="points" id="points-input-\1"'
)
VERSION = re.compile(r'name="version" value="(\d+)" id="version-(\d+)"')
KEEP_MINE = re.compile(r'data-keep-mine="(\d+)" data-version="(\d+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

_saves: list[dict] = []
_saves_lock = threading.Lock()
_next = {"focal": 0, "reader": 0}
_next_lock = threading.Lock()


def _take(kind: str, names: list[dict]) -> dict:
    with _next_lock:
        name = names[_next[kind] % len(names)]
        _next[kind] += 1
    return name


@events.test_stop.add_listener
def _write_saves(**_kwargs):
    with _saves_lock, open(SAVES_PATH, "w", encoding="utf-8") as out:
        for save in _saves:
            out.write(json.dumps(save) + "\n")
    # The load generator shares the server's cores: what it used is part of reading the figures.
    usage = resource.getrusage(resource.RUSAGE_SELF)
    Path(SAVES_PATH).with_name("locust-cpu.log").write_text(
        f"locust CPU s {usage.ru_utime + usage.ru_stime:.1f}\n"
    )


class Staff(FastHttpUser):
    """geventhttpclient, not python-requests: the load generator shares the server's two cores, and
    requests costs several times its CPU per request (docs/performance.md)."""

    abstract = True
    network_timeout = connection_timeout = 60.0

    def login(self, account: dict) -> None:
        """Takes the session made in advance (bench/load/state.py); with LOAD_LOGIN=1 logs in instead,
        measured as "login"."""
        self.username = account["username"]
        if os.environ.get("LOAD_LOGIN") != "1":
            self.client.cookiejar.set_cookie(_cookie("sessionid", account["session"], self.host))
            return
        page = self.client.get("/dang-nhap/", name="login page")
        token = CSRF.search(page.text).group(1)
        with self.client.post(
            "/dang-nhap/",
            {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            name="login",
            catch_response=True,
        ) as answer:
            if answer.status_code != 200 or 'name="password"' in (answer.text or ""):
                answer.failure(f"login refused for {self.username}")

    def headers(self) -> dict:
        token = next((c.value for c in self.client.cookiejar if c.name == "csrftoken"), "")
        return {"X-CSRFToken": token, "HX-Request": "true"}


class FocalPoint(Staff):
    """A focal point on the last day: saves a leaf every 1–3 s, now and then uploads a file or reopens
    the page."""

    fixed_count = int(os.environ.get("LOAD_FOCAL_POINTS", len(ACCOUNTS["focal_points"])))
    wait_time = between(1, 3)

    def on_start(self):
        account = _take("focal", ACCOUNTS["focal_points"])
        self.page_url = account["page"]  # where the index would redirect them
        self.login(account)
        self.open_page()

    def open_page(self):
        with self.client.get(self.page_url, name="page open", catch_response=True) as page:
            leaves = {int(item): _decimal(maximum) for item, maximum in LEAF.findall(page.text or "")}
            if page.status_code != 200 or not leaves:
                page.failure(f"no leaf to score on {self.page_url}")
                return
            self.leaves = leaves
            self.versions = {int(item): int(version) for version, item in VERSION.findall(page.text or "")}

    @task(40)
    def autosave(self):
        if not getattr(self, "leaves", None):
            return self.open_page()
        item = random.choice(list(self.leaves))
        points = random.choice(("0", _text(self.leaves[item])))
        note = f"{self.username} {uuid.uuid4().hex[:12]}"
        version = self.versions.get(item, 1)
        with self.client.post(
            f"{self.page_url}muc/{item}/",
            {"version": version, "points": points, "note": note},
            headers=self.headers(),
            name="autosave",
            catch_response=True,
        ) as answer:
            text = answer.text or ""
            saved = VERSION.search(text)
            if answer.status_code == 200 and saved and int(saved.group(2)) == item:
                self.versions[item] = int(saved.group(1))
                with _saves_lock:
                    _saves.append(
                        {"item": item, "version": int(saved.group(1)), "points": points, "note": note}
                    )
            elif answer.status_code == 200 and (conflict := KEEP_MINE.search(text)):
                self.versions[item] = int(conflict.group(2))  # "take the saved one"
                answer.success()
                self.environment.events.request.fire(
                    request_type="POST", name="autosave (conflict)", response_time=answer.request_meta["response_time"],
                    response_length=len(text), exception=None, context={},
                )  # fmt: skip
            else:
                answer.failure(f"autosave {answer.status_code}: {text[:200]!r}")

    @task(1)
    def upload(self):
        if not getattr(self, "leaves", None):
            return self.open_page()
        item = random.choice(list(self.leaves))
        size = random.randint(UPLOAD_MIN, UPLOAD_MAX)
        body = b"%PDF-1.4\n% " + uuid.uuid4().hex.encode() + b"\n" + RANDOM_BYTES[:size] + b"\n%%EOF\n"
        with self.client.post(
            f"/tai-lieu/muc/{item}/tai-len/",
            data={"summary": "Tài liệu kiểm định tải"},
            files={"files": (f"minh-chung-{item}.pdf", body, "application/pdf")},
            headers=self.headers(),
            name="upload 1–5 MB",
            catch_response=True,
        ) as answer:
            if answer.status_code != 200 or "alert-danger" in (answer.text or ""):
                answer.failure(f"upload {answer.status_code}: {(answer.text or '')[:200]!r}")

    @task(1)
    def reopen_page(self):
        self.open_page()


class Reader(Staff):
    """The secretariat and Home Affairs reading the overview and agencies' pages."""

    fixed_count = int(os.environ.get("LOAD_READERS", len(ACCOUNTS["readers"])))
    wait_time = between(3, 8)

    def on_start(self):
        self.login(_take("reader", ACCOUNTS["readers"]))
        self.agencies = []

    @task(1)
    def overview(self):
        page = self.client.get(f"/tu-danh-gia/{ACCOUNTS['period']}/tong-hop/", name="reader: overview")
        found = re.findall(rf'href="/tu-danh-gia/{ACCOUNTS["period"]}/([\w-]+)/"', page.text or "")
        self.agencies = [code for code in found if code != "tong-hop"] or self.agencies

    @task(3)
    def agency_page(self):
        if not self.agencies:
            return self.overview()
        code = random.choice(self.agencies)
        self.client.get(f"/tu-danh-gia/{ACCOUNTS['period']}/{code}/", name="reader: agency page")


def _cookie(name: str, value: str, host: str) -> Cookie:
    domain = host.split("//", 1)[-1].split(":", 1)[0].split("/", 1)[0]
    return Cookie(
        0, name, value, None, False, domain, False, False, "/", True, False, None, False, None, None, {}
    )


def _decimal(text: str) -> float:
    return float(text.replace(",", "."))  # maxima are shown as 1,5 in Vietnamese


def _text(value: float) -> str:
    return f"{value:g}"
