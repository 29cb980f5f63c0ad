"""CSV and ODS files for analysts: streamed row by row, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from typing import Iterable, Iterator, Sequence
from xml.sax.saxutils import escape

Cell = str | int | float | None
# A cell starting with one of these is read as a formula by Excel and LibreOffice.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Cell) -> Cell:
    """Stop text from running as a formula when the file is opened; numbers pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_rows(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> Iterator[str]:
    """Yield a UTF-8 CSV, a line at a time, with a byte order mark so Excel reads it as UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)
        return text

    writer.writerow([neutralise(h) for h in header])
    yield "\ufeff" + flush()
    for row in rows:
        writer.writerow(["" if cell is None else neutralise(cell) for cell in row])
        yield flush()


MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:version="1.2" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"""

CONTENT_START = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">
<office:body><office:spreadsheet>
"""
CONTENT_END = "</office:spreadsheet></office:body></office:document-content>\n"


# XML 1.0 has no way to write these, escaped or not: a file holding one does not open.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: str) -> str:
    """Escape text for XML, leaving out the characters XML 1.0 cannot hold."""
    return escape(NOT_XML.sub("", value), {'"': "&quot;"})


def _ods_cell(value: Cell) -> str:
    if value is None or value == "":
        return "<table:table-cell/>"
    if isinstance(value, bool):
        value = str(value).lower()
    if isinstance(value, (int, float)):
        return f'<table:table-cell office:value-type="float" office:value="{value}"><text:p>{value}</text:p></table:table-cell>'
    text = xml_text(str(value)).replace("\n", "</text:p><text:p>")
    return f'<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>'


CHUNK = 64 * 1024


class _Drain(io.RawIOBase):
    """A write-only, unseekable stream whose bytes are taken away as they arrive."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        if data:
            self.parts.append(bytes(data))
            self.size += len(data)
        return len(data)

    def take(self) -> bytes:
        data, self.parts, self.size = b"".join(self.parts), [], 0
        return data


def ods_chunks(sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence[Cell]]]]) -> Iterator[bytes]:
    """Yield an OpenDocument spreadsheet (the UK government's standard) a few rows at a time.

    Numbers are stored as numbers; text is stored as text, so nothing in it runs as a formula.
    The zip is written to an unseekable stream, so memory stays flat however many rows come.
    """
    drain = _Drain()
    with zipfile.ZipFile(drain, "w", zipfile.ZIP_DEFLATED) as archive:
        # The mimetype entry comes first and uncompressed, as the standard requires.
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet",
                         compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", MANIFEST)
        with archive.open("content.xml", "w") as content:
            content.write(CONTENT_START.encode("utf-8"))
            for name, header, rows in sheets:
                content.write(f'<table:table table:name="{xml_text(name)}">'.encode("utf-8"))
                for row in _chain(header, rows):
                    cells = "".join(_ods_cell(cell) for cell in row)
                    content.write(f"<table:table-row>{cells}</table:table-row>".encode("utf-8"))
                    if drain.size >= CHUNK:
                        yield drain.take()
                content.write(b"</table:table>")
            content.write(CONTENT_END.encode("utf-8"))
    yield drain.take()


def ods_file(sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence[Cell]]]]) -> bytes:
    """Build a whole OpenDocument spreadsheet in memory (for small files)."""
    return b"".join(ods_chunks(sheets))


def _chain(header, rows):
    yield header
    yield from rows
