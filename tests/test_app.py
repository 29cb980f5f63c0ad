"""The application factory wires what the service needs."""

import pytest

from feedback import create_app
from feedback.config import Config, normalise_database_url
from tests.conftest import one_backend, test_config


@one_backend
def test_factory_registers_blueprints_extensions_and_commands(app):
    assert {"pages", "survey", "assets"} <= set(app.blueprints)
    assert {"babel", "csrf", "rate_limits", "database"} <= set(app.extensions)
    assert {"db", "demo", "invite", "questionnaires", "translate"} <= set(app.cli.commands)


def test_factory_accepts_overrides_without_reading_them_twice(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}", "SECRET_KEY": "k", "TESTING": True})
    assert app.config["SECRET_KEY"] == "k"
    assert app.config["DATABASE_URL"].endswith("x.sqlite3")


def test_postgres_urls_use_psycopg_3():
    assert normalise_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("sqlite:///x") == "sqlite:///x"


def test_config_reads_the_environment(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-env")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://feedback.example/")
    config = Config.from_env()
    assert config.SECRET_KEY == "from-env"
    assert config.PUBLIC_BASE_URL == "https://feedback.example"


def test_healthz_answers_while_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "checks": {"database": {"state": "up"},
                                                              "redis": {"state": "not used"}}}


@one_backend
def test_govuk_assets_are_served(client):
    with client.get("/assets/frontend.min.css") as css:  # built by `make assets`; see test_assets.py
        assert css.status_code == 200 and css.mimetype == "text/css"
    with client.get("/assets/govuk-frontend.min.js") as script:
        assert script.status_code == 200
    with client.get("/assets/app.css") as app_css:
        assert app_css.status_code == 200
    assert client.get("/assets/../pyproject.toml").status_code == 404


@one_backend
def test_privacy_notices_and_accessibility_statement_are_linked_from_every_page(client):
    from tests.helpers.pages import parse

    home = parse(client.get("/"))
    footer_links = {a.get_text(strip=True): a["href"] for a in home.soup.select("footer a")}
    assert footer_links["Privacy"] == "/privacy"
    assert footer_links["Accessibility statement"] == "/accessibility"
    privacy = parse(client.get("/privacy"))
    assert privacy.h1 == "Privacy notice"
    assert "2 years" in privacy.main_text
    young = parse(client.get(privacy.soup.find("a", string="Read this in simpler words for young people")["href"]))
    assert young.h1 == "What we do with your answers"
    assert parse(client.get("/accessibility")).h1 == "Accessibility statement"


@pytest.mark.parametrize("days, english, welsh", [
    (730, "2 years", "2 flynedd"),
    (365, "1 year", "1 flwyddyn"),
    (5 * 365, "5 years", "5 o flynyddoedd"),
])
@one_backend
def test_privacy_notices_say_how_long_comments_are_kept_in_each_language(database_url, days, english, welsh):
    from tests.helpers.pages import parse

    app = create_app(test_config(database_url, COMMENT_RETENTION_DAYS=days))
    client = app.test_client()
    assert f"comment boxes {english} after you send it" in parse(client.get("/privacy?lang=en")).main_text
    assert f"We delete it after {english}." in parse(client.get("/privacy/young-people?lang=en")).main_text
    assert f"blychau sylwadau {welsh} ar ôl i chi ei anfon" in parse(client.get("/privacy?lang=cy")).main_text
    assert f"ei ddileu ar ôl {welsh}." in parse(client.get("/privacy/young-people?lang=cy")).main_text
    app.extensions["database"].dispose()
