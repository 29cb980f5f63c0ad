"""The order of pages in a questionnaire, given the answers so far (skip rules included)."""

from __future__ import annotations

from typing import Any

from .questionnaires import QuestionnaireDefinition

ABOUT_YOU = "about-you"
CHECK = "check"


def steps(definition: QuestionnaireDefinition, answers: dict[str, Any], include_about_you: bool | None) -> list[str]:
    """List the pages this respondent passes through, ending with check your answers."""
    pages = [q.code for q in definition.questions if q.is_asked(answers)]
    if definition.about_you:
        pages.append(ABOUT_YOU)
        if include_about_you:
            pages += [q.code for q in definition.about_you if q.is_asked(answers)]
    pages.append(CHECK)
    return pages


def next_step(pages: list[str], current: str) -> str:
    index = pages.index(current) if current in pages else -1
    return pages[min(index + 1, len(pages) - 1)]


def previous_step(pages: list[str], current: str) -> str | None:
    index = pages.index(current) if current in pages else 0
    return pages[index - 1] if index > 0 else None


def step_after_change(
    definition: QuestionnaireDefinition, pages: list[str], current: str, answers: dict[str, Any]
) -> str:
    """After changing an answer from check your answers, visit any question it newly opened."""
    for page in pages:
        question = definition.question(page)
        if (
            question is not None
            and question.asked_if is not None
            and question.asked_if.question == current
            and page not in answers
        ):
            return page
    return CHECK

