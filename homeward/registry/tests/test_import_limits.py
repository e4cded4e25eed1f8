"""Bounded work for every input (issue 14, items 3 and 12): limits on bytes, rows, columns,
cells and cell length, checked before or while the file is read, the same on the page, the API
and the command; files that are wrong as a whole write nothing and say where."""

import io
import time
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from homeward.ledger.models import Entry
from homeward.lib import personlist
from homeward.lib.personlist import Limits, PersonListError, read_rows
from homeward.registry.importing import import_person_list
from homeward.registry.models import ImportJob, Person, Source

HEADER = "id,family_name,given_name,birth_date\n"


def run(world, content: bytes, file_name: str = "list.csv"):
    return import_person_list(
        actor=world.caseworker,
        content=content,
        file_name=file_name,
        source_kind="list",
        party=world.ru,
    )


def refused(result, *words):
    assert not result.ok
    message = " ".join(e["message"] for e in result.errors)
    assert all(w in message for w in words), result.errors
    assert Person.objects.count() == 0 and not Source.objects.exists()
    assert not Entry.objects.filter(action="registry.imported").exists()
    return result.errors[0]


@pytest.fixture
def small_limits(monkeypatch):
    limits = Limits(bytes=4000, rows=5, columns=6, cells=40, cell_chars=50)
    monkeypatch.setattr(personlist, "LIMITS", limits)
    return limits


def dimension_bomb() -> bytes:
    """A ~5 KB workbook whose sheet declares A1:XFD1048576, with one cell in its last row."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["id", "family_name"])
    sheet.append(["A1", "Петренко"])
    buf = io.BytesIO()
    book.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                start = text.index("<dimension")
                end = text.index("/>", start) + 2
                text = text[:start] + '<dimension ref="A1:XFD1048576"/>' + text[end:]
                text = text.replace(
                    "</sheetData>",
                    '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c>'
                    "</row></sheetData>",
                )
                data = text.encode()
            dst.writestr(info, data)
    return out.getvalue()


def test_a_sheet_declaring_the_whole_grid_is_refused_at_once(world):
    content = dimension_bomb()
    assert len(content) < 10_000
    started = time.monotonic()
    error = refused(run(world, content, "bomb.xlsx"), "100000 persons")
    # Not a timing assertion of speed, a bound on the work: the old reader took minutes.
    assert time.monotonic() - started < 30
    assert error["line"] == 1048576


def test_the_reader_never_pads_rows_to_the_declared_dimension():
    rows = read_rows(dimension_bomb(), "bomb.xlsx")  # no limits: the operator's own file
    assert next(rows).values == {"id": "A1", "family_name": "Петренко"}
    # The next row read is the last one, with its one cell: no million empty rows between.
    with pytest.raises(PersonListError) as exc:
        next(rows)
    assert exc.value.line == 1048576 and "16384 cells" in exc.value.message


@pytest.mark.parametrize(
    ("content", "limit", "words"),
    [
        (HEADER + "A1,Петренко,Іван,1990\n" * 6, "rows", ("more than 5 persons",)),
        ("id,family_name,a,b,c,d,e\nA1,Петренко\n", "columns", ("7 columns", "at most 6")),
        (HEADER + "A1," + "Щ" * 60 + ",Іван,1990\n", "cell_chars", ("50 characters",)),
    ],
)
def test_each_limit_is_named_when_a_file_passes_it(world, small_limits, content, limit, words):
    with pytest.raises(PersonListError) as exc:
        list(read_rows(content.encode(), "l.csv", small_limits))
    assert exc.value.limit == limit
    assert all(w in exc.value.message for w in words), exc.value.message
    refused(run(world, content.encode()), *words)


def test_the_cell_limit_counts_every_cell_read(world, small_limits):
    content = ("id,family_name\n" + "A1,Петренко,,,,,,,,,,\n" * 4).encode()
    with pytest.raises(PersonListError) as exc:
        list(read_rows(content, "l.csv", small_limits))
    assert exc.value.limit == "cells"


def test_a_file_over_the_byte_limit_is_refused_before_it_is_read(world, small_limits):
    content = (HEADER + "A1,Петренко,Іван,1990\n" * 200).encode()
    refused(run(world, content), "at most 4,000 bytes")


def test_the_xlsx_limits_apply_too(world, monkeypatch):
    monkeypatch.setattr(personlist, "LIMITS", Limits(bytes=50_000, rows=5, columns=6))
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["id", "family_name"])
    for i in range(6):
        sheet.append([f"A{i}", "Петренко"])
    sheet.cell(2, 30, "far right")
    buf = io.BytesIO()
    book.save(buf)
    error = refused(run(world, buf.getvalue(), "l.xlsx"), "column 30")
    assert error["line"] == 2


def test_an_unbalanced_quote_is_reported_where_the_quoted_cell_starts(world):
    content = (
        HEADER
        + "A1,Петренко,Іван,1990\n"
        + 'A2,"Коваленко,Сергій,1991\n'
        + ("A3,Мельник,Ганна,1988\n" * 20)
    )
    error = refused(run(world, content.encode()), "never closed")
    assert error["line"] == 3


def test_the_unknown_columns_error_names_a_few_and_counts_the_rest(world):
    content = "id,family_name," + ",".join(f"extra{i}" for i in range(30)) + "\nA1,X\n"
    message = run(world, content.encode()).errors[0]["message"]
    assert "extra0" in message and "extra4" in message and "extra5," not in message
    assert "and 25 more" in message and len(message) < 1000


def test_a_million_columns_get_a_short_error(world):
    content = "id,family_name," + ",".join(f"extra{i}" for i in range(1_000_000)) + "\nA1,X\n"
    result = run(world, content.encode())
    assert len(str(result.errors)) < 1000
    refused(result, "1000002 columns", "at most 64")


def test_a_header_only_xlsx_writes_nothing(world):
    book = openpyxl.Workbook()
    book.active.append(["id", "family_name"])
    buf = io.BytesIO()
    book.save(buf)
    refused(run(world, buf.getvalue(), "l.xlsx"), "no rows")


def test_the_api_refuses_a_body_over_the_limit_and_stores_nothing(client, world, small_limits):
    client.force_login(world.caseworker)
    big = SimpleUploadedFile("big.csv", b"x" * (2 * 1024 * 1024))
    r = client.post("/api/v1/imports", {"file": big, "party": "RU"})
    assert r.status_code == 413, r.content
    assert r.json()["error"]["code"] == "too_large"
    assert not ImportJob.objects.exists()


def test_the_api_refuses_a_file_just_over_the_limit_naming_it(client, world, small_limits):
    client.force_login(world.caseworker)
    r = client.post(
        "/api/v1/imports",
        {"file": SimpleUploadedFile("l.csv", b"x" * 5000), "party": "RU"},
    )
    assert r.status_code == 422
    assert "at most" in r.json()["error"]["detail"]["fields"]["file"]
    assert not ImportJob.objects.exists()


def test_the_page_refuses_a_file_over_the_limit(client, world, small_limits):
    client.force_login(world.caseworker)
    r = client.post(
        "/imports/",
        {"file": SimpleUploadedFile("l.csv", b"x" * 5000), "party": "RU", "source_kind": "list"},
    )
    assert r.status_code == 200 and "at most" in r.content.decode()
    assert not ImportJob.objects.exists()


def test_the_command_refuses_a_file_over_the_limit(world, small_limits, tmp_path):
    path = tmp_path / "big.csv"
    path.write_bytes(b"x" * 5000)
    with pytest.raises(CommandError, match="at most"):
        call_command("import", str(path), "--party", "RU", "--user", "caseworker")
    assert not Source.objects.exists()
