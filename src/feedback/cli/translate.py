"""`feedback translate ...`: extract, update and compile the Welsh catalogue with pybabel."""

from __future__ import annotations

import subprocess
import sys

from flask.cli import AppGroup

from ..config import PROJECT_ROOT

translate_group = AppGroup("translate", help="Extract, update and compile translations.")


def run_pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=PROJECT_ROOT)


@translate_group.command("extract")
def translate_extract() -> None:
    """Extract every message into translations/messages.pot."""
    run_pybabel(
        "extract", "-F", "babel.cfg", "-k", "_l", "-k", "_lp:1c,2", "--no-location",
        "--sort-output", "-o", "translations/messages.pot", "src", "templates",
    )


@translate_group.command("update")
def translate_update() -> None:
    """Merge new messages into the Welsh catalogue."""
    translate_extract.callback()
    run_pybabel("update", "-i", "translations/messages.pot", "-d", "translations", "--no-fuzzy-matching", "--ignore-obsolete")


@translate_group.command("compile")
def translate_compile() -> None:
    """Compile the catalogues the service reads."""
    run_pybabel("compile", "-d", "translations", "--statistics")
