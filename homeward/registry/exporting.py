"""Exports of the person list, within the user's scope, recorded as reads and in the ledger."""

from __future__ import annotations

import csv
import io

from django.db import transaction

from homeward.accounts.access import access_persons, record_access
from homeward.accounts.models import AccessKind, User
from homeward.ledger.actions import append
from homeward.lib.errors import ValidationFailed
from homeward.lib.spreadsheet import neutralise

from .models import Nationality
from .selectors import PersonFilter, attach_current, filter_persons

COLUMNS = [
    "uuid",
    "family_name",
    "given_name",
    "patronymic",
    "sex",
    "birth_date",
    "birth_place",
    "nationality",
    "category",
    "service_number",
    "rank",
    "unit",
    "home_party",
    "detaining_party",
    "status",
]
FORMATS = ("csv", "xlsx")
CHUNK = 2000


def _rows(qs):
    ids = list(qs.values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        chunk = list(
            qs.model.objects.filter(pk__in=ids[start : start + CHUNK]).select_related("home_party")
        )
        order = {pk: i for i, pk in enumerate(ids[start : start + CHUNK])}
        chunk.sort(key=lambda p: order[p.pk])
        attach_current(chunk)
        nats: dict[int, list[str]] = {}
        for pid, c in Nationality.objects.filter(person_id__in=[p.pk for p in chunk]).values_list(
            "person_id", "country"
        ):
            nats.setdefault(pid, []).append(c)
        for p in chunk:
            yield [
                p.uuid,
                p.family_name,
                p.given_name,
                p.patronymic,
                p.sex,
                p.birth_date or "",
                p.birth_place,
                ",".join(sorted(nats.get(p.pk, []))),
                p.category,
                p.service_number,
                p.rank,
                p.unit,
                p.home_party.code if p.home_party else "",
                p.detaining_party_code or "",
                p.current_status or "",
            ]


@transaction.atomic
def export_persons(*, actor: User, flt: PersonFilter, fmt: str) -> tuple[bytes, int]:
    """Returns (file bytes, rows). Every cell is neutralised against formula injection."""
    if fmt not in FORMATS:
        raise ValidationFailed(
            "Unknown export format.", detail={"fields": {"format": "must be csv or xlsx"}}
        )
    qs = filter_persons(access_persons(actor), flt)
    rows = [[neutralise(v) for v in row] for row in _rows(qs)]
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(COLUMNS)
        writer.writerows(rows)
        data = ("\ufeff" + buf.getvalue()).encode("utf-8")  # BOM: Excel opens Cyrillic correctly
    else:
        import openpyxl

        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet("persons")
        sheet.append(COLUMNS)
        for row in rows:
            sheet.append(row)
        out = io.BytesIO()
        book.save(out)
        data = out.getvalue()
    record_access(
        actor,
        kind=AccessKind.EXPORT,
        object_type="person_list",
        count=len(rows),
        detail={"format": fmt, "filters": flt.as_dict()},
    )
    append(
        actor=actor,
        action="persons.exported",
        object_type="person_list",
        object_id="-",
        data={"format": fmt, "rows": len(rows), "filters": flt.as_dict()},
    )
    return data, len(rows)
