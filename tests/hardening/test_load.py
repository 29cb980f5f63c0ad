"""A load run on loopback against gunicorn with 4 workers, on SQLite and on PostgreSQL.

Fifty respondents at once complete the whole web-link journey (start page, every question,
About you, check answers, send) through a shared link until 100 responses are sent (300 at
full size, in make bench) or the time limit passes. Every response acknowledged with the confirmation page is stored, once;
nothing answers 5xx; the server never says "database is locked". Then fifty identical final
submissions (one session cookie, one CSRF token) arrive at once and store one response.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.conftest import BACKENDS, sized

from .support import (
    Gunicorn,
    Respondent,
    catalogue_database,
    csrf_token,
    drive,
    read_cookie,
    seed,
    server_problems,
    session_reader,
    stored,
)

# Real gunicorn servers with 4 workers each: one such test at a time (pytest-xdist), not side by side.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("gunicorn")]

RESPONSES = sized(100, 300)
CLIENTS = 50
# Seconds: only so that a run that cannot finish fails rather than hangs. Not a speed test (make
# bench measures speed): generous enough for a machine busy with other work.
TIME_LIMIT = 600
IDENTICAL = 50


@pytest.fixture(scope="module", params=BACKENDS)
def server(request, tmp_path_factory, templates, redis_client):
    workdir = tmp_path_factory.mktemp(f"load-{request.param}")
    for key in redis_client.scan_iter("LIMITS*"):
        redis_client.delete(key)
    with catalogue_database(templates, request.param, workdir) as url:
        link = seed(url)
        with Gunicorn(url, workdir / "gunicorn.log") as running:
            running.backend, running.database_url, running.link = request.param, url, link
            yield running


def test_load_run_stores_every_acknowledged_response_once(server, redis_client, numbers):
    assert len(server.workers()) == 4, "gunicorn should run 4 workers"
    before = stored(server.database_url).responses
    server_cpu, client_cpu = server.cpu_seconds(), time.process_time()
    result = drive(server.base_url, server.link, RESPONSES, CLIENTS, TIME_LIMIT)
    server_cpu, client_cpu = server.cpu_seconds() - server_cpu, time.process_time() - client_cpu
    numbers(result.summary(f"{server.backend}, {CLIENTS} clients, gunicorn 4 workers")
            + f"; CPU: server {server_cpu:.0f} s, client {client_cpu:.0f} s")

    errors = [j.error for j in result.journeys if j.error]
    assert not errors, errors[:5]
    assert len(result.journeys) == RESPONSES, f"only {len(result.journeys)} journeys in {TIME_LIMIT} s"
    assert not [s for s in result.statuses if s >= 500], result.statuses
    assert set(result.statuses) <= {200, 302}, result.statuses

    after = stored(server.database_url)
    acknowledged = result.acknowledged
    assert len(acknowledged) == RESPONSES
    assert after.responses - before == len(acknowledged), "rows stored != responses acknowledged"
    duplicates = [k for k, n in Counter(after.keys).items() if n > 1]
    assert not duplicates
    assert {j.draft_key for j in acknowledged} <= set(after.keys)
    # Each respondent's own words came back once, exactly as typed.
    assert Counter(after.texts) == Counter(j.marker for j in acknowledged)
    numbers(f"{server.backend}: {len(acknowledged)} acknowledged, {after.responses - before} rows stored, "
            f"{len(duplicates)} duplicate keys")

    problems = server_problems(server.log())
    assert not problems, problems[:5]
    assert "database is locked" not in server.log()
    # The four workers kept their rate-limit counters in Redis, not each in its own memory.
    assert any(redis_client.scan_iter("LIMITS*")), "no rate-limit state in Redis"


def test_identical_final_submissions_at_once_store_exactly_one_response(server, numbers):
    respondent = Respondent(server.base_url, 0, "identical", session_reader())
    try:
        # Walk to the check answers page, then send it 50 times at once with one cookie and token.
        page = respondent.get(server.link)
        respondent.csrf = csrf_token(page.text)
        page = respondent.post(page.url, {})
        while "/survey/check" not in page.url:
            code = page.url.rsplit("/", 1)[1]
            answer = "no" if code == "about-you" else "yes" if code != "helpful" else "Same click, fifty times"
            page = respondent.post(page.url, {"answer": answer})
        cookie = respondent.http.cookies["session"]
        key = read_cookie(respondent.reader, cookie)["draft"]
        token = csrf_token(page.text)
    finally:
        respondent.close()
    before = stored(server.database_url)
    barrier = threading.Barrier(IDENTICAL)

    def submit(_):
        with requests.Session() as twin:
            twin.cookies.set("session", cookie, domain="127.0.0.1", path="/")
            barrier.wait(timeout=30)
            response = twin.post(server.base_url + "/survey/check", data={"csrf_token": token},
                                 allow_redirects=False, timeout=(5, 60))
            return response.status_code, response.headers.get("Location")

    started = time.monotonic()
    with ThreadPoolExecutor(IDENTICAL) as pool:
        answers = list(pool.map(submit, range(IDENTICAL)))
    seconds = time.monotonic() - started

    assert answers == [(302, "/survey/complete")] * IDENTICAL, Counter(answers)
    after = stored(server.database_url)
    assert after.responses == before.responses + 1
    assert after.keys.count(key) == 1
    assert after.texts.count("Same click, fifty times") == 1
    numbers(f"{server.backend}: {IDENTICAL} identical submissions in {seconds:.2f} s -> "
            f"{after.responses - before.responses} response stored")
    problems = server_problems(server.log())
    assert not problems, problems[:5]
