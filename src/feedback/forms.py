"""Forms derived from the questionnaire declarations: one question a page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, RadioField, SelectMultipleField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, InputRequired, Length, Optional

from .questionnaires import FREE_TEXT, MULTIPLE, Question


class EmptyForm(FlaskForm):
    """A form with nothing but its CSRF token, for buttons that change state."""


class AboutYouForm(FlaskForm):
    answer = RadioField(
        _l("Would you like to answer some optional questions about yourself?"),
        choices=[
            SelectChoice("yes", _l("Yes, answer the questions about me")),
            SelectChoice("no", _l("No, skip these questions")),
        ],
        validators=[InputRequired(message=_l("Select yes if you would like to answer questions about yourself"))],
    )


def question_form(question: Question, formdata=None, data=None) -> FlaskForm:
    """Build the form for one question, with its validation, bound to the request."""

    class QuestionForm(FlaskForm):
        pass

    choices = [SelectChoice(o.code, o.label) for o in question.scale.options]
    if question.kind == FREE_TEXT:
        field = TextAreaField(
            question.text,
            # Browsers send each line break as CRLF: count it once, as the character count does.
            filters=[lambda text: text.replace("\r\n", "\n") if text else text],
            validators=[
                Optional(),
                Length(
                    max=question.max_length,
                    message=_l("Your answer must be %(max)d characters or fewer", max=question.max_length),
                ),
            ],
        )
    else:
        # Choices are checked by the validators, so a missing or forged answer gets the
        # question's own message rather than WTForms' generic "Not a valid choice".
        presence = Optional() if question.optional else InputRequired(message=question.error)
        field_class = SelectMultipleField if question.kind == MULTIPLE else RadioField
        validators = [presence]
        if question.kind != MULTIPLE:
            validators.append(AnyOf(question.scale.codes, message=question.error or _l("Select an answer")))
        field = field_class(question.text, choices=choices, validate_choice=False, validators=validators)
    QuestionForm.answer = field
    kwargs = {} if formdata is None else {"formdata": formdata}
    return QuestionForm(data={"answer": data} if data is not None else None, **kwargs)


class SignInForm(FlaskForm):
    email = EmailField(
        _l("Email address"),
        validators=[InputRequired(message=_l("Enter your email address")), Length(max=320)],
    )
    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(message=_l("Enter your password")), Length(max=1000)],
    )
