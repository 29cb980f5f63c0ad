"""The App Home tab: the current business year's headline figures, in the reader's language."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from .. import presenting
from ..i18n import LANGUAGES
from ..results import Period
from ..results.periods import business_year_of
from . import blocks, digest
from .mrkdwn import escape, link


def home_view(session: Session, language: str, base_url: str, now: datetime) -> dict[str, Any]:
    """Build the Home tab view (at most 100 blocks) for views.publish."""
    today = digest.uk_today(now)
    period = Period.business_year(business_year_of(today))
    found = digest.collect(session, period)
    with force_locale(LANGUAGES[language]):
        label = presenting.period_label(period, language)
        rich = [
            blocks.header(_("Feedback figures for %(period)s so far", period=label)),
            blocks.context(escape(digest.explanation(period.previous(), language))),
        ]
        for item in found.sections:
            url = blocks.questionnaire_url(base_url, item.definition.code, period.code)
            rich += blocks.sections(digest.questionnaire_lines(item.definition, item.results, url).mrkdwn)
        if not found.sections:
            rich.append(blocks.section(escape(_("No responses in this period."))))
        rich.append(blocks.context(escape(_("Ask for other figures with /feedback help."))))
        overview = blocks.overview_url(base_url, period.code)
        rich.append(blocks.section(link(overview, _("See every figure on the dashboard"))))
        overflow = blocks.section(link(overview, _("More figures than fit here: see them on the dashboard")))
        return {"type": "home", "blocks": blocks.fit(rich, blocks.HOME_BLOCKS, overflow)}
