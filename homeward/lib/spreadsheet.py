"""Exported cells that a spreadsheet would run as a formula are neutralised (CSV injection)."""

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def neutralise(value: object) -> str:
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START):
        # A leading apostrophe makes Excel, LibreOffice and Google Sheets treat the cell as text.
        return "'" + text
    return text
