"""Slash command: how fast /feedback is acknowledged, at 10^7 answers.

gunicorn with 4 workers on 127.0.0.1 serves the service with Slack configured against the
local stand-in for the Slack Web API (tests/slack/recorder.py, port 0), and `feedback slack
worker` processes (two by default) answer, as deployed (docs/deployment.md). Two clients at
once, then ten, send signed slash commands (Slack's v0 scheme) to POST /slack/events, asking
for figures and digests; each request's time to the HTTP 200 acknowledgement is measured. The
web process only queues each command; the workers work the answers out and post them to the
stand-in's response URLs; the run waits for them (bounded) and reports how long the last took.

    python bench/slack_ack.py --answers 10000000
"""

from __future__ import annotations

import argparse
import itertools
import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synthetic  # noqa: E402
from common import ROOT, WORK, Server, environment, percentile, record  # noqa: E402

sys.path.insert(0, str(ROOT))
GOAL_P99_MS = 300
SECRET = "bench-signing-secret-0123456789abcdef"
SORRY = "could not be fetched just now"  # feedback.slack.commands.failed
TEXTS = ("young-people 2011-12", "digest 2011-12", "adult-service-user 2011-12", "case-manager 2011-12 CCI",
         "offender-manager 2011-12", "digest last-month")


def body(text: str, response_url: str, user: str) -> str:
    return urlencode({"token": "unused", "team_id": "T0BENCH", "team_domain": "bench", "channel_id": "C0BENCH",
                      "channel_name": "feedback", "user_id": user, "user_name": user.lower(), "command": "/feedback",
                      "text": text, "api_app_id": "A0BENCH", "is_enterprise_install": "false",
                      "response_url": response_url, "trigger_id": "1.2.3"})


class SlackWorkers:
    """`feedback slack worker` processes beside the server, with its environment; stopped with SIGTERM."""

    def __init__(self, env: dict[str, str], processes: int, threads: int, nice: int = 0,
                 log_name: str = "slack-worker"):
        self.env, self.processes, self.threads, self.nice = env, processes, threads, nice
        self.log_path = WORK / f"{log_name}-{os.getpid()}.log"
        self.running: list[subprocess.Popen] = []

    def __enter__(self) -> "SlackWorkers":
        command = [str(Path(sys.executable).with_name("feedback")), "slack", "worker", "--threads", str(self.threads)]
        if self.nice:
            command = ["nice", "-n", str(self.nice)] + command
        self._log = open(self.log_path, "ab")
        for _ in range(self.processes):
            self.running.append(subprocess.Popen(command, cwd=ROOT, env=self.env, stdin=subprocess.DEVNULL,
                                                 stdout=self._log, stderr=self._log, start_new_session=True))
        time.sleep(1.0)
        if any(p.poll() is not None for p in self.running):
            self.__exit__()
            raise RuntimeError(f"feedback slack worker exited:\n{self.log_path.read_text(errors='replace')[-3000:]}")
        return self

    def __exit__(self, *exc) -> None:
        for process in self.running:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.running:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        self._log.close()


def prepare(url: str) -> None:
    """Migrate a kept database to this release (the request queue's table) and empty the queue."""
    from alembic import command
    from sqlalchemy import create_engine, text

    from feedback.migrations import alembic_config

    command.upgrade(alembic_config(url), "head")
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM slack_requests"))
    engine.dispose()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--answers", type=int, default=10_000_000, help="size of the synthetic database")
    parser.add_argument("--quick", action="store_true", help="10^6 answers and 120 commands")
    parser.add_argument("--commands", type=int, default=300, help="signed commands to send")
    parser.add_argument("--clients", type=int, default=2,
                        help="concurrent senders (default 2: a busy team; --stress-clients for more)")
    parser.add_argument("--stress-clients", type=int, default=10, help="senders in the second, stress run (0: none)")
    parser.add_argument("--rate", type=float, default=0,
                        help="commands a second over all senders (default 0: each sender sends its next "
                             "command as soon as the last is acknowledged)")
    parser.add_argument("--slack-workers", type=int, default=2,
                        help="`feedback slack worker` processes answering (default 2, one a CPU here)")
    parser.add_argument("--worker-threads", type=int, default=2, help="threads in each worker process")
    parser.add_argument("--worker-nice", type=int, default=10,
                        help="niceness of the worker processes (default 10, as docs/slack.md's systemd unit)")
    parser.add_argument("--no-record", action="store_true", help="print the figures only")
    args = parser.parse_args(argv)
    import requests
    from slack_sdk.signature import SignatureVerifier

    from tests.slack.recorder import SlackRecorder

    answers = 1_000_000 if args.quick else args.answers
    commands = 120 if args.quick else args.commands
    env = environment()
    url = synthetic.generate(answers)
    prepare(url)
    verifier = SignatureVerifier(SECRET)
    with SlackRecorder() as slack:
        server_env = {"DATABASE_URL": url, "SLACK_BOT_TOKEN": "xoxb-bench", "SLACK_SIGNING_SECRET": SECRET,
                      "SLACK_API_URL": slack.api_url, "SLACK_DIGEST_CHANNEL": "C0DIGEST",
                      "RATELIMIT_STORAGE_URI": "memory://"}
        with Server("wsgi:app", server_env, log_name="slack") as server, \
                SlackWorkers(server.env, args.slack_workers, args.worker_threads, args.worker_nice):
            counter = itertools.count()
            lock = threading.Lock()
            latencies: list[float] = []
            statuses: list[int] = []

            paced = {"from": None}  # with --rate: when the run started

            def send(index):
                if args.rate and paced["from"] is not None:  # command `index` is due index/rate s in
                    time.sleep(max(0.0, paced["from"] + index / args.rate - time.perf_counter()))
                with lock:
                    number = next(counter)
                text = TEXTS[number % len(TEXTS)]
                payload = body(text, slack.response_url(f"c{number}"), f"U{number % 7:04d}")
                stamp = str(int(time.time()))
                headers = {"X-Slack-Request-Timestamp": stamp,
                           "X-Slack-Signature": verifier.generate_signature(timestamp=stamp, body=payload),
                           "Content-Type": "application/x-www-form-urlencoded"}
                started = time.perf_counter()
                answer = requests.post(server.base_url + "/slack/events", data=payload, headers=headers, timeout=10)
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    statuses.append(answer.status_code)

            with ThreadPoolExecutor(args.clients) as pool:
                list(pool.map(send, range(len(TEXTS) * 2)))  # warm up every kind of command
            slack.wait_for("response_url", len(TEXTS) * 2, timeout=120)
            rows, notes = [], []
            for clients in [c for c in (args.clients, args.stress_clients) if c]:
                latencies.clear()
                statuses.clear()
                before = len(slack.calls("response_url"))
                started = time.perf_counter()
                paced["from"] = started
                with ThreadPoolExecutor(clients) as pool:
                    list(pool.map(send, range(commands)))
                paced["from"] = None
                sent = time.perf_counter() - started
                try:
                    slack.wait_for("response_url", before + commands, timeout=300)
                except Exception:  # reported below as answers missing
                    pass
                # Answers with the figures asked for: the sorry text (an answer that failed) is not one.
                answered = sum(1 for call in slack.calls("response_url")[before:] if SORRY not in call.text)
                all_answered = time.perf_counter() - started
                p50, p99 = percentile(latencies, 50) * 1000, percentile(latencies, 99) * 1000
                ok = sum(1 for s in statuses if s == 200)
                label = f"{clients} senders, {commands / sent:.0f} commands/s"
                primary = clients == args.clients
                rows += [
                    {"figure": f"{label}: acknowledgement p50", "value": round(p50, 1), "unit": "ms", "goal": None,
                     "baseline": None, "met": None},
                    {"figure": f"{label}: acknowledgement p99", "value": round(p99, 1), "unit": "ms",
                     "goal": f"< {GOAL_P99_MS} ms" if primary else "(stress)", "baseline": None,
                     "met": p99 < GOAL_P99_MS if primary else None},
                    {"figure": f"{label}: acknowledgement max", "value": round(max(latencies) * 1000, 1), "unit": "ms",
                     "goal": "< 3000 (Slack)", "baseline": None, "met": max(latencies) < 3},
                    {"figure": f"{label}: acknowledged 200 / sent; answers delivered", "value":
                     f"{ok} / {len(statuses)}; {answered}", "unit": None, "goal": "all", "baseline": None,
                     "met": ok == len(statuses) == answered},
                    {"figure": f"{label}: time until the last answer arrived", "value": round(all_answered, 1),
                     "unit": "s", "goal": None, "baseline": None, "met": None},
                ]
    notes += [f"{commands} signed /feedback commands a run, over "
              f"{synthetic.database_name(answers)} (bench/synthetic.py); commands: {', '.join(TEXTS)}. "
              "The second run offers more commands a second than the machine's CPUs can answer (each answer is "
              "a digest or a questionnaire's figures), to show acknowledgements under overload.",
              "Each acknowledgement is the HTTP 200 to POST /slack/events: the web process verifies the "
              "signature, stores the command (table slack_requests) and acknowledges. "
              f"{args.slack_workers} `feedback slack worker` process(es) of {args.worker_threads} thread(s), "
              f"on the same machine at nice {args.worker_nice}, work the answers out and post them to the "
              "response URLs; an answer counts as delivered when it carries figures or the usage text, "
              "not the sorry text."]
    if args.rate:
        notes.append(f"Senders paced to {args.rate:g} commands a second in all.")
    for row in rows:
        print(row)
    if not args.no_record:
        record("slack_ack", f"Slash command acknowledgement at {answers:.0e} answers (PostgreSQL)", rows, notes, env)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
