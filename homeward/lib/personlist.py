"""Reading person-list files (DESIGN §7): CSV in UTF-8 (with or without BOM) or cp1251, comma,
semicolon or tab separated, or XLSX; a header row with English, Ukrainian or Russian names.

Pure Python, no Django: the register import and the matching engine read files the same way.
`read_rows` yields (line number, {canonical column: text}) and raises PersonListError for what
makes the whole file unreadable; per-row problems are the caller's to judge.
"""

from __future__ import annotations

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


class PersonListError(ValueError):
    """The file as a whole cannot be read. `line` is the line at fault, when there is one."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(f"line {line}: {message}" if line else message)
        self.message = message
        self.line = line


@dataclass
class Row:
    line: int
    values: dict[str, str]


def decode(content: bytes) -> str:
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    # cp1251 decodes almost any byte string (Latin-1 "é" becomes "й"), so accept it only when the
    # non-ASCII letters it yields stand in whole Cyrillic words, as real Cyrillic text does.
    try:
        text = content.decode("cp1251")
    except UnicodeDecodeError:
        text = ""
    if _looks_cyrillic(text):
        return text
    line = content[: utf8_error.start].count(b"\n") + 1
    raise PersonListError(
        "the file is neither UTF-8 nor Windows-1251 (cp1251) text; save it as UTF-8 CSV or XLSX",
        line=line,
    )


_CYR = "А-Яа-яІіЇїЄєҐґЁё"
_WORD = re.compile(r"[^\W\d_]+")


def _looks_cyrillic(text: str) -> bool:
    words = [w for w in _WORD.findall(text) if not w.isascii()]
    if not words:
        return False
    pure = sum(1 for w in words if re.fullmatch(f"[{_CYR}]+", w))
    return pure / len(words) >= 0.9


def _delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def map_header(cells: list[str]) -> list[str]:
    """Canonical column names for a header row; raises naming every unknown or repeated column."""
    columns: list[str] = []
    unknown: list[str] = []
    seen: dict[str, int] = {}
    for i, cell in enumerate(cells, start=1):
        col = _ALIAS_INDEX.get(_norm_header(cell))
        if col is None:
            if cell.strip():
                unknown.append(cell.strip()[:60])
            columns.append("")
            continue
        if col in seen:
            raise PersonListError(f"columns {seen[col]} and {i} both mean '{col}'", line=1)
        seen[col] = i
        columns.append(col)
    if unknown:
        known = ", ".join(HEADER_ALIASES)
        raise PersonListError(f"unknown column(s): {', '.join(unknown)} (known: {known})", line=1)
    if "family_name" not in seen and "full_name" not in seen:
        raise PersonListError("the header needs a family_name or a full_name column", line=1)
    return columns


def _rows_from_cells(cell_rows: Iterator[tuple[int, list[str]]]) -> Iterator[Row]:
    header: list[str] | None = None
    for line, cells in cell_rows:
        if header is None:
            if not any(c.strip() for c in cells):
                continue
            header = map_header(cells)
            continue
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            raise PersonListError(
                f"the row has {len(cells)} cells but the header has {len(header)} columns",
                line=line,
            )
        yield Row(
            line, {col: cells[i].strip() for i, col in enumerate(header) if col and i < len(cells)}
        )
    if header is None:
        raise PersonListError("the file is empty: it needs a header row and at least one person")


def _csv_cells(text: str) -> Iterator[tuple[int, list[str]]]:
    first = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first), strict=True)
    line = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise PersonListError(f"malformed CSV ({exc})", line=reader.line_num or line) from None
        # reader.line_num is the physical line where the record ended; a quoted cell may span lines.
        yield line, cells
        line = reader.line_num + 1


def _xlsx_cells(content: bytes) -> Iterator[tuple[int, list[str]]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise PersonListError(f"not a readable XLSX workbook ({exc.__class__.__name__})") from None
    sheet = book.worksheets[0]
    for line, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        yield line, [_xlsx_text(v) for v in row]


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


# A name may be long, but not this long: the csv module's default limit (128 KiB) is far above any
# real cell and still keeps a 10 MB "name" from being read into memory whole.
csv.field_size_limit(128 * 1024)


def read_rows(content: bytes, file_name: str = "") -> Iterator[Row]:
    if is_xlsx(content, file_name):
        yield from _rows_from_cells(_xlsx_cells(content))
    else:
        yield from _rows_from_cells(_csv_cells(decode(content)))
