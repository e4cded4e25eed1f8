import datetime as dt

import pytest

from homeward.ledger.models import Entry
from homeward.lib.errors import Forbidden, ValidationFailed
from homeward.registry import actions
from homeward.registry.models import StatusEvent, StatusKind
from homeward.registry.selectors import current_status, timeline

from .factories import notified


@pytest.fixture
def person(world):
    return notified(world)


@pytest.fixture
def source(world):
    return actions.create_source(
        actor=world.caseworker,
        kind="visit",
        title="Visit to camp 3",
        reliability="A",
        credibility="1",
    )


def test_the_current_status_follows_the_latest_event(world, person, source):
    actions.record_status_event(
        actor=world.caseworker, person=person, kind="visited", date="2025-06-01", source=source
    )
    actions.record_status_event(
        actor=world.caseworker, person=person, kind="hospitalised", date="2025-07-01", source=source
    )
    assert current_status(person) == StatusKind.HOSPITALISED


def test_a_correction_supersedes_and_keeps_the_old_event(world, person, source):
    wrong = actions.record_status_event(
        actor=world.caseworker, person=person, kind="died", date="2025-06-01", source=source
    )
    assert current_status(person) == StatusKind.DIED
    actions.record_status_event(
        actor=world.caseworker,
        person=person,
        kind="hospitalised",
        date="2025-06-01",
        source=source,
        supersedes=wrong,
    )
    assert current_status(person) == StatusKind.HOSPITALISED
    assert StatusEvent.objects.filter(pk=wrong.pk).exists()
    assert [e.kind for e in timeline(person)].count("died") == 1
    assert Entry.objects.filter(action="status.corrected").count() == 1


def test_a_corrected_event_cannot_be_corrected_twice(world, person, source):
    first = actions.record_status_event(
        actor=world.caseworker, person=person, kind="visited", date="2025-06-01", source=source
    )
    actions.record_status_event(
        actor=world.caseworker,
        person=person,
        kind="visited",
        date="2025-06-02",
        source=source,
        supersedes=first,
    )
    with pytest.raises(ValidationFailed) as exc:
        actions.record_status_event(
            actor=world.caseworker,
            person=person,
            kind="visited",
            date="2025-06-03",
            source=source,
            supersedes=first,
        )
    assert "supersedes" in exc.value.detail["fields"]


def test_events_after_a_recorded_death_are_refused_unless_a_correction(world, person, source):
    actions.record_status_event(
        actor=world.caseworker, person=person, kind="died", date="2025-06-01", source=source
    )
    with pytest.raises(ValidationFailed) as exc:
        actions.record_status_event(
            actor=world.caseworker, person=person, kind="visited", date="2025-07-01", source=source
        )
    assert "dead" in exc.value.detail["fields"]["kind"]


@pytest.mark.parametrize(
    ("date", "reason"),
    [
        ("2025-13-01", "does not exist"),
        ("1990", "before the person's birth"),
        (str(dt.datetime.now(tz=dt.UTC).date() + dt.timedelta(days=2)), "future"),
    ],
)
def test_a_bad_event_date_is_refused(world, person, source, date, reason):
    with pytest.raises(ValidationFailed) as exc:
        actions.record_status_event(
            actor=world.caseworker, person=person, kind="visited", date=date, source=source
        )
    assert reason in exc.value.detail["fields"]["date"]
    assert StatusEvent.objects.filter(person=person).count() == 1


def test_the_other_partys_officer_cannot_record_on_a_person_it_does_not_hold(world, person, source):
    with pytest.raises(Forbidden):
        actions.record_status_event(
            actor=world.ua_officer, person=person, kind="visited", date="2025-06-01", source=source
        )
    # The holder's officer may, citing its own party's source (not the intermediary's).
    own = actions.create_source(actor=world.ru_officer, kind="visit", title="RU", party=world.ru)
    actions.record_status_event(
        actor=world.ru_officer, person=person, kind="visited", date="2025-06-01", source=own
    )


@pytest.mark.parametrize("who", ["analyst", "auditor", "admin", "liaison"])
def test_roles_without_the_right_cannot_record_events(world, person, source, who):
    with pytest.raises(Forbidden):
        actions.record_status_event(
            actor=getattr(world, who),
            person=person,
            kind="visited",
            date="2025-06-01",
            source=source,
        )


def test_a_transfer_to_another_power_opens_a_new_detention(world, person, source):
    actions.record_status_event(
        actor=world.caseworker,
        person=person,
        kind="transferred",
        date="2025-03-01",
        source=source,
        party=world.ua,
        place="Camp 7",
    )
    holders = list(
        person.detentions.order_by("created_at").values_list(
            "detaining_party__code", "internment_place"
        )
    )
    assert holders == [("RU", ""), ("UA", "Camp 7")]
    # The new holder's bureau now has the person in its scope; the record keeps both periods.
    from homeward.accounts.access import access_persons

    assert access_persons(world.ua_officer).filter(pk=person.pk).exists()


def test_a_move_between_camps_of_the_same_power_updates_the_internment_place(world, person, source):
    actions.record_status_event(
        actor=world.caseworker,
        person=person,
        kind="transferred",
        date="2025-03-01",
        source=source,
        party=world.ru,
        place="Colony 10",
    )
    assert list(person.detentions.values_list("internment_place", flat=True)) == ["Colony 10"]


def test_a_transfer_to_a_party_that_is_not_a_state_is_refused(world, person, source):
    with pytest.raises(ValidationFailed):
        actions.record_status_event(
            actor=world.caseworker,
            person=person,
            kind="transferred",
            date="2025-03-01",
            source=source,
            party=world.md,
        )
    assert (
        person.detentions.count() == 1
        and not person.status_events.filter(kind="transferred").exists()
    )


def test_the_pool_a_party_holds_follows_transfers_and_final_statuses(world, person, source):
    from homeward.registry.selectors import held_by

    other = notified(world, family_name="Коваленко")
    assert set(held_by(world.ru.pk)) == {person, other}
    actions.record_status_event(
        actor=world.caseworker,
        person=person,
        kind="transferred",
        date="2025-03-01",
        source=source,
        party=world.ua,
    )
    actions.record_status_event(
        actor=world.caseworker, person=other, kind="released", date="2025-03-01", source=source
    )
    assert set(held_by(world.ru.pk)) == set()
    assert set(held_by(world.ua.pk)) == {person}
