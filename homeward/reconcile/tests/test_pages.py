"""The pages: upload starts a run, the run page shows the figures, links lead to names."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from homeward.reconcile.models import PublishedList, ReconciliationRun

from .conftest import PUBLISHED, list_csv

pytestmark = pytest.mark.django_db


def test_upload_on_the_page_runs_and_the_report_links_each_figure(
    client, world, scene, django_capture_on_commit_callbacks
):
    client.force_login(world.caseworker)
    file = SimpleUploadedFile("site.csv", list_csv(PUBLISHED, encoding="cp1251"))
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post("/reconcile/", {"file": file, "published_by": "RU", "title": "Claim"})
    run = ReconciliationRun.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/reconcile/runs/{run.uuid}/"
    page = client.get(r["Location"]).content.decode()
    assert "Of 9 names in the list" in page
    assert f"/reconcile/runs/{run.uuid}/figures/unknown/" in page
    names = client.get(f"/reconcile/runs/{run.uuid}/figures/unknown/").content.decode()
    assert "Зайцев Тимофей Аркадьевич" in names
    review = client.get(f"/reconcile/runs/{run.uuid}/review/").content.decode()
    assert "Register all of them" in review and "Мельник" in review


def test_a_refused_upload_says_which_line_on_the_page(client, world):
    client.force_login(world.ru_officer)
    file = SimpleUploadedFile("bad.csv", list_csv([("", "1990")]))
    r = client.post("/reconcile/", {"file": file, "published_by": "RU"}, follow=True)
    assert "line 2: the row has no name" in r.content.decode()
    assert not PublishedList.objects.exists()


def test_an_analyst_page_has_counts_without_links(client, world, scene, reconcile):
    from .conftest import upload

    run = reconcile(world.caseworker, upload(world))
    client.force_login(world.analyst)
    page = client.get(f"/reconcile/runs/{run.uuid}/").content.decode()
    assert "Of 9 names" in page and f"/reconcile/runs/{run.uuid}/figures/" not in page
    assert "&lt;5" in page
    assert client.get(f"/reconcile/runs/{run.uuid}/figures/matched/").status_code == 404
    client.force_login(world.liaison)
    assert client.get(f"/reconcile/runs/{run.uuid}/").status_code == 403


def test_the_command_reconciles_and_a_second_call_says_what_changed(world, scene, tmp_path, capsys):
    path = tmp_path / "site.csv"
    path.write_bytes(list_csv(PUBLISHED, encoding="cp1251"))
    out = tmp_path / "report.csv"
    call_command("reconcile", str(path), "--published-by", "RU", "-o", str(out), verbosity=0)
    first = capsys.readouterr().out
    assert "of 9 names:" in first and "5 in the register" in first
    assert "ПЕТРЕНКО Александр Иванович" in out.read_text("utf-8-sig")
    call_command("reconcile", str(path), "--published-by", "RU", verbosity=0)
    assert "since the previous run: 0 rows changed" in capsys.readouterr().out
    assert PublishedList.objects.count() == 1 and ReconciliationRun.objects.count() == 2


@pytest.mark.parametrize(
    ("language", "heading"),
    [("uk", "Звірити оприлюднений список"), ("ru", "Сверить опубликованный список")],
)
def test_the_page_speaks_ukrainian_and_russian(client, world, language, heading):
    client.force_login(world.caseworker)
    client.post("/i18n/setlang/", {"language": language, "next": "/reconcile/"})
    assert heading in client.get("/reconcile/").content.decode()
