"""`feedback worker`: the one long-running process beside the web server.

It runs the jobs of feedback.jobs (Slack requests, alerts, counting, scheduled emails), each in
a thread of its own so that one job slow or failing (Slack or GOV.UK Notify down, the database
away) never holds up or stops the others: a round that raises is logged and tried again after
a wait that grows with each failure. A job that found work runs again at once; an idle one
waits its interval. SIGTERM or SIGINT sets `stop`: each job finishes the round it is in and
the process exits. Everything a job does is claimed or written ahead in the database, so a
worker killed instead, or restarted, or run twice at once, loses nothing and does nothing twice.
"""

from __future__ import annotations

import logging
import signal
import threading
from typing import Callable

from sqlalchemy.exc import SQLAlchemyError

from .jobs import Job

logger = logging.getLogger("feedback.worker")

MAX_BACKOFF = 60.0  # seconds: a job comes back within a minute of what it needs coming back
ONCE_ROUNDS = 10_000  # with --once, a job's rounds at most (each round takes a batch)


def backoff(job: Job, failures: int) -> float:
    """Seconds to wait after the `failures`th failure in a row: 2, 4, 8 ... a minute at most,
    and never less than the job's own interval."""
    return max(job.every, min(2.0 ** failures, MAX_BACKOFF))


def describe_error(error: BaseException) -> str:
    """Say what failed without what a database error's text holds (its SQL and parameters)."""
    if isinstance(error, SQLAlchemyError):
        return type(error).__name__
    return str(error)[:300] or type(error).__name__


def run_job(job: Job, stop: threading.Event) -> None:
    """Run `job` until `stop` is set: again at once while it finds work, every `job.every`
    seconds when it finds none, and after a failure later each time. Never dies of an Exception."""
    failures = 0
    while not stop.is_set():
        try:
            done = job.run()
        except Exception as error:  # the next round tries again; this one is in the log
            failures += 1
            wait = backoff(job, failures)
            logger.error("the %s job failed (%s); trying again in %g s", job.name, describe_error(error), wait,
                         exc_info=True, extra={"fields": {"job": job.name, "failures": failures}})
            stop.wait(wait)
            continue
        if failures:
            logger.info("the %s job is working again", job.name, extra={"fields": {"job": job.name}})
            failures = 0
        if not done:
            stop.wait(job.every)


def start(jobs: list[Job], stop: threading.Event) -> list[threading.Thread]:
    """Start each job in its own threads (`job.threads` of them); return the threads."""
    started = []
    for job in jobs:
        for number in range(job.threads):
            thread = threading.Thread(target=run_job, args=(job, stop), name=f"worker-{job.name}-{number + 1}",
                                      daemon=True)
            thread.start()
            started.append(thread)
    return started


def wait_for(threads: list[threading.Thread], poll: float = 0.5) -> None:
    """Wait for the threads to end; a short join at a time, so that signals are heard."""
    while any(thread.is_alive() for thread in threads):
        for thread in threads:
            thread.join(timeout=poll)


def run_once(jobs: list[Job], rounds: int = ONCE_ROUNDS) -> list[tuple[str, BaseException]]:
    """Run each job until it finds nothing more to do; return the jobs that failed, with why.

    A job failing does not stop the jobs after it.
    """
    failed = []
    for job in jobs:
        try:
            for _ in range(rounds):
                if not job.run():
                    break
        except Exception as error:  # reported by the caller; the other jobs still run
            logger.error("the %s job failed (%s)", job.name, describe_error(error), exc_info=True,
                         extra={"fields": {"job": job.name}})
            failed.append((job.name, error))
    return failed


def stop_on_signals(stop: threading.Event, say: Callable[[str], None]) -> None:
    """Set `stop` on SIGTERM (systemctl stop) and SIGINT (Ctrl+C)."""

    def request_stop(signum, _frame):
        say(f"Stopping (signal {signum}): finishing the jobs under way.")
        stop.set()

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, request_stop)
