"""The optional "About you" questions, used only to compare results between groups (¶1.35)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp

from .model import SINGLE, Option, Question, Scale
from .scales import prefer_not_to_say

GENDER = Question(
    "about_gender",
    _l("What is your sex or gender?"),
    Scale(
        "gender",
        SINGLE,
        (
            Option("female", _l("Female")),
            Option("male", _l("Male")),
            Option("another_way", _l("In another way")),
            prefer_not_to_say(),
        ),
    ),
    optional=True,
    topic=_l("your sex or gender"),
)

ETHNIC_GROUP = Question(
    "about_ethnic_group",
    _l("What is your ethnic group?"),
    Scale(
        "ethnic_group",
        SINGLE,
        (
            Option("white", _l("White")),
            Option("mixed", _l("Mixed or multiple ethnic groups")),
            Option("asian", _l("Asian or Asian British")),
            Option("black", _l("Black, Black British, Caribbean or African")),
            Option("other", _l("Other ethnic group")),
            prefer_not_to_say(),
        ),
    ),
    optional=True,
    topic=_l("your ethnic group"),
)

DISABILITY = Question(
    "about_disability",
    _l("Do you consider yourself to have a disability?"),
    Scale(
        "disability",
        SINGLE,
        (
            Option("yes", _lp("yes to a question about yourself: are you, have you", "Yes")),
            Option("no", _lp("no to a question about yourself: are you, have you", "No")),
            prefer_not_to_say(),
        ),
    ),
    hint=_l("For example, a long-term physical or mental health condition that affects your day-to-day life."),
    optional=True,
    topic=_l("whether you have a disability"),
)

AGE_ADULT = Question(
    "about_age",
    _l("How old are you?"),
    Scale(
        "age_adult",
        SINGLE,
        (
            Option("18_24", _l("18 to 24")),
            Option("25_34", _l("25 to 34")),
            Option("35_44", _l("35 to 44")),
            Option("45_54", _l("45 to 54")),
            Option("55_64", _l("55 to 64")),
            Option("65_over", _l("65 or over")),
            prefer_not_to_say(),
        ),
    ),
    optional=True,
    topic=_l("your age"),
)

AGE_CHILD = Question(
    "about_age",
    _l("How old are you?"),
    Scale(
        "age_child",
        SINGLE,
        (
            Option("10_13", _l("10 to 13")),
            Option("14_15", _l("14 or 15")),
            Option("16_17", _l("16 or 17")),
            Option("18_over", _l("18 or older")),
            prefer_not_to_say(),
        ),
    ),
    optional=True,
    topic=_l("your age"),
)

SEXUAL_ORIENTATION = Question(
    "about_sexual_orientation",
    _l("Which of these best describes your sexual orientation?"),
    Scale(
        "sexual_orientation",
        SINGLE,
        (
            Option("straight", _l("Straight or heterosexual")),
            Option("gay_lesbian", _l("Gay or lesbian")),
            Option("bisexual", _l("Bisexual")),
            Option("other", _l("Another sexual orientation")),
            prefer_not_to_say(),
        ),
    ),
    optional=True,
    topic=_l("your sexual orientation"),
)

ADULT = (GENDER, ETHNIC_GROUP, DISABILITY, AGE_ADULT, SEXUAL_ORIENTATION)
CHILD = (GENDER, ETHNIC_GROUP, DISABILITY, AGE_CHILD)
