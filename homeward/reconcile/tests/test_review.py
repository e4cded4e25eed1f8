"""Possible rows decided by a caseworker; unknown rows registered as reported captured."""

from __future__ import annotations

import pytest

from homeward.ledger.models import Entry
from homeward.lib.errors import Conflict, Forbidden, ValidationFailed
from homeward.reconcile import actions
from homeward.reconcile.models import Outcome, ReviewDecision
from homeward.registry.models import Person, StatusKind

from .conftest import upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def done(world, scene, reconcile):
    return reconcile(world.caseworker, upload(world))


def line(run, n):
    return run.outcomes.select_related("entry", "run__published_list").get(entry__line=n)


def test_same_makes_the_row_matched_now_and_in_every_later_run(world, scene, done, reconcile):
    twin = scene.persons[8]
    actions.decide_possible(
        actor=world.caseworker,
        outcome=line(done, 10),
        person=twin,
        verdict="same",
        reason="service number on the photo matches",
    )
    o = line(done, 10)
    assert (o.outcome, o.person, o.by_review, o.status) == ("matched", twin, True, "notified")
    assert Entry.objects.filter(action="reconcile.decided").exists()
    again = reconcile(world.caseworker, done.published_list)
    o = line(again, 10)
    assert (o.outcome, o.person, o.by_review) == ("matched", twin, True)


def test_different_drops_the_candidate_and_the_last_one_leaves_the_row_unknown(
    world, scene, done, reconcile
):
    for p in (scene.persons[6], scene.persons[8]):
        actions.decide_possible(
            actor=world.caseworker,
            outcome=line(done, 10),
            person=p,
            verdict="different",
            reason="different unit",
        )
    assert line(done, 10).outcome == Outcome.UNKNOWN
    assert ReviewDecision.objects.count() == 2
    assert line(reconcile(world.caseworker, done.published_list), 10).outcome == Outcome.UNKNOWN


def test_a_decision_needs_a_reason_a_candidate_and_a_caseworker(world, scene, done):
    with pytest.raises(ValidationFailed):
        actions.decide_possible(
            actor=world.caseworker,
            outcome=line(done, 10),
            person=scene.persons[6],
            verdict="same",
            reason=" ",
        )
    with pytest.raises(Forbidden):
        actions.decide_possible(
            actor=world.ru_officer,
            outcome=line(done, 10),
            person=scene.persons[6],
            verdict="same",
            reason="x",
        )
    with pytest.raises(Conflict):
        actions.decide_possible(
            actor=world.caseworker,
            outcome=line(done, 2),
            person=scene.persons[0],
            verdict="same",
            reason="x",
        )
    assert not ReviewDecision.objects.exists()


def test_unknown_rows_are_registered_reported_captured_from_the_lists_source(world, done):
    before = Person.objects.count()
    unknown = list(done.outcomes.filter(outcome=Outcome.UNKNOWN))
    assert actions.register_unknown(actor=world.caseworker, outcomes=unknown[:1]) == 1
    assert actions.register_unknown(actor=world.caseworker, outcomes=unknown) == 1  # the other
    assert actions.register_unknown(actor=world.caseworker, outcomes=unknown) == 0
    new = Person.objects.order_by("-pk")[:2]
    assert Person.objects.count() == before + 2
    for p in new:
        event = p.status_events.get()
        assert event.kind == StatusKind.REPORTED_CAPTURED
        assert event.source == done.published_list.source
        assert p.detentions.get().detaining_party == world.ru
    assert {p.family_name for p in new} == {"Зайцев", "Лисовский"}
    assert Entry.objects.filter(action="reconcile.registered_unknown").count() == 2


def test_only_a_caseworker_registers_unknown_rows(world, done):
    with pytest.raises(Forbidden):
        actions.register_unknown(
            actor=world.ru_officer, outcomes=list(done.outcomes.filter(outcome=Outcome.UNKNOWN))
        )
