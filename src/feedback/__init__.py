"""The feedback service: what people think of HM Inspectorate of Probation's inspections."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from jinja2 import BytecodeCache, ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from jinja2.bccache import Bucket

from .config import DEFAULT_INSTANCE_PATH, Config
from .db import Database, close_request_session
from .extensions import babel, csrf


class UnsafeConfiguration(RuntimeError):
    """The service will not start in production with this configuration."""

    def __init__(self, problems: list[str]):
        super().__init__("refusing to start in production: " + "; ".join(problems))
        self.problems = problems


class CompiledTemplates(BytecodeCache):
    """Keep compiled templates in memory, for every application made in this process.

    A new application compiles each template again; the tests make hundreds of applications.
    Jinja checks each template's source against the compiled code's checksum before using it.
    """

    def __init__(self) -> None:
        self._compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        compiled = self._compiled.get(bucket.key)
        if compiled is not None:
            bucket.bytecode_from_string(compiled)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._compiled[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = CompiledTemplates()


def create_app(config: Config | dict[str, Any] | None = None) -> Flask:
    """Build the application; tests pass a Config (or a mapping of overrides)."""
    if config is None or isinstance(config, dict):
        overrides = config or {}
        config = Config.from_env()
        for key, value in overrides.items():
            if hasattr(config, key):
                setattr(config, key, value)
            else:
                config.extra[key] = value

    if config.ENVIRONMENT == "production" and config.problems():
        raise UnsafeConfiguration(config.problems())

    app = Flask(
        __name__,
        instance_path=str(DEFAULT_INSTANCE_PATH),
        template_folder=config.TEMPLATE_FOLDER,
        static_folder=None,
    )
    app.config.from_mapping(config.as_flask_mapping())
    if config.PROXY_COUNT:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=config.PROXY_COUNT, x_proto=config.PROXY_COUNT)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(config.TEMPLATE_FOLDER),
            PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.bytecode_cache = COMPILED_TEMPLATES

    app.extensions["database"] = Database(config.DATABASE_URL)

    from .i18n import select_locale

    babel.init_app(app, locale_selector=select_locale)
    # Pages, CSS, scripts and JSON go out compressed (Brotli, else gzip) to clients that accept
    # it. Files under /assets and streamed CSV are compressed chunk by chunk as they are sent, so
    # they stay streamed in constant memory; assets still answer If-None-Match with 304.
    from flask_compress import Compress

    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_ALGORITHM_STREAMING", ["br", "deflate"])
    app.config.setdefault("COMPRESS_BR_LEVEL", 5)
    app.config.setdefault("COMPRESS_STREAMING_ENDPOINT_CONDITIONAL", ["assets.asset"])
    Compress(app)
    csrf.init_app(app)

    from . import web
    from .log import configure_logging

    configure_logging(app)
    web.init_app(app)

    from .cli import register_commands

    register_commands(app)

    # Closed after each request, even when a test keeps an application context open around many.
    app.teardown_request(close_request_session)
    app.teardown_appcontext(close_request_session)

    return app
