"""Questionnaire definitions: the single source for forms, validation and results."""

from .definitions import ALL, BY_CODE, get
from .model import (
    ABOUT_YOU_DECLINED,
    FREE_TEXT,
    MULTIPLE,
    SINGLE,
    Condition,
    Option,
    Question,
    QuestionnaireDefinition,
    Scale,
)

__all__ = [
    "ABOUT_YOU_DECLINED", "ALL", "BY_CODE", "get", "FREE_TEXT", "MULTIPLE", "SINGLE", "Condition", "Option",
    "Question", "QuestionnaireDefinition", "Scale",
]
