"""The WSGI entry point for gunicorn: `gunicorn wsgi:app`."""

from feedback import create_app

app = create_app()
