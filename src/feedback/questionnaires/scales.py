"""The answer scales the inspectorate's questionnaires use, and what each counts as positive."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp

from .model import FREE_TEXT, MULTIPLE, SINGLE, Option, Scale

# Fully, Mainly, Partly, Not at all: "fully or mainly satisfied" is positive (¶1.19).
FULLY_MAINLY = Scale(
    "fully_mainly",
    SINGLE,
    (
        Option("fully", _l("Fully"), positive=True),
        Option("mainly", _l("Mainly"), positive=True),
        Option("partly", _l("Partly")),
        Option("not_at_all", _l("Not at all")),
    ),
)


def definitely(code: str, middle: Option, last: Option) -> Scale:
    """Build a 'definitely' scale: the top box is positive, the next is reported beside it."""
    return Scale(
        code,
        SINGLE,
        (Option("definitely", _l("Definitely"), positive=True), middle, last),
    )


DEFINITELY_SOME_EXTENT = definitely(
    "definitely_some_extent",
    Option("to_some_extent", _l("To some extent"), beside=True),
    Option("no", _lp("answer on a definitely scale", "No")),
)
DEFINITELY_REASONABLE = definitely(
    "definitely_reasonable",
    Option("reasonable", _l("Reasonable attention"), beside=True),
    Option("insufficient", _l("Insufficient attention")),
)
DEFINITELY_SOME = definitely(
    "definitely_some",
    Option("some", _l("Some"), beside=True),
    Option("none", _l("None")),
)


# Welsh answers echo the verb of the question ("Do / Naddo", "Ydw / Nac ydw", ...), so each
# yes/no scale carries the verb form its questions use. The stored codes are the same for all.
def yes_no(form: str, yes: object, no: object, dont_know: bool = False) -> Scale:
    options = [Option("yes", yes, positive=True), Option("no", no)]
    if dont_know:
        options.append(Option("dont_know", _l("Don't know"), excluded=True))
    return Scale(f"yes_no_{form}" + ("_dk" if dont_know else ""), SINGLE, tuple(options))


# Past tense: "Did ...?", "Were you given/told/offered ...?" (Welsh: Do / Naddo)
YES_NO_DID = yes_no("did", _lp("yes to a question in the past tense", "Yes"),
                    _lp("no to a question in the past tense", "No"))
YES_NO_DID_DK = yes_no("did", _lp("yes to a question in the past tense", "Yes"),
                       _lp("no to a question in the past tense", "No"), dont_know=True)
# "Am I / Are you ...?", "Have you (done) ...?" (Welsh: Ydw / Nac ydw)
YES_NO_AM = yes_no("am", _lp("yes to a question about yourself: are you, have you", "Yes"),
                   _lp("no to a question about yourself: are you, have you", "No"))
# "Do you have / Is there ...?" (Welsh: Oes / Nac oes)
YES_NO_HAVE = yes_no("have", _lp("yes to a question asking whether there is or you have", "Yes"),
                     _lp("no to a question asking whether there is or you have", "No"))
# "Has it / Is it ...?" (Welsh: Ydy / Nac ydy)
YES_NO_IS = yes_no("is", _lp("yes to a question about one thing: is it, has it", "Yes"),
                   _lp("no to a question about one thing: is it, has it", "No"))
# "Are they ...?" (Welsh: Ydyn / Nac ydyn)
YES_NO_ARE_THEY = yes_no("are_they", _lp("yes to a question about several things: are they", "Yes"),
                         _lp("no to a question about several things: are they", "No"))
# "Were they ...?" (Welsh: Oedden / Nac oedden)
YES_NO_WERE_THEY = yes_no("were_they", _lp("yes to a question in the past about several things: were they", "Yes"),
                          _lp("no to a question in the past about several things: were they", "No"))
# "Were you ...?" describing a state (Welsh: Oeddwn / Nac oeddwn)
YES_NO_WAS_I = yes_no("was_i", _lp("yes to a question in the past about yourself: were you", "Yes"),
                      _lp("no to a question in the past about yourself: were you", "No"))

FREE = Scale("free_text", FREE_TEXT)


def multiple(code: str, options: tuple[Option, ...]) -> Scale:
    return Scale(code, MULTIPLE, options)


def prefer_not_to_say() -> Option:
    return Option("prefer_not_to_say", _l("Prefer not to say"), excluded=True)
