"""Count new responses into answer_counts once the reply to whoever sent them has gone.

A request that stored a response (responses.store_response marks its session) registers a
batch of feedback.counting to run when the server closes the response, after the last byte
went out: nobody waits for it. At most one batch at a time in a process, and one a
COUNTS_CATCH_UP_SECONDS, so under load each batch takes many responses at once; when it is
quiet a response is counted within moments. A process that finds another's batch under way
leaves the responses to it rather than wait. Nothing depends on it running: results count
responses still waiting from the raw tables, and `feedback worker` counts any left.
"""

from __future__ import annotations

import threading
import time

from flask import Flask, current_app, g

from .. import counting
from ..db import get_db

EXTENSION = "counting"


class CatchUp:
    """One process's batches: one at a time, no more often than every `every` seconds."""

    def __init__(self, every: float | None):
        self.every = every
        self.lock = threading.Lock()
        self.last = float("-inf")

    def due(self) -> bool:
        return self.every is not None and time.monotonic() - self.last >= self.every

    def run(self, database, logger) -> None:
        if not self.lock.acquire(blocking=False):
            return  # a batch is running in this process; it will take these responses too
        try:
            if not self.due():
                return
            self.last = time.monotonic()
            with database.session() as session:
                counting.count_waiting(session, wait=False)
        except Exception:  # counted by the next batch; the responses themselves are stored
            logger.exception("counting waiting responses failed")
        finally:
            self.lock.release()


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = CatchUp(app.config.get("COUNTS_CATCH_UP_SECONDS"))

    @app.after_request
    def _count_after_response(response):
        session = g.get("db_session")
        catch_up: CatchUp = current_app.extensions[EXTENSION]
        if session is not None and session.info.pop(counting.STORED, False) and catch_up.due():
            database, logger = get_db(), current_app.logger
            response.call_on_close(lambda: catch_up.run(database, logger))
        return response
