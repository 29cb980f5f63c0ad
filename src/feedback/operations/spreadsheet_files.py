"""Read the rows of an uploaded CSV or ODS file, refusing what is not one, safely.

ODS is a zip of XML: its content is read with defusedxml (no entities, no external
references) and only up to a size, so a crafted file cannot exhaust memory.
"""

from __future__ import annotations

import csv
import io
import zipfile

from defusedxml import ElementTree
from flask_babel import lazy_gettext as _l

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_CONTENT_BYTES = 50 * 1024 * 1024
MAX_ROWS = 5000
MAX_COLUMNS = 40
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"


class FileProblem(ValueError):
    """The file as a whole cannot be read; the message says why, in the reader's language."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def file_kind(filename: str, content: bytes) -> str:
    """Say "csv" or "ods" from the name and the content, or raise FileProblem."""
    name = (filename or "").lower()
    if name.endswith(".ods") and content.startswith(b"PK"):
        return "ods"
    if name.endswith(".csv") and not content.startswith(b"PK") and b"\x00" not in content[:4096]:
        return "csv"
    raise FileProblem(_l("The selected file must be a CSV or an ODS spreadsheet"))


def read_rows(filename: str, content: bytes) -> list[list[str]]:
    """Return the file's rows (the first sheet of an ODS) as lists of text, blank rows kept."""
    if not content:
        raise FileProblem(_l("The selected file is empty"))
    if len(content) > MAX_FILE_BYTES:
        raise FileProblem(_l("The selected file must be smaller than 5 MB"))
    rows = _ods_rows(content) if file_kind(filename, content) == "ods" else _csv_rows(content)
    if len(rows) > MAX_ROWS + 1:
        raise FileProblem(_l("The file has more than 5,000 rows: split it into smaller files"))
    return rows


def _csv_rows(content: bytes) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV" in the Windows code page unless asked for UTF-8.
        text = content.decode("cp1252", errors="replace")
    try:
        return [[cell.strip() for cell in row][:MAX_COLUMNS] for row in csv.reader(io.StringIO(text))]
    except csv.Error:
        raise FileProblem(_l("The selected file could not be read as a CSV file")) from None


def _ods_rows(content: bytes) -> list[list[str]]:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if archive.read("mimetype").strip() != ODS_MIMETYPE:
                raise FileProblem(_l("The selected file must be a CSV or an ODS spreadsheet"))
            info = archive.getinfo("content.xml")
            if info.file_size > MAX_CONTENT_BYTES:
                raise FileProblem(_l("The selected file must be smaller than 5 MB"))
            with archive.open(info) as stream:
                xml = stream.read(MAX_CONTENT_BYTES + 1)
    except (zipfile.BadZipFile, KeyError):
        raise FileProblem(_l("The selected file could not be read as an ODS spreadsheet")) from None
    try:
        root = ElementTree.fromstring(xml)
    except Exception:  # defusedxml refuses entities with its own errors; any failure means unreadable
        raise FileProblem(_l("The selected file could not be read as an ODS spreadsheet")) from None
    table = root.find(f".//{{{_TABLE}}}table")
    if table is None:
        return []
    rows: list[list[str]] = []
    for row in table.iter(f"{{{_TABLE}}}table-row"):
        cells: list[str] = []
        for cell in row:
            if cell.tag not in (f"{{{_TABLE}}}table-cell", f"{{{_TABLE}}}covered-table-cell"):
                continue
            repeat = min(int(cell.get(f"{{{_TABLE}}}number-columns-repeated", "1") or 1), MAX_COLUMNS)
            cells.extend([_cell_text(cell)] * repeat)
            if len(cells) >= MAX_COLUMNS:
                break
        while cells and not cells[-1]:
            cells.pop()
        # Spreadsheets repeat empty rows to the end of the sheet: count them once.
        repeat = int(row.get(f"{{{_TABLE}}}number-rows-repeated", "1") or 1)
        rows.extend([cells] * (1 if not cells else min(repeat, MAX_ROWS + 2)))
        if len(rows) > MAX_ROWS + 1:
            break
    while rows and not rows[-1]:
        rows.pop()
    return rows


def _cell_text(cell) -> str:
    kind = cell.get(f"{{{_OFFICE}}}value-type")
    if kind == "date":
        return (cell.get(f"{{{_OFFICE}}}date-value") or "")[:10]
    if kind in ("float", "percentage", "currency"):
        value = cell.get(f"{{{_OFFICE}}}value") or ""
        return value[:-2] if value.endswith(".0") else value
    paragraphs = ["".join(p.itertext()) for p in cell.iter(f"{{{_TEXT}}}p")]
    return "\n".join(paragraphs).strip()
