"""Form fuzzing of the web-link journey with Hypothesis, through the Flask test client.

Every free-text field of every questionnaire a link can open gets Welsh letters (precomposed
and decomposed), emoji, NUL and other control characters, CR/LF, invalid UTF-8 bytes (the
only way to send a lone surrogate) and up to 100,000 characters; every radio post gets
forged, repeated, empty and enormous values, with garbage fields and language switches.
Nothing may answer 5xx. Text is stored as given after the documented cleaning (control
characters other than newline and tab removed, surrounding whitespace stripped) in NFC; too
long text gets the error message and comes back in the box as it was typed.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from urllib.parse import quote, quote_from_bytes

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from feedback.models import Draft
from feedback.questionnaires import FREE_TEXT, MULTIPLE
from tests.conftest import CHEAP_PASSWORD_HASH_METHOD, one_backend, sized
from tests.helpers.pages import Browser, parse

from .flows import LINKED, Journey, no_server_error, stored_answers, valid_answer

pytestmark = pytest.mark.slow

FUZZ = settings(
    max_examples=sized(25, 50),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)
TOO_LONG = "Your answer must be 2000 characters or fewer"
FORM_REFUSED = {"Sorry, we could not accept that form", "Mae'n ddrwg gennym, doedd dim modd derbyn y ffurflen honno"}

# Text people write here, and text that tends to break things.
SPECIAL = [
    "ŵ", "ŷ", "Ŵ", "Ŷ", "â", "ê", "î", "ô", "û", "ï", "ẁ", "ỳ",
    "w\u0302", "y\u0302", "W\u0302", "e\u0301",  # decomposed: NFC composes them
    "\u0302", "\u0301\u0301",  # combining marks with nothing to sit on
    "w\x00\u0302", "y\r\n\u0302", "e\x1b\u0301",  # a control character inside a decomposed letter
    "😀", "🏴\U000e0067\U000e0062\U000e0077\U000e006c\U000e0073\U000e007f", "👩🏽‍⚕️", "\u200d",
    "\x00", "\x01", "\x08", "\x1b", "\x7f", "\x85", "\r\n", "\r", "\n", "\t", " ", "\u00a0", "\u2028",
    "\ufeff", "\u202e", "\ufffd", "\uffff", "\U0010ffff", "Å", "Å", "ﬁ", "Ω", "ǅ",
    "<", ">", "&", '"', "'", "%", "%00", "%FF", "+", "=", "\\", "{{", "}}",
]
# Byte strings that are not UTF-8: a lone surrogate, overlong forms, past U+10FFFF, stray bytes.
INVALID = [b"\xed\xa0\x80", b"\xed\xbf\xbf", b"\xc0\xaf", b"\xe0\x80\xaf", b"\xf4\x90\x80\x80",
           b"\xff", b"\xfe\xff", b"\x80", b"\xc3", b"\xe2\x82"]

pieces = st.one_of(
    st.sampled_from(SPECIAL),
    st.text(st.characters(exclude_categories=["Cs"]), max_size=20),
)
short_text = st.lists(pieces, max_size=30).map("".join)
long_text = st.builds(
    lambda unit, size: (unit * (size // len(unit) + 1))[:size],
    st.lists(pieces, min_size=1, max_size=5).map("".join).filter(bool),
    st.one_of(st.integers(1990, 2010), st.integers(2001, 100_000), st.just(100_000)),
)


@st.composite
def at_the_limit(draw) -> str:
    """Lines broken with CRLF, as browsers send them, to 1,999–2,001 characters as typed."""
    line = draw(st.sampled_from(["ŵ", "a", "Diolch yn fawr ", "😀", "w\u0302"]))
    seen = draw(st.sampled_from([1999, 2000, 2001]))
    text = ""
    while len(text.replace("\r\n", "\n")) < seen:
        text += line if draw(st.integers(0, 9)) else "\r\n"
    while len(text.replace("\r\n", "\n")) > seen:
        text = text[:-1]
    return text.rstrip("\r") if text.endswith("\r") else text


@st.composite
def invalid_utf8(draw) -> bytes:
    parts = draw(st.lists(
        st.one_of(st.sampled_from(INVALID), short_text.map(lambda t: t.encode("utf-8"))), min_size=1, max_size=8,
    ))
    raw = b"".join(parts)
    if not any(bad in raw for bad in INVALID):
        raw += draw(st.sampled_from(INVALID))
    return raw


@dataclass(frozen=True)
class Payload:
    """One free-text answer as sent: text, or raw bytes urlencoded or in a multipart body."""

    value: str | bytes
    encoding: str = "form"  # form | multipart

    def received(self) -> str:
        """What the service reads: Werkzeug's decoding of invalid bytes, without NUL characters."""
        if isinstance(self.value, str):
            text = self.value
        elif self.encoding == "multipart":
            text = self.value.decode("utf-8", "replace")
        else:
            # Urlencoded bytes that are not UTF-8 stay percent-encoded, as %XX.
            text = self.value.decode("utf-8", "surrogateescape")
            text = "".join(f"%{ord(ch) - 0xDC00:02X}" if 0xDC80 <= ord(ch) <= 0xDCFF else ch for ch in text)
        return without_nul(text)


payloads = st.one_of(
    short_text.map(Payload),
    long_text.map(Payload),
    at_the_limit().map(Payload),
    st.builds(Payload, invalid_utf8(), st.sampled_from(["form", "multipart"])),
)


def without_nul(text: str) -> str:
    """Posted fields lose NUL characters as they are read (PostgreSQL cannot hold them)."""
    return text.replace("\x00", "")


def documented_cleaning(text: str) -> str:
    """responses.clean_text as documented: no controls but newline and tab, stripped, NFC."""
    kept = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    return unicodedata.normalize("NFC", kept.replace("\r\n", "\n").strip())


def post_raw(client, path: str, csrf: str, payload: Payload, extra: dict | None = None):
    """Post an answer the way a browser would, or with bytes a browser never would send."""
    fields = {"csrf_token": csrf, **(extra or {})}
    if isinstance(payload.value, str):
        return client.post(path, data={**fields, "answer": payload.value})
    if payload.encoding == "multipart":
        boundary = "fuzzboundary7MA4YWxkTrZu0gW"
        body = b""
        for name, value in fields.items():
            body += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        body += (f'--{boundary}\r\nContent-Disposition: form-data; name="answer"\r\n\r\n'.encode()
                 + payload.value + f"\r\n--{boundary}--\r\n".encode())
        return client.post(path, data=body, content_type=f"multipart/form-data; boundary={boundary}")
    body = "&".join(f"{quote(k)}={quote(v)}" for k, v in fields.items()).encode()
    body += b"&answer=" + quote_from_bytes(payload.value).encode()
    return client.post(path, data=body, content_type="application/x-www-form-urlencoded")


def test_free_text_is_stored_as_given_in_nfc_and_too_long_text_is_kept(app, demo_data, links, numbers):
    counts = {"examples": 0, "too_long": 0, "stored": 0, "emptied": 0, "invalid_utf8": 0}

    @FUZZ
    @given(definition=st.sampled_from(LINKED), data=st.data())
    def fuzz(definition, data):
        journey = Journey(app, links(definition), definition)
        expected: dict[str, str] = {}
        for _ in range(40):
            path = journey.path
            if not path.startswith("/survey/questions/"):
                break
            code = path.rsplit("/", 1)[1]
            question = definition.question(code)
            if question.kind != FREE_TEXT:
                journey.post({"answer": valid_answer(definition, code)})
                continue
            payload = data.draw(payloads, label=code)
            counts["invalid_utf8"] += isinstance(payload.value, bytes)
            received = payload.received()
            response = post_raw(journey.client, path, journey.csrf, payload)
            no_server_error(response)
            # Nothing but white space (U+0085 included) is no answer at all, whatever its length.
            if received.strip() and len(received.replace("\r\n", "\n")) > question.max_length:
                counts["too_long"] += 1
                page = parse(response)
                assert response.status_code == 200
                assert page.error_summary() == [(TOO_LONG, "#answer")]
                assert page.inline_errors() == [f"Error: {TOO_LONG}"]
                box = page.soup.find("textarea", {"name": "answer"}).get_text()
                assert box == received.replace("\r\n", "\n"), "the text typed was not kept"
                journey.post({"answer": "Shorter, with ŵ"}, path)
                expected[code] = "Shorter, with ŵ"
            else:
                assert response.status_code == 302, (response.status_code, received[:80])
                journey.response = response
                expected[code] = documented_cleaning(received)
        key = journey.finish()
        answers = stored_answers(demo_data, key)
        for code, text in expected.items():
            if text:
                [answer] = answers[code]
                assert answer.value == "text"
                assert answer.text == text
                assert unicodedata.is_normalized("NFC", answer.text)
                assert not any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in answer.text)
                counts["stored"] += 1
            else:
                assert code not in answers, "an answer of nothing but spaces or controls was stored"
                counts["emptied"] += 1
        counts["examples"] += 1

    fuzz()
    numbers(f"{counts}")


# Radios: forged, repeated, empty, enormous or undecodable values, and fields nobody sends.
closed_values = st.one_of(
    st.just([]),
    st.lists(
        st.one_of(
            st.sampled_from(["yes", "no", "fully", "not_at_all", "prefer_not_to_say", "dont_know", "", " yes",
                             "YES", "yes\x00", "1", "true", "on", "-1", "None", "null", "[]"]),
            st.text(st.characters(exclude_categories=["Cs"]), max_size=40),
            st.integers(2001, 100_000).map(lambda n: "ŷ" * n),
        ),
        min_size=1, max_size=3,
    ),
)
extra_fields = st.dictionaries(
    st.sampled_from(["switch_language", "change", "lang", "csrf_token_", "answer[]", "next", "\x00", "ŵ"]),
    st.one_of(st.sampled_from(["cy", "en", "xx", "", "1", "0", "\x00", "😀", "//evil.example"]),
              st.text(st.characters(exclude_categories=["Cs"]), max_size=30)),
    max_size=3,
)


def post_closed(journey, path: str, values: list[str], extra: dict, undecodable: str | None):
    if undecodable == "percent":  # as a browser using another character set might send it
        body = f"csrf_token={quote(journey.csrf)}".encode() + b"&answer=%FF%FE&answer=%ED%A0%80"
        return journey.client.post(path, data=body, content_type="application/x-www-form-urlencoded")
    if undecodable == "raw":  # not form encoding at all: the whole body is ignored
        body = f"csrf_token={quote(journey.csrf)}".encode() + b"&answer=\xff\xfe&answer=\xed\xa0\x80"
        return journey.client.post(path, data=body, content_type="application/x-www-form-urlencoded")
    data = {"csrf_token": journey.csrf, **extra}
    if values:
        data["answer"] = values
    return journey.client.post(path, data=data)


@one_backend  # form handling: what is stored is the free-text test's business, on both
def test_radio_posts_never_fail_and_only_store_offered_answers(app, demo_data, links, numbers):
    counts = {"examples": 0, "posts": 0, "accepted": 0, "refused": 0}

    @FUZZ
    @given(definition=st.sampled_from(LINKED), about_you=st.sampled_from(["yes", "no"]), data=st.data())
    def fuzz(definition, about_you, data):
        journey = Journey(app, links(definition), definition)
        for _ in range(60):
            path = journey.path
            if path == "/survey/about-you":
                code, codes, optional = None, ("yes", "no"), False
            elif path.startswith("/survey/questions/"):
                question = definition.question(path.rsplit("/", 1)[1])
                if question.kind == FREE_TEXT:
                    journey.post({"answer": ""})
                    continue
                code, codes, optional = question.code, question.scale.codes, question.optional
            else:
                break
            values = data.draw(closed_values, label="answer")
            extra = data.draw(extra_fields, label="extra")
            undecodable = None if values else data.draw(st.sampled_from([None, "percent", "raw"]), label="bytes")
            response = post_closed(journey, path, values, extra, undecodable)
            counts["posts"] += 1
            no_server_error(response)
            first = "%FF%FE" if undecodable else (without_nul(values[0]) if values else None)
            valid = first in codes
            switching = not undecodable and bool(without_nul(extra.get("switch_language", "")))
            if undecodable == "raw":
                counts["refused"] += 1
                assert response.status_code == 400, response.status_code
                assert parse(response).h1 in FORM_REFUSED
            elif response.status_code == 302:
                counts["accepted"] += 1
                assert valid or switching or (optional and not (first or "").strip()), (first, extra)
            else:
                counts["refused"] += 1
                assert response.status_code == 200, response.status_code
                page = parse(response)
                assert page.error_summary(), "a refused answer without an error message"
                assert not (valid and not switching)
            # Then answer as a person would, whatever became of the fuzzed post.
            answer = about_you if code is None else codes[0]
            if code is not None and code.startswith("about_"):
                answer = codes[-1]
            journey.post({"answer": answer}, path)
            assert journey.response.status_code == 302
        key = journey.finish(about_you)
        answers = stored_answers(demo_data, key)
        for code, rows in answers.items():
            question = definition.question(code)
            assert question is not None
            if question.kind == FREE_TEXT:
                continue
            assert all(row.value in question.scale.codes for row in rows), (code, [r.value for r in rows])
            if question.kind != MULTIPLE:
                assert len(rows) == 1
        demo_data.commit()
        draft = demo_data.execute(select(Draft).where(Draft.key == key)).scalar_one()
        assert draft.response_id is not None
        counts["examples"] += 1

    fuzz()
    numbers(f"{counts}")


def test_a_nul_character_never_reaches_the_database(app, client, runner, demo_data):
    """PostgreSQL refuses NUL in text: found by Schemathesis as a 500 from the API."""
    password = "correct horse battery staple"
    added = runner.invoke(args=["users", "add", "nul@justice.gov.uk", "--role", "admin", "--password-stdin"],
                          input=password + "\n")
    assert added.exit_code == 0, added.output
    token = runner.invoke(args=["api-tokens", "add", "nul"]).stdout.strip()

    api = client.get("/api/v1/results?questionnaire=sentencers&equality=about_gender%3D%00",
                     headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 400 and api.json["error"] == "Bad Request"

    browser = Browser(client)
    browser.get("/staff/sign-in")
    # The NUL is dropped as the form is read (it was a 500), leaving the account's own address.
    assert browser.submit({"email": "nul\x00@justice.gov.uk", "password": password}).h1.startswith("Results")
    for path in ("/staff/results/case-manager/comments?q=%00", "/staff/inspections/%00",
                 "/staff/results/case-manager?programme=x%00", "/i/%00"):
        assert client.get(path).status_code == 400, path


# --- JSON of every shape and type, on every JSON route --------------------------------------

json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=False),
              st.text(max_size=30), st.sampled_from(["", "yes", "ŵ" * 2001, "\x00", "\ud800", "1", "true"])),
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(st.text(max_size=10), children, max_size=4)),
    max_leaves=12,
)


def nested(depth: int) -> bytes:
    return b'{"a":' * depth + b"1" + b"}" * depth


@st.composite
def kiosk_bodies(draw) -> bytes:
    """A kiosk response with any one field (or answer) swapped for JSON of any shape, or the
    whole body so, or not JSON at all."""
    import json
    import uuid

    item = {"key": str(uuid.uuid4()), "questionnaire": "young-people", "version": 1, "language": "cy",
            "answers": {"less_likely": "yes", "life_better": "no", "easy_to_understand": "yes", "comments": "Da"},
            "include_about_you": False, "finished_at": "2026-12-01T10:00:00+00:00"}
    how = draw(st.sampled_from(["field", "answer", "extra", "whole", "bytes", "deep"]))
    if how == "field":
        item[draw(st.sampled_from(sorted(item)))] = draw(json_values)
    elif how == "answer":
        item["answers"][draw(st.sampled_from(sorted(item["answers"]) + ["about_age", "unknown"]))] = draw(json_values)
    elif how == "extra":
        item[draw(st.text(max_size=10))] = draw(json_values)
    elif how == "whole":
        return json.dumps(draw(json_values)).encode()
    elif how == "deep":
        return nested(draw(st.sampled_from([100, 1000, 5000, 20_000])))
    else:
        return draw(st.binary(max_size=200))
    return json.dumps(item).encode()


def test_kiosk_json_of_any_shape_or_type_never_fails(app, demo_data, numbers):
    from feedback import kiosk
    from tests.kiosk.test_enrolment import bind

    with app.app_context():
        new = kiosk.enrol(demo_data, "young-people", "Fuzz YOT", method=CHEAP_PASSWORD_HASH_METHOD)
    demo_data.commit()
    client = app.test_client()
    bind(client, new.path())
    seen: dict[int, int] = {}

    @settings(max_examples=sized(150, 300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(kiosk_bodies())
    def fuzz(body):
        response = client.post("/kiosk/api/responses", data=body, content_type="application/json",
                               headers={"X-Kiosk-Sync": "1"})
        seen[response.status_code] = seen.get(response.status_code, 0) + 1
        assert response.status_code in (200, 201, 400, 413, 422), (response.status_code, body[:200])
        if response.status_code == 422:
            assert response.get_json()["error"]

    fuzz()
    assert {400, 422} <= set(seen), seen
    numbers(f"kiosk JSON statuses: {dict(sorted(seen.items()))}")


# --- Every query parameter of every GET route ------------------------------------------------

def query_parameters() -> list[str]:
    """Every query parameter the views read (found in their source), and the results filters."""
    import re
    from pathlib import Path

    from feedback.web.exports import FILTER_PARAMS

    source = "".join(path.read_text() for path in Path(__file__).resolve().parents[2].glob("src/feedback/**/*.py"))
    found = set(re.findall(r"args\.(?:get|getlist)\(\"([a-z_]+)\"", source))
    return sorted(found | set(FILTER_PARAMS) | {"equality", "by"})


PARAMETER_VALUES = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", "0", "-1", "1e999", "9" * 5000, "99999999999999999999", "0001-01", "9999-12-31..9999-12-31",
                     "2011-04-01..9999-12-31", "2011-12", "about_gender=female", "about_gender=", "=", "region",
                     "quarter", "cy", "en", "xx", "//evil.example", "/%09/evil.example", "ŵ" * 300, "\u202e",
                     "\ud800", "a" * 10_000]),
    st.integers(-(2**70), 2**70).map(str),
)


def test_every_query_parameter_of_every_get_route_never_fails(app, client, runner, demo_data, numbers):
    from tests.test_staff import PASSWORD
    from tests.test_url_map import routes, sample_url

    runner.invoke(args=["users", "add", "fuzz@justice.gov.uk", "--role", "admin", "--password-stdin"],
                  input=PASSWORD + "\n")
    token = runner.invoke(args=["api-tokens", "add", "fuzz"]).stdout.strip()
    browser = Browser(client)
    browser.get("/staff/sign-in")
    browser.submit({"email": "fuzz@justice.gov.uk", "password": PASSWORD})
    paths = sorted({sample_url(rule) for rule, method in routes(app) if method == "GET"
                    and rule.endpoint not in ("staff.sign_in",)})
    names = query_parameters()
    statuses: dict[int, int] = {}
    # First every parameter of every route at once, with each value known to have broken
    # something (the ends of the calendar, numbers past any column); then Hypothesis mixes them.
    for path in paths:
        for value in ("0001-01", "9999-12-31..9999-12-31", "2011-04-01..9999-12-31", "0001-01-01..0001-12-31",
                      "9" * 5000, "-99999999999999999999", "ŵ" * 300):
            response = client.get(path, query_string=[(name, value) for name in names],
                                  headers={"Authorization": f"Bearer {token}"})
            response.get_data()
            response.close()
            assert response.status_code < 500, (path, value, response.status_code)

    @settings(max_examples=sized(200, 250), deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.sampled_from(paths), st.lists(st.tuples(st.one_of(st.sampled_from(names), st.text(max_size=8)),
                                                      PARAMETER_VALUES), max_size=4))
    def fuzz(path, pairs):
        query = [(name, value.encode("utf-8", "surrogatepass")) for name, value in pairs]
        response = client.get(path, query_string=query, headers={"Authorization": f"Bearer {token}"})
        response.get_data()
        response.close()  # files (assets) are streamed
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        assert response.status_code < 500, (path, pairs, response.status_code)

    fuzz()
    assert statuses.get(200, 0) > 50, statuses
    numbers(f"GET {len(paths)} routes, {len(names)} parameters: statuses {dict(sorted(statuses.items()))}")
