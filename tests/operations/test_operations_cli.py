"""The commands do what the pages do: the same domain functions, recorded the same way."""

from __future__ import annotations

from sqlalchemy import select

from feedback.models import (
    AuditEvent,
    Inspection,
    Organisation,
    StaffInvitation,
    StaffUser,
)

from .conftest import add_user
from .test_programme_import import PROGRAMME


def invoke(runner, *args, input=None):
    return runner.invoke(args=list(args), input=input)


def test_organisations_add_list_edit_retire(runner, db, demo_data):
    result = invoke(runner, "organisations", "add", "--name", "Wrexham YOT", "--kind", "yot", "--region", "wales")
    assert result.exit_code == 0 and "Added wrexham-yot." in result.output
    bad = invoke(runner, "organisations", "add", "--name", "X", "--kind", "bank", "--region", "wales")
    assert bad.exit_code == 2 and "kind: Select the kind of organisation" in bad.output
    assert "wrexham-yot\tWrexham YOT\tyot\twales\tboth" in invoke(runner, "organisations", "list", "--search", "wrex").output
    result = invoke(runner, "organisations", "edit", "wrexham-yot", "--name-cy", "Tîm Troseddau Ieuenctid Wrecsam")
    assert "Changed name_cy of wrexham-yot." in result.output
    assert "Retired wrexham-yot." in invoke(runner, "organisations", "retire", "wrexham-yot").output
    assert "wrexham-yot" not in invoke(runner, "organisations", "list").output
    assert "retired" in invoke(runner, "organisations", "list", "--retired", "--search", "wrex").output
    organisation = db.scalars(select(Organisation).where(Organisation.code == "wrexham-yot")).one()
    assert organisation.name_cy == "Tîm Troseddau Ieuenctid Wrecsam" and organisation.retired_at is not None
    actions = db.scalars(select(AuditEvent.action).where(AuditEvent.actor == "command line").order_by(AuditEvent.id)).all()
    assert actions == ["organisation.add", "organisation.edit", "organisation.retire"]


def test_inspections_add_list_edit(runner, db, demo_data):
    bad = invoke(runner, "inspections", "add", "--programme", "SQS", "--organisation", "yot-cardiff",
                 "--start", "2026-05-13", "--end", "2026-05-11")
    assert bad.exit_code == 2 and "fieldwork_end: The date fieldwork ends must be" in bad.output
    result = invoke(runner, "inspections", "add", "--programme", "SQS", "--organisation", "yot-cardiff",
                    "--start", "2026-05-11", "--end", "2026-05-13")
    assert "Added sqs-yot-cardiff-2026-05-11." in result.output
    result = invoke(runner, "inspections", "edit", "sqs-yot-cardiff-2026-05-11", "--published", "2026-08-03", "--closed")
    assert "Changed published_on, closed of sqs-yot-cardiff-2026-05-11." in result.output
    listed = invoke(runner, "inspections", "list", "--programme", "sqs", "--status", "closed").output
    assert listed.splitlines() == ["sqs-yot-cardiff-2026-05-11\tSQS\t2026-05-11\t2026-05-13\t2026-08-03\tclosed\tCardiff YOT"]


def test_programme_import_dry_run_then_import_then_again(runner, db, demo_data, tmp_path):
    path = tmp_path / "programme.csv"
    path.write_bytes(PROGRAMME)
    before = len(db.scalars(select(Inspection.id)).all())
    dry = invoke(runner, "programme", "import", str(path), "--dry-run")
    assert dry.exit_code == 0 and "Would import: organisations new 1" in dry.output
    assert len(db.scalars(select(Inspection.id)).all()) == before
    done = invoke(runner, "programme", "import", str(path))
    assert "Imported: organisations new 1" in done.output and "inspections new 3" in done.output
    again = invoke(runner, "programme", "import", str(path))
    assert "inspections new 0" in again.output and "inspections unchanged 3" in again.output
    assert len(db.scalars(select(Inspection.id)).all()) == before + 3
    path.write_bytes(PROGRAMME + b"\n,SQS,yot-nowhere,,,,,,2026-05-11,2026-05-13,,,")
    bad = invoke(runner, "programme", "import", str(path))
    assert bad.exit_code == 1 and "row 5, organisation_code: There is no organisation" in bad.output


def test_programme_template_writes_both_formats(runner, tmp_path):
    assert invoke(runner, "programme", "template").output.lstrip("\ufeff").startswith("inspection_code,programme,")
    result = invoke(runner, "programme", "template", "--format", "ods", "--output", str(tmp_path / "t.ods"))
    assert result.exit_code == 0 and (tmp_path / "t.ods").read_bytes()[:2] == b"PK"


def test_users_invite_role_deactivate_and_the_audit_command(runner, db):
    add_user(runner, "boss@justice.gov.uk", "admin")
    result = invoke(runner, "users", "invite", "new@justice.gov.uk", "--role", "analyst")
    assert result.exit_code == 0 and "http://localhost/staff/set-password/" in result.output
    assert db.scalars(select(StaffInvitation.email)).all() == ["new@justice.gov.uk"]
    add_user(runner, "analyst@justice.gov.uk", "analyst")
    assert "is now support" in invoke(runner, "users", "role", "analyst@justice.gov.uk", "support").output
    last = invoke(runner, "users", "role", "boss@justice.gov.uk", "analyst")
    assert last.exit_code == 2 and "at least one administrator" in last.output
    assert "is now deactivated" in invoke(runner, "users", "deactivate", "analyst@justice.gov.uk").output
    assert db.scalars(select(StaffUser).where(StaffUser.email == "analyst@justice.gov.uk")).one().disabled_at
    listed = invoke(runner, "audit", "--action", "staff.role")
    assert listed.exit_code == 0, repr(listed.exception)
    listed = listed.output
    assert "command line\tstaff.role" in listed
    as_csv = invoke(runner, "audit", "--csv").output.lstrip("\ufeff").splitlines()
    assert as_csv[0].startswith("When (UTC),Who,Action") and len(as_csv) == 4
