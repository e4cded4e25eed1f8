"""The API end to end: upload, run, poll, report, names, export; errors in the one shape."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from homeward.reconcile.models import PublishedList, ReconciliationRun

from .conftest import PUBLISHED, list_csv

pytestmark = pytest.mark.django_db
BASE = "/api/v1/reconcile"


def post_list(client, content=None, **data):
    file = SimpleUploadedFile("site.csv", content or list_csv(PUBLISHED, encoding="cp1251"))
    return client.post(f"{BASE}/lists", {"file": file, "published_by": "RU", **data})


def test_a_caseworker_uploads_runs_and_reads_the_report(
    client, world, scene, django_capture_on_commit_callbacks
):
    client.force_login(world.caseworker)
    r = post_list(client, title="Kyiv refuses 1,000", url="https://example.org/list")
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["rows"] == 9 and body["published_by"] == "RU" and body["latest_run"] is None
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(f"{BASE}/lists/{body['uuid']}/runs")
    assert r.status_code == 202
    run = client.get(f"{BASE}/runs/{r.json()['uuid']}").json()
    assert run["status"] == "done" and run["progress"] == 100
    report = client.get(f"{BASE}/runs/{run['uuid']}/report").json()
    figures = {f["key"]: f["value"] for f in report["figures"]}
    assert report["total"] == 9 and figures["matched"] == 5 and figures["unknown"] == 2
    names = client.get(f"{BASE}/runs/{run['uuid']}/figures/unknown").json()
    assert [n["line"] for n in names["names"]] == [8, 9]
    possible = client.get(f"{BASE}/runs/{run['uuid']}/figures/possible").json()["names"][0]
    assert len(possible["candidates"]) == 2
    r = client.post(
        f"{BASE}/runs/{run['uuid']}/lines/10/decision",
        {"person": possible["candidates"][0]["person"], "verdict": "same", "reason": "photo"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["outcome"] == "matched"
    r = client.post(
        f"{BASE}/runs/{run['uuid']}/register-unknown",
        {"lines": [8]},
        content_type="application/json",
    )
    assert r.json() == {"registered": 1}
    xlsx = client.get(f"{BASE}/runs/{run['uuid']}/export?format=xlsx")
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["Figures", "Names"]
    assert book["Names"].max_row == 10


def test_bad_input_answers_in_the_one_error_shape_and_writes_nothing(client, world):
    client.force_login(world.caseworker)
    r = post_list(client, list_csv([("Петренко", "1994-13-01")]))
    assert r.status_code == 422
    assert r.json()["error"]["detail"]["lines"] == {"2": "birth_date '1994-13-01': no month 13"}
    r = post_list(client, published_by="ZZ")
    assert r.status_code == 422 and r.json()["error"]["detail"]["fields"]["published_by"]
    assert not PublishedList.objects.exists()


def test_a_second_run_at_once_is_a_409(client, world, scene):
    client.force_login(world.ua_officer)
    uuid = post_list(client).json()["uuid"]
    ReconciliationRun.objects.create(
        published_list=PublishedList.objects.get(uuid=uuid), started_by=world.ua_officer
    )
    r = client.post(f"{BASE}/lists/{uuid}/runs")
    assert r.status_code == 409 and r.json()["error"]["code"] == "run_in_progress"
    assert ReconciliationRun.objects.count() == 1


def test_an_analyst_reads_suppressed_figures_but_no_names(
    client, world, scene, django_capture_on_commit_callbacks
):
    client.force_login(world.caseworker)
    uuid = post_list(client).json()["uuid"]
    with django_capture_on_commit_callbacks(execute=True):
        run = client.post(f"{BASE}/lists/{uuid}/runs").json()["uuid"]
    client.force_login(world.analyst)
    figures = {f["key"]: f for f in client.get(f"{BASE}/runs/{run}/report").json()["figures"]}
    assert figures["matched"]["value"] == 5
    assert figures["unknown"] == {**figures["unknown"], "value": None, "suppressed": True}
    assert client.get(f"{BASE}/runs/{run}/figures/matched").status_code == 404
    assert client.post(f"{BASE}/lists/{uuid}/runs").status_code == 403
    csv = client.get(f"{BASE}/runs/{run}/export?format=csv").content.decode("utf-8-sig")
    assert "Петренко" not in csv and "ПЕТРЕНКО" not in csv and "<5" in csv
    client.force_login(world.auditor)
    assert client.get(f"{BASE}/runs/{run}/report").status_code == 403


def test_nul_characters_and_out_of_range_lines_are_refused_not_crashed_on(client, world):
    client.force_login(world.caseworker)
    assert post_list(client, published_by="R\x00U").status_code == 422
    assert post_list(client, title="a\x00b").status_code == 422
    r = post_list(client, list_csv([("Петр\x00енко Олександр", "1994")]))
    assert r.status_code == 201
    run = ReconciliationRun.objects.create(
        published_list=PublishedList.objects.get(), started_by=world.caseworker, status="done"
    )
    r = client.post(
        f"{BASE}/runs/{run.uuid}/register-unknown",
        {"lines": [10**12]},
        content_type="application/json",
    )
    assert r.status_code == 422
