"""Reading person-list files (DESIGN §7): CSV in UTF-8 (with or without BOM) or cp1251, comma,
semicolon or tab separated, or XLSX; a header row with English, Ukrainian or Russian names.

Pure Python, no Django: the register import and the matching engine read files the same way.
`read_rows` yields (line number, {canonical column: text}) and raises PersonListError for what
makes the whole file unreadable; per-row problems are the caller's to judge.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

# Canonical column → accepted header spellings (compared after _norm_header).
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "id": (
        "id",
        "source_id",
        "record_id",
        "ідентифікатор",
        "идентификатор",
        "№",
        "номер",
        "no",
        "#",
    ),
    "family_name": ("family_name", "surname", "last_name", "family name", "прізвище", "фамилия"),
    "given_name": ("given_name", "first_name", "given name", "forename", "ім'я", "імя", "имя"),
    "patronymic": (
        "patronymic",
        "middle_name",
        "father_name_patronymic",
        "по батькові",
        "по-батькові",
        "отчество",
    ),
    "full_name": (
        "full_name",
        "name",
        "full name",
        "піб",
        "п.і.б.",
        "прізвище ім'я по батькові",
        "фио",
        "ф.и.о.",
        "полное имя",
        "повне ім'я",
    ),
    "sex": ("sex", "gender", "стать", "пол"),
    "birth_date": (
        "birth_date",
        "date_of_birth",
        "dob",
        "born",
        "дата народження",
        "дата рождения",
        "д.н.",
    ),
    "birth_place": ("birth_place", "place_of_birth", "місце народження", "место рождения"),
    "nationality": ("nationality", "nationalities", "citizenship", "громадянство", "гражданство"),
    "service_number": (
        "service_number",
        "service number",
        "особовий номер",
        "личный номер",
        "жетон",
    ),
    "rank": ("rank", "звання", "військове звання", "звание", "воинское звание"),
    "unit": (
        "unit",
        "військова частина",
        "в/ч",
        "воинская часть",
        "часть",
        "підрозділ",
        "подразделение",
    ),
    "category": ("category", "категорія", "категория"),
    "captured_on": (
        "captured_on",
        "capture_date",
        "date_captured",
        "дата полону",
        "дата захоплення",
        "дата пленения",
        "дата захвата",
    ),
    "capture_place": (
        "capture_place",
        "place_captured",
        "місце полону",
        "місце захоплення",
        "место пленения",
        "место захвата",
    ),
    "note": ("note", "notes", "comment", "примітка", "коментар", "примечание", "комментарий"),
}


def _norm_header(text: str) -> str:
    text = text.strip().strip('"').casefold().replace("’", "'").replace("ʼ", "'").replace("`", "'")
    return re.sub(r"[\s_]+", " ", text)


_ALIAS_INDEX = {_norm_header(a): col for col, names in HEADER_ALIASES.items() for a in names}


@dataclass(frozen=True)
class Limits:
    """What one person-list file may hold; every entry point (page, API, command) reads through
    `read_rows`, so the same limits apply everywhere, checked before or while reading, never
    after the work. The defaults keep the largest accepted file's import under ~500 MB of
    memory (benchmarks/registry/RESULTS.md) and a bad file's refusal to seconds."""

    bytes: int = 50 * 1024 * 1024  # the file as uploaded
    rows: int = 100_000  # persons (data rows; blank rows are not counted)
    columns: int = 64  # header cells
    cells: int = 2_000_000  # cells read in data rows, over the whole file
    cell_chars: int = 10_000  # characters in one cell
    xlsx_unpacked_bytes: int = 512 * 1024 * 1024  # an XLSX's parts once decompressed

    def as_dict(self) -> dict[str, int]:
        return {
            "bytes": self.bytes,
            "rows": self.rows,
            "columns": self.columns,
            "cells": self.cells,
            "cell_chars": self.cell_chars,
            "xlsx_unpacked_bytes": self.xlsx_unpacked_bytes,
        }


LIMITS = Limits()
# For the operator's own files on disk (`homeward link` reads lists of a million rows): only the
# per-cell bound, the csv module's default of 128 KiB, applies. Uploads always use LIMITS.
UNBOUNDED = Limits(
    bytes=2**62,
    rows=2**62,
    columns=2**62,
    cells=2**62,
    xlsx_unpacked_bytes=2**62,
    cell_chars=128 * 1024,
)


class PersonListError(ValueError):
    """The file as a whole cannot be read. `line` is the line at fault, when there is one;
    `limit` names the limit a file went past (a key of Limits.as_dict())."""

    def __init__(self, message: str, line: int | None = None, limit: str | None = None):
        super().__init__(f"line {line}: {message}" if line else message)
        self.message = message
        self.line = line
        self.limit = limit


def _mb(n: int) -> str:
    mib = 1024 * 1024
    return f"{n:,} bytes" if n < mib else f"{n / mib:.1f} MB"


def check_size(size: int, limits: Limits = LIMITS) -> None:
    """Refuses a file over the byte limit before any of it is read."""
    if size > limits.bytes:
        raise PersonListError(
            f"the file is {_mb(size)}; at most {_mb(limits.bytes)} are accepted "
            "(split the list into several files)",
            limit="bytes",
        )


@dataclass
class Row:
    line: int
    values: dict[str, str]


def decode(content: bytes) -> str:
    """The whole text (for small inputs and tests); `read_rows` streams instead."""
    enc = detect_encoding(content)
    return content.decode(enc).removeprefix("\ufeff")


_CHUNK = 1024 * 1024


def detect_encoding(content: bytes) -> str:
    """utf-8-sig or cp1251, checked chunk by chunk so that no second copy of the file is made."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(content)
    try:
        for i in range(0, len(view), _CHUNK):
            decoder.decode(view[i : i + _CHUNK], final=i + _CHUNK >= len(view))
        decoder.decode(b"", final=True)
        return "utf-8-sig"
    except UnicodeDecodeError as exc:
        bad_at = i + exc.start
    # cp1251 decodes almost any byte string (Latin-1 "é" becomes "й"), so accept it only when the
    # non-ASCII letters it yields stand in whole Cyrillic words, as real Cyrillic text does.
    words = pure = 0
    for i in range(0, len(view), _CHUNK):
        w, p = _cyrillic_words(bytes(view[i : i + _CHUNK]).decode("cp1251", errors="replace"))
        words += w
        pure += p
    if words and pure / words >= 0.9:
        return "cp1251"
    line = content[:bad_at].count(b"\n") + 1
    raise PersonListError(
        "the file is neither UTF-8 nor Windows-1251 (cp1251) text; save it as UTF-8 CSV or XLSX",
        line=line,
    )


_CYR = "А-Яа-яІіЇїЄєҐґЁё"
_WORD = re.compile(r"[^\W\d_]+")


def _cyrillic_words(text: str) -> tuple[int, int]:
    """(non-ASCII words, of which wholly Cyrillic)."""
    words = [w for w in _WORD.findall(text) if not w.isascii()]
    return len(words), sum(1 for w in words if _PURE_CYR.fullmatch(w))


_PURE_CYR = re.compile(f"[{_CYR}]+")


def _delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


UNKNOWN_NAMED = 5  # the unknown-columns error names this many and counts the rest


def map_header(cells: list[str]) -> list[str]:
    """Canonical column names for a header row; raises naming every unknown or repeated column."""
    columns: list[str] = []
    unknown: list[str] = []
    seen: dict[str, int] = {}
    for i, cell in enumerate(cells, start=1):
        col = _ALIAS_INDEX.get(_norm_header(cell))
        if col is None:
            if cell.strip():
                unknown.append(cell.strip()[:40])
            columns.append("")
            continue
        if col in seen:
            raise PersonListError(f"columns {seen[col]} and {i} both mean '{col}'", line=1)
        seen[col] = i
        columns.append(col)
    if unknown:
        known = ", ".join(HEADER_ALIASES)
        named = ", ".join(unknown[:UNKNOWN_NAMED])
        if len(unknown) > UNKNOWN_NAMED:
            named += f" and {len(unknown) - UNKNOWN_NAMED} more"
        raise PersonListError(f"unknown column(s): {named} (known: {known})", line=1)
    if "family_name" not in seen and "full_name" not in seen:
        raise PersonListError("the header needs a family_name or a full_name column", line=1)
    return columns


def _rows_from_cells(cell_rows: Iterator[tuple[int, list[str]]], limits: Limits) -> Iterator[Row]:
    header: list[str] | None = None
    rows = cells_read = 0
    for line, cells in cell_rows:
        if header is None:
            if not any(c.strip() for c in cells):
                continue
            if len(cells) > limits.columns:
                raise PersonListError(
                    f"the header has {len(cells)} columns; at most {limits.columns} are accepted",
                    line=line,
                    limit="columns",
                )
            header = map_header(cells)
            continue
        cells_read += len(cells)
        if cells_read > limits.cells:
            raise PersonListError(
                f"the file has more than {limits.cells} cells; split it into several files",
                line=line,
                limit="cells",
            )
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            raise PersonListError(
                f"the row has {len(cells)} cells but the header has {len(header)} columns",
                line=line,
            )
        rows += 1
        if rows > limits.rows:
            raise PersonListError(
                f"the file has more than {limits.rows} persons; split it into several files",
                line=line,
                limit="rows",
            )
        yield Row(
            line, {col: cells[i].strip() for i, col in enumerate(header) if col and i < len(cells)}
        )
    if header is None:
        raise PersonListError("the file is empty: it needs a header row and at least one person")
    if rows == 0:
        raise PersonListError("the file has a header row but no rows: no person to import")


def _csv_cells(content: bytes, limits: Limits) -> Iterator[tuple[int, list[str]]]:
    """Read as a stream: only the record being read is in memory besides the file's bytes."""
    text = io.TextIOWrapper(io.BytesIO(content), encoding=detect_encoding(content), newline="")
    first = text.readline()
    text.seek(0)
    reader = csv.reader(text, delimiter=_delimiter(first), strict=True)
    line = 1  # where the record being read starts
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                raise PersonListError(
                    f"a cell in the record starting on this line is longer than "
                    f"{limits.cell_chars} characters (or a quote opened here is never closed)",
                    line=line,
                    limit="cell_chars",
                ) from None
            if "unexpected end of data" in str(exc) or reader.line_num > line:
                raise PersonListError(
                    "a quoted cell that starts on this line is never closed "
                    f"(malformed CSV: {exc})",
                    line=line,
                ) from None
            raise PersonListError(f"malformed CSV ({exc})", line=line) from None
        # reader.line_num is the physical line where the record ended; a quoted cell may span lines.
        yield line, cells
        line = reader.line_num + 1


def _xlsx_cells(content: bytes, limits: Limits) -> Iterator[tuple[int, list[str]]]:
    """The first sheet, row by row, from the sheet's XML as a stream: only the cells present in
    the file are read, never padded to the dimension the sheet declares (a 5 KB file declaring
    A1:XFD1048576 would otherwise make 17 billion empty cells). Rows and columns are checked
    against the limits as each row is read."""
    import zipfile

    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet
    from openpyxl.worksheet._reader import WorkSheetParser

    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise PersonListError(f"not a readable XLSX workbook ({exc.__class__.__name__})") from None
    if unpacked > limits.xlsx_unpacked_bytes:
        # zipfile never yields more than a member's declared size, so this bounds the work.
        raise PersonListError(
            f"the workbook unpacks to {_mb(unpacked)}; at most "
            f"{_mb(limits.xlsx_unpacked_bytes)} are accepted",
            limit="xlsx_unpacked_bytes",
        )
    try:
        # openpyxl's load_workbook(read_only=True) would scan the whole sheet once just to find
        # its dimension, then pad every row to it; its reader's own steps and its sheet parser
        # (private names, stable through openpyxl 3.1) read only the cells present, once.
        reader = ExcelReader(io.BytesIO(content), read_only=True, data_only=True)
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)  # dates are told apart by their style
        target = next(
            rel.target
            for _, rel in reader.parser.find_sheets()
            if rel.target in reader.valid_files and "chartsheet" not in rel.Type
        )
        source = reader.archive.open(target)
        parser = WorkSheetParser(
            source,
            reader.shared_strings,
            data_only=True,
            epoch=reader.wb.epoch,
            date_formats=reader.wb._date_formats,
            timedelta_formats=reader.wb._timedelta_formats,
        )
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise PersonListError(f"not a readable XLSX workbook ({exc.__class__.__name__})") from None
    try:
        for line, cells in parser.parse():
            if line > limits.rows + 1 and not any(c["value"] not in (None, "") for c in cells):
                continue
            if line > limits.rows + 1:
                raise PersonListError(
                    f"the sheet has a row past row {limits.rows + 1}: more than {limits.rows} "
                    "persons; split it into several files",
                    line=line,
                    limit="rows",
                )
            width = max((c["column"] for c in cells), default=0)
            if width > limits.columns:
                raise PersonListError(
                    f"the row has a cell in column {width}; at most {limits.columns} columns "
                    "are accepted",
                    line=line,
                    limit="columns",
                )
            row = [""] * width
            for c in cells:
                text = _xlsx_text(c["value"])
                if len(text) > limits.cell_chars:
                    raise PersonListError(
                        f"the cell in column {c['column']} is {len(text)} characters long; at "
                        f"most {limits.cell_chars} are accepted",
                        line=line,
                        limit="cell_chars",
                    )
                row[c["column"] - 1] = text
            yield line, row
    except PersonListError:
        raise
    except Exception as exc:  # a truncated or malformed sheet XML
        raise PersonListError(f"not a readable XLSX sheet ({exc.__class__.__name__})") from None
    finally:
        source.close()
        reader.archive.close()


def _xlsx_text(value: object) -> str:
    import datetime as dt

    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def is_xlsx(content: bytes, file_name: str = "") -> bool:
    return content[:4] == b"PK\x03\x04" or file_name.lower().endswith(".xlsx")


def read_cells(
    content: bytes, file_name: str = "", limits: Limits = LIMITS
) -> Iterator[tuple[int, list[str]]]:
    """(line, cells) of every row, the header included, under the same limits and decoding as
    read_rows: for readers of files with columns of their own beside the person-list ones
    (tracing's NGO inquiry sheets)."""
    check_size(len(content), limits)
    csv.field_size_limit(limits.cell_chars)
    if is_xlsx(content, file_name):
        return _xlsx_cells(content, limits)
    return _csv_cells(content, limits)


def read_rows(content: bytes, file_name: str = "", limits: Limits = UNBOUNDED) -> Iterator[Row]:
    """The file's persons one by one; raises PersonListError (naming the limit when it is one)
    as soon as the file is found unreadable or past a limit. The register's import passes
    LIMITS; the default bounds only cells, for the operator's own files."""
    check_size(len(content), limits)
    # The csv module's field limit is process-wide; every reader here sets the same one.
    csv.field_size_limit(limits.cell_chars)
    if is_xlsx(content, file_name):
        yield from _rows_from_cells(_xlsx_cells(content, limits), limits)
    else:
        yield from _rows_from_cells(_csv_cells(content, limits), limits)
