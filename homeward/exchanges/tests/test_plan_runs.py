"""Planner runs are background work (DESIGN §4): the page and the API queue them, the worker
carries them out, the plan page follows their stage and shows the result or why it failed."""

import datetime as dt

import pytest
from django.utils import timezone

from homeward.exchanges import tasks
from homeward.exchanges.models import PlanRun, PlanStage, PlanStatus
from homeward.exchanges.runs import queue_plan
from homeward.exchanges.tasks import carry_out, carry_out_plan, take
from homeward.ledger.models import Entry
from homeward.lib.errors import ValidationFailed


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def work() -> PlanRun:
    """What the worker does with the oldest queued run's task (the tests' backend would have
    run it at commit, but a test's transaction never commits)."""
    queued = PlanRun.objects.filter(status=PlanStatus.QUEUED).order_by("created_at").first()
    assert queued is not None
    carry_out_plan.call(_context(), str(queued.uuid))
    queued.refresh_from_db()
    return queued


def _context(attempt: int = 1):
    """A TaskContext as the worker gives a task on its `attempt`-th try."""
    from django.tasks import TaskContext

    class Result:
        attempts = attempt
        id = "test"

    return TaskContext(task_result=Result())  # type: ignore[arg-type]


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
    claimed = take(str(run.uuid))
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
    assert take(str(run.uuid)) is None  # taken once only


def test_a_plan_that_fails_says_why_on_its_page(client, world, scene, monkeypatch):
    def no_plan(*args, **kwargs):
        raise ValidationFailed(
            "The planner found no plan.", detail={"fields": {"balance": "no feasible plan"}}
        )

    monkeypatch.setattr(tasks, "plan", no_plan)
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
    monkeypatch.setattr(tasks, "plan", crash)
    first = work()
    assert first.status == PlanStatus.FAILED and first.error["code"] == "internal"
    assert "worker's log" in first.error["message"]
    monkeypatch.undo()
    second = work()
    assert second.status == PlanStatus.DONE


def test_a_run_whose_process_went_silent_is_marked_failed(world, scene):
    run = queue_plan(actor=world.mediator, negotiation=scene.negotiation)
    assert take(str(run.uuid)) is not None  # a process took it …
    PlanRun.objects.filter(pk=run.pk).update(  # … and went silent
        heartbeat_at=timezone.now() - tasks.STALE_AFTER - dt.timedelta(seconds=1)
    )
    other = queue_plan(actor=world.mediator, negotiation=scene.negotiation)
    assert take(str(other.uuid)) is not None  # the next run to start notices
    run.refresh_from_db()
    assert run.status == PlanStatus.FAILED and run.error["code"] == "worker_lost"


def test_a_run_retried_after_its_worker_died_is_carried_out_then_given_up(world, scene):
    run = queue_plan(actor=world.mediator, negotiation=scene.negotiation, size=1)
    assert take(str(run.uuid)) is not None  # the first worker took it, then died
    carry_out_plan.call(_context(attempt=2), str(run.uuid))  # the next worker's retry
    run.refresh_from_db()
    assert run.status == PlanStatus.DONE and run.result["count"] == 1

    lost = queue_plan(actor=world.mediator, negotiation=scene.negotiation, size=1)
    assert take(str(lost.uuid)) is not None
    carry_out_plan.call(_context(attempt=3), str(lost.uuid))  # died twice: given up
    lost.refresh_from_db()
    assert lost.status == PlanStatus.FAILED and lost.error["code"] == "worker_lost"
    assert lost.result == {}


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


def test_a_queued_run_is_carried_out_when_its_transaction_commits(
    world, scene, django_capture_on_commit_callbacks
):
    # The tests' task backend runs a task on enqueue; queue_plan enqueues at commit.
    with django_capture_on_commit_callbacks(execute=True):
        run = queue_plan(actor=world.caseworker, negotiation=scene.negotiation, size=1)
        assert PlanRun.objects.get(pk=run.pk).status == PlanStatus.QUEUED
    run.refresh_from_db()
    assert run.status == PlanStatus.DONE and run.result["count"] == 1


@pytest.mark.django_db(transaction=True)
def test_the_worker_carries_out_queued_runs(world, scene, settings):
    from homeward.worker.runner import run as run_worker

    settings.TASKS = settings.DATABASE_TASKS
    run = queue_plan(actor=world.caseworker, negotiation=scene.negotiation, size=1)
    assert PlanRun.objects.get(pk=run.pk).status == PlanStatus.QUEUED
    run_worker(batch=True, install_signals=False)  # what `homeward worker --once` does
    run.refresh_from_db()
    assert run.status == PlanStatus.DONE and run.result["count"] == 1
