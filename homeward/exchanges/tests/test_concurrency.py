"""Two people acting on the same list at the same moment, in two real concurrent transactions
(PostgreSQL; SQLite takes its one write lock at BEGIN, so there writers queue by construction)."""

import threading

import pytest
from django.db import connection, connections, transaction

from homeward.accounts.models import Role
from homeward.conftest import make_user
from homeward.exchanges import actions
from homeward.exchanges.actions import Add
from homeward.exchanges.models import ListEntry, ListVersion, Reason, VersionState
from homeward.ledger.models import Entry
from homeward.lib.errors import Conflict

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers at BEGIN; the race exists on PostgreSQL")


def hold_open(work, done_first: threading.Event, release: threading.Event, errors: list):
    """Runs `work` in a transaction that stays open (uncommitted) until `release`."""

    def target():
        try:
            with transaction.atomic():
                work()
                done_first.set()
                assert release.wait(20)
        except Exception as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
        finally:
            connections.close_all()

    return threading.Thread(target=target)


def in_thread(work, outcome: dict, finished: threading.Event, errors: list):
    def target():
        try:
            outcome["value"] = work()
        except Conflict as exc:
            outcome["value"] = exc
        except Exception as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
        finally:
            finished.set()
            connections.close_all()

    return threading.Thread(target=target)


def test_two_officers_saving_the_same_draft_at_once_the_second_is_told(world, scene):
    other_officer = make_user("ua_officer_2", Role.BUREAU_OFFICER, world.ua)
    base = scene.ua_list.versions.get(number=1)
    first_saved, release, second_finished = threading.Event(), threading.Event(), threading.Event()
    errors: list[Exception] = []
    outcome: dict = {}
    first = hold_open(
        lambda: actions.edit_list(
            actor=world.ua_officer,
            base=base,
            add=[Add(scene.held_by_ru[0], "ask", Reason.REQUESTED_BY_FAMILY)],
        ),
        first_saved,
        release,
        errors,
    )
    second = in_thread(
        lambda: actions.edit_list(
            actor=other_officer,
            base=base,
            add=[Add(scene.held_by_ru[1], "ask", Reason.LONG_CAPTIVITY)],
        ),
        outcome,
        second_finished,
        errors,
    )
    first.start()
    assert first_saved.wait(20)
    second.start()
    # The second save waits for the first one's transaction rather than reading around it.
    assert not second_finished.wait(1.0)
    release.set()
    first.join()
    second.join()
    assert not errors, errors
    refused = outcome["value"]
    assert isinstance(refused, Conflict), refused
    assert "edited since you opened it: version 2 by ua_officer" in refused.message
    # Nothing of the second edit was written; the first is whole.
    assert list(
        ListVersion.objects.filter(exchange_list=scene.ua_list).values_list("number", flat=True)
    ) == [1, 2]
    assert not ListEntry.objects.filter(person=scene.held_by_ru[1]).exists()
    assert Entry.objects.filter(action="list.edited").count() == 1


def test_both_parties_approving_at_once_agree_the_version_exactly_once(world, scene):
    version = actions.edit_list(
        actor=world.ua_officer,
        base=scene.ua_list.versions.get(number=1),
        add=[Add(scene.held_by_ru[0], "ask", Reason.REQUESTED_BY_FAMILY)],
    )
    actions.propose_version(actor=world.ua_officer, version=version)
    ua_approved, release, ru_finished = threading.Event(), threading.Event(), threading.Event()
    errors: list[Exception] = []
    outcome: dict = {}
    ua = hold_open(
        lambda: actions.approve_version(actor=world.ua_officer, version=version),
        ua_approved,
        release,
        errors,
    )
    ru = in_thread(
        lambda: actions.approve_version(actor=world.ru_officer, version=version),
        outcome,
        ru_finished,
        errors,
    )
    ua.start()
    assert ua_approved.wait(20)
    ru.start()
    assert not ru_finished.wait(1.0)
    release.set()
    ua.join()
    ru.join()
    assert not errors, errors
    version.refresh_from_db()
    # Neither approval read around the other: the second saw the first and agreed the version.
    assert version.state == VersionState.AGREED
    assert version.approvals.count() == 2
    assert Entry.objects.filter(action="list.agreed", object_id=str(version.uuid)).count() == 1
