"""Text that breaks exports or hides a name is refused at validation, naming the field (issue
14, items 4 and 12); an export never fails on a value stored before that rule existed."""

import io

import openpyxl
import pytest
from django.core.management import call_command

from homeward.ledger.models import Entry
from homeward.lib.errors import ValidationFailed
from homeward.registry.exporting import export_persons
from homeward.registry.importing import import_person_list
from homeward.registry.models import Person
from homeward.registry.selectors import PersonFilter

from .factories import notified


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("family_name", "Петр\x01енко", "control character (U+0001) at position 5"),
        ("given_name", "Олек\x00сандр", "control character (U+0000)"),
        ("family_name", "Пет\u200bренко", "direction override) (U+200B) at position 4"),
        ("patronymic", "Іван\u202eович", "U+202E"),
        ("rank", "сол\u2066дат", "U+2066"),
        ("note", "note \x7f", "U+007F"),
        ("birth_date", "１９９４-03-12", "digits 0-9"),
        ("captured_on", "٢٠٢٤", "digits 0-9"),
    ],
)
def test_hostile_characters_are_refused_naming_the_field(world, field, value, reason):
    with pytest.raises(ValidationFailed) as exc:
        notified(world, **{field: value})
    assert reason in exc.value.detail["fields"][field]
    assert Person.objects.count() == 0 and Entry.objects.count() == 0


def test_an_import_with_a_zero_width_name_names_the_line_and_field(world):
    content = "id,family_name\nA1,Петренко\nA2,Кова\u200bленко\n".encode()
    result = import_person_list(
        actor=world.caseworker,
        content=content,
        file_name="l.csv",
        source_kind="list",
        party=world.ru,
    )
    assert not result.ok
    assert result.errors == [
        {
            "line": 3,
            "field": "family_name",
            "message": "contains an invisible formatting character (zero-width or direction "
            "override) (U+200B) at position 5",
        }
    ]
    assert Person.objects.count() == 0


def test_the_api_refuses_a_nul_anywhere_in_a_body_naming_the_field(client, world):
    client.force_login(world.ru_officer)
    r = client.post(
        "/api/v1/persons",
        {"family_name": "Петренко", "unit": "a\x00b", "detaining_party": "RU"},
        content_type="application/json",
    )
    assert r.status_code == 422
    assert "U+0000" in r.json()["error"]["detail"]["fields"]["unit"]
    assert Person.objects.count() == 0


def test_an_export_of_a_stored_control_character_does_not_fail(world, tmp_path):
    person = notified(world)
    # As stored before validation refused it (or written by a migration).
    Person.objects.filter(pk=person.pk).update(family_name="Петр\x01енко")
    data, rows = export_persons(actor=world.caseworker, flt=PersonFilter(), fmt="xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert rows == 1 and sheet.cell(2, 2).value == "Петр\ufffdенко"
    out = tmp_path / "p.xlsx"
    call_command("export", "--format", "xlsx", "-o", str(out), "--user", "caseworker")
    data, _ = export_persons(actor=world.caseworker, flt=PersonFilter(), fmt="csv")
    assert "\x01" not in data.decode("utf-8-sig")
