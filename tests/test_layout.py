"""The package's layout, read from its source with `ast`: commands in feedback/cli/, and the
web views and the store never importing a command module (or, for the store, the Slack bot)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "feedback"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def source_files() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts)


def imported_modules(path: Path) -> set[str]:
    """Every module `path` imports, at any depth, relative imports resolved to absolute names."""
    return imports_of(path.read_text(encoding="utf-8"), module_name(path), path.name == "__init__.py")


def imports_of(source: str, module: str, is_package: bool) -> set[str]:
    package = module.split(".") if is_package else module.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            imported = ".".join(base + ([node.module] if node.module else []))
            found.add(imported)
            # `from . import cli` imports the module feedback.cli.
            found.update(f"{imported}.{alias.name}" for alias in node.names)
    return found


def within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def defines_a_command(path: Path) -> bool:
    """True if the module imports click and builds a command or group with it."""
    if not any(within(m, "click") or within(m, "flask.cli") for m in imported_modules(path)):
        return False
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            function = node.func
            name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")
            if name in {"command", "group", "AppGroup", "FlaskGroup"}:
                return True
    return False


def test_no_command_module_at_the_package_root():
    strays = sorted(p.name for p in PACKAGE.glob("*.py") if p.stem.endswith("_cli") or p.stem.startswith("cli_"))
    assert not strays, f"command modules belong in src/feedback/cli/: {strays}"
    assert (PACKAGE / "cli" / "__init__.py").is_file() and (PACKAGE / "cli" / "__main__.py").is_file()


def test_every_click_command_lives_in_the_cli_package():
    outside = sorted(str(p.relative_to(PACKAGE)) for p in source_files()
                     if defines_a_command(p) and "cli" != p.relative_to(PACKAGE).parts[0])
    assert not outside, f"these modules define click commands outside feedback/cli/: {outside}"


def test_no_web_view_imports_a_command_module():
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(m for m in imported_modules(path)
                                               if within(m, "feedback.cli") or m.endswith("_cli")
                                               or m.endswith(".cli"))
        for path in (PACKAGE / "web").rglob("*.py")
    }
    offenders = {name: modules for name, modules in offenders.items() if modules}
    assert not offenders, f"web views call domain modules, never a command module: {offenders}"


def test_the_store_imports_no_command_module():
    imported = imported_modules(PACKAGE / "responses.py")
    assert not [m for m in imported if within(m, "feedback.cli") or m.endswith("_cli") or m.endswith(".cli")]


def test_the_store_imports_nothing_of_slack():
    imported = imported_modules(PACKAGE / "responses.py")
    assert not [m for m in imported if within(m, "feedback.slack")]


def test_no_domain_module_imports_a_command_module():
    """Only the factory's wiring and the cli package itself reach into feedback.cli."""
    allowed = {PACKAGE / "__init__.py"}
    offenders = sorted(
        str(path.relative_to(PACKAGE)) for path in source_files()
        if path not in allowed and path.relative_to(PACKAGE).parts[0] != "cli"
        and any(within(m, "feedback.cli") for m in imported_modules(path))
    )
    assert not offenders, f"domain modules must not import feedback.cli: {offenders}"


def test_the_import_reader_resolves_relative_imports():
    """The checks above rest on it: `from ..cli.kiosk import x` in web/kiosk.py is feedback.cli."""
    assert module_name(PACKAGE / "web" / "kiosk.py") == "feedback.web.kiosk"
    assert module_name(PACKAGE / "web" / "__init__.py") == "feedback.web"
    inside = "def f():\n    from ..cli.kiosk import qr_code\n"
    assert "feedback.cli.kiosk" in imports_of(inside, "feedback.web.kiosk", is_package=False)
    assert "feedback.cli" in imports_of("from .. import cli\n", "feedback.web.kiosk", is_package=False)
    assert "feedback.cli" in imports_of("from ..cli import main\n", "feedback.web", is_package=True)
    assert "feedback.slack.alerts" in imports_of("from .slack import alerts\n", "feedback.responses", False)


def test_no_module_reaches_into_the_package_hub():
    """feedback/__init__.py builds the application; modules find the database in feedback.db,
    not through the hub (`from . import get_db` made every module depend on the factory)."""
    hub_names = {"feedback.get_db", "feedback.db_session"}
    offenders = sorted(str(path.relative_to(PACKAGE)) for path in source_files()
                       if hub_names & imported_modules(path))
    assert not offenders, f"import get_db and db_session from feedback.db: {offenders}"
