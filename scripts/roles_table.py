"""Write docs/roles.md's two tables from feedback.roles (ROUTES, COMMANDS) and the URL map."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from feedback import create_app
from feedback.config import Config
from feedback.roles import COMMANDS, ROLES, ROUTES, Open, allows

DOC = Path(__file__).resolve().parents[1] / "docs" / "roles.md"


def route_rows(app) -> list[str]:
    rules = {}
    for rule in app.url_map.iter_rules():
        methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
        rules.setdefault(rule.endpoint, []).append(f"{'/'.join(methods)} `{rule.rule}`")
    rows = []
    for endpoint, access in ROUTES.items():
        where = "; ".join(rules.get(endpoint, []))
        if isinstance(access, Open):
            cells = ["anyone"] * len(ROLES) + [f"no sign-in: {access}"]
        else:
            cells = ["yes" if allows(role, access) else "no" for role in ROLES] + [f"`{access}`"]
        rows.append(f"| `{endpoint}` | {where} | " + " | ".join(cells) + " |")
    return rows


def command_rows() -> list[str]:
    return [f"| `feedback {command}` | {who} |" for command, who in sorted(COMMANDS.items())]


def replace_table(text: str, header: str, rows: list[str]) -> str:
    pattern = re.compile(r"(^" + re.escape(header) + r"\n\|[-|]+\|\n)((?:\|.*\|\n)*)", re.M)
    return pattern.sub(lambda m: m.group(1) + "\n".join(rows) + "\n", text, count=1)


def main() -> int:
    app = create_app(Config(SECRET_KEY="roles-table", DATABASE_URL="sqlite://", TESTING=True))
    text = DOC.read_text(encoding="utf-8")
    text = replace_table(text, "| Endpoint | Method and path | Administrator | Inspection support | Analyst | Needs |",
                         route_rows(app))
    text = replace_table(text, "| Command | Who runs it |", command_rows())
    DOC.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
