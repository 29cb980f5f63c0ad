"""The worker's loop runs its jobs again after a failure, and stops when asked."""

from __future__ import annotations

import threading

from feedback.worker import loop


def test_a_failing_round_is_logged_and_the_next_round_runs(caplog):
    stop = threading.Event()
    rounds = []

    def job():
        rounds.append(len(rounds))
        if len(rounds) == 1:
            raise RuntimeError("database away")
        stop.set()

    loop(job, 0.01, stop)
    assert rounds == [0, 1]
    assert "scheduled jobs failed" in caplog.text
