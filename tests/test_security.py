"""Headers and cookies every page carries."""

from tests.conftest import one_backend
from tests.test_web_journey import make_link


@one_backend
def test_pages_carry_strict_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "font-src 'none'" in csp  # the system font stack: no web font is ever loaded
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"


@one_backend
def test_the_one_inline_script_carries_the_nonce(client):
    response = client.get("/")
    nonce = response.headers["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    html = response.get_data(as_text=True)
    assert f'<script nonce="{nonce}">' in html


def test_session_cookie_is_httponly_and_samesite(client, demo_data):
    client.get(make_link(demo_data))
    client.post(make_link(demo_data), data={})
    cookie = client.get_cookie("session")
    assert cookie is not None
    assert cookie.http_only and cookie.same_site == "Lax"


def test_public_posts_are_rate_limited_with_a_page_in_the_respondents_language(database_url, demo_data):
    from feedback import create_app
    from tests.conftest import test_config
    from tests.helpers.pages import parse

    app = create_app(test_config(database_url, RATELIMIT_PUBLIC_POSTS="2 per minute"))
    client = app.test_client()
    path = make_link(demo_data)
    statuses = [client.post(path + "?lang=cy", data={}).status_code for _ in range(3)]
    assert statuses[-1] == 429
    page = parse(client.post(path + "?lang=cy", data={}))
    assert page.status == 429 and page.lang == "cy"
    app.extensions["database"].dispose()


def test_a_kiosk_sending_its_queue_is_rate_limited_too(database_url, demo_data):
    from feedback import create_app
    from tests.conftest import test_config
    from tests.test_answer_counts import enrol_kiosk, kiosk_item

    app = create_app(test_config(database_url, RATELIMIT_PUBLIC_POSTS="3 per minute"))
    client = app.test_client()
    enrol_kiosk(app, client, demo_data)  # its last step is a post to a kiosk page: the first of three
    statuses = [client.post("/kiosk/api/responses", json=kiosk_item(), headers={"X-Kiosk-Sync": "1"}).status_code
                for _ in range(3)]
    assert statuses == [201, 201, 429]
    app.extensions["database"].dispose()


def test_public_posts_are_taken_when_the_rate_limit_storage_is_down(database_url, demo_data, caplog):
    from feedback import create_app
    from tests.conftest import test_config

    app = create_app(test_config(database_url, RATELIMIT_STORAGE_URI="redis://127.0.0.1:9/0"))
    client = app.test_client()
    path = make_link(demo_data)
    start = client.get(path)
    assert start.status_code == 200
    # No CSRF token: the form's own error (400), not a 500, and not a refusal for the limit.
    assert client.post(path, data={}).status_code == 400
    assert "rate limit storage unreachable" in caplog.text
    app.extensions["database"].dispose()
