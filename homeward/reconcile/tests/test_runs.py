"""Runs: one at a time per list, a crash leaves nothing half-written, re-runs say what changed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from homeward.lib.errors import Conflict
from homeward.linkage.model import Match
from homeward.reconcile import actions, runs
from homeward.reconcile.models import EntryOutcome, Outcome, ReconciliationRun, RunStatus
from homeward.reconcile.selectors import changes_since_previous
from homeward.registry.actions import create_source, record_status_event

from .conftest import upload

pytestmark = pytest.mark.django_db


def test_a_second_run_while_one_is_queued_is_refused_and_writes_nothing(world, scene):
    plist = upload(world)
    first = actions.start_reconciliation(
        actor=world.caseworker, published_list=plist, enqueue=False
    )
    with pytest.raises(Conflict) as exc:
        actions.start_reconciliation(actor=world.ua_officer, published_list=plist, enqueue=False)
    assert exc.value.code == "run_in_progress"
    assert list(ReconciliationRun.objects.values_list("pk", flat=True)) == [first.pk]


def test_the_database_refuses_two_active_runs_of_one_list_whatever_the_race(world, scene):
    from django.db import IntegrityError, transaction

    plist = upload(world)
    ReconciliationRun.objects.create(published_list=plist, started_by=world.caseworker)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReconciliationRun.objects.create(
            published_list=plist, started_by=world.caseworker, status=RunStatus.RUNNING
        )


def test_a_crash_mid_run_leaves_it_failed_with_nothing_written_and_it_can_run_again(
    world, scene, reconcile, monkeypatch
):
    plist = upload(world)
    calls = []

    def crash(*args, **kwargs):
        calls.append(1)
        raise MemoryError("out of memory while scoring")

    monkeypatch.setattr(runs.engine, "link_prepared", crash)
    run = reconcile(world.caseworker, plist)
    assert calls and run.status == RunStatus.FAILED
    assert "out of memory" in run.error["message"]
    assert not EntryOutcome.objects.exists()
    monkeypatch.undo()
    again = reconcile(world.caseworker, plist)
    assert again.status == RunStatus.DONE
    assert again.outcomes.count() == plist.rows


def test_a_crash_while_writing_the_outcomes_writes_none_of_them(
    world, scene, reconcile, monkeypatch
):
    plist = upload(world)
    real = runs.status_snapshot

    def half(pks):
        out = real(pks)
        monkeypatch.setattr(
            EntryOutcome.objects,
            "bulk_create",
            lambda *a, **k: (_ for _ in ()).throw(OSError("disk full")),
        )
        return out

    monkeypatch.setattr(runs, "status_snapshot", half)
    run = reconcile(world.caseworker, plist)
    assert run.status == RunStatus.FAILED and "disk full" in run.error["message"]
    assert not EntryOutcome.objects.exists()


def test_a_run_whose_worker_died_is_failed_when_the_list_is_run_again(world, scene):
    plist = upload(world)
    dead = ReconciliationRun.objects.create(
        published_list=plist, started_by=world.caseworker, status=RunStatus.RUNNING
    )
    ReconciliationRun.objects.filter(pk=dead.pk).update(
        heartbeat_at=timezone.now() - dt.timedelta(hours=1)
    )
    new = actions.start_reconciliation(actor=world.caseworker, published_list=plist, enqueue=False)
    dead.refresh_from_db()
    assert dead.status == RunStatus.FAILED and "stopped" in dead.error["message"]
    assert new.status == RunStatus.QUEUED


def test_a_rerun_after_the_register_changed_shows_what_changed(world, scene, reconcile):
    plist = upload(world)
    first = reconcile(world.caseworker, plist)
    src = create_source(actor=world.caseworker, kind="visit", title="Visit to camp 6")
    record_status_event(
        actor=world.caseworker,
        person=scene.persons[1],
        kind="visited",
        date="2025-05-01",
        source=src,
    )
    second = reconcile(world.caseworker, plist)
    assert second.previous_id == first.pk
    changes = changes_since_previous(world.caseworker, second)
    assert [(c.line, c.before, c.after, c.status_before, c.status_after) for c in changes] == [
        (3, "matched", "matched", "Notified", "Visited")
    ]
    assert changes_since_previous(world.caseworker, first) is None


def _m(left, right, decision, score=0.9):
    return Match(str(left), str(right), score, decision, "because")


def test_outcomes_follow_the_engines_rule_and_earlier_decisions():
    entries = [
        (1, {"full_name": "Петренко Олександр", "birth_date": "1994"}),
        (2, {"full_name": "Коваленко Андрій", "birth_date": "1988"}),
        (3, {"full_name": "Шевчук Дмитро", "birth_date": "1990"}),
        (4, {"full_name": "олександр ПЕТРЕНКО", "birth_date": "1994"}),
        (5, {"full_name": "Бондар Сергій", "birth_date": "1979"}),
        (6, {"full_name": "Бондар С.", "birth_date": "1979"}),
        (7, {"full_name": "Мельник Ігор"}),
        (8, {"full_name": "Мельник Роман", "birth_date": "1960"}),
    ]
    matches = [
        _m(1, 101, "match"),
        _m(2, 102, "possible"),
        _m(2, 103, "possible", 0.5),
        _m(3, 104, "possible"),
        _m(5, 105, "match"),
        _m(6, 105, "match"),
        _m(7, 106, "match"),
        _m(8, 107, "match"),
    ]
    decisions = {3: [(104, "same")], 2: [(102, "different")]}
    got = {r["entry"]: r for r in runs.outcomes_for(entries, matches, decisions, {107})}
    assert got[1]["outcome"] == Outcome.MATCHED and got[1]["person"] == 101
    assert got[2]["outcome"] == Outcome.POSSIBLE
    assert [c["person"] for c in got[2]["candidates"]] == [103]
    assert got[3]["outcome"] == Outcome.MATCHED and got[3]["by_review"]
    assert got[4]["outcome"] == Outcome.DUPLICATE and got[4]["duplicate_of"] == 1
    assert got[5]["outcome"] == Outcome.MATCHED
    assert got[6]["outcome"] == Outcome.DUPLICATE and got[6]["duplicate_of"] == 5
    # a name alone does not make a match: no birth date on the row, or on the person
    for undated in (7, 8):
        assert got[undated]["outcome"] == Outcome.POSSIBLE
        assert "no birth date" in got[undated]["explanation"]
