"""What every benchmark shares: the machine and versions, result files, databases, a gunicorn.

Each benchmark records its figures with `record(...)`, which merges them into
bench/results.json (with the machine, the versions and the date beside each benchmark) and
rewrites bench/results.md from it. Servers listen on 127.0.0.1 only; every run is bounded in
count and time and stops by itself.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any, Iterator

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
RESULTS_JSON = BENCH / "results.json"
RESULTS_MD = BENCH / "results.md"
WORK = Path(os.environ.get("BENCH_WORKDIR", "/tmp/feedback-bench"))
POSTGRES_ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
SECRET_KEY = "bench-" + "k" * 40
PACKAGES = ("flask", "werkzeug", "sqlalchemy", "alembic", "psycopg", "gunicorn", "limits",
            "flask-compress", "slack-bolt", "duckdb", "redis")

if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))


# --- The machine and the versions ----------------------------------------------------------

def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return 0.0


def _postgres_version() -> str | None:
    try:
        from sqlalchemy import create_engine, text

        engine = create_engine(POSTGRES_ADMIN_URL)
        with engine.connect() as connection:
            version = connection.execute(text("SHOW server_version")).scalar_one()
        engine.dispose()
        return version
    except Exception:  # not running: the figure says so
        return None


def _wrk_version() -> str | None:
    wrk = shutil.which("wrk")
    if not wrk:
        return None
    found = subprocess.run([wrk, "--version"], capture_output=True, text=True)
    return (found.stdout or found.stderr).split("[")[0].strip() or None


def environment() -> dict[str, Any]:
    """The machine, the versions and the moment, recorded beside every figure."""
    packages = {}
    for name in PACKAGES:
        try:
            packages[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            packages[name] = None
    return {
        "date": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        "machine": {
            "nproc": os.cpu_count(),
            "memory_gib": _memory_gib(),
            "cpu": _cpu_model(),
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        },
        "versions": {
            "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version,
            "postgresql": _postgres_version(),
            "wrk": _wrk_version(),
            "packages": packages,
        },
    }


# --- Results files --------------------------------------------------------------------------

def record(name: str, title: str, rows: list[dict[str, Any]], notes: list[str] | None = None,
           env: dict[str, Any] | None = None) -> None:
    """Merge one benchmark's figures into results.json and rewrite results.md.

    Each row: {"figure": ..., "value": ..., "unit": ..., "goal": ..., "baseline": ..., "met": bool|None}.
    """
    data = json.loads(RESULTS_JSON.read_text()) if RESULTS_JSON.exists() else {}
    data[name] = {"title": title, "environment": env or environment(), "figures": rows,
                  "notes": notes or []}
    RESULTS_JSON.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    RESULTS_MD.write_text(render_markdown(data))
    print(f"recorded {name}: {len(rows)} figures in {RESULTS_JSON.relative_to(ROOT)} and "
          f"{RESULTS_MD.relative_to(ROOT)}")


ORDER = ("submissions", "pages", "results_scale", "slack_ack", "export", "demo_load", "inspections_list",
         "collection", "test_databases", "proofs")


def _cell(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "**no**"
    if isinstance(value, float):
        return f"{value:,.3f}" if abs(value) < 10 else f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value).replace("|", "\\|")


def render_markdown(data: dict[str, Any]) -> str:
    lines = ["# Benchmarks", "",
             "Written by `make bench` (each script in bench/ also runs alone: `python bench/<name>.py --help`).",
             "Every figure was measured on the machine and with the versions given under its table, "
             "baselines in the same run. Load average at start shows how busy the machine already was.", ""]
    for name in sorted(data, key=lambda n: (ORDER.index(n) if n in ORDER else len(ORDER), n)):
        entry = data[name]
        env = entry["environment"]
        lines += [f"## {entry['title']}", "",
                  "| figure | value | unit | goal | baseline | goal met |",
                  "|---|---:|---|---|---|---|"]
        for row in entry["figures"]:
            lines.append("| " + " | ".join(_cell(row.get(k)) for k in
                                             ("figure", "value", "unit", "goal", "baseline", "met")) + " |")
        lines.append("")
        for note in entry.get("notes", []):
            lines.append(f"- {note}")
        machine, versions = env["machine"], env["versions"]
        packages = ", ".join(f"{k} {v}" for k, v in versions["packages"].items() if v)
        lines += ["",
                  f"_Measured {env['date']} on {machine['nproc']} CPUs ({machine['cpu']}), "
                  f"{machine['memory_gib']} GiB; load average at start {machine['load_average_at_start']}. "
                  f"Python {versions['python']}, SQLite {versions['sqlite']}, "
                  f"PostgreSQL {versions['postgresql'] or 'not running'}, wrk {versions['wrk'] or 'not installed'}; "
                  f"{packages}._", ""]
    return "\n".join(lines)


# --- Databases ------------------------------------------------------------------------------

def postgres_url(name: str) -> str:
    return POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def create_postgres(name: str, drop_first: bool = True) -> str:
    from sqlalchemy import create_engine, text

    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        if drop_first:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return postgres_url(name)


def postgres_exists(name: str) -> bool:
    from sqlalchemy import create_engine, text

    admin = create_engine(POSTGRES_ADMIN_URL)
    with admin.connect() as connection:
        found = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
    admin.dispose()
    return found is not None


def drop_postgres(name: str) -> None:
    from sqlalchemy import create_engine, text

    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@contextmanager
def throwaway_database(backend: str, label: str) -> Iterator[str]:
    """A new database migrated to head, removed afterwards."""
    from alembic import command

    from feedback.migrations import alembic_config

    if backend == "sqlite":
        WORK.mkdir(parents=True, exist_ok=True)
        path = WORK / f"{label}-{uuid.uuid4().hex[:8]}.sqlite3"
        url = f"sqlite:///{path}"
        command.upgrade(alembic_config(url), "head")
        try:
            yield url
        finally:
            for suffix in ("", "-wal", "-shm", ".writer-lock", ".counting-lock"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    name = f"feedback_bench_{label}_{uuid.uuid4().hex[:8]}"
    url = create_postgres(name)
    try:
        command.upgrade(alembic_config(url), "head")
        yield url
    finally:
        drop_postgres(name)


def make_app(url: str, **overrides):
    """The service's application on `url`, configured as the servers are."""
    from feedback import create_app
    from feedback.config import Config

    config = Config(SECRET_KEY=SECRET_KEY, DATABASE_URL=url, PUBLIC_BASE_URL="http://127.0.0.1",
                    RATELIMIT_STORAGE_URI="memory://")
    for key, value in overrides.items():
        setattr(config, key, value)
    return create_app(config)


def seed_demo(url: str) -> tuple[str, str]:
    """Load the catalogue, make a shared case-manager link and enrol a young-people kiosk at one
    inspection (Birmingham YOT): return (the link's path, the tablet's credential)."""
    from sqlalchemy import select

    from feedback import kiosk
    from feedback.demo.load import load_catalogue
    from feedback.invitations import create_invitation
    from feedback.models import Inspection

    app = make_app(url)
    with app.app_context():
        database = app.extensions["database"]
        with database.session() as session:
            load_catalogue(session)
            inspection = session.execute(
                select(Inspection).where(Inspection.code == "cci-2011-birmingham")).scalar_one()
            path = create_invitation(session, inspection, "case-manager", days=28).path()
            new = kiosk.enrol(session, "young-people", "Birmingham YOT", inspection=inspection)
            _device, credential = kiosk.bind(session, new.token)
    database.dispose()
    return path, credential

# --- The host -------------------------------------------------------------------------------

MIGRATE_REQ = Path("/proc/sys/net/ipv4/tcp_migrate_req")


def deployment_host_settings() -> str:
    """Set what docs/deployment.md asks of the host where this user may: net.ipv4.tcp_migrate_req
    = 1, so that connections waiting on the socket of a worker being restarted (gunicorn.conf.py
    recycles them; each has a socket of its own) go to another worker. Say how it stands."""
    if not MIGRATE_REQ.exists():
        return "net.ipv4.tcp_migrate_req: not in this kernel (before Linux 5.14)"
    if MIGRATE_REQ.read_text().strip() != "1":
        try:
            MIGRATE_REQ.write_text("1\n")
        except OSError:
            pass
    value = MIGRATE_REQ.read_text().strip()
    if value == "1":
        return "net.ipv4.tcp_migrate_req = 1, as docs/deployment.md sets it"
    return (f"net.ipv4.tcp_migrate_req = {value}, and it could not be set: connections waiting on a worker "
            "restarted during a run may be reset, and counted as errors")


# --- A server --------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn with the repository's gunicorn.conf.py, 4 workers, on 127.0.0.1, own process group."""

    def __init__(self, app: str, env: dict[str, str], workers: int = 4, log_name: str = "gunicorn",
                 pythonpath: str | None = None):
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        WORK.mkdir(parents=True, exist_ok=True)
        self.log_path = WORK / f"{log_name}-{self.port}.log"
        self.app = app
        self.pythonpath = pythonpath
        base = {k: v for k, v in os.environ.items()
                if not k.startswith(("SLACK_", "NOTIFY_", "FEEDBACK_", "GUNICORN_", "RATELIMIT_", "DATABASE_"))}
        base.update(GUNICORN_BIND=f"127.0.0.1:{self.port}", GUNICORN_WORKERS=str(workers),
                    SECRET_KEY=SECRET_KEY, PUBLIC_BASE_URL=self.base_url, PYTHONDONTWRITEBYTECODE="1")
        base.update(env)
        self.env = base
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "Server":
        command = [str(Path(sys.executable).with_name("gunicorn")), "-c", "gunicorn.conf.py",
                   "--control-socket", str(self.log_path.with_suffix(".ctl"))]
        if self.pythonpath:
            command += ["--pythonpath", self.pythonpath]
        command.append(self.app)
        self._log = open(self.log_path, "ab")
        self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdin=subprocess.DEVNULL,
                                        stdout=self._log, stderr=self._log, start_new_session=True)
        try:
            self._wait_until_serving()
        except BaseException:  # not left running when it could not be waited for (or ^C)
            self.__exit__()
            raise
        return self

    def _wait_until_serving(self) -> None:
        import urllib.request

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.log()[-3000:]}")
            try:
                with urllib.request.urlopen(self.base_url + "/healthz", timeout=5) as answer:
                    if answer.status == 200 and len(self.workers()) >= int(self.env["GUNICORN_WORKERS"]):
                        return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not start:\n{self.log()[-3000:]}")

    def workers(self) -> list[int]:
        import psutil

        try:
            return [c.pid for c in psutil.Process(self.process.pid).children()]
        except psutil.Error:
            return []

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def __exit__(self, *exc) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self._log.close()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]
