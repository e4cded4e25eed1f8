"""The report as CSV or XLSX: the figures, and for readers who may see names one row per listed
entry with what the register says of the person. Recorded as a list read (record_list_access,
kind export) and in the ledger."""

from __future__ import annotations

import csv
import io

from django.db import transaction

from homeward.accounts.access import record_list_access
from homeward.accounts.models import AccessKind, User
from homeward.ledger.actions import append
from homeward.lib.errors import ValidationFailed
from homeward.lib.spreadsheet import neutralise
from homeward.registry.models import StatusKind

from .actions import MAX_ROWS
from .models import Outcome, ReconciliationRun
from .selectors import Report, names_behind, report, sees_names

FORMATS = ("csv", "xlsx")
ROW_COLUMNS = [
    "line",
    "name",
    "birth_date",
    "outcome",
    "person",
    "status",
    "detaining_party",
    "on_current_exchange_list",
    "removed_from_lists",
    "refused_repatriation",
    "score",
    "explanation",
]


def _figure_rows(r: Report) -> list[list[str]]:
    out = [["figure", "count"], ["names in the list", str(r.total)]]
    for f in r.figures:
        out.append([str(f.label), "<5" if f.suppressed else str(f.value)])
        for p in f.parts:
            out.append([f"  {p.label}", "<5" if p.suppressed else str(p.value)])
    return out


def _entry_rows(user: User, r: Report) -> tuple[list[list[str]], list]:
    names = names_behind(user, r, "all", limit=MAX_ROWS, log=False)
    labels = dict(StatusKind.choices)
    outcomes = dict(Outcome.choices)
    rows = [ROW_COLUMNS]
    for n in names.rows:
        refused = "" if n.refused is None else ("verified" if n.refused else "not verified")
        rows.append(
            [
                str(n.line),
                n.name,
                n.birth_date,
                str(outcomes.get(n.outcome, n.outcome)),
                str(n.person.uuid) if n.person else "",
                str(labels.get(n.status, n.status)) if n.status else "",
                n.detaining_party,
                "yes" if n.on_lists else ("no" if n.person else ""),
                "; ".join(n.removals),
                refused,
                f"{n.score:.4f}" if n.score is not None else "",
                n.explanation,
            ]
        )
    if names.outside_scope:
        rows.append(["", f"{names.outside_scope} more outside your scope"] + [""] * 10)
    return rows, [n.person.uuid for n in names.rows if n.person]


@transaction.atomic
def export_report(user: User, run: ReconciliationRun, fmt: str) -> tuple[bytes, str, str]:
    """(content, content type, file name)."""
    if fmt not in FORMATS:
        raise ValidationFailed("Choose csv or xlsx.", detail={"fields": {"format": "csv or xlsx"}})
    r = report(user, run)
    figures = _figure_rows(r)
    entries: list[list[str]] = []
    uuids: list = []
    if sees_names(user):
        entries, uuids = _entry_rows(user, r)
        record_list_access(
            user,
            object_type="person",
            uuids=uuids,
            kind=AccessKind.EXPORT,
            detail={"reconciliation_run": str(run.uuid)},
        )
    append(
        actor=user,
        action="reconcile.exported",
        object_type="reconciliation_run",
        object_id=run.uuid,
        data={"format": fmt, "rows": max(len(entries) - 1, 0), "persons": len(uuids)},
    )
    name = f"reconciliation-{run.uuid}.{fmt}"
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf)
        for row in entries or figures:
            w.writerow([neutralise(c) for c in row])
        return buf.getvalue().encode("utf-8-sig"), "text/csv; charset=utf-8", name
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Figures")
    for row in figures:
        sheet.append([neutralise(c) for c in row])
    if entries:
        sheet = book.create_sheet("Names")
        for row in entries:
            sheet.append([neutralise(c) for c in row])
    out = io.BytesIO()
    book.save(out)
    return (
        out.getvalue(),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        name,
    )
