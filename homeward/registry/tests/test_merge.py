import pytest

from homeward.accounts.access import access_persons
from homeward.lib.errors import Conflict, Forbidden, ValidationFailed
from homeward.registry import actions
from homeward.registry.models import Person
from homeward.registry.selectors import timeline

from .factories import notified


@pytest.fixture
def pair(world):
    a = notified(world)
    b = notified(
        world,
        by=world.caseworker,
        detaining_party=world.ru,
        family_name="Petrenko",
        given_name="Oleksandr",
        patronymic="",
    )
    return a, b


def test_a_caseworker_merges_duplicates_and_both_histories_survive(world, pair):
    a, b = pair
    actions.merge_persons(
        actor=world.caseworker, survivor=a, merged=b, reason="same service number"
    )
    assert not access_persons(world.caseworker).filter(pk=b.pk).exists()
    assert len(timeline(a)) == 2  # a's notification and b's, shown together
    b.refresh_from_db()
    assert b.merged_into == a


def test_a_merge_is_reversible(world, pair):
    a, b = pair
    merge = actions.merge_persons(
        actor=world.caseworker, survivor=a, merged=b, reason="same person"
    )
    actions.undo_merge(actor=world.caseworker, merge=merge, reason="twins, not one person")
    b.refresh_from_db()
    assert b.merged_into is None
    assert len(timeline(a)) == 1 and len(timeline(b)) == 1
    with pytest.raises(Conflict):
        actions.undo_merge(actor=world.caseworker, merge=merge, reason="again")


def test_a_merge_needs_a_reason_and_a_caseworker(world, pair):
    a, b = pair
    with pytest.raises(ValidationFailed):
        actions.merge_persons(actor=world.caseworker, survivor=a, merged=b, reason=" ")
    with pytest.raises(Forbidden):
        actions.merge_persons(actor=world.ru_officer, survivor=a, merged=b, reason="same")
    assert Person.objects.filter(merged_into__isnull=False).count() == 0


def test_merging_a_record_with_itself_is_refused(world, pair):
    a, _ = pair
    with pytest.raises(ValidationFailed):
        actions.merge_persons(actor=world.caseworker, survivor=a, merged=a, reason="oops")
