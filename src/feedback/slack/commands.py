"""The /feedback command: read what someone typed, answer with the dashboard's figures.

    /feedback help
    /feedback digest [period]
    /feedback <questionnaire> [period] [organisation or programme]
    /feedback inspection <organisation>

`parse` never raises: anything it cannot read becomes the usage text with a line saying what
was not understood. `answer` reads the database through feedback.results (the public view,
as in the digest) and words the reply with feedback.presenting. Call it inside an
application context; it sets the reader's language itself.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Union

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from .. import presenting, questionnaires
from ..i18n import LANGUAGES, format_day
from ..models import Inspection, Organisation, Programme, Response
from ..questionnaires import QuestionnaireDefinition
from ..results import Filters, Period, PeriodError, against_national, parse_period, questionnaire_results
from ..results.periods import business_year_of
from . import blocks, digest
from .blocks import Message
from .mrkdwn import bold, escape, link

COMMAND = "/feedback"
SHARE_ACTION = "feedback_share"
MAX_TEXT = 300  # longer than any command a person would type
MAX_CHOICES = 8  # organisations listed when a name matches several
PROGRAMME_CODES = ("OMI2", "CCI", "POMI", "FJI", "SQS", "ADULT", "THEMATIC")

HELP_WORDS = {"help", "cymorth", "?"}
DIGEST_WORDS = {"digest", "crynodeb"}
INSPECTION_WORDS = {"inspection", "arolygiad"}


# --- Reading the command --------------------------------------------------------------------

@dataclass(frozen=True)
class Usage:
    """Show how to use the command; `problem` says what was not understood, `word` where."""

    problem: str | None = None  # unknown, period, too_long, organisation_missing
    word: str | None = None


@dataclass(frozen=True)
class DigestAsked:
    period: str | None = None


@dataclass(frozen=True)
class QuestionnaireAsked:
    code: str
    period: str | None = None
    place: str | None = None


@dataclass(frozen=True)
class InspectionAsked:
    place: str


Command = Union[Usage, DigestAsked, QuestionnaireAsked, InspectionAsked]


def reads_as_period(word: str) -> bool:
    if word.lower() in digest.NAMED_PERIODS:
        return True
    try:
        parse_period(word)
    except PeriodError:
        return False
    return True


def looks_like_period(word: str) -> bool:
    """A word someone meant as a period: it starts with a year, or names one."""
    return bool(re.match(r"^(\d{4}|month:|last-|this-)", word.lower()))


def find_questionnaire(word: str) -> QuestionnaireDefinition | None:
    """A questionnaire by its code, or by the start of it if only one code starts so."""
    word = word.lower()
    exact = questionnaires.get(word)
    if exact is not None:
        return exact
    if len(word) < 3:
        return None
    starting = [q for q in questionnaires.ALL if q.code.startswith(word)]
    return starting[0] if len(starting) == 1 else None


def parse(text: str | None) -> Command:
    """Read the command's text; anything unreadable becomes Usage, never an exception."""
    text = (text or "").strip()
    if len(text) > MAX_TEXT:
        return Usage("too_long")
    words = text.split()
    if not words or words[0].lower() in HELP_WORDS:
        return Usage()
    first, rest = words[0].lower(), words[1:]
    if first in DIGEST_WORDS:
        if not rest:
            return DigestAsked()
        if len(rest) == 1 and reads_as_period(rest[0]):
            return DigestAsked(rest[0])
        return Usage("period", " ".join(rest))
    if first in INSPECTION_WORDS:
        if not rest:
            return Usage("organisation_missing")
        return InspectionAsked(" ".join(rest))
    definition = find_questionnaire(first)
    if definition is None:
        return Usage("unknown", words[0])
    period = None
    if rest and reads_as_period(rest[0]):
        period, rest = rest[0], rest[1:]
    elif rest and looks_like_period(rest[0]):
        return Usage("period", rest[0])
    return QuestionnaireAsked(definition.code, period, " ".join(rest) or None)


def share_value(text: str, language: str) -> str | None:
    """What the share button carries: the command and the language, to answer again in public."""
    value = json.dumps({"text": text.strip(), "language": language}, ensure_ascii=False)
    return value if len(value) <= blocks.BUTTON_VALUE_CHARS else None


def read_share_value(value: str | None) -> tuple[str, str]:
    """Read a share button's value; anything odd becomes the help text in English."""
    try:
        data = json.loads(value or "")
        text, language = str(data.get("text", "")), str(data.get("language", "en"))
    except (ValueError, AttributeError):
        return "", "en"
    return text[:MAX_TEXT], language if language in LANGUAGES else "en"


# --- Places: organisations and programmes ---------------------------------------------------

@dataclass(frozen=True)
class Place:
    kind: str  # "organisation" or "programme"
    code: str
    name: str


@dataclass(frozen=True)
class Several:
    names: tuple[str, ...]


def _like(words: str) -> str:
    return "%" + words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def find_organisation(session: Session, words: str, language: str) -> Organisation | Several | None:
    """An organisation by code or name (English or Welsh), or by part of its name if only one has it."""
    lowered = words.strip().lower()
    exact = session.scalars(
        select(Organisation).where(or_(func.lower(Organisation.code) == lowered,
                                       func.lower(Organisation.name) == lowered,
                                       func.lower(Organisation.name_cy) == lowered))
    ).first()
    if exact is not None:
        return exact
    pattern = _like(words.strip())
    matches = session.scalars(
        select(Organisation).where(or_(Organisation.name.ilike(pattern, escape="\\"),
                                       Organisation.name_cy.ilike(pattern, escape="\\")))
        .order_by(Organisation.name).limit(MAX_CHOICES + 1)
    ).all()
    if len(matches) == 1:
        return matches[0]
    if matches:
        return Several(tuple(m.display_name(language) for m in matches))
    return None


def find_place(session: Session, words: str, language: str) -> Place | Several | None:
    programme = session.scalars(
        select(Programme).where(func.lower(Programme.code) == words.strip().lower())
    ).first()
    if programme is not None:
        return Place("programme", programme.code, programme.name_cy if language == "cy" else programme.name)
    found = find_organisation(session, words, language)
    if isinstance(found, Organisation):
        return Place("organisation", found.code, found.display_name(language))
    return found


# --- Answers ----------------------------------------------------------------------------------

def questionnaire_list() -> str:
    return ", ".join(q.code for q in questionnaires.ALL)


def usage(problem: str | None = None, word: str | None = None) -> Message:
    """How to use /feedback, in the reader's language; what went wrong first, if anything."""
    said = {
        "unknown": lambda: _("“%(word)s” is not a questionnaire or a command I know.", word=word),
        "period": lambda: _("“%(word)s” is not a period I can read.", word=word),
        "too_long": lambda: _("That is longer than any command I know."),
        "organisation_missing": lambda: _("Say which organisation: /feedback inspection Cardiff"),
    }
    lines = []
    if problem in said:
        lines += [escape(said[problem]()), ""]
    examples = [
        (_("/feedback digest [period]"), _("every questionnaire's figures (last week unless you say)")),
        (_("/feedback <questionnaire> [period] [organisation or programme]"), _("one questionnaire's figures")),
        (_("/feedback inspection <organisation>"),
         _("an organisation's latest inspection beside the national figures")),
        (_("/feedback help"), _("this message")),
    ]
    lines += [bold(escape(_("Ask for the feedback figures without opening the dashboard:")))]
    lines += [f"• `{escape(example)}` — {escape(meaning)}" for example, meaning in examples]
    lines += [
        "",
        escape(_("Periods: 2011-12 (business year), 2011-12-Q1, 2011-06, 2011-04-01..2011-06-30, "
                 "last-week, last-month, this-year, last-year.")),
        escape(_("Questionnaires: %(codes)s.", codes=questionnaire_list())),
        escape(_("Programmes: %(codes)s.", codes=", ".join(PROGRAMME_CODES))),
    ]
    text = "\n".join(lines)
    return Message(text, blocks.sections(lines))


def latest_year(session: Session, today: date) -> Period:
    """The latest business year with responses, as the dashboard opens on."""
    latest = session.execute(select(func.max(Response.submitted_at))).scalar_one_or_none()
    return Period.business_year(business_year_of(latest.date() if latest else today))


def resolve_period(word: str | None, default: Period, today: date) -> Period:
    if word is None:
        return default
    return digest.named_period(word, today) or parse_period(word)


def not_found(words: str) -> Message:
    text = escape(_("No organisation or programme matches “%(words)s”.", words=words))
    return Message(text, [blocks.section(text)])


def several(words: str, names: tuple[str, ...]) -> Message:
    shown = names[:MAX_CHOICES]
    lines = [escape(_("“%(words)s” matches more than one organisation. Which one?", words=words))]
    lines += [f"• {escape(name)}" for name in shown]
    if len(names) > MAX_CHOICES:
        lines.append("• …")
    return Message("\n".join(lines), blocks.sections(lines))


def answer_digest(session: Session, asked: DigestAsked, language: str, base_url: str, today: date,
                  digest_channel: str | None = None) -> Message:
    period = resolve_period(asked.period, digest.last_week(today), today)
    since = digest.last_digest_day(session, digest_channel, language) if digest_channel else None
    found = digest.collect(session, period, since=since, today=today)
    return replace(digest.render(found, language, base_url, limit=blocks.MESSAGE_BLOCKS - 1), shareable=True)


def answer_questionnaire(session: Session, asked: QuestionnaireAsked, language: str, base_url: str,
                         today: date) -> Message:
    definition = questionnaires.get(asked.code)
    period = resolve_period(asked.period, latest_year(session, today), today)
    place: Place | None = None
    if asked.place:
        found = find_place(session, asked.place, language)
        if isinstance(found, Several):
            return several(asked.place, found.names)
        if found is None:
            return not_found(asked.place)
        place = found
    filters = Filters(period=period, **({place.kind: place.code} if place else {}))
    results = questionnaire_results(session, definition.code, filters)
    url = blocks.questionnaire_url(base_url, definition.code, period.code,
                                   **({place.kind: place.code} if place else {}))
    label = presenting.period_label(period, language)
    title = str(definition.short_title)
    heading = (_("%(questionnaire)s, %(period)s, %(place)s", questionnaire=title, period=label, place=place.name)
               if place else _("%(questionnaire)s, %(period)s", questionnaire=title, period=label))
    intro = digest.explanation(period.previous(), language)
    # A section, not a header: the heading may carry an organisation's name, which is escaped.
    rich = [blocks.section(bold(escape(heading))), blocks.context(escape(intro))]
    plain = [escape(heading), escape(intro)]
    if digest.has_responses(results):
        lines = digest.questionnaire_lines(definition, results, url)
        rich += blocks.sections(lines.mrkdwn)
        plain += lines.plain
    else:
        nothing = _("No responses in this period.")
        opening = link(url, _("Open the dashboard"))
        rich.append(blocks.section(f"{escape(nothing)} {opening}"))
        plain.append(f"{escape(nothing)} {escape(url)}")
    overflow = blocks.section(link(url, _("More figures than fit here: see them on the dashboard")))
    return Message("\n".join(plain), blocks.fit(rich, blocks.MESSAGE_BLOCKS - 1, overflow), shareable=True)


def find_inspection(session: Session, words: str, language: str) -> Inspection | Several | None:
    """An inspection by its code, or the latest inspection of an organisation."""
    by_code = session.scalars(select(Inspection).where(func.lower(Inspection.code) == words.strip().lower())).first()
    if by_code is not None:
        return by_code
    organisation = find_organisation(session, words, language)
    if not isinstance(organisation, Organisation):
        return organisation
    return session.scalars(
        select(Inspection).where(Inspection.organisation_id == organisation.id)
        .order_by(Inspection.fieldwork_start.desc(), Inspection.id.desc())
    ).first()


def answer_inspection(session: Session, asked: InspectionAsked, language: str, base_url: str) -> Message:
    found = find_inspection(session, asked.place, language)
    if isinstance(found, Several):
        return several(asked.place, found.names)
    if found is None:
        text = escape(_("No inspection of an organisation matching “%(words)s”.", words=asked.place))
        return Message(text, [blocks.section(text)])
    inspection = found
    name = inspection.display_name(language)
    programme = inspection.programme.name_cy if language == "cy" else inspection.programme.name
    described = _("%(programme)s, fieldwork %(start)s to %(end)s", programme=programme,
                  start=format_day(inspection.fieldwork_start, language),
                  end=format_day(inspection.fieldwork_end, language))
    url = blocks.inspection_url(base_url, inspection.code)
    heading = _("Inspection: %(name)s", name=name)
    rich = [blocks.section(bold(escape(heading))), blocks.context(escape(described))]
    plain = [escape(heading), escape(described)]
    for definition in questionnaires.ALL:
        if inspection.programme.code not in definition.programmes:
            continue
        comparison = against_national(session, definition.code, Filters(inspection=inspection.code))
        scope = comparison.scope
        title = str(definition.short_title)
        if not digest.has_responses(scope):
            continue
        lines_rich = [f"{bold(escape(title))} · {escape(digest.responses_text(scope))}"]
        lines_plain = [f"{escape(title)}: {escape(digest.responses_text(scope))}"]
        if not scope.suppressed:
            for question, result in digest.shown_questions(definition, scope):
                national = comparison.national.question(result.code)
                said = _("This inspection: %(here)s · National: %(national)s · %(difference)s",
                         here=presenting.headline(question, result, scope.threshold),
                         national=presenting.headline(question, national, comparison.national.threshold),
                         difference=presenting.difference_text(comparison.difference.get(result.code)))
                lines_rich.append(f"• {escape(question.text)}\n      {escape(said)}")
                lines_plain.append(f"• {escape(question.text)}: {escape(said)}")
        rich += blocks.sections(lines_rich)
        plain += lines_plain
    if len(rich) == 2:
        nothing = _("No responses about this inspection yet.")
        rich.append(blocks.section(escape(nothing)))
        plain.append(escape(nothing))
    more = _("Open the inspection on the dashboard")
    rich.append(blocks.section(link(url, more)))
    plain.append(f"{escape(more)}: {escape(url)}")
    overflow = blocks.section(link(url, _("More figures than fit here: see them on the dashboard")))
    return Message("\n".join(plain), blocks.fit(rich, blocks.MESSAGE_BLOCKS - 1, overflow), shareable=True)


def answer(session: Session, text: str | None, language: str, base_url: str, now: datetime,
           digest_channel: str | None = None) -> Message:
    """Answer a /feedback command in "en" or "cy"; unreadable input gets the usage text."""
    today = digest.uk_today(now)
    with force_locale(LANGUAGES[language]):
        command = parse(text)
        try:
            if isinstance(command, DigestAsked):
                return answer_digest(session, command, language, base_url, today, digest_channel)
            if isinstance(command, QuestionnaireAsked):
                return answer_questionnaire(session, command, language, base_url, today)
            if isinstance(command, InspectionAsked):
                return answer_inspection(session, command, language, base_url)
        except PeriodError:
            return usage("period", getattr(command, "period", None))
        return usage(command.problem, command.word)


def with_share_button(message: Message, text: str, language: str) -> Message:
    """Add the button that posts the same answer in the channel, for everyone to see."""
    value = share_value(text, language)
    if value is None or not message.shareable:
        return message
    with force_locale(LANGUAGES[language]):
        label = _("Share in channel")
    button = {"type": "button", "action_id": SHARE_ACTION, "value": value,
              "text": {"type": "plain_text", "text": blocks.truncate(label, 75)}}
    kept = message.blocks[: blocks.MESSAGE_BLOCKS - 1]
    return Message(message.text, kept + [{"type": "actions", "elements": [button]}])


def shared_by(message: Message, user_id: str, language: str) -> Message:
    """Say who shared an answer in the channel (a Slack user id, as Slack sent it)."""
    if not re.fullmatch(r"[UW][A-Z0-9]{2,30}", user_id or ""):
        return message
    with force_locale(LANGUAGES[language]):
        said = _("Shared by %(person)s", person=f"<@{user_id}>")
    kept = message.blocks[: blocks.MESSAGE_BLOCKS - 1]
    return Message(message.text, kept + [blocks.context(said)])


def failed(language: str) -> Message:
    """What someone sees when answering went wrong: no trace, a way forward."""
    with force_locale(LANGUAGES[language]):
        text = escape(_("Sorry, the figures could not be fetched just now. Try again in a minute, "
                        "or open the dashboard."))
    return Message(text, [blocks.section(text)])
