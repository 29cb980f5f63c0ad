"""Forms of the operations pages: organisations, inspections, the programme file, staff accounts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from sqlalchemy.orm import Session
from wtforms import (
    EmailField,
    Field,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
)
from wtforms.utils import unset_value
from wtforms.validators import InputRequired

from ..db import db_session
from ..operations import InputProblems

DATE_PARTS = ("day", "month", "year")


class DayField(Field):
    """A GOV.UK date input: three boxes, day, month and year, read as one date (or None)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.id = f"{self.name}-day"  # the error summary links to the first box
        self.raw: dict[str, str] = {}

    def process(self, formdata, data=unset_value, extra_filters=None):
        self.process_errors = []
        self.data = None if data is unset_value else data
        self.raw = {}
        if formdata is not None and any(f"{self.name}-{part}" in formdata for part in DATE_PARTS):
            self.raw = {part: formdata.get(f"{self.name}-{part}", "").strip()[:10] for part in DATE_PARTS}
            self.data = None
            if any(self.raw.values()):
                try:
                    self.data = date(int(self.raw["year"]), int(self.raw["month"]), int(self.raw["day"]))
                    if self.data.year < 1990:
                        raise ValueError
                except ValueError:
                    self.process_errors.append(_l("%(label)s must be a real date, like 11 5 2026", label=self.label.text))
        elif isinstance(self.data, date):
            self.raw = {"day": str(self.data.day), "month": str(self.data.month), "year": str(self.data.year)}


def apply_problems(form: FlaskForm, problems: InputProblems) -> None:
    """Show the domain's problems beside the fields they are about."""
    form._errors = None  # recomputed from the fields on next reading
    for name, message in problems.problems.items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = list(field.errors) + [message]


NOT_SAVED = object()


def save(form: FlaskForm, change: Callable[[Session], Any]) -> Any:
    """Make a domain change and commit it, returning what it returned; or, when the domain finds
    problems with what was asked, roll back, show them beside the fields and return NOT_SAVED."""
    dbs = db_session()
    try:
        result = change(dbs)
    except InputProblems as problems:
        dbs.rollback()
        apply_problems(form, problems)
        return NOT_SAVED
    dbs.commit()
    return result


class OrganisationForm(FlaskForm):
    name = StringField(_l("Name in English"))
    name_cy = StringField(_l("Name in Welsh (optional)"))
    kind = RadioField(_l("Kind of organisation"), validate_choice=False)
    region = SelectField(_l("Region"), validate_choice=False)
    language = RadioField(_l("Language of its links and emails"), validate_choice=False)


class InspectionForm(FlaskForm):
    programme = SelectField(_l("Inspection programme"), validate_choice=False)
    organisation = SelectField(_l("Organisation inspected"), validate_choice=False)
    title = StringField(_l("Title in English (thematic inspections)"))
    title_cy = StringField(_l("Title in Welsh (thematic inspections)"))
    fieldwork_start = DayField(_l("Fieldwork begins"))
    fieldwork_end = DayField(_l("Fieldwork ends"))
    published_on = DayField(_l("Publication date (optional)"))


class UploadForm(FlaskForm):
    programme_file = FileField(_l("Upload a programme file"))


class InviteStaffForm(FlaskForm):
    email = EmailField(_l("Email address"), validators=[InputRequired(message=_l("Enter an email address"))])
    role = RadioField(_l("Role"), validate_choice=False)


class RoleForm(FlaskForm):
    role = RadioField(_l("Role"), validate_choice=False)


class SetPasswordForm(FlaskForm):
    password = PasswordField(_l("Create a password"), validators=[InputRequired(message=_l("Enter a password"))])
    confirm = PasswordField(_l("Confirm your password"), validators=[InputRequired(message=_l("Enter your password again"))])

    def validate_confirm(self, field) -> None:
        if self.password.data and field.data != self.password.data:
            from wtforms.validators import ValidationError

            raise ValidationError(_l("The passwords do not match"))


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that only reads

    action = SelectField(_l("Action"), validate_choice=False)
    actor = SelectField(_l("Member of staff"), validate_choice=False)
    date_from = DayField(_l("From"))
    date_to = DayField(_l("To"))
