"""The worker's loop runs its jobs again after a failure, keeps the others going, and stops when asked."""

from __future__ import annotations

import threading
import time

from feedback import worker
from feedback.jobs import Job
from feedback.worker import backoff, run_job, run_once, start, wait_for


def test_a_failing_round_is_logged_and_the_next_round_runs(caplog, monkeypatch):
    monkeypatch.setattr(worker, "backoff", lambda job, failures: 0.01)
    stop = threading.Event()
    rounds = []

    def job():
        rounds.append(len(rounds))
        if len(rounds) == 1:
            raise RuntimeError("database away")
        stop.set()
        return 0

    run_job(Job("emails", job, 0.01), stop)
    assert rounds == [0, 1]
    assert "the emails job failed (database away)" in caplog.text


def test_a_failing_job_backs_off_and_the_others_go_on(caplog):
    stop = threading.Event()
    failing_rounds, counted = [], []

    def failing():
        failing_rounds.append(time.monotonic())
        raise ConnectionError("Slack unreachable")

    def counting():
        counted.append(1)
        if len(counted) >= 20:
            stop.set()
        return 1  # found work: runs again at once

    threads = start([Job("alerts", failing, 0.01), Job("counting", counting, 0.01)], stop)
    wait_for(threads)
    assert len(counted) >= 20  # the other job kept going
    assert 1 <= len(failing_rounds) <= 2  # waited 2 s after its first failure
    assert "the alerts job failed (Slack unreachable); trying again in 2 s" in caplog.text
    assert [backoff(Job("x", failing, 0.2), n) for n in (1, 2, 3, 6, 7, 20)] == [2, 4, 8, 60, 60, 60]
    assert backoff(Job("emails", failing, 30.0), 1) == 30.0


def test_a_stop_lets_the_round_under_way_finish():
    stop = threading.Event()
    inside, finished = threading.Event(), []

    def slow():
        inside.set()
        time.sleep(0.3)  # a batch being counted, an email being sent
        finished.append(True)
        return 1

    threads = start([Job("counting", slow, 0.01)], stop)
    assert inside.wait(5)
    stop.set()
    wait_for(threads)
    assert finished == [True] and not any(t.is_alive() for t in threads)


def test_once_runs_each_job_until_it_finds_nothing_and_reports_failures():
    batches = [3, 2, 0]
    ran = []

    def counting():
        ran.append("counting")
        return batches.pop(0)

    def broken():
        raise RuntimeError("Notify down")

    failed = run_once([Job("emails", broken, 30), Job("counting", counting, 10)])
    assert ran == ["counting"] * 3
    assert [(name, str(error)) for name, error in failed] == [("emails", "Notify down")]
