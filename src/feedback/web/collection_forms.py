"""Forms of the collection pages: recipients, dates, days."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import IntegerField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange, Optional

DAYS_MESSAGE = _l("Enter a number of days from 1 to 365")


class InviteForm(FlaskForm):
    recipients = TextAreaField(_l("Recipients"), validators=[Optional()])
    upload = FileField(_l("Or upload a CSV file"))
    days = IntegerField(_l("How many days the links work for"),
                        validators=[InputRequired(message=DAYS_MESSAGE),
                                    NumberRange(min=1, max=365, message=DAYS_MESSAGE)])
    when = RadioField(
        _l("When should the emails go?"),
        choices=[SelectChoice("now", _l("Now")),
                 SelectChoice("publication", _l("On the publication date"))],
        validators=[InputRequired(message=_l("Select when the emails should go"))],
        validate_choice=False,
    )


class DaysForm(FlaskForm):
    days = IntegerField(_l("How many more days should the link work?"),
                        validators=[InputRequired(message=DAYS_MESSAGE),
                                    NumberRange(min=1, max=365, message=DAYS_MESSAGE)])


class SharedLinkForm(FlaskForm):
    opens_day = StringField()
    opens_month = StringField()
    opens_year = StringField()
    closes_day = StringField()
    closes_month = StringField()
    closes_year = StringField()


def read_date(form: SharedLinkForm, prefix: str) -> date | None:
    """Read a GOV.UK date input's three boxes; None if they do not make a real date."""
    try:
        return date(int(getattr(form, f"{prefix}_year").data or ""), int(getattr(form, f"{prefix}_month").data or ""),
                    int(getattr(form, f"{prefix}_day").data or ""))
    except ValueError:
        return None
