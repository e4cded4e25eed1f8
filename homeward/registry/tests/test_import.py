"""Person-list imports: all or nothing, every bad row named by line."""

import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from homeward.ledger.models import Entry
from homeward.registry.importing import import_person_list
from homeward.registry.models import Person, Source, StatusKind
from homeward.registry.tasks import queue_import, run_import_job

GOOD = (
    "id,family_name,given_name,patronymic,sex,birth_date,rank,captured_on\n"
    "A1,Петренко,Олександр,Іванович,M,1994-03-12,солдат,2024-05-01\n"
    "A2,Коваленко,Сергій,,M,1990,сержант,2024-05-02\n"
    "A3,Мельник,Ганна,Іванівна,F,12.03.1988,,\n"
)


def run(world, text: str | bytes, **kw):
    content = text.encode("utf-8") if isinstance(text, str) else text
    return import_person_list(
        actor=world.caseworker,
        content=content,
        file_name="list.csv",
        source_kind="list",
        party=world.ru,
        **kw,
    )


def test_a_good_file_imports_every_row_with_one_ledger_entry(world):
    result = run(world, GOOD)
    assert result.ok and result.created == 3
    assert Person.objects.count() == 3
    p = Person.objects.get(family_name="Петренко")
    assert p.detentions.get().detaining_party == world.ru
    assert p.status_events.get().kind == StatusKind.REPORTED_CAPTURED
    assert Entry.objects.filter(action="registry.imported").count() == 1


@pytest.mark.parametrize(
    ("text", "line", "field", "reason"),
    [
        (GOOD + "A4,Бондар,Іван,,M,2025-02-30,,\n", 5, "birth_date", "has no day 30"),
        (GOOD + "A5,Бондар,Іван,,M,2100,,\n", 5, "birth_date", "future"),
        (GOOD + "A6,,Іван,,M,1990,,\n", 5, "family_name", "is required"),
        (GOOD + "A1,Бондар,Іван,,M,1990,,\n", 5, "id", "line 2"),
        (GOOD + "A7,Бондар,Іван,,Q,1990,,\n", 5, "sex", "M, F or U"),
        ("id,surname,colour\nA1,Петренко,red\n", 1, "file", "unknown column(s): colour"),
        ("id,given_name\nA1,Олександр\n", 1, "file", "family_name or a full_name"),
        ('id,family_name\nA1,"Петренко\n', 2, "file", "never closed"),
        ("id,family_name\n", None, "file", "no rows"),
        ("", None, "file", "empty"),
    ],
)
def test_a_bad_file_imports_nothing_and_names_the_line(world, text, line, field, reason):
    result = run(world, text)
    assert not result.ok
    assert any(
        e["line"] == line and e["field"] == field and reason in e["message"] for e in result.errors
    ), result.errors
    assert Person.objects.count() == 0 and not Source.objects.exists()
    assert not Entry.objects.filter(action="registry.imported").exists()


def test_a_ten_megabyte_name_is_refused_not_read(world):
    result = run(world, "id,family_name\nA1," + "Щ" * 5_000_000 + "\n")
    assert not result.ok and result.errors[0]["line"] == 2
    assert Person.objects.count() == 0


def test_every_bad_row_is_listed_not_just_the_first(world):
    text = GOOD + "B1,,x,,M,1990,,\nB2,Бондар,Іван,,M,1990-02-30,,\nB3,Бондар,Іван,,M,3000,,\n"
    result = run(world, text)
    assert sorted(e["line"] for e in result.errors) == [5, 6, 7]


def test_cp1251_semicolons_and_ukrainian_headers_are_read(world):
    text = "Прізвище;Ім'я;По батькові;Дата народження\nПетренко;Олександр;Іванович;12.03.1994\n"
    result = run(world, text.encode("cp1251"))
    assert result.ok and Person.objects.get().given_name == "Олександр"


def test_a_bom_and_a_full_name_column_in_russian_are_read(world):
    text = (
        "\ufeffФИО,Дата рождения\nПЕТРЕНКО Александр Иванович,1994-03-12\nAlexander Petrenko,1994\n"
    )
    result = run(world, text)
    assert result.ok
    assert set(Person.objects.values_list("family_name", "given_name", "patronymic")) == {
        ("ПЕТРЕНКО", "Александр", "Иванович"),
        ("Petrenko", "Alexander", ""),
    }


def test_a_file_in_neither_utf8_nor_cp1251_is_refused(world):
    result = run(world, "id,family_name\nA1,Petr\xe9nko\n".encode("latin-1"))
    assert not result.ok and "neither UTF-8" in result.errors[0]["message"]


def test_xlsx_is_read(world):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["id", "family_name", "given_name", "birth_date"])
    sheet.append(["X1", "Петренко", "Олександр", "1994-03-12"])
    out = io.BytesIO()
    book.save(out)
    result = import_person_list(
        actor=world.caseworker,
        content=out.getvalue(),
        file_name="l.xlsx",
        source_kind="list",
        party=world.ru,
    )
    assert result.ok and Person.objects.get().birth_date.day == 12


def test_a_dry_run_checks_and_imports_nothing(world):
    result = run(world, GOOD, dry_run=True)
    assert result.ok and result.rows == 3 and Person.objects.count() == 0


def test_a_bureau_officer_imports_only_its_own_partys_list(world):
    from homeward.lib.errors import Forbidden

    with pytest.raises(Forbidden):
        import_person_list(
            actor=world.ua_officer,
            content=GOOD.encode(),
            file_name="l.csv",
            source_kind="list",
            party=world.ru,
        )


def test_a_queued_job_reports_progress_and_errors(world):
    job = queue_import(
        actor=world.caseworker,
        file_name="l.csv",
        content=(GOOD + "Z,,,,,,,\n").encode(),
        source_kind="list",
        party=world.ru,
    )
    result = run_import_job(job)
    job.refresh_from_db()
    assert job.status == "failed" and not result.ok
    assert job.errors[0]["line"] == 5 and job.done_rows == 4


def test_the_command_imports_and_reports_bad_lines(world, tmp_path, capsys):
    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    call_command(
        "import",
        str(good),
        "--party",
        "RU",
        "--source-kind",
        "list",
        "--user",
        "caseworker",
        verbosity=0,
    )
    assert Person.objects.count() == 3
    bad = tmp_path / "bad.csv"
    bad.write_text(GOOD + "A9,Бондар,Іван,,M,2025-02-30,,\n", encoding="utf-8")
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import", str(bad), "--party", "RU", "--user", "caseworker", verbosity=0)
    assert "bad.csv: line 5: birth_date" in capsys.readouterr().err
    assert Person.objects.count() == 3


def test_the_import_page_queues_and_shows_the_result(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world.ru_officer)
    upload = SimpleUploadedFile(
        "list.csv", (GOOD + "A9,,,,,,,\n").encode(), content_type="text/csv"
    )
    response = client.post("/imports/", {"file": upload, "source_kind": "list", "party": "RU"})
    assert response.status_code == 302
    from homeward.registry.models import ImportJob

    run_import_job(ImportJob.objects.get())
    page = client.get(response["Location"]).content.decode()
    assert "Nothing was imported" in page and "family_name" in page
