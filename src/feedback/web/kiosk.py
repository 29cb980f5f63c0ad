"""The kiosk: a shared tablet in a waiting room, offline-safe.

The tablet holds one page, the kiosk shell, with every screen of its questionnaire rendered
in English and in Welsh (as <template> elements) and its wording as JSON. Its script shows
one screen at a time, keeps the answers in memory only, and queues each finished response
on the tablet (IndexedDB) under an idempotency key, sending the queue here whenever the
network allows. The service worker keeps the shell and its assets, so the kiosk starts and
works with no network at all.

Staff enrol tablets from /staff/kiosks (or `feedback kiosk enrol`); those pages are here too.
"""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from functools import lru_cache, wraps
from pathlib import Path
from types import SimpleNamespace

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask import (
    Response as FlaskResponse,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from sqlalchemy import select
from werkzeug.exceptions import BadRequest
from wtforms import BooleanField, PasswordField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from .. import kiosk, questionnaires, responses
from ..clock import utcnow
from ..db import db_session
from ..extensions import csrf
from ..forms import EmptyForm
from ..i18n import LANGUAGES, current_language, format_day
from ..models import Device, Inspection
from ..questionnaires import FREE_TEXT
from ..roles import RUN_OPERATIONS
from .assets import APP_ASSETS, BUILT_ASSETS
from .auth import current_staff, staff_required
from .components import plural_messages
from .form_language import submitted
from .rate_limits import limit_public_posts
from .security import limit_body

bp = Blueprint("kiosk", __name__, url_prefix="/kiosk")
staff_bp = Blueprint("staff_kiosks", __name__, url_prefix="/staff/kiosks")

COOKIE = "kiosk_device"
COOKIE_PATH = "/kiosk"
COOKIE_MAX_AGE = 400 * 24 * 60 * 60  # the longest a browser keeps a cookie
UNLOCKED_KEY = "kiosk_unlocked"
UNLOCKED_FOR = timedelta(minutes=5)
MAX_SYNC_BYTES = 64 * 1024
STATIC = APP_ASSETS / "kiosk"

# How long the kiosk waits, in seconds: quiet before the warning, the warning itself (at
# least 20 seconds), and the thank-you screen. Overridable in configuration.
DEFAULT_TIMINGS = {"KIOSK_IDLE_SECONDS": 90, "KIOSK_WARNING_SECONDS": 30, "KIOSK_THANKS_SECONDS": 15}
MIN_WARNING_SECONDS = 20


limit_public_posts(bp)
limit_body("kiosk.sync", MAX_SYNC_BYTES)


def timing(name: str) -> int:
    value = int(current_app.config.get(name, DEFAULT_TIMINGS[name]))
    return max(value, MIN_WARNING_SECONDS) if name == "KIOSK_WARNING_SECONDS" else value


# --- the device ---------------------------------------------------------------------------


def current_device() -> Device | None:
    if "kiosk_device" not in g:
        g.kiosk_device = kiosk.authenticate(db_session(), request.cookies.get(COOKIE))
    return g.kiosk_device


def device_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        device = current_device()
        if device is None:
            return not_enrolled()
        return view(device, *args, **kwargs)

    return wrapped


def not_enrolled():
    return render_template("kiosk/not_enrolled.html"), 403


def in_language(language: str, render):
    with force_locale(LANGUAGES[language]):
        return render()


def both(text) -> dict[str, str]:
    """Translate one message into both languages."""
    return {lang: in_language(lang, lambda: str(text)) for lang in ("en", "cy")}


# --- enrolment, on the tablet ----------------------------------------------------------------


@bp.route("/enrol/<token>", methods=["GET"])
def enrol_start(token: str):
    device = kiosk.find_enrolment(db_session(), token)
    if device is None:
        return render_template("kiosk/enrolment_unusable.html"), 404
    return render_template(
        "kiosk/enrol.html",
        device=device,
        definition=kiosk.definition_of(device),
        form=EmptyForm(),
    )


@bp.route("/enrol/<token>", methods=["POST"])
def enrol_bind(token: str):
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    dbs = db_session()
    bound = kiosk.bind(dbs, token)
    if bound is None:
        dbs.rollback()
        return render_template("kiosk/enrolment_unusable.html"), 404
    device, credential = bound
    dbs.commit()
    session.clear()  # the tablet starts with nothing: no staff session, no language choice
    response = redirect(url_for("kiosk.shell"))
    response.set_cookie(
        COOKIE,
        credential,
        max_age=COOKIE_MAX_AGE,
        path=COOKIE_PATH,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Strict",
    )
    return response


# --- the kiosk shell ------------------------------------------------------------------------


def field_for(question, language: str) -> SimpleNamespace:
    """What the GOV.UK parameter builders read from a form field, without a form or a session."""
    return SimpleNamespace(id=f"{language}-{question.code}", name="answer", data=None, errors=[])


def seconds_wording(translations, n):
    return translations.ungettext("%(num)d second", "%(num)d seconds", n)


def strings(definition, language: str) -> dict:
    """The kiosk script's wording in one language, for the JSON data block."""

    def build():
        return {
            "errorTitle": _("There is a problem"),
            "notAnswered": _("Not answered"),
            "answered": _("Answered"),
            "skipped": _("Skipped"),
            "change": _("Change"),
            "error": _("Error"),
            "aboutYouError": _("Select yes if you would like to answer questions about yourself"),
            "selectAnswer": _("Select an answer"),
            "seconds": plural_messages(seconds_wording),
            "waiting": plural_messages(
                lambda t, n: t.ungettext(
                    "%(num)d answer waiting to be sent", "%(num)d answers waiting to be sent", n
                )
            ),
            "allSent": _("All answers sent"),
            "sending": _("Sending answers…"),
            "notSent": _("Some answers could not be sent. They are kept on this tablet and will be sent later."),
            "leaveBlocked": _("Answers are still waiting to be sent. Connect the tablet to the internet, then try again."),
            "title": str(definition.title),
            "serviceTitle": _("HM Inspectorate of Probation"),
        }

    return in_language(language, build)


def step_data(definition) -> list[dict]:
    about = {q.code for q in definition.about_you}
    return [
        {
            "code": q.code,
            "kind": q.kind,
            "required": not q.optional,
            "aboutYou": q.code in about,
            "askedIf": (
                {"question": q.asked_if.question, "answers": sorted(q.asked_if.answers)}
                if q.asked_if
                else None
            ),
        }
        for q in definition.all_questions
    ]


def option_labels(definition, language: str) -> dict:
    def build():
        return {
            q.code: {o.code: str(o.label) for o in q.scale.options}
            for q in definition.all_questions
            if q.kind != FREE_TEXT
        }

    return in_language(language, build)


def shell_data(device: Device, definition) -> dict:
    return {
        "questionnaire": definition.code,
        "version": definition.version,
        "firstLanguage": "cy" if device.welsh_first else "en",
        "hasAboutYou": bool(definition.about_you),
        "steps": step_data(definition),
        "labels": {lang: option_labels(definition, lang) for lang in ("en", "cy")},
        "strings": {lang: strings(definition, lang) for lang in ("en", "cy")},
        "idleSeconds": timing("KIOSK_IDLE_SECONDS"),
        "warningSeconds": timing("KIOSK_WARNING_SECONDS"),
        "thanksSeconds": timing("KIOSK_THANKS_SECONDS"),
        "syncUrl": url_for("kiosk.sync"),
        "shellUrl": url_for("kiosk.shell"),
        "serviceWorkerUrl": url_for("kiosk.service_worker"),
    }


def render_screens(definition, device: Device, language: str) -> Markup:
    def build():
        return render_template(
            "kiosk/_screens.html",
            definition=definition,
            device=device,
            lang=language,
            field_for=field_for,
            seconds=timing("KIOSK_THANKS_SECONDS"),
            warning_seconds=timing("KIOSK_WARNING_SECONDS"),
        )

    return Markup(in_language(language, build))


@bp.route("/")
@device_required
def shell(device: Device):
    definition = kiosk.definition_of(device)
    first = "cy" if device.welsh_first else "en"
    order = [first, "en" if first == "cy" else "cy"]
    page = render_template(
        "kiosk/shell.html",
        device=device,
        definition=definition,
        order=order,
        page_lang=first,
        title_suffix=both(_l("HM Inspectorate of Probation"))[first],  # the tablet's, not the browser's
        titles=both(definition.title),
        intros=both(_l("Choose your language")),
        staff_labels=both(_l("Staff")),
        both_noscript=both(_l("This tablet needs JavaScript. Ask a member of staff.")),
        screens=[render_screens(definition, device, lang) for lang in order],
        data=shell_data(device, definition),
    )
    db_session().commit()  # when the device was last seen
    return page


NOT_ENROLLED = {"error": "this tablet is not enrolled as a kiosk"}, 401


@bp.route("/api/responses", methods=["POST"])
@csrf.exempt  # no session, no form: the device's SameSite=Strict cookie, JSON and a custom header
def sync():
    # A cross-site form cannot send JSON or a custom header without a CORS preflight, which
    # this service never grants.
    if request.headers.get("X-Kiosk-Sync") != "1" or not request.is_json:
        return {"error": "send JSON with the X-Kiosk-Sync header"}, 400
    tablet = kiosk.sending_tablet(db_session(), request.cookies.get(COOKIE))
    if tablet is None:
        return NOT_ENROLLED
    try:
        payload = request.get_json()  # too large: 413 (RequestEntityTooLarge) from here
    except BadRequest:
        return {"error": "the body is not well-formed JSON"}, 400
    key = payload.get("key") if isinstance(payload, dict) else None
    key = key if isinstance(key, str) and kiosk.IDEMPOTENCY_KEY.match(key) else None
    try:
        stored = kiosk.store_queued(db_session(), tablet, payload)
    except kiosk.RejectedResponse as rejected:
        current_app.logger.warning("kiosk %s: response rejected: %s", tablet.id, rejected.reason)
        return {"error": rejected.reason, "field": rejected.field, "key": key}, 422
    except responses.DeviceRevoked:  # revoked since this process last read the tablet
        return NOT_ENROLLED
    # Only the key goes back: a kiosk endpoint never shows anyone's answers.
    return {"stored": True, "key": key}, 201 if stored.new else 200


@bp.route("/offline")
def offline():
    """Shown by the service worker for a kiosk page that needs the network when there is none."""
    texts = both(_l("This needs the internet. Answers already given are kept on this tablet and will be sent later."))
    backs = both(_l("Back to the start"))
    # The tablet caches this page when it is set up, with its cookie: a Welsh-first tablet
    # shows Welsh first here too; without one, the page's language comes first.
    device = current_device()
    if device is not None:
        first = "cy" if device.welsh_first else "en"
        db_session().commit()  # when the device was last seen
    else:
        first = current_language()
    order = [first, "en" if first == "cy" else "cy"]
    return render_template(
        "kiosk/offline.html",
        titles=both(_l("No internet connection")),
        messages={lang: {"text": texts[lang], "back": backs[lang]} for lang in ("en", "cy")},
        order=order,
        page_lang=first,
        services=both(_l("HM Inspectorate of Probation")),
        title_suffix=both(_l("HM Inspectorate of Probation"))[first],
    )


# The kiosk's script: kiosk.js and every module it imports, each needed to start offline.
KIOSK_MODULES = [
    "kiosk.js", "shell.js", "journey.js", "screens.js", "error_summary.js", "idle.js", "sync.js",
    "queue.js", "staff_exit.js", "text.js",
]


def precache_urls() -> list[str]:
    # No fonts: the stylesheets use the tablet's own (see static/sass/frontend.scss).
    return [
        url_for("kiosk.shell"),
        url_for("kiosk.offline"),
        url_for("kiosk.manifest"),
        "/assets/frontend.min.css",
        "/assets/govuk-frontend.min.js",
        "/assets/app.css",
        "/assets/kiosk/kiosk.css",
        *(f"/assets/kiosk/{name}" for name in KIOSK_MODULES),
        "/assets/kiosk/icon.svg",
        "/assets/kiosk/icon-192.png",
        "/assets/kiosk/icon-512.png",
    ]


def cached_files() -> list[Path]:
    """The files behind the precached assets (the pages are fetched afresh whenever online)."""
    files = [path for path in sorted(STATIC.rglob("*")) if path.is_file()]
    files += [APP_ASSETS / "app.css", BUILT_ASSETS / "frontend.min.css"]
    for directory in current_app.config["ASSETS_DIRECTORIES"]:
        files.append(Path(directory) / "govuk-frontend.min.js")
    return [path for path in files if path.is_file()]


@lru_cache(maxsize=8)
def _fingerprint(files: tuple[tuple[str, int, int], ...]) -> str:
    digest = hashlib.sha256()
    for name, _size, _mtime in files:
        digest.update(Path(name).read_bytes())
    return digest.hexdigest()[:16]


def assets_version() -> str:
    """A fingerprint of the cached assets' contents: a new one makes tablets fetch them again.

    Read again only when a file's size or time changes; the same on every server.
    """
    files = []
    for path in cached_files():
        stat = path.stat()
        files.append((str(path), stat.st_size, stat.st_mtime_ns))
    return _fingerprint(tuple(files))


@bp.route("/sw.js")
def service_worker():
    # Served from /kiosk/ so that its scope covers the kiosk's pages and nothing else.
    source = (STATIC / "sw.js").read_text(encoding="utf-8")
    source = source.replace('"__VERSION__"', json.dumps(assets_version()))
    source = source.replace('["__PRECACHE__"]', json.dumps(precache_urls()))
    response = FlaskResponse(source, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/manifest.webmanifest")
def manifest():
    names = both(_l("Feedback"))
    manifest = {
        "name": names["en"] if names["en"] == names["cy"] else f"{names['en']} – {names['cy']}",
        "short_name": names["en"] if names["en"] == names["cy"] else f"{names['en']} / {names['cy']}",
        "start_url": url_for("kiosk.shell"),
        "scope": url_for("kiosk.shell"),
        "id": url_for("kiosk.shell"),
        "display": "fullscreen",
        "orientation": "any",
        "background_color": "#ffffff",
        "theme_color": "#0b0c0c",
        "icons": [
            {"src": "/assets/kiosk/icon-192.png", "sizes": "192x192", "type": "image/png"},
            {"src": "/assets/kiosk/icon-512.png", "sizes": "512x512", "type": "image/png"},
            {"src": "/assets/kiosk/icon.svg", "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    response = make_response(json.dumps(manifest, ensure_ascii=False))
    response.mimetype = "application/manifest+json"
    response.headers["Cache-Control"] = "no-cache"
    return response


# --- leaving kiosk mode: the staff PIN ------------------------------------------------------


class PinForm(FlaskForm):
    pin = PasswordField(
        _l("Staff PIN"),
        validators=[InputRequired(message=_l("Enter the staff PIN")), Length(max=20)],
    )


def unlocked(device: Device) -> bool:
    marker = session.get(UNLOCKED_KEY) or {}
    return marker.get("device") == device.id and marker.get("until", 0) > utcnow().timestamp()


@bp.route("/staff", methods=["GET", "POST"])
@device_required
def staff_pin(device: Device):
    form = PinForm()
    if form.validate_on_submit():
        dbs = db_session()
        correct, locked = kiosk.check_pin(dbs, device, form.pin.data,
                                          method=current_app.config["PASSWORD_HASH_METHOD"])
        dbs.commit()
        if correct:
            session[UNLOCKED_KEY] = {
                "device": device.id,
                "until": (utcnow() + UNLOCKED_FOR).timestamp(),
            }
            return redirect(url_for("kiosk.staff_panel"))
        if locked:
            form.pin.errors.append(_("Too many wrong PINs. Wait 15 minutes, then try again."))
        else:
            form.pin.errors.append(_("The PIN is not right. Try again."))
    return render_template("kiosk/staff_pin.html", form=form, device=device)


@bp.route("/staff/panel")
@device_required
def staff_panel(device: Device):
    if not unlocked(device):
        return redirect(url_for("kiosk.staff_pin"))
    return render_template(
        "kiosk/staff_panel.html",
        device=device,
        definition=kiosk.definition_of(device),
        form=EmptyForm(),
        data={
            "strings": {lang: strings(kiosk.definition_of(device), lang) for lang in ("en", "cy")},
            "syncUrl": url_for("kiosk.sync"),
            "shellUrl": url_for("kiosk.shell"),
            "idleSeconds": 120,
        },
    )


def forget_staff() -> None:
    """End the staff visit: nothing kept but the language the pages were read in."""
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language


@bp.route("/staff/back", methods=["POST"])
def staff_back():
    """Lock the staff screens again and go back to the kiosk."""
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    forget_staff()
    return redirect(url_for("kiosk.shell"))


@bp.route("/staff/leave", methods=["POST"])
@device_required
def staff_leave(device: Device):
    form = EmptyForm()
    if not form.validate_on_submit() or not unlocked(device):
        return redirect(url_for("kiosk.staff_pin"))
    kiosk.revoke(db_session(), device)
    db_session().commit()
    forget_staff()
    response = make_response(render_template("kiosk/left.html"))
    response.delete_cookie(COOKIE, path=COOKIE_PATH)
    # The browser's HTTP cache goes too; the script on the page removes the service worker.
    response.headers["Clear-Site-Data"] = '"cache"'
    return response


# --- staff pages: enrol, list, revoke --------------------------------------------------------


class EnrolForm(FlaskForm):
    questionnaire = RadioField(
        _l("Which questionnaire will the tablet ask?"),
        validators=[InputRequired(message=_l("Select the questionnaire the tablet will ask"))],
        validate_choice=False,
    )
    site = StringField(
        _l("Where will the tablet be?"),
        validators=[
            InputRequired(message=_l("Enter where the tablet will be")),
            Length(max=kiosk.MAX_SITE_LENGTH, message=_l("The place must be 200 characters or fewer")),
        ],
    )
    inspection = StringField(_l("Inspection (optional)"))
    welsh_first = BooleanField(_l("Show Cymraeg first on the start screen"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.questionnaire.choices = [
            SelectChoice(q.code, q.short_title) for q in kiosk.kiosk_questionnaires()
        ]


def inspection_choices() -> list[Inspection]:
    return list(
        db_session().execute(
            select(Inspection).order_by(Inspection.fieldwork_start.desc(), Inspection.code)
        ).scalars()
    )


def enrolment_qr(link: str) -> str:
    return kiosk.qr_code(link).svg_data_uri(scale=6, border=4)


@staff_bp.route("/")
@staff_required(RUN_OPERATIONS)
def index():
    now = utcnow()
    return render_template(
        "kiosk/staff_list.html",
        devices=[(d, n, kiosk.state(d, now)) for d, n in kiosk.list_devices(db_session())],
        short_titles={q.code: str(q.short_title) for q in questionnaires.ALL},
    )


@staff_bp.route("/new", methods=["GET", "POST"])
@staff_required(RUN_OPERATIONS)
def new():
    # The collection pages link here with their inspection chosen already.
    form = EnrolForm(data={"inspection": request.args.get("inspection", "")}) if request.method == "GET" else EnrolForm()
    inspections = inspection_choices()
    if submitted(form):
        dbs = db_session()
        inspection = None
        if form.inspection.data:
            inspection = next((i for i in inspections if str(i.id) == form.inspection.data), None)
            if inspection is None:
                form.inspection.errors.append(_("Select an inspection from the list"))
        if form.questionnaire.data not in {q.code for q in kiosk.kiosk_questionnaires()}:
            form.questionnaire.errors.append(_("Select the questionnaire the tablet will ask"))
        if not form.errors:
            try:
                enrolment = kiosk.enrol(
                    dbs, form.questionnaire.data, form.site.data, inspection=inspection,
                    created_by=current_staff(), welsh_first=True if form.welsh_first.data else None,
                    method=current_app.config["PASSWORD_HASH_METHOD"],
                )
            except kiosk.KioskError:
                form.inspection.errors.append(_("This questionnaire is not asked in that inspection"))
            else:
                dbs.commit()
                # Shown once, in the answer to this form, to whoever enrolled: kept nowhere, not
                # even in the session cookie (signed, but readable by anyone holding it).
                return show_enrolment(enrolment.device, enrolment.token, enrolment.pin)
    items = [
        {"value": q.code, "text": str(q.short_title), "checked": form.questionnaire.data == q.code}
        for q in kiosk.kiosk_questionnaires()
    ]
    return render_template("kiosk/staff_new.html", form=form, inspections=inspections,
                           questionnaire_items=items)


def show_enrolment(device: Device, token: str, pin: str):
    link = current_app.config["PUBLIC_BASE_URL"] + kiosk.enrolment_path(token)
    return render_template(
        "kiosk/staff_enrolment.html",
        device=device,
        definition=kiosk.definition_of(device),
        link=link,
        qr=enrolment_qr(link),
        pin=pin,
        expires=format_day(device.enrolment_expires_at),
    )


@staff_bp.route("/<int:device_id>/enrolment")
@staff_required(RUN_OPERATIONS)
def enrolment(device_id: int):
    """The link and PIN were shown once, when the tablet was set up; to start again, remove it."""
    if db_session().get(Device, device_id) is None:
        abort(404)
    return redirect(url_for("staff_kiosks.index"))


@staff_bp.route("/<int:device_id>/revoke", methods=["GET", "POST"])
@staff_required(RUN_OPERATIONS)
def revoke(device_id: int):
    dbs = db_session()
    device = dbs.get(Device, device_id)
    if device is None:
        abort(404)
    form = EmptyForm()
    if request.method == "POST" and form.validate_on_submit():
        kiosk.revoke(dbs, device)
        dbs.commit()
        return redirect(url_for("staff_kiosks.index", revoked=device.id))
    return render_template("kiosk/staff_revoke.html", device=device,
                           definition=kiosk.definition_of(device), form=form)
