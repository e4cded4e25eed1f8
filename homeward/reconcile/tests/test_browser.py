"""In a real browser: a caseworker uploads a cp1251 list with a single ФИО column, watches the run's
progress, and reads the report's figures, then the names behind one of them."""

from __future__ import annotations

import pytest

from homeward.conftest import login
from homeward.reconcile.models import ReconciliationRun
from homeward.reconcile.runs import carry_out
from homeward.web.tests.axe import assert_accessible

from .conftest import PUBLISHED, list_csv

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def queued_tasks(settings):
    # The run stays queued until the test plays the worker, so the page's progress can be seen.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


def test_a_caseworker_uploads_watches_the_progress_and_reads_the_report(
    page, live_server, world, scene, negotiation, queued_tasks
):
    login(page, live_server, "caseworker")
    page.goto(f"{live_server.url}/reconcile/")
    assert_accessible(page)
    page.set_input_files(
        "#id_file",
        files=[
            {
                "name": "site.csv",
                "mimeType": "text/csv",
                "buffer": list_csv(PUBLISHED, encoding="cp1251"),
            }
        ],
    )
    page.select_option("#id_published_by", "RU")
    page.fill("#id_title", "1,000 soldiers Kyiv refuses to take back")
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#run-state:has-text('Queued')")
    assert page.is_visible("#run-progress")
    assert_accessible(page)

    carry_out(ReconciliationRun.objects.get())  # the worker's step
    # htmx polls the run every second and swaps the report in
    page.wait_for_selector("#report", timeout=15_000)
    assert "Of 9 names in the list" in page.inner_text("#report")
    figures = {
        key: page.inner_text(f"#figure-{key} > .figure-value")
        for key in ("matched", "on_lists", "removed", "possible", "unknown", "duplicate")
    }
    assert figures == {
        "matched": "5",
        "on_lists": "2",
        "removed": "1",
        "possible": "1",
        "unknown": "2",
        "duplicate": "1",
    }
    assert_accessible(page)
    page.click("#figure-unknown > a")
    page.wait_for_selector("h1:has-text('not in the register')")
    assert "Лисовский Эдуард Германович" in page.inner_text("table.names")
    assert_accessible(page)
