"""The shapes questionnaires are declared in: options, scales, questions, questionnaires."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Literal

# Text is declared with lazy gettext so it is translated when shown, in the reader's language.
Text = Any

# Stored as an answer row when a respondent declines the "About you" section, so that its
# questions count them as not asked rather than as skipped.
ABOUT_YOU_DECLINED = ("about_you", "declined")

SINGLE = "single"
MULTIPLE = "multiple"
FREE_TEXT = "text"


@dataclass(frozen=True)
class Option:
    """One answer a respondent can choose; `code` is what is stored, in every language."""

    code: str
    label: Text
    positive: bool = False  # counted as satisfied
    beside: bool = False  # reported beside the positive figure ("a further 10% reasonable")
    excluded: bool = False  # left out of n: don't know, prefer not to say, not applicable


@dataclass(frozen=True)
class Scale:
    code: str
    kind: Literal["single", "multiple", "text"]
    options: tuple[Option, ...] = ()

    def option(self, code: str) -> Option | None:
        return next((o for o in self.options if o.code == code), None)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(o.code for o in self.options)


@dataclass(frozen=True)
class Condition:
    """Ask a question only when an earlier one was answered with one of `answers`."""

    question: str
    answers: frozenset[str]

    def holds(self, answers: dict[str, Any]) -> bool:
        given = answers.get(self.question)
        if isinstance(given, list):
            return bool(self.answers.intersection(given))
        return given in self.answers


@dataclass(frozen=True)
class Question:
    code: str
    text: Text
    scale: Scale
    error: Text = None  # shown when a required question is left unanswered
    hint: Text = None
    optional: bool = False
    asked_if: Condition | None = None
    max_length: int = 2000
    topic: Text = None  # an "About you" question's subject, listed where the section is offered

    @property
    def kind(self) -> str:
        return self.scale.kind

    @property
    def is_free_text(self) -> bool:
        return self.scale.kind == FREE_TEXT

    def is_asked(self, answers: dict[str, Any]) -> bool:
        return self.asked_if is None or self.asked_if.holds(answers)


@dataclass(frozen=True)
class QuestionnaireDefinition:
    code: str
    version: int
    title: Text
    short_title: Text
    intro: Text
    audience: str  # organisation, staff, service_user, young_person, victim, sentencer
    programmes: tuple[str, ...]
    questions: tuple[Question, ...]
    invitation_mode: str | None = None  # "single", "shared", or None when not sent by link
    channels: tuple[str, ...] = ("web",)
    about_you: tuple[Question, ...] = ()
    minutes: int = 5
    suppression_threshold: int = 10
    # Victims' and children's comments never leave the staff dashboard.
    comments_restricted: bool = False
    plain_words: bool = False
    source: str = ""  # paragraph of the annual report
    published: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def all_questions(self) -> tuple[Question, ...]:
        return self.questions + self.about_you

    def question(self, code: str) -> Question | None:
        return next((q for q in self.all_questions if q.code == code), None)

    def asked_questions(self, answers: dict[str, Any], include_about_you: bool) -> list[Question]:
        """Return the questions this respondent is asked, in order, given their answers."""
        questions = list(self.questions)
        if include_about_you:
            questions += list(self.about_you)
        return [q for q in questions if q.is_asked(answers)]

    def snapshot(self) -> dict[str, Any]:
        """Describe this version in plain data, in the source language, for storing and export."""
        def describe(q: Question) -> dict[str, Any]:
            return {
                "code": q.code,
                "text": str(q.text),
                "kind": q.kind,
                "scale": q.scale.code,
                "optional": q.optional,
                "asked_if": (
                    {"question": q.asked_if.question, "answers": sorted(q.asked_if.answers)}
                    if q.asked_if
                    else None
                ),
                "options": [
                    {
                        "code": o.code,
                        "label": str(o.label),
                        "positive": o.positive,
                        "beside": o.beside,
                        "excluded": o.excluded,
                    }
                    for o in q.scale.options
                ],
            }

        return {
            "code": self.code,
            "version": self.version,
            "title": str(self.title),
            "audience": self.audience,
            "questions": [describe(q) for q in self.questions],
            "about_you": [describe(q) for q in self.about_you],
        }

    def fingerprint(self) -> str:
        data = json.dumps(self.snapshot(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(data.encode("utf-8")).hexdigest()
