"""Candidates later, in a real browser (headless Chromium): a caseworker imports a person list
through the register's import page; the worker imports it and, once the import has committed,
matches the new persons against the open inquiries. Nobody searches: the candidate waits in
the review queue (with its count in the navigation) and on the inquiry's page. Every person
here is synthetic."""

from __future__ import annotations

import pytest

from homeward.conftest import login
from homeward.lib.dates import PartialDate
from homeward.registry.models import Person
from homeward.tracing.models import Candidate, Inquiry
from homeward.tracing.models_rematch import RematchRun, RematchStatus
from homeward.web.tests.axe import assert_accessible
from homeward.worker.runner import run as run_worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The detaining power's list: Russian Cyrillic, capitals, day-first dates.
RU_LIST = (
    "id,family_name,given_name,patronymic,sex,birth_date\n"
    "R1,ОЛЕЙНИК,АЛЕКСАНДР,ИВАНОВИЧ,M,12.03.1994\n"
    "R2,КОВАЛЕНКО,СЕРГЕЙ,,M,1990\n"
)


@pytest.fixture
def open_inquiry(world) -> Inquiry:
    """A mother asked about her son in Ukrainian, with his year of birth; nobody has searched."""
    return Inquiry.objects.create(
        family_name="Олійник",
        given_name="Олександр",
        birth_date=PartialDate(1994),
        sex="M",
        requester_name="Олійник Ганна",
        requester_relation="мати",
        created_by=world.liaison,
    )


def test_an_import_queues_a_candidate_for_an_open_inquiry_without_anyone_searching(
    page, live_server, world, open_inquiry, tmp_path, settings
):
    settings.TASKS = settings.DATABASE_TASKS  # the real queue: the worker's turn comes below
    login(page, live_server, "caseworker")
    page.goto(f"{live_server.url}/tracing/queue/")
    assert page.inner_text("#pending-count").strip() == "0"

    upload = tmp_path / "ru-list.csv"
    upload.write_text(RU_LIST, encoding="utf-8")
    page.goto(f"{live_server.url}/imports/")
    page.set_input_files("input[name=file]", str(upload))
    page.select_option("select[name=party]", "RU")
    page.click("form button[type=submit]")
    page.wait_for_url(lambda url: "/imports/" in url and url.rstrip("/") != "/imports")

    # The worker's turn: it imports the file; the matching follows the import's commit.
    assert not RematchRun.objects.exists()
    run_worker(batch=True, install_signals=False)  # `homeward worker --once`
    run = RematchRun.objects.get()
    assert run.status == RematchStatus.DONE, run.error
    person = Person.objects.get(family_name="ОЛЕЙНИК")
    candidate = Candidate.objects.get(inquiry=open_inquiry)
    assert (candidate.person, candidate.origin) == (person, "rematch")

    # The review queue shows it, and the navigation counts it.
    page.goto(f"{live_server.url}/tracing/queue/")
    assert page.inner_text("#pending-count").strip() == "1"
    card = page.locator(f"#c-{candidate.uuid}")
    text = card.inner_text()
    assert "Олійник" in text and "ОЛЕЙНИК" in text
    assert "Found when the register changed" in text
    assert_accessible(page)

    # So does the inquiry's page.
    page.goto(f"{live_server.url}/tracing/{open_inquiry.uuid}/")
    found = page.locator("ol.found").inner_text()
    assert "ОЛЕЙНИК" in found
    assert "Waiting for review" in found
    assert_accessible(page)
