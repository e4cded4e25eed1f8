"""Bad input is refused clearly and writes nothing."""

from __future__ import annotations

import io

import openpyxl
import pytest

from homeward.ledger.models import Entry
from homeward.lib.errors import Conflict, Forbidden, ValidationFailed
from homeward.reconcile import actions
from homeward.reconcile.models import ListedEntry, PublishedList
from homeward.registry.models import Source

from .conftest import PUBLISHED, list_csv, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def nothing_written(db):
    before = (Source.objects.count(), ListedEntry.objects.count(), Entry.objects.count())
    yield
    after = (Source.objects.count(), ListedEntry.objects.count(), Entry.objects.count())
    assert after == before


def test_an_empty_file_is_refused(world, nothing_written):
    with pytest.raises(ValidationFailed, match="empty"):
        upload(world, b"")


def test_a_header_without_people_is_refused(world, nothing_written):
    with pytest.raises(ValidationFailed, match="no person"):
        upload(world, "ФИО;Дата рождения\r\n".encode("cp1251"))


def test_a_list_without_a_name_column_is_refused_naming_line_1(world, nothing_written):
    with pytest.raises(ValidationFailed) as exc:
        upload(world, b"birth_date,sex\n1990-01-01,M\n")
    assert "family_name or a full_name" in exc.value.detail["lines"]["1"]


def test_bad_rows_are_named_by_line_and_none_is_taken(world, nothing_written):
    content = list_csv(
        [("Петренко Олександр", "1994-03-12"), ("", "1990"), ("Шевчук", "31.02.1990")]
    )
    with pytest.raises(ValidationFailed) as exc:
        upload(world, content)
    assert exc.value.detail["lines"] == {
        "3": "the row has no name",
        "4": "birth_date '31.02.1990': no such day",
    }


def test_a_list_over_the_row_limit_is_refused(world, monkeypatch, nothing_written):
    monkeypatch.setattr(actions, "MAX_ROWS", 3)
    with pytest.raises(ValidationFailed, match="more than 3 rows"):
        upload(world)


def test_an_unknown_publishing_party_is_refused(world, nothing_written):
    with pytest.raises(ValidationFailed) as exc:
        upload(world, published_by="XX")
    assert exc.value.detail["fields"] == {"published_by": "unknown party"}


@pytest.mark.parametrize("who", ["mediator", "analyst", "auditor", "admin", "liaison"])
def test_only_caseworkers_and_bureau_officers_upload(world, who, nothing_written):
    with pytest.raises(Forbidden):
        upload(world, actor=getattr(world, who))


def test_the_same_file_from_the_same_party_twice_names_the_first_list(world):
    first = upload(world)
    with pytest.raises(Conflict) as exc:
        upload(world, title="again")
    assert exc.value.detail == {"published_list": str(first.uuid)}
    assert PublishedList.objects.count() == 1


def test_an_xlsx_list_with_ukrainian_headers_is_read(world):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["№", "Прізвище", "Ім'я", "По батькові", "Дата народження"])
    sheet.append(["17", "Петренко", "Олександр", "Іванович", "12.03.1994"])
    buf = io.BytesIO()
    book.save(buf)
    plist = upload(world, buf.getvalue(), file_name="list.xlsx", published_on="2025-08")
    entry = plist.entries.get()
    assert (entry.line, entry.external_id, entry.name, entry.birth_date) == (
        2,
        "17",
        "Петренко Олександр Іванович",
        "12.03.1994",
    )
    assert str(plist.source.date) == "2025-08"


def test_a_cp1251_list_keeps_every_row_as_written(world):
    plist = upload(world)
    assert plist.rows == len(PUBLISHED)
    assert list(plist.entries.order_by("line").values_list("name", flat=True)[:1]) == [
        "ПЕТРЕНКО Александр Иванович"
    ]
