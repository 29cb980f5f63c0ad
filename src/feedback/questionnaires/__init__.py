"""Questionnaire definitions: the single source for forms, validation and results."""

from .definitions import ALL, BY_CODE, get
from .model import FREE_TEXT, MULTIPLE, SINGLE, Condition, Option, Question, QuestionnaireDefinition, Scale

__all__ = [
    "ALL", "BY_CODE", "get", "FREE_TEXT", "MULTIPLE", "SINGLE", "Condition", "Option",
    "Question", "QuestionnaireDefinition", "Scale",
]
