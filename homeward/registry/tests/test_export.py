import csv
import io

from django.core.management import call_command

from homeward.accounts.models import AccessLog
from homeward.ledger.models import Entry
from homeward.registry.exporting import export_persons
from homeward.registry.selectors import PersonFilter

from .factories import notified


def test_an_export_stays_in_scope_neutralises_formulas_and_is_recorded(world):
    notified(world, family_name='=HYPERLINK("http://x")', given_name="+1", patronymic="")
    # Held by UA and a national of neither party: outside the RU bureau's scope.
    notified(
        world, by=world.ua_officer, family_name="Karimov", home_party_code="", nationalities=["UZ"]
    )
    data, rows = export_persons(actor=world.ru_officer, flt=PersonFilter(), fmt="csv")
    assert rows == 1
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert table[1][1].startswith("'=") and table[1][2] == "'+1"
    log = AccessLog.objects.get(kind="export")
    assert log.count == 1 and log.user == world.ru_officer
    assert Entry.objects.filter(action="persons.exported").exists()


def test_the_export_command_writes_xlsx(world, tmp_path):
    notified(world)
    out = tmp_path / "p.xlsx"
    call_command("export", "--format", "xlsx", "-o", str(out), "--user", "caseworker")
    import openpyxl

    sheet = openpyxl.load_workbook(out).active
    assert sheet.cell(2, 2).value == "Петренко"
