"""Headers and cookies every page carries."""

from tests.test_web_journey import make_link


def test_pages_carry_strict_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "font-src 'none'" in csp  # the system font stack: no web font is ever loaded
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"


def test_the_one_inline_script_carries_the_nonce(client):
    response = client.get("/")
    nonce = response.headers["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    html = response.get_data(as_text=True)
    assert f'<script nonce="{nonce}">' in html


def test_session_cookie_is_httponly_and_samesite(client, demo_data):
    response = client.get(make_link(demo_data))
    response = client.post(make_link(demo_data), data={})
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
