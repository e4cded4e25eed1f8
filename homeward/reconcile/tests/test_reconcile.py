"""A published list reconciled: each row in one outcome, with the register's facts."""

from __future__ import annotations

import pytest

from homeward.ledger.models import Entry
from homeward.reconcile.models import Outcome, RunStatus
from homeward.registry.models import Person

from .conftest import upload

pytestmark = pytest.mark.django_db

# line → outcome for PUBLISHED against REGISTER (line 1 is the header)
EXPECTED = {
    2: Outcome.MATCHED,
    3: Outcome.MATCHED,
    4: Outcome.MATCHED,
    5: Outcome.MATCHED,
    6: Outcome.MATCHED,
    7: Outcome.DUPLICATE,
    8: Outcome.UNKNOWN,
    9: Outcome.UNKNOWN,
    10: Outcome.POSSIBLE,
}


def test_a_cp1251_list_with_one_name_column_lands_each_row_in_one_outcome(world, scene, reconcile):
    persons_before = Person.objects.count()
    plist = upload(world, title="1,000 soldiers Kyiv refuses to take back")
    run = reconcile(world.caseworker, plist)
    assert run.status == RunStatus.DONE, run.error
    got = {o.entry.line: o for o in run.outcomes.select_related("entry")}
    assert {line: o.outcome for line, o in got.items()} == EXPECTED
    # Russian forms of Ukrainian names, day-first dates: matched to the right person
    for line, person in zip((2, 3, 4, 5, 6), scene.persons[:5], strict=True):
        assert got[line].person_id == person.pk
        assert got[line].status == "notified" and got[line].detaining_party == "RU"
    assert got[7].duplicate_of.line == 3
    assert {c["person"] for c in got[10].candidates} == {
        str(scene.persons[6].uuid),
        str(scene.persons[8].uuid),
    }
    assert run.counts == {"matched": 5, "duplicate": 1, "unknown": 2, "possible": 1}
    # a source, never persons
    assert Person.objects.count() == persons_before
    assert plist.source.kind == "list" and len(plist.source.file_sha256) == 64
    actions = list(Entry.objects.values_list("action", flat=True))
    assert "reconcile.list_uploaded" in actions and "reconcile.run_done" in actions


def test_an_empty_register_leaves_every_row_unknown_without_the_engine(world, reconcile):
    run = reconcile(world.caseworker, upload(world))
    assert run.status == RunStatus.DONE
    assert set(run.outcomes.values_list("outcome", flat=True)) == {
        Outcome.UNKNOWN,
        Outcome.DUPLICATE,
    }
