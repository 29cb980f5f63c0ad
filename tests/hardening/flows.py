"""The web-link journey through the Flask test client, for the fuzzing and escaping proofs."""

from __future__ import annotations

from sqlalchemy import select

from feedback import questionnaires
from feedback.models import Answer, Response
from feedback.questionnaires import ABOUT_YOU_DECLINED, FREE_TEXT
from tests.helpers.pages import Browser, parse

# The questionnaires an invitation link can open (the others are answered on kiosks or paper).
LINKED = [d for d in questionnaires.ALL if d.invitation_mode is not None]
CHECK_HEADINGS = {"Check your answers before sending them", "Gwiriwch eich atebion cyn eu hanfon"}
SENT_HEADINGS = {"Answers sent", "Atebion wedi'u hanfon"}


def no_server_error(response) -> None:
    assert response.status_code < 500, f"{response.status_code} from {response.request.path}"


def valid_answer(definition, code: str) -> str:
    question = definition.question(code)
    if question.kind == FREE_TEXT:
        return ""
    if code == "obstacles":
        return "yes"  # so that its follow-up question is asked too
    return question.scale.codes[0]


class Journey:
    """A respondent on a link, answering closed questions validly unless told otherwise."""

    def __init__(self, app, link: str, definition):
        self.app = app
        self.definition = definition
        self.client = app.test_client()
        self.browser = Browser(self.client)
        page = self.browser.get(link)
        assert page.status == 200
        self.csrf = page.csrf_token()
        self.response = self.client.post(link, data={"csrf_token": self.csrf})
        assert self.response.status_code == 302

    @property
    def path(self) -> str:
        """Where the last post sent the respondent."""
        assert self.response.status_code == 302, f"{self.response.status_code} from {self.response.request.path}"
        return self.response.headers["Location"].split("?")[0]

    def draft_key(self) -> str:
        serializer = self.app.session_interface.get_signing_serializer(self.app)
        return serializer.loads(self.client.get_cookie("session").value)["draft"]

    def post(self, data: dict, path: str | None = None):
        self.response = self.client.post(path or self.path, data={"csrf_token": self.csrf, **data})
        no_server_error(self.response)
        return self.response

    def answer_until_check(self, text: str = "", about_you: str = "no") -> None:
        """Answer every page up to check answers: closed questions validly, free text with `text`."""
        for _ in range(30):
            path = self.path
            if path == "/survey/about-you":
                self.post({"answer": about_you})
            elif path.startswith("/survey/questions/"):
                code = path.rsplit("/", 1)[1]
                is_text = self.definition.question(code).kind == FREE_TEXT
                self.post({"answer": text if is_text else valid_answer(self.definition, code)})
            elif path == "/survey/check":
                return
            else:
                raise AssertionError(f"unexpected {self.response.status_code} to {path}")
        raise AssertionError("the journey did not reach check answers")

    def finish(self, about_you: str = "no") -> str:
        """Send the answers from wherever the journey is; return the submission key."""
        key = self.draft_key()
        self.answer_until_check(about_you=about_you)
        page = parse(self.client.get("/survey/check"))  # every answer shown back without error
        assert page.status == 200 and page.h1 in CHECK_HEADINGS
        self.post({}, "/survey/check")
        done = parse(self.client.get(self.path))
        assert done.status == 200 and done.h1 in SENT_HEADINGS
        return key


def stored_answers(db, key: str) -> dict[str, list[Answer]]:
    db.commit()
    response = db.execute(select(Response).where(Response.submission_key == key)).scalar_one()
    found: dict[str, list[Answer]] = {}
    for answer in response.answers:
        if (answer.question_code, answer.value) == ABOUT_YOU_DECLINED:
            continue  # not an answer: the note that the "About you" section was declined
        found.setdefault(answer.question_code, []).append(answer)
    return found
