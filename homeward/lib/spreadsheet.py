"""Exported cells are made safe for a spreadsheet: a cell a spreadsheet would run as a formula
is neutralised (CSV injection), and characters XLSX cannot hold are replaced, so that one bad
value written before validation refused it can never make a whole export fail."""

import re

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# What XML 1.0 (and so XLSX; openpyxl's ILLEGAL_CHARACTERS_RE) cannot carry, plus unpaired
# surrogates, which no UTF-8 writer can encode.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
REPLACEMENT = "\ufffd"


def neutralise(value: object) -> str:
    text = "" if value is None else str(value)
    text = _ILLEGAL.sub(REPLACEMENT, text)
    if text.startswith(_FORMULA_START):
        # A leading apostrophe makes Excel, LibreOffice and Google Sheets treat the cell as text.
        return "'" + text
    return text
