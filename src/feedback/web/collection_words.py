"""The collection pages' words for states and languages, and the email text staff copy for a shared link."""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup

from ..i18n import format_day
from ..models import Inspection, Invitation
from ..operations import invitations_sending as sending


def inspection_name(inspection: Inspection, language: str) -> Markup:
    """The inspection's name in the page's language; an English-only name on a Welsh page says so."""
    name = inspection.display_name(language)
    if language == "cy" and name == inspection.display_name("en"):
        return Markup('<span lang="en">{}</span>').format(name)
    return Markup("{}").format(name)


def language_words(code: str) -> str:
    return {"en": _("English"), "cy": _("Welsh"), "both": _("Welsh and English")}.get(code, code)


def email_state_words(invitation: Invitation) -> tuple[str, str, str | None]:
    """The email's state as a tag (text, colour) and, for a failure, its reason in plain words."""
    if invitation.revoked_at is not None:
        return _("Withdrawn"), "grey", None
    if invitation.closed_at is not None:
        return _("Closed"), "grey", None
    status = invitation.email_status
    if status is None:
        return _("Not emailed"), "grey", None
    if status == sending.SCHEDULED:
        when = format_day(invitation.scheduled_for) if invitation.scheduled_for else ""
        return _("Scheduled for %(date)s", date=when), "blue", None
    if status == sending.NOT_CONFIRMED:
        return _("Not confirmed"), "yellow", _(
            "GOV.UK Notify did not answer in time, so the email may or may not have gone. The service checks "
            "with Notify before anything sends it again.")
    if status == sending.SENDING:
        return _("Sent"), "turquoise", None
    if status == sending.DELIVERED:
        return _("Delivered"), "green", None
    reason = {
        "permanent-failure": _("The email address does not exist, or its inbox would not take the email. "
                               "Check the address with the person."),
        "temporary-failure": _("The inbox was full or could not take the email for a while. "
                               "Send it again in a day or two."),
        "technical-failure": _("GOV.UK Notify had a technical problem and did not send the email. Send it again."),
        sending.REFUSED: _("GOV.UK Notify refused the email, so it was not sent. Check the address and "
                           "send it again."),
        sending.NOT_SENT: _("GOV.UK Notify never received the email, so it was not sent. Send it again."),
    }.get(status, _("GOV.UK Notify could not deliver the email."))
    return _("Not delivered"), "red", reason


def notify_email_text(definition, inspection: Inspection, invitation: Invitation, link: str) -> dict[str, str]:
    """An email to copy, in each language, inviting the people a shared link is for."""
    texts = {}
    for language, locale in (("cy", "cy"), ("en", "en_GB")):
        with force_locale(locale):
            texts[language] = _(
                "HM Inspectorate of Probation would like to hear what you thought of the inspection of "
                "%(organisation)s. Please answer a short questionnaire (%(questionnaire)s) by %(date)s:\n\n"
                "%(link)s\n\nYour answers are confidential: the inspectorate publishes only figures that "
                "cannot identify anyone.",
                organisation=inspection.display_name(language), questionnaire=str(definition.short_title),
                date=format_day(invitation.expires_at, language), link=link,
            )
    return texts


def sheet_words(definition, inspection: Inspection, invitation: Invitation) -> tuple[dict, dict]:
    """The printable sheet's heading and text in each language."""
    titles, texts = {}, {}
    for language, locale in (("cy", "cy"), ("en", "en_GB")):
        with force_locale(locale):
            titles[language] = _("Tell us what you thought of the inspection")
            texts[language] = _(
                "%(questionnaire)s, %(organisation)s. Scan the QR code with your phone's camera, or type the "
                "link below. It takes a few minutes and works until %(date)s.",
                questionnaire=str(definition.short_title), organisation=inspection.display_name(language),
                date=format_day(invitation.expires_at, language))
    return titles, texts
