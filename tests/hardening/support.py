"""What the hardening proofs share: throwaway databases, a real gunicorn, a loopback respondent.

Traffic goes to 127.0.0.1 only, each run is bounded in count and in time, and every process,
thread and connection started here is closed before the test ends.
"""

from __future__ import annotations

import ctypes
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import requests
from flask import Flask
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import sessionmaker

from feedback import create_app
from feedback.models import Answer, Inspection, Response
from tests.conftest import test_config

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
SECRET_KEY = "hardening-" + "x" * 40
REDIS_URL = "redis://127.0.0.1:6379"
# A database of Redis's sixteen that the rest of the suite leaves alone.
REDIS_DB = 11

INSPECTION = "cci-2011-birmingham"
QUESTIONNAIRE = "case-manager"
# Each closed question of the case-manager questionnaire and the About you questions, with the
# answers the simulated respondents pick from.
CHOICES = {
    "discussion_manner": ("yes", "no"),
    "good_practice_feedback": ("yes", "no"),
    "improvement_advice": ("yes", "no"),
    "about_gender": ("female", "male", "another_way", "prefer_not_to_say", ""),
    "about_ethnic_group": ("white", "mixed", "asian", "black", "other", ""),
    "about_disability": ("yes", "no", "prefer_not_to_say"),
    "about_age": ("18_24", "25_34", "35_44", "45_54", "55_64", "65_over", ""),
    "about_sexual_orientation": ("straight", "gay_lesbian", "bisexual", "other", ""),
}
TEXT_QUESTION = "helpful"

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
PANEL_TITLE = re.compile(r'<h1 class="govuk-panel__title">\s*([^<]*?)\s*</h1>')


# Databases ---------------------------------------------------------------------------------


@contextmanager
def catalogue_database(templates, backend: str, workdir: Path) -> Iterator[str]:
    """Yield the URL of a new database holding the demo catalogue, copied from this worker's
    template (tests/conftest.py); drop it afterwards."""
    kept = templates[backend]
    url = kept.copy("catalogue", workdir)
    try:
        yield url
    finally:
        kept.discard(url)


def seed(url: str, inspection: str = INSPECTION, questionnaire: str = QUESTIONNAIRE) -> str:
    """Return the path of a new shared invitation link, in a database holding the demo catalogue."""
    from feedback.invitations import create_invitation

    app = create_app(test_config(url))
    engine = create_engine(url)
    try:
        with app.app_context(), sessionmaker(engine)() as session:
            found = session.execute(select(Inspection).where(Inspection.code == inspection)).scalar_one()
            link = create_invitation(session, found, questionnaire, days=28)
            assert link.invitation.mode == "shared"
            session.commit()
            return link.path()
    finally:
        engine.dispose()
        app.extensions["database"].dispose()


@dataclass
class Stored:
    responses: int
    keys: list[str]
    texts: list[str]


def stored(url: str) -> Stored:
    """Read what the database holds: response count, submission keys, free-text answers."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            count = connection.execute(select(func.count()).select_from(Response)).scalar_one()
            keys = list(connection.execute(select(Response.submission_key)).scalars())
            texts = list(connection.execute(
                select(Answer.text).where(Answer.question_code == TEXT_QUESTION)
            ).scalars())
        return Stored(count, keys, texts)
    finally:
        engine.dispose()


# The server --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36


def _prctl(option: int, value: int) -> None:
    ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0)


def become_subreaper() -> None:
    """Adopt orphaned descendants, so that workers left by a killed master can be reaped here."""
    _prctl(PR_SET_CHILD_SUBREAPER, 1)


def die_with_parent() -> None:
    """In the child: be killed if the test run dies, so no server outlives an interrupted run."""
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


class Gunicorn:
    """`gunicorn -c gunicorn.conf.py wsgi:app` with 4 workers, in its own process group."""

    def __init__(self, database_url: str, log_path: Path, workers: int = 4, public_posts: str = "100000 per minute"):
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.control_socket = log_path.with_suffix(".ctl")
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("SLACK_", "NOTIFY_", "FEEDBACK_", "GUNICORN_", "RATELIMIT_"))}
        env.update(
            GUNICORN_BIND=f"127.0.0.1:{self.port}",
            GUNICORN_WORKERS=str(workers),
            DATABASE_URL=database_url,
            SECRET_KEY=SECRET_KEY,
            RATELIMIT_STORAGE_URI=f"{REDIS_URL}/{REDIS_DB}",
            RATELIMIT_PUBLIC_POSTS=public_posts,
            PUBLIC_BASE_URL=self.base_url,
        )
        self.env = env
        self.process: subprocess.Popen | None = None
        self._log = None

    def start(self, timeout: float = 180) -> "Gunicorn":
        # A hang guard only: four workers loading the application take long on a busy machine.
        become_subreaper()
        self._log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            # The repository's config file as it is; only the control socket is moved, so servers
            # of concurrent test runs do not take each other's.
            [str(GUNICORN), "-c", "gunicorn.conf.py", "--control-socket", str(self.control_socket), "wsgi:app"],
            cwd=ROOT, env=self.env, stdin=subprocess.DEVNULL, stdout=self._log, stderr=self._log,
            start_new_session=True,  # its own process group: kill -9 reaches master and workers
            preexec_fn=die_with_parent,  # workers leave by themselves when their master is gone
        )
        try:
            self._wait_until_ready(timeout)
        except BaseException:
            self.kill9()
            raise
        return self

    def _wait_until_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        wanted = int(self.env["GUNICORN_WORKERS"])
        with requests.Session() as probe:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{self.log()[-3000:]}")
                try:
                    healthy = probe.get(self.base_url + "/healthz", timeout=5).status_code == 200
                except requests.RequestException:
                    healthy = False
                if healthy and len(self.workers()) >= wanted:
                    return
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn was not ready in {timeout} s:\n{self.log()[-3000:]}")

    def group(self) -> list[int]:
        """Live (not zombie) processes of the server's process group."""
        if self.process is None:
            return []
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # pid (comm) state ppid pgrp ...; comm may hold spaces, so split after the last ')'.
            fields = stat.rsplit(")", 1)[1].split()
            if int(fields[2]) == self.process.pid and fields[0] != "Z":
                found.append(int(entry.name))
        return found

    def cpu_seconds(self) -> float:
        """CPU time used so far by the master and its live workers."""
        ticks = 0
        for pid in self.group():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
        return ticks / os.sysconf("SC_CLK_TCK")

    def workers(self) -> list[int]:
        return [pid for pid in self.group() if pid != self.process.pid]

    def stop(self) -> int:
        """Stop gracefully (SIGTERM to the master), as systemd would."""
        if self.process is None:
            return 0
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.kill9()
        self._close()
        return self.process.returncode

    def kill9(self) -> list[int]:
        """`kill -9` the whole process group at once: master and every worker."""
        victims = self.group()
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=10)
        deadline = time.monotonic() + 10
        while self.group() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not self.group(), f"processes survived kill -9: {self.group()}"
        for pid in victims:
            # Workers orphaned by their master were adopted by this process: reap them.
            if pid != self.process.pid:
                try:
                    os.waitpid(pid, 0)
                except ChildProcessError:
                    pass
        self._close()
        return victims

    def _close(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def __enter__(self) -> "Gunicorn":
        return self.start()

    def __exit__(self, *exc) -> None:
        if self.process is not None and self.process.poll() is None:
            self.stop()
        self._close()


def server_problems(log: str) -> list[str]:
    """Lines of a server log that say something went wrong."""
    bad = []
    for line in log.splitlines():
        lowered = line.lower()
        if ("database is locked" in lowered or "traceback" in lowered or "worker timeout" in lowered
                or re.search(r'"status": 5\d\d', line) or '"level": "error"' in lowered
                or "[error]" in lowered or "[critical]" in lowered):
            bad.append(line)
    return bad


# The respondent ----------------------------------------------------------------------------


class Interrupted(Exception):
    """The server went away in the middle of a journey."""


@dataclass
class Journey:
    number: int
    marker: str
    acknowledged: bool = False
    draft_key: str | None = None
    statuses: list[int] = field(default_factory=list)
    error: str | None = None


def session_reader() -> Flask:
    """An application holding the servers' secret key, to read (not forge) their session cookies."""
    reader = Flask("cookie-reader")
    reader.secret_key = SECRET_KEY
    return reader


def read_cookie(reader: Flask, value: str) -> dict:
    return reader.session_interface.get_signing_serializer(reader).loads(value)


def csrf_token(html: str) -> str:
    found = CSRF.search(html)
    if found is None:
        raise AssertionError("page has no CSRF token")
    return found.group(1) or found.group(2)


class Respondent:
    """One person on a laptop: a cookie jar, following redirects, posting each page's form."""

    def __init__(self, base_url: str, number: int, run: str, reader: Flask):
        self.base_url = base_url
        self.http = requests.Session()
        self.reader = reader
        self.journey = Journey(number, marker=f"Diolch ŵŷ {run}-{number:05d} 😀")
        self.csrf = None

    def _record(self, response: requests.Response) -> requests.Response:
        for hop in (*response.history, response):
            self.journey.statuses.append(hop.status_code)
        if response.status_code >= 500:
            raise AssertionError(f"{response.status_code} from {response.url}")
        return response

    def get(self, path: str) -> requests.Response:
        try:
            return self._record(self.http.get(self.base_url + path, timeout=(5, 60)))
        except requests.RequestException as error:  # refused, reset, cut short, timed out
            raise Interrupted(f"{type(error).__name__}: {error}") from None

    def post(self, url: str, data: dict) -> requests.Response:
        try:
            return self._record(self.http.post(url, data={"csrf_token": self.csrf, **data}, timeout=(5, 60)))
        except requests.RequestException as error:  # refused, reset, cut short, timed out
            raise Interrupted(f"{type(error).__name__}: {error}") from None

    def answer_for(self, code: str) -> str:
        number = self.journey.number
        options = CHOICES[code]
        return options[(number + len(code)) % len(options)]

    def complete(self, link: str) -> Journey:
        """Follow the link to the confirmation page; note whether it was reached."""
        page = self.get(link)
        self.csrf = csrf_token(page.text)
        page = self.post(page.url, {})
        for _ in range(20):
            path = page.url[len(self.base_url):].split("?")[0]
            if path.startswith("/survey/questions/"):
                code = path.rsplit("/", 1)[1]
                value = self.journey.marker if code == TEXT_QUESTION else self.answer_for(code)
                page = self.post(page.url, {"answer": value})
            elif path == "/survey/about-you":
                page = self.post(page.url, {"answer": "yes" if self.journey.number % 3 == 0 else "no"})
            elif path == "/survey/check":
                self.journey.draft_key = read_cookie(self.reader, self.http.cookies["session"])["draft"]
                page = self.post(page.url, {})
            elif path == "/survey/complete":
                title = PANEL_TITLE.search(page.text)
                self.journey.acknowledged = page.status_code == 200 and title is not None and title.group(1) == "Answers sent"
                if self.journey.acknowledged:
                    completed = read_cookie(self.reader, self.http.cookies["session"])["completed"]
                    assert completed == self.journey.draft_key
                return self.journey
            else:
                raise AssertionError(f"unexpected page {page.status_code} {page.url}")
        raise AssertionError("the journey did not end")

    def close(self) -> None:
        self.http.close()


@dataclass
class LoadResult:
    journeys: list[Journey]
    seconds: float

    @property
    def acknowledged(self) -> list[Journey]:
        return [j for j in self.journeys if j.acknowledged]

    @property
    def statuses(self) -> Counter:
        return Counter(s for j in self.journeys for s in j.statuses)

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())

    def summary(self, label: str) -> str:
        ok = len(self.acknowledged)
        return (f"{label}: {len(self.journeys)} journeys, {ok} acknowledged, {self.requests} HTTP requests "
                f"in {self.seconds:.1f} s = {ok / self.seconds:.1f} responses/s, "
                f"{self.requests / self.seconds:.0f} requests/s; statuses {dict(sorted(self.statuses.items()))}")


def drive(base_url: str, link: str, total: int, clients: int = 50, time_limit: float = 120,
          stop: threading.Event | None = None, on_ack=None) -> LoadResult:
    """Run at most `total` journeys from `clients` threads, for at most `time_limit` seconds."""
    stop = stop or threading.Event()
    run = uuid.uuid4().hex[:8]
    reader = session_reader()
    started = time.monotonic()
    deadline = started + time_limit
    counter = iter(range(total))
    lock = threading.Lock()
    journeys: list[Journey] = []

    def next_number() -> int | None:
        with lock:
            return next(counter, None)

    def client() -> None:
        while not stop.is_set() and time.monotonic() < deadline:
            number = next_number()
            if number is None:
                return
            respondent = Respondent(base_url, number, run, reader)
            try:
                journey = respondent.complete(link)
            except Interrupted as error:
                journey = respondent.journey
                journey.error = f"interrupted: {error}"[:200]
            except Exception as error:  # recorded and asserted on by the caller
                journey = respondent.journey
                journey.error = f"{type(error).__name__}: {error}"[:300]
            finally:
                respondent.close()
            with lock:
                journeys.append(journey)
            if journey.acknowledged and on_ack is not None:
                on_ack(journey)
            if journey.error and journey.error.startswith("interrupted"):
                return

    with ThreadPoolExecutor(clients, thread_name_prefix="respondent") as pool:
        for future in [pool.submit(client) for _ in range(clients)]:
            future.result()
    return LoadResult(journeys, time.monotonic() - started)
