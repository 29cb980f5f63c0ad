"""The JSON API: a bearer token, what `feedback results --json` prints, described by OpenAPI."""

from __future__ import annotations

import copy
import json
from datetime import timedelta

import pytest
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from sqlalchemy import select

from feedback import create_app
from feedback.clock import utcnow
from feedback.models import ApiToken
from feedback.tokens import hash_token
from tests.conftest import test_config
from tests.helpers.pages import parse

PASSWORD = "correct horse battery staple"
DOCUMENT_URI = "urn:feedback:openapi"
RESULTS = "/api/v1/results"

# Each: the API's query string, and the same request to `feedback results`.
SAME_QUESTIONS = [
    ("questionnaire=post-inspection-evaluation&period=2011-12",
     ["--questionnaire", "post-inspection-evaluation", "--period", "2011-12"]),
    ("questionnaire=offender-manager&period=2011-12&by=region",
     ["--questionnaire", "offender-manager", "--period", "2011-12", "--by", "region"]),
    ("questionnaire=young-people&period=2012-13&language=cy&channel=kiosk",
     ["--questionnaire", "young-people", "--period", "2012-13", "--language", "cy", "--channel", "kiosk"]),
    ("questionnaire=young-people&inspection=cci-2011-reading",
     ["--questionnaire", "young-people", "--inspection", "cci-2011-reading"]),
    ("questionnaire=youth-victims&period=2012-13&by=organisation",
     ["--questionnaire", "youth-victims", "--period", "2012-13", "--by", "organisation"]),
    ("questionnaire=adult-service-user&programme=OMI2&region=wales&equality=about_gender%3Dfemale",
     ["--questionnaire", "adult-service-user", "--programme", "OMI2", "--region", "wales",
      "--equality", "about_gender=female"]),
]


@pytest.fixture
def demo(demo_returns):
    return demo_returns


def add_token(runner, name: str, *extra: str) -> str:
    outcome = runner.invoke(args=["api-tokens", "add", name, *extra])
    assert outcome.exit_code == 0, outcome.output
    token = outcome.stdout.strip()
    assert len(token) == 43 and "\n" not in token, "the token alone on standard output"
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def token(runner, demo) -> str:
    return add_token(runner, "analysis-notebook")


def assert_unauthorised(response, invalid: bool, cookies: bool = False) -> None:
    assert response.status_code == 401
    assert response.mimetype == "application/json"
    assert response.json["error"] == "Unauthorized" and response.json["message"]
    challenge = response.headers["WWW-Authenticate"]
    assert challenge.startswith('Bearer realm="feedback"')
    assert ('error="invalid_token"' in challenge) == invalid
    if not cookies:  # (a permanent staff session is refreshed by Flask on every request)
        assert "Set-Cookie" not in response.headers, "the API starts no session"


# --- Tokens --------------------------------------------------------------------------------

def test_without_a_working_token_the_api_says_401(client, runner, demo, token):
    url = f"{RESULTS}?questionnaire=post-inspection-evaluation&period=2011-12"
    assert_unauthorised(client.get(url), invalid=False)
    assert_unauthorised(client.get(url, headers={"Authorization": f"Basic {token}"}), invalid=False)
    assert_unauthorised(client.get(url, headers=bearer(token[:-1] + "x")), invalid=True)
    assert_unauthorised(client.get(url, headers=bearer(hash_token(token))), invalid=True)
    # Bad parameters are not even looked at without a token.
    assert_unauthorised(client.get(f"{RESULTS}?period=2011-13"), invalid=False)

    assert client.get(url, headers=bearer(token)).status_code == 200
    revoked = runner.invoke(args=["api-tokens", "revoke", "analysis-notebook"])
    assert revoked.exit_code == 0 and "Revoked 'analysis-notebook'." in revoked.output
    assert_unauthorised(client.get(url, headers=bearer(token)), invalid=True)

    expiring = add_token(runner, "expiring", "--expires", "1")
    assert client.get(url, headers=bearer(expiring)).status_code == 200
    record = demo.execute(select(ApiToken).where(ApiToken.name == "expiring")).scalar_one()
    record.expires_at = utcnow() - timedelta(seconds=1)
    demo.commit()
    assert_unauthorised(client.get(url, headers=bearer(expiring)), invalid=True)


def test_tokens_are_kept_as_hashes_and_shown_once(runner, demo, token, client):
    record = demo.execute(select(ApiToken).where(ApiToken.name == "analysis-notebook")).scalar_one()
    assert record.token_hash == hash_token(token) and record.expires_at is None
    assert record.last_used_at is None
    client.get(f"{RESULTS}?questionnaire=sentencers", headers=bearer(token))
    demo.expire_all()
    assert demo.get(ApiToken, record.id).last_used_at is not None

    listing = runner.invoke(args=["api-tokens", "list"])
    assert "analysis-notebook" in listing.output and token not in listing.output
    assert "no expiry" in listing.output
    twice = runner.invoke(args=["api-tokens", "add", "analysis-notebook"])
    assert twice.exit_code == 2 and "already a token called" in twice.output
    assert runner.invoke(args=["api-tokens", "revoke", "nobody"]).exit_code == 2
    assert runner.invoke(args=["api-tokens", "add", "x", "--expires", "0"]).exit_code == 2


def test_the_staff_session_cookie_does_not_open_the_api(app, runner, demo):
    added = runner.invoke(args=["users", "add", "admin@justice.gov.uk", "--role", "admin",
                                "--password-stdin"], input=PASSWORD + "\n")
    assert added.exit_code == 0
    client = app.test_client()
    csrf_token = parse(client.get("/staff/sign-in")).csrf_token()
    signed = client.post("/staff/sign-in", data={"csrf_token": csrf_token,
                                                  "email": "admin@justice.gov.uk", "password": PASSWORD})
    assert signed.status_code == 302 and client.get_cookie("session") is not None
    assert_unauthorised(client.get(f"{RESULTS}?questionnaire=post-inspection-evaluation"),
                        invalid=False, cookies=True)


# --- What it answers -----------------------------------------------------------------------

@pytest.mark.parametrize("query, cli_args", SAME_QUESTIONS)
def test_the_api_answers_exactly_what_the_cli_prints(client, runner, token, query, cli_args):
    response = client.get(f"{RESULTS}?{query}", headers=bearer(token))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    printed = runner.invoke(args=["results", *cli_args, "--json"])
    assert printed.exit_code == 0, printed.output
    assert response.get_data(as_text=True) == printed.stdout
    assert response.headers["Cache-Control"] == "no-store"


def test_the_published_figures_and_suppression(client, token):
    data = client.get(f"{RESULTS}?questionnaire=post-inspection-evaluation&period=2011-12",
                      headers=bearer(token)).json
    figures = {q["code"]: (q["positive_percent"], q["n"]) for q in data["questions"]}
    assert [figures[c] for c in ("planning_clarity", "pre_inspection_planning", "team_conduct",
                                 "requests_reasonable", "overall_management")] == [
        (96, 48), (98, 48), (91, 47), (98, 48), (94, 48)]

    nine = client.get(f"{RESULTS}?questionnaire=young-people&inspection=cci-2011-reading",
                      headers=bearer(token)).json
    assert nine["suppressed"] and nine["responses"] is None
    for question in nine["questions"]:
        assert question["suppressed"] and question["n"] is None
        assert question["positive_percent"] is None and question["distribution"] == []
    eleven = client.get(f"{RESULTS}?questionnaire=young-people&inspection=cci-2011-bournemouth-poole-reinspection",
                        headers=bearer(token)).json
    hidden = [q for q in eleven["questions"] if q["suppressed"]]
    assert hidden and all(q["n"] is None and q["distribution"] == [] for q in hidden)


@pytest.mark.parametrize("query, words", [
    ("questionnaire=young-people&period=2011-13", "2011-13"),
    ("questionnaire=young-people&period=2011-02-30..2011-03-01", "not a period"),
    ("questionnaire=nothing", "nothing"),
    ("period=2011-12", "questionnaire"),
    ("questionnaire=young-people&channel=fax", "fax"),
    ("questionnaire=young-people&language=fr", "fr"),
    ("questionnaire=young-people&by=shoe_size", "shoe_size"),
    ("questionnaire=young-people&by=quarter", "needs a period"),
    ("questionnaire=young-people&equality=gender", "QUESTION=VALUE"),
    ("questionnaire=young-people&equality=gender%3Dfemale", "About you"),
    ("questionnaire=young-people&organization=yot-cardiff", "organization"),
    ("questionnaire=young-people&period=2011-12&period=2012-13", "once"),
])
def test_bad_parameters_get_400_json_never_500(client, token, query, words):
    response = client.get(f"{RESULTS}?{query}", headers=bearer(token))
    assert response.status_code == 400
    assert response.mimetype == "application/json"
    assert response.json["error"] == "Bad Request"
    assert words in response.json["message"]


def test_the_api_is_rate_limited(database_url, demo, runner):
    app = create_app(test_config(database_url, RATELIMIT_API="2 per minute"))
    try:
        token = add_token(app.test_cli_runner(), "busy")
        client = app.test_client()
        url = f"{RESULTS}?questionnaire=sentencers"
        assert [client.get(url, headers=bearer(token)).status_code for _ in range(2)] == [200, 200]
        refused = client.get(url, headers=bearer(token))
        assert refused.status_code == 429
        assert refused.mimetype == "application/json" and refused.json["error"] == "Too Many Requests"
        # Guessing without a token is limited the same way.
        assert client.get(url).status_code == 429
        assert client.get("/api/v1/openapi.json").status_code == 200, "the description is not limited"
    finally:
        app.extensions["database"].dispose()


# --- The OpenAPI document ------------------------------------------------------------------

@pytest.fixture
def document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    return response.json


def validator(document: dict, pointer: str) -> Draft202012Validator:
    """Validate against a schema inside the OpenAPI document, resolving its $refs."""
    registry = Registry().with_resource(
        DOCUMENT_URI, Resource.from_contents(document, default_specification=DRAFT202012))
    return Draft202012Validator({"$ref": f"{DOCUMENT_URI}#{pointer}"}, registry=registry)


def response_schema(status: str) -> str:
    return f"/paths/~1api~1v1~1results/get/responses/{status}/content/application~1json/schema"


def test_the_openapi_document_describes_the_endpoint(document):
    assert document["openapi"].startswith("3.1")
    for schema in document["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)
    operation = document["paths"]["/api/v1/results"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert names == {"questionnaire", "period", "programme", "region", "organisation",
                     "inspection", "channel", "language", "equality", "by"}
    assert operation["parameters"][0]["required"] is True
    assert "post-inspection-evaluation" in operation["parameters"][0]["schema"]["enum"]
    assert document["security"] == [{"bearerToken": []}]
    assert document["components"]["securitySchemes"]["bearerToken"] == {
        "type": "http", "scheme": "bearer", "description": "A token from `feedback api-tokens add NAME`."}
    assert document["paths"]["/api/v1/openapi.json"]["get"]["security"] == []


def test_real_answers_validate_against_the_openapi_document(client, token, document):
    ok = validator(document, response_schema("200"))
    seen_suppressed = seen_breakdown = False
    for query, _ in SAME_QUESTIONS:
        data = client.get(f"{RESULTS}?{query}", headers=bearer(token)).json
        ok.validate(data)
        seen_breakdown |= "groups" in data
        seen_suppressed |= bool(data.get("suppressed"))
    assert seen_suppressed and seen_breakdown

    bad = client.get(f"{RESULTS}?questionnaire=young-people&period=2011-13", headers=bearer(token))
    validator(document, response_schema("400")).validate(bad.json)
    refused = client.get(f"{RESULTS}?questionnaire=young-people")
    validator(document, response_schema("401")).validate(refused.json)


def test_the_schema_refuses_a_number_for_a_suppressed_figure(client, token, document):
    data = client.get(f"{RESULTS}?questionnaire=young-people&inspection=cci-2011-bournemouth-poole-reinspection",
                      headers=bearer(token)).json
    ok = validator(document, response_schema("200"))
    ok.validate(data)
    leaked = copy.deepcopy(data)
    hidden = next(q for q in leaked["questions"] if q["suppressed"])
    hidden["n"] = 3
    with pytest.raises(ValidationError):
        ok.validate(leaked)
    renamed = json.loads(json.dumps(data).replace('"positive_percent"', '"positive"'))
    with pytest.raises(ValidationError):
        ok.validate(renamed)
