"""Forms of the sign-in steps after the password, and of the account security pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

APP = "app"
KEY = "key"


class MethodForm(FlaskForm):
    method = RadioField(
        _l("How do you want to confirm it is you when you sign in?"),
        choices=[
            SelectChoice(APP, _l("An authenticator app on your phone")),
            SelectChoice(KEY, _l("A security key or passkey")),
        ],
        validators=[InputRequired(message=_l("Select how you want to confirm it is you"))],
    )


class CodeForm(FlaskForm):
    code = StringField(
        _l("Code from your authenticator app"),
        validators=[InputRequired(message=_l("Enter the 6-digit code from your authenticator app")),
                    Length(max=20, message=_l("Enter the 6-digit code from your authenticator app"))],
    )


class RecoveryCodeForm(FlaskForm):
    code = StringField(
        _l("Recovery code"),
        validators=[InputRequired(message=_l("Enter one of your recovery codes")),
                    Length(max=40, message=_l("Enter a recovery code as it was given to you"))],
    )


class CredentialForm(FlaskForm):
    """The browser's answer to a security key ceremony, as JSON, put in by webauthn.js."""

    credential = HiddenField(validators=[InputRequired(), Length(max=20_000)])
