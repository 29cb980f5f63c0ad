"""The digest: every questionnaire's figures for a period, as a Slack message in one language.

Figures come from feedback.results (the public view, suppression included, the very figures
`feedback results --json` prints) and are worded by feedback.presenting, as on the dashboard.
`collect` reads the database; `render` turns what it read into Block Kit and a plain-text
fallback carrying the same figures. Call `render` inside an application context: it sets the
reader's language itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Callable, ContextManager, Iterable, Sequence

from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import presenting, questionnaires
from ..clock import as_utc
from ..i18n import LANGUAGES, UK_TIME, format_day
from ..models import DigestPost
from ..operations.response_rates import response_rates
from ..operations.tracking import Rate
from ..questionnaires import FREE_TEXT, MULTIPLE, QuestionnaireDefinition
from ..results import Filters, Period, QuestionnaireResults, questionnaire_results
from ..results.periods import business_year_of
from . import blocks
from .blocks import Message
from .mrkdwn import bold, escape, link

if TYPE_CHECKING:  # pragma: no cover
    from .posting import Poster

# Words for the periods people ask for by name rather than by date.
NAMED_PERIODS = ("last-week", "last-month", "this-year", "last-year")


# --- Periods ------------------------------------------------------------------------------

def uk_today(now: datetime) -> date:
    return now.astimezone(UK_TIME).date()


def last_week(today: date) -> Period:
    """The last whole week, Monday to Sunday, before `today`."""
    monday = today - timedelta(days=today.weekday() + 7)
    return Period.days(monday, monday + timedelta(days=6))


def named_period(name: str, today: date) -> Period | None:
    """Read "last-week", "last-month", "this-year" or "last-year"; None for anything else."""
    name = name.strip().lower()
    if name == "last-week":
        return last_week(today)
    if name == "last-month":
        first_of_this = today.replace(day=1)
        last = first_of_this - timedelta(days=1)
        return Period.month(last.year, last.month)
    if name == "this-year":
        return Period.business_year(business_year_of(today))
    if name == "last-year":
        return Period.business_year(business_year_of(today) - 1)
    return None


# --- What the digest says -----------------------------------------------------------------

@dataclass(frozen=True)
class Section:
    """One questionnaire's figures for the period, and its responses since the last digest."""

    definition: QuestionnaireDefinition
    results: QuestionnaireResults
    new: QuestionnaireResults | None = None
    rate: Rate | None = None  # responses over named invitations (feedback.operations.response_rates)


@dataclass(frozen=True)
class Digest:
    period: Period
    sections: tuple[Section, ...]
    empty: tuple[QuestionnaireDefinition, ...]  # no responses in the period
    since: date | None = None  # the day of the last digest to this channel, in the UK


def has_responses(results: QuestionnaireResults) -> bool:
    return results.suppressed or bool(results.responses)


def collect(session: Session, period: Period, since: date | None = None, today: date | None = None,
            definitions: Sequence[QuestionnaireDefinition] | None = None) -> Digest:
    """Read every questionnaire's figures for `period`, and its responses from `since` to `today`.

    Responses since the last digest are counted by the results module over whole UK days, so
    a small number is suppressed there like any other figure.
    """
    found: list[Section] = []
    empty: list[QuestionnaireDefinition] = []
    rates: dict[str, Rate | None] = {}
    for definition in definitions or questionnaires.ALL:
        results = questionnaire_results(session, definition.code, Filters(period=period))
        if not has_responses(results):
            empty.append(definition)
            continue
        new = None
        rates[definition.code] = next(
            (row.rate for row in response_rates(session, period) if row.questionnaire == definition.code), None)
        if since is not None and today is not None and since <= today:
            new = questionnaire_results(session, definition.code,
                                        Filters(period=Period.days(since, today)), compare_previous=False)
        found.append(Section(definition, results, new, rates[definition.code]))
    return Digest(period, tuple(found), tuple(empty), since)


# --- Words --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Figure:
    """One question's figure in words, in the reader's language."""

    question: str
    headline: str
    change: str | None


def shown_questions(definition: QuestionnaireDefinition, results: QuestionnaireResults):
    """The questions the dashboard's overview shows: no free text, no "About you"."""
    for result in results.questions:
        question = definition.question(result.code)
        if question is None or result.kind == FREE_TEXT or result.code.startswith("about_"):
            continue
        yield question, result


def figures(definition: QuestionnaireDefinition, results: QuestionnaireResults) -> list[Figure]:
    compared = results.previous is not None
    return [
        Figure(
            str(question.text),
            presenting.headline(question, result, results.threshold),
            presenting.change_text(result.change_points)
            if compared and not result.suppressed and question.kind != MULTIPLE else None,
        )
        for question, result in shown_questions(definition, results)
    ]


def responses_text(results: QuestionnaireResults) -> str:
    if results.suppressed:
        return _("Too few responses to show figures.")
    count = results.responses or 0
    return ngettext("%(count)s response", "%(count)s responses", count, count=presenting.number(count))


def new_text(new: QuestionnaireResults | None, since: date | None, language: str) -> str | None:
    if new is None or since is None:
        return None
    day = format_day(since, language)
    if new.suppressed:
        return _("too few new since %(date)s to show", date=day)
    count = new.responses or 0
    return ngettext("%(count)s new since %(date)s", "%(count)s new since %(date)s", count, date=day,
                    count=presenting.number(count))


def rate_text(rate: Rate | None) -> str | None:
    if rate is None or not rate.invited:
        return None
    if rate.suppressed:
        return _("response rate: too few responses to show")
    return _("response rate %(completed)s of %(invited)s invited (%(percent)s%%)",
             completed=presenting.number(rate.completed), invited=presenting.number(rate.invited),
             percent=rate.percent)


@dataclass(frozen=True)
class Lines:
    """The same words twice: mrkdwn for the blocks, plain for the fallback text."""

    mrkdwn: list[str]
    plain: list[str]


def figure_lines(items: Iterable[Figure]) -> Lines:
    rich, plain = [], []
    for figure in items:
        said = figure.headline if figure.change is None else f"{figure.headline} · {figure.change}"
        rich.append(f"• {escape(figure.question)}\n      {escape(said)}")
        plain.append(f"• {escape(figure.question)}: {escape(said)}")
    return Lines(rich, plain)


def questionnaire_lines(definition: QuestionnaireDefinition, results: QuestionnaireResults, url: str,
                        extra: Sequence[str] = ()) -> Lines:
    """A questionnaire's heading (linked to its dashboard page) and a line a question."""
    title = str(definition.short_title)
    summary = " · ".join([responses_text(results), *extra])
    lines = Lines([f"{bold(link(url, title))} · {escape(summary)}"],
                  [f"{escape(title)}: {escape(summary)} ({escape(url)})"])
    if not results.suppressed:
        said = figure_lines(figures(definition, results))
        lines.mrkdwn.extend(said.mrkdwn)
        lines.plain.extend(said.plain)
    return lines


def explanation(previous: Period | None, language: str) -> str:
    if previous is None:
        return _("Figures are the share of positive answers, with the number of answers they are out "
                 "of. Figures over too few answers are not shown, so that nobody can be identified.")
    return _("Figures are the share of positive answers, with the number of answers they are out "
             "of; changes are in percentage points from %(previous)s. Figures over too few answers "
             "are not shown, so that nobody can be identified.",
             previous=presenting.period_label(previous, language))


def render(digest: Digest, language: str, base_url: str, limit: int = blocks.MESSAGE_BLOCKS) -> Message:
    """Word the digest in `language` ("en" or "cy") as Block Kit within Slack's limits."""
    with force_locale(LANGUAGES[language]):
        period = digest.period
        label = presenting.period_label(period, language)
        title = _("Feedback digest: %(period)s", period=label)
        intro = explanation(period.previous(), language)
        if digest.since is not None:
            intro += " " + _("New responses are counted from %(date)s, the day of the last digest.",
                             date=format_day(digest.since, language))
        rich: list[blocks.Block] = [blocks.header(title), blocks.context(escape(intro))]
        plain: list[str] = [escape(title), escape(intro), ""]
        for item in digest.sections:
            url = blocks.questionnaire_url(base_url, item.definition.code, period.code)
            extra = [t for t in [new_text(item.new, digest.since, language), rate_text(item.rate)] if t]
            lines = questionnaire_lines(item.definition, item.results, url, extra)
            rich.extend(blocks.sections(lines.mrkdwn))
            plain.extend(lines.plain + [""])
        if not digest.sections:
            nothing = _("No responses in this period.")
            rich.append(blocks.section(escape(nothing)))
            plain.extend([nothing, ""])
        if digest.empty and digest.sections:
            names = ", ".join(str(d.short_title) for d in digest.empty)
            said = _("No responses in this period: %(questionnaires)s", questionnaires=names)
            rich.append(blocks.context(escape(said)))
            plain.extend([escape(said), ""])
        overview = blocks.overview_url(base_url, period.code)
        more = _("See every figure on the dashboard")
        rich.append(blocks.section(link(overview, more)))
        plain.append(f"{escape(more)}: {escape(overview)}")
        overflow = blocks.section(link(overview, _("More figures than fit here: see them on the dashboard")))
        text = blocks.fit_text("\n".join(plain), f"{escape(more)}: {escape(overview)}")
        return Message(text, blocks.fit(rich, limit, overflow))


# --- Posting once a period, channel and language ----------------------------------------------

def last_digest_day(session: Session, channel: str, language: str, other_than: str | None = None) -> date | None:
    """The UK day the last digest went to this channel in this language (not for `other_than`)."""
    query = select(DigestPost.posted_at).where(
        DigestPost.channel == channel, DigestPost.language == language, DigestPost.message_ts.is_not(None),
    )
    if other_than is not None:
        query = query.where(DigestPost.period_code != other_than)
    latest = session.scalars(query.order_by(DigestPost.posted_at.desc()).limit(1)).first()
    return uk_today(as_utc(latest)) if latest is not None else None


DIGEST_EVENT = "feedback_digest"  # Slack message metadata naming a digest
POSTING = "posting"
UNCONFIRMED = "unconfirmed"
LEASE = timedelta(minutes=20)  # longer than a post can take, 429 waits included
LOOK_BACK = timedelta(minutes=10)  # looked through before a claim, for clocks that differ


def digest_metadata(period: Period, channel: str, language: str) -> dict:
    """The metadata a digest is posted with, and found by when its reply was lost."""
    return {"event_type": DIGEST_EVENT,
            "event_payload": {"period": period.code, "language": language, "channel": channel}}


@dataclass(frozen=True)
class Outcome:
    """What happened to one language's digest: posted now, posted before (and when), found in
    the channel after an earlier run lost Slack's reply, or being posted by another run."""

    language: str
    posted: bool
    message_ts: str | None
    posted_at: datetime | None
    found: bool = False
    busy: bool = False


def _set_claim(sessions: Callable[[], ContextManager[Session]], key, **values) -> None:
    try:
        with sessions() as session:
            session.execute(DigestPost.__table__.update().where(*key, DigestPost.message_ts.is_(None))
                            .values(**values))
    except Exception:  # the database is gone too: the claim stays "posting", in doubt after LEASE
        pass


def post_digest(sessions: Callable[[], ContextManager[Session]], poster: "Poster", period: Period,
                channel: str, language: str, base_url: str, now: datetime, force: bool = False) -> Outcome:
    """Post the digest for a period to a channel in one language, once unless `force`.

    A row in digest_posts claims the period, channel and language before posting (its unique
    key turns a second run away, even one running at the same moment), and records Slack's
    message id after. If Slack refuses the post, the claim is removed so the next run tries
    again. If the outcome is unknown (the reply lost, the run killed), the claim stays, as
    "unconfirmed": the next run looks in the channel for a message carrying this digest's
    metadata, records it if it is there, and posts only if it is not.
    """
    key = (DigestPost.period_code == period.code, DigestPost.channel == channel,
           DigestPost.language == language)
    with sessions() as session:
        existing = session.scalars(select(DigestPost).where(*key)).first()
        if existing is not None and not force and existing.message_ts is not None:
            return Outcome(language, False, existing.message_ts, as_utc(existing.posted_at))
        if (existing is not None and not force and existing.state == POSTING
                and existing.claimed_at is not None and as_utc(existing.claimed_at) > now - LEASE):
            return Outcome(language, False, None, None, busy=True)
        today = uk_today(now)
        since = last_digest_day(session, channel, language, other_than=period.code)
        message = render(collect(session, period, since, today), language, base_url)
    metadata = digest_metadata(period, channel, language)
    in_doubt = existing is not None and existing.message_ts is None
    ours = existing is None or in_doubt  # the claim this run holds (not a --force over a posted one)
    if existing is None:
        try:
            with sessions() as session:
                session.add(DigestPost(period_code=period.code, channel=channel, language=language,
                                       posted_at=now, message_ts=None, state=POSTING, claimed_at=now))
        except IntegrityError:  # another run claimed it a moment ago
            with sessions() as session:
                other = session.scalars(select(DigestPost).where(*key)).first()
            if other is not None and other.message_ts is None:
                return Outcome(language, False, None, None, busy=True)
            return Outcome(language, False, other.message_ts if other else None,
                           as_utc(other.posted_at) if other else None)
    elif in_doubt:
        same = DigestPost.claimed_at.is_(None) if existing.claimed_at is None else \
            DigestPost.claimed_at == existing.claimed_at
        with sessions() as session:
            taken = session.execute(DigestPost.__table__.update().where(
                *key, DigestPost.message_ts.is_(None), same,
                DigestPost.state.is_(None) if existing.state is None else DigestPost.state == existing.state,
            ).values(state=POSTING, claimed_at=now)).rowcount
        if taken != 1:  # another run took it over first
            return Outcome(language, False, None, None, busy=True)
        if not force:
            try:
                ts = poster.find(channel, DIGEST_EVENT, metadata["event_payload"],
                                 as_utc(existing.posted_at) - LOOK_BACK)
            except BaseException:
                _set_claim(sessions, key, state=UNCONFIRMED)
                raise
            if ts:
                _set_claim(sessions, key, message_ts=ts, state=None, claimed_at=None)
                return Outcome(language, False, ts, as_utc(existing.posted_at), found=True)
    from .posting import OutcomeUnknown, SlackPostError

    try:
        ts = poster.post(channel, message, metadata)
    except OutcomeUnknown:
        if ours:
            _set_claim(sessions, key, state=UNCONFIRMED)
        raise
    except SlackPostError:  # Slack did not take it; nothing of this digest is in the channel
        if existing is None or (in_doubt and not force):
            with sessions() as session:
                session.execute(DigestPost.__table__.delete().where(*key, DigestPost.message_ts.is_(None)))
        elif in_doubt:
            _set_claim(sessions, key, state=UNCONFIRMED)
        raise
    except BaseException:  # interrupted, or anything unforeseen: the post may have gone
        if ours:
            _set_claim(sessions, key, state=UNCONFIRMED)
        raise
    with sessions() as session:
        session.execute(DigestPost.__table__.update().where(*key)
                        .values(message_ts=ts, posted_at=now, state=None, claimed_at=None))
    return Outcome(language, True, ts, now)
