"""The baseline for bench/submissions.py: a minimal Flask + SQLAlchemy app, one row per POST.

Served by the same gunicorn settings as the service (`gunicorn -c gunicorn.conf.py
--pythonpath bench baseline_app:app`), on the same database engine settings
(feedback.db.make_engine: WAL and BEGIN IMMEDIATE on SQLite, a pool on PostgreSQL). It does
what any submission endpoint must: read a JSON body, insert one row under a unique key,
commit, answer 201. No validation, no sessions, no rate limit.

    python -c 'import sys; sys.path.insert(0, "bench"); import baseline_app; baseline_app.create_table("sqlite:////tmp/baseline.sqlite3")'
    DATABASE_URL=sqlite:////tmp/baseline.sqlite3 gunicorn -c gunicorn.conf.py --pythonpath bench baseline_app:app
"""

from __future__ import annotations

import os
from datetime import datetime, timezone

from flask import Flask, request
from sqlalchemy import JSON, DateTime, Integer, String, insert, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from feedback.db import make_engine


class Base(DeclarativeBase):
    pass


class Submission(Base):
    __tablename__ = "baseline_submissions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    payload: Mapped[dict] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


def create_table(url: str) -> None:
    """Create the table once, before the server starts: four workers creating it at once race
    on PostgreSQL, and the loser stops the server."""
    engine = make_engine(url)
    Base.metadata.create_all(engine, checkfirst=True)
    engine.dispose()


def create_app(url: str | None = None) -> Flask:
    app = Flask(__name__)
    engine = make_engine(url or os.environ["DATABASE_URL"])

    @app.get("/healthz")
    def healthz():
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return {"ok": True}

    @app.post("/submit")
    def submit():
        payload = request.get_json(force=True)
        with engine.begin() as connection:
            connection.execute(insert(Submission.__table__).values(
                key=payload["key"], payload=payload, received_at=datetime.now(timezone.utc)))
        return {"stored": True, "key": payload["key"]}, 201

    return app


app = create_app() if os.environ.get("DATABASE_URL") else None
