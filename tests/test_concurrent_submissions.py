"""Many identical submissions at once (a double click, a retrying proxy) store one response."""

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

from sqlalchemy import func, select

from feedback.models import Answer, Response
from tests.test_web_journey import answer_pie, make_link

PARALLEL = 20


def test_identical_submissions_at_once_store_exactly_one_response(app, browser, client, demo_data):
    browser.get(make_link(demo_data))
    browser.submit()
    check = answer_pie(browser)
    token = check.csrf_token()
    cookie = client.get_cookie("session").value
    barrier = Barrier(PARALLEL)

    def submit(_):
        twin = app.test_client()
        twin.set_cookie("session", cookie)
        barrier.wait()
        return twin.post("/survey/check", data={"csrf_token": token}).status_code

    with ThreadPoolExecutor(PARALLEL) as pool:
        statuses = list(pool.map(submit, range(PARALLEL)))

    assert statuses == [302] * PARALLEL
    demo_data.commit()
    assert demo_data.execute(select(func.count()).select_from(Response)).scalar_one() == 1
    assert demo_data.execute(select(func.count()).select_from(Answer)).scalar_one() == 6
