"""Planner runs are background work (DESIGN §4): the page and the API queue them, the worker
carries them out, the plan page follows their stage and shows the result or why it failed."""

import datetime as dt

import pytest
from django.utils import timezone

from homeward.exchanges import runs
from homeward.exchanges.models import PlanRun, PlanStage, PlanStatus
from homeward.exchanges.runs import carry_out, claim_next_plan, queue_plan
from homeward.ledger.models import Entry
from homeward.lib.errors import ValidationFailed


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def work() -> PlanRun:
    """One step of the worker: claim the oldest queued run and carry it out."""
    run = claim_next_plan()
    assert run is not None
    return carry_out(run)


def test_the_page_queues_the_plan_and_the_worker_carries_it_out(client, world, scene):
    client.force_login(world.mediator)
    r = client.post(
        f"/exchanges/negotiations/{scene.negotiation.uuid}/",
        {"op": "plan", "size": "2", "balance": ["category"]},
    )
    run = PlanRun.objects.get()
    assert r.status_code == 302 and r.url == f"/exchanges/plans/{run.uuid}/"
    # Nothing was planned inside the request: the run waits for the worker.
    assert run.status == PlanStatus.QUEUED and run.result == {}
    assert Entry.objects.filter(action="plan.queued").count() == 1
    assert not Entry.objects.filter(action="plan.run").exists()
    page = client.get(r.url).content.decode()
    assert 'id="plan-state">Queued' in page and 'hx-trigger="every 1s"' in page
    assert "long_captivity" not in page

    run = work()
    assert run.status == PlanStatus.DONE and run.percent == 100
    assert run.result["count"] == 2
    assert Entry.objects.filter(action="plan.run").count() == 1
    # The polled part now carries the result and stops polling. (The mediator sees no reasons
    # for persons outside its scope, i.e. not on a list yet: the caseworker sees them all.)
    client.force_login(world.caseworker)
    part = client.get(r.url, headers={"HX-Request": "true"}).content.decode()
    assert part.lstrip().startswith('<div id="plan-body"')
    assert "long_captivity" in part and "hx-trigger" not in part


def test_the_run_reports_its_stages_as_it_goes(world, scene):
    run = queue_plan(actor=world.mediator, negotiation=scene.negotiation, size=2)
    claimed = claim_next_plan()
    assert claimed is not None and claimed.pk == run.pk
    assert claimed.status == PlanStatus.RUNNING and claimed.started_at is not None
    seen = []

    def progress(stage, percent):
        # What the page polls is in the database while the plan is still being made.
        row = PlanRun.objects.get(pk=run.pk)
        seen.append((stage, percent, row.stage, row.percent, row.status))

    carry_out(claimed, progress=progress)
    assert [(s, p) for s, p, *_ in seen] == [
        (PlanStage.POOLS, 5),
        (PlanStage.POOLS, 30),
        (PlanStage.CHOOSING, 55),
        (PlanStage.SAVING, 85),
    ]
    assert all(s == rs and p == rp and st == PlanStatus.RUNNING for s, p, rs, rp, st in seen)
    assert claim_next_plan() is None  # taken once only


def test_a_plan_that_fails_says_why_on_its_page(client, world, scene, monkeypatch):
    def no_plan(*args, **kwargs):
        raise ValidationFailed(
            "The planner found no plan.", detail={"fields": {"balance": "no feasible plan"}}
        )

    monkeypatch.setattr(runs, "plan", no_plan)
    client.force_login(world.caseworker)
    client.post(f"/exchanges/negotiations/{scene.negotiation.uuid}/", {"op": "plan"})
    run = work()
    assert run.status == PlanStatus.FAILED
    assert run.error == {
        "code": "validation_failed",
        "message": "The planner found no plan.",
        "fields": {"balance": "no feasible plan"},
    }
    assert Entry.objects.filter(action="plan.failed").count() == 1
    page = client.get(f"/exchanges/plans/{run.uuid}/").content.decode()
    assert 'id="plan-state">Failed' in page
    assert "The planner found no plan." in page and "balance: no feasible plan" in page
    assert "hx-trigger" not in page


def test_a_crash_in_the_planner_fails_the_run_not_the_worker(world, scene, monkeypatch):
    def crash(*args, **kwargs):
        raise ZeroDivisionError

    queue_plan(actor=world.mediator, negotiation=scene.negotiation)
    queue_plan(actor=world.mediator, negotiation=scene.negotiation, all_for_all=True)
    monkeypatch.setattr(runs, "plan", crash)
    first = work()
    assert first.status == PlanStatus.FAILED and first.error["code"] == "internal"
    assert "worker's log" in first.error["message"]
    monkeypatch.undo()
    second = work()
    assert second.status == PlanStatus.DONE


def test_a_run_whose_worker_died_is_marked_failed(world, scene):
    run = queue_plan(actor=world.mediator, negotiation=scene.negotiation)
    assert claim_next_plan() is not None  # a worker took it …
    PlanRun.objects.filter(pk=run.pk).update(  # … and went silent
        heartbeat_at=timezone.now() - runs.STALE_AFTER - dt.timedelta(seconds=1)
    )
    assert claim_next_plan() is None
    run.refresh_from_db()
    assert run.status == PlanStatus.FAILED and run.error["code"] == "worker_lost"


def test_bad_options_are_refused_and_nothing_is_queued(client, world, scene):
    client.force_login(world.mediator)
    url = f"/exchanges/negotiations/{scene.negotiation.uuid}/"
    page = client.post(url, {"op": "plan", "size": "ten"}, follow=True).content.decode()
    assert "size: must be a whole number" in page
    page = client.post(
        url, {"op": "plan", "size": "3", "all_for_all": "1"}, follow=True
    ).content.decode()
    assert "size: give a size or all-for-all, not both" in page
    r = post(client, f"/api/v1/negotiations/{scene.negotiation.uuid}/plan", {"balance": ["eye"]})
    assert r.status_code == 422 and "balance" in r.json()["error"]["detail"]["fields"]
    assert not PlanRun.objects.exists()
    assert not Entry.objects.filter(action__startswith="plan.").exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("ua_officer", 200), ("mediator", 200), ("caseworker", 200), ("liaison", 404)],
)
def test_the_api_queues_a_run_and_reports_it(client, world, scene, who, status):
    client.force_login(world.mediator)
    r = post(client, f"/api/v1/negotiations/{scene.negotiation.uuid}/plan", {"all_for_all": True})
    assert r.status_code == 202, r.json()
    queued = r.json()
    assert queued["status"] == "queued" and queued["result"] == {}
    client.force_login(getattr(world, who))
    url = f"/api/v1/plans/{queued['uuid']}"
    assert client.get(url).status_code == status
    assert client.get(f"/exchanges/plans/{queued['uuid']}/").status_code == status
    if status == 200:
        work()
        done = client.get(url).json()
        assert done["status"] == "done" and done["percent"] == 100
        assert set(done["result"]["sides"]) == {"UA", "RU"}


@pytest.mark.django_db(transaction=True)
def test_the_worker_loop_carries_out_queued_runs(world, scene):
    from homeward.registry.worker import run_forever

    run = queue_plan(actor=world.caseworker, negotiation=scene.negotiation, size=1)
    run_forever(once=True)  # what `homeward worker --once` does
    run.refresh_from_db()
    assert run.status == PlanStatus.DONE and run.result["count"] == 1
