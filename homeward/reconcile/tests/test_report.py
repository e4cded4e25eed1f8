"""The report a mediator reads: figures, the names behind them, who may see what."""

from __future__ import annotations

import pytest

from homeward.accounts.models import AccessLog
from homeward.lib.errors import Forbidden, NotFound
from homeward.reconcile.selectors import compare, names_behind, report

from .conftest import PUBLISHED, list_csv, refused, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def done(world, scene, negotiation, reconcile):
    refused(world, scene.persons[3], verified=True)
    refused(world, scene.persons[4], verified=False)
    return reconcile(world.caseworker, upload(world))


def values(r) -> dict:
    out = {"total": r.total}
    for f in r.figures:
        out[f.key] = f.value
        for p in f.parts:
            out[p.key] = p.value
    return out


def test_the_figures_answer_the_claim_name_by_name(world, done):
    got = values(report(world.caseworker, done))
    assert got == {
        "total": 9,
        "matched": 5,
        "status:notified": 3,
        "status:refused_verified": 1,
        "status:refused_unverified": 1,
        "on_lists": 2,  # Petrenko and Kovalenko on UA's latest version
        "removed": 1,  # Shevchuk, removed as a duplicate record
        "removed:duplicate": 1,
        "refused": 2,
        "refused_verified": 1,
        "possible": 1,
        "unknown": 2,
        "duplicate": 1,
    }


def test_the_names_behind_a_figure_carry_the_registers_facts_and_the_read_is_logged(
    world, scene, done
):
    r = report(world.caseworker, done)
    names = names_behind(world.caseworker, r, "removed")
    [row] = names.rows
    assert (row.line, row.person, row.removals) == (4, scene.persons[2], ["Duplicate record"])
    assert not row.on_lists
    log = AccessLog.objects.filter(user=world.caseworker, object_type="person").last()
    assert list(log.records.values_list("object_uuid", flat=True)) == [scene.persons[2].uuid]
    [verified] = names_behind(world.caseworker, r, "refused_verified").rows
    assert verified.person == scene.persons[3] and verified.refused is True


def test_an_analyst_sees_suppressed_counts_and_no_names(world, done):
    r = report(world.analyst, done)
    got = values(r)
    assert got["matched"] == 5 and got["refused"] is None and got["unknown"] is None
    assert r.members == {}
    with pytest.raises(NotFound):
        names_behind(world.analyst, r, "matched")


def test_a_mediator_sees_only_names_in_its_scope_and_how_many_are_not(world, scene, done):
    names = names_behind(world.mediator, report(world.mediator, done), "matched")
    # the mediator's scope: persons on lists of negotiations it mediates (the first three)
    assert [r.person for r in names.rows] == scene.persons[:3]
    assert names.outside_scope == 2


@pytest.mark.parametrize("who", ["liaison", "auditor", "admin"])
def test_others_see_nothing_of_a_reconciliation(world, done, who):
    with pytest.raises(Forbidden):
        report(getattr(world, who), done)


def test_unknown_and_figure_keys_outside_the_report_are_not_found(world, done):
    with pytest.raises(NotFound):
        names_behind(world.caseworker, report(world.caseworker, done), "status:escaped")


def test_two_published_lists_compared_on_both_one_only_and_changed_status(
    world, scene, reconcile, negotiation
):
    a = reconcile(world.caseworker, upload(world))
    refused(world, scene.persons[0], verified=True)
    other = list_csv([PUBLISHED[0], ("Кравченко Максим Юрьевич", "09.09.1999")])
    b = reconcile(world.caseworker, upload(world, other, published_by="UA", title="UA's list"))
    c = compare(world.caseworker, a, b)
    assert (c.both, c.only_left, c.only_right, c.changed_status) == (1, 4, 1, 1)
    assert [p for p, _a, _b in c.rows["changed_status"]] == [scene.persons[0]]
    version = negotiation.lists.get(party=world.ua).versions.order_by("-number").first()
    v = compare(world.caseworker, a, version)
    assert (v.both, v.only_left, v.only_right) == (2, 3, 0)
