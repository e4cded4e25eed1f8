"""Queued imports finish or fail visibly (issue 14, item 7): whatever goes wrong, the job ends
`done` or `failed` with an error its owner reads on the import page and in the API, nothing is
imported, and the command line says what happened without a traceback."""

from __future__ import annotations

import importlib
import io
import xml.etree.ElementTree as ET
import zipfile

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.db import DataError

from homeward.ledger.models import Entry
from homeward.registry import tasks
from homeward.registry.models import ImportJob, ImportStatus, Person

from .test_import import GOOD

NUL_IN_A_CELL = GOOD + "A4,Бонда\x00р,Іван,,M,1991,,\n"


def truncated_xlsx() -> bytes:
    """A workbook whose sheet XML stops half-way (a broken upload or a hand-made file)."""
    book = openpyxl.Workbook()
    sheet = book.active
    for line in GOOD.splitlines():
        sheet.append(line.split(","))
    buffer = io.BytesIO()
    book.save(buffer)
    broken = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as src,
        zipfile.ZipFile(broken, "w") as dst,
    ):
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            dst.writestr(item, data)
    return broken.getvalue()


def queue(world, content: bytes, file_name: str = "list.csv") -> ImportJob:
    return tasks.queue_import(
        actor=world.caseworker,
        file_name=file_name,
        content=content,
        source_kind="list",
        party=world.ru,
    )


def test_a_queued_import_runs_when_its_transaction_commits(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = queue(world, GOOD.encode())
        assert ImportJob.objects.get(pk=job.pk).status == ImportStatus.QUEUED
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.created_count == 3
    assert Person.objects.count() == 3


@pytest.mark.parametrize(
    ("content", "file_name"),
    [
        pytest.param(NUL_IN_A_CELL.encode(), "list.csv", id="nul-byte-in-a-cell"),
        pytest.param(truncated_xlsx(), "list.xlsx", id="truncated-sheet-xml"),
        pytest.param(b"PK\x03\x04 not really a zip", "list.xlsx", id="not-a-workbook"),
    ],
)
def test_a_broken_file_never_leaves_its_job_running(world, content, file_name):
    job = queue(world, content, file_name)
    tasks.run_queued_import(str(job.uuid))
    job.refresh_from_db()
    assert job.status in (ImportStatus.DONE, ImportStatus.FAILED)
    assert job.finished_at is not None
    if job.status == ImportStatus.FAILED:
        assert job.errors and all(e["message"] for e in job.errors)
        assert not Person.objects.exists()


@pytest.mark.parametrize(
    "error",
    [
        DataError("PostgreSQL text fields cannot contain NUL (0x00) bytes"),
        zipfile.BadZipFile("Bad CRC-32 for file 'xl/worksheets/sheet1.xml'"),
        ET.ParseError("no element found: line 2, column 0"),
        KeyError("xl/sharedStrings.xml"),
        MemoryError(),
        RecursionError("maximum recursion depth exceeded"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_any_error_fails_the_job_with_its_reason_and_imports_nothing(world, monkeypatch, error):
    job = queue(world, GOOD.encode())

    def fail(**kwargs):
        raise error

    monkeypatch.setattr(tasks, "import_person_list", fail)
    tasks.run_queued_import(str(job.uuid))
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and job.finished_at is not None
    [problem] = job.errors
    assert problem["field"] == "file" and type(error).__name__ in problem["message"]
    assert "nothing was imported" in problem["message"]
    assert not Person.objects.exists()
    assert not Entry.objects.filter(action="registry.imported").exists()


def test_an_error_recording_the_outcome_still_fails_the_job_and_the_task(world, monkeypatch):
    job = queue(world, GOOD.encode())

    def broken(job):
        raise DataError("the database went away")

    monkeypatch.setattr(tasks, "run_import_job", broken)
    result = tasks.run_import.enqueue(str(job.uuid))  # the tests' backend runs it now
    assert result.status == "FAILED"
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and "DataError" in job.errors[0]["message"]


def test_the_failed_job_says_why_on_its_page_and_in_the_api(client, world, monkeypatch):
    job = queue(world, GOOD.encode())
    monkeypatch.setattr(tasks, "import_person_list", lambda **kw: 1 / 0)
    tasks.run_queued_import(str(job.uuid))
    client.force_login(world.caseworker)
    page = client.get(f"/imports/{job.uuid}/").content.decode()
    assert "ZeroDivisionError" in page and "nothing was imported" in page
    answer = client.get(f"/api/v1/imports/{job.uuid}").json()
    assert answer["status"] == "failed" and "ZeroDivisionError" in str(answer)


def test_a_job_is_run_once_and_a_lost_one_is_retried_then_given_up(world):
    job = queue(world, GOOD.encode())
    assert tasks.run_queued_import(str(job.uuid)) == {"rows": 3, "created": 3, "problems": 0}
    assert tasks.run_queued_import(str(job.uuid)) is None  # a second delivery does nothing
    assert Person.objects.count() == 3

    lost = queue(world, GOOD.replace("A", "B").encode())
    ImportJob.objects.filter(pk=lost.pk).update(status=ImportStatus.RUNNING)  # worker died
    assert tasks.run_queued_import(str(lost.uuid), attempt=2)["created"] == 3  # the retry
    again = queue(world, GOOD.replace("A", "C").encode())
    ImportJob.objects.filter(pk=again.pk).update(status=ImportStatus.RUNNING)
    tasks.run_queued_import(str(again.uuid), attempt=3)  # died twice: given up
    again.refresh_from_db()
    assert again.status == ImportStatus.FAILED and "stopped 2 times" in again.errors[0]["message"]


@pytest.mark.parametrize(
    ("content", "name"),
    [(NUL_IN_A_CELL.encode(), "nul.csv"), (truncated_xlsx(), "cut.xlsx")],
)
def test_the_command_reports_a_broken_file_without_a_traceback(world, tmp_path, content, name):
    path = tmp_path / name
    path.write_bytes(content)
    try:
        call_command("import", str(path), "--party", "RU", "--user", "caseworker", verbosity=0)
    except CommandError as exc:
        assert name in str(exc) or "problem" in str(exc)
        assert not Person.objects.exists()


def test_the_command_turns_an_unexpected_error_into_a_clear_message(world, tmp_path, monkeypatch):
    command = importlib.import_module("homeward.registry.management.commands.import")
    monkeypatch.setattr(
        command, "import_person_list", lambda **kw: (_ for _ in ()).throw(DataError("NUL"))
    )
    path = tmp_path / "list.csv"
    path.write_text(GOOD, encoding="utf-8")
    with pytest.raises(CommandError, match=r"list.csv: the import failed \(DataError: NUL\)"):
        call_command("import", str(path), "--party", "RU", "--user", "caseworker", verbosity=0)
