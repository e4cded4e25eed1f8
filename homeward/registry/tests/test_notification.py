import pytest

from homeward.ledger.models import Entry
from homeward.lib.errors import Forbidden, ValidationFailed
from homeward.registry import actions
from homeward.registry.models import Detention, Person, StatusKind
from homeward.registry.selectors import current_status

from .factories import notified


def test_a_bureau_officer_notifies_a_capture_held_by_its_own_party(world):
    person = notified(world)
    assert person.detentions.get().detaining_party == world.ru
    assert current_status(person) == StatusKind.NOTIFIED
    assert person.names.get().script == "uk"
    entry = Entry.objects.get(action="person.notified")
    assert entry.object_id == str(person.uuid)
    # Names enter the ledger only as salted commitments.
    assert "Петренко" not in entry.event and "1994" not in entry.event


def test_a_bureau_officer_cannot_notify_for_the_other_party(world):
    with pytest.raises(Forbidden):
        notified(world, by=world.ru_officer, detaining_party=world.ua)
    assert Person.objects.count() == 0


@pytest.mark.parametrize("who", ["analyst", "auditor", "admin", "mediator", "liaison"])
def test_roles_without_the_right_cannot_notify(world, who):
    with pytest.raises(Forbidden):
        notified(world, by=getattr(world, who), detaining_party=world.ru)
    assert Person.objects.count() == 0 and Entry.objects.count() == 0


def test_a_caseworker_must_name_the_detaining_party(world):
    with pytest.raises(ValidationFailed) as exc:
        notified(world, by=world.caseworker)
    assert "detaining_party" in exc.value.detail["fields"]
    person = notified(world, by=world.caseworker, detaining_party=world.ua)
    assert Detention.objects.get(person=person).detaining_party == world.ua


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("birth_date", "1994-02-30", "has no day 30"),
        ("birth_date", "2100-01-01", "in the future"),
        ("birth_date", "12/03/1994", "is not a date"),
        ("family_name", "", "is required"),
        ("family_name", "П" * 10_000_000, "at most 200"),
        ("sex", "X", "must be M, F or U"),
        ("category", "pilot", "must be one of"),
        ("nationalities", ["Ukraine"], "not an ISO 3166"),
        ("home_party_code", "ZZ", "unknown party"),
        ("given_name", 42, "must be text"),
    ],
)
def test_bad_particulars_are_refused_naming_the_field(world, field, value, reason):
    with pytest.raises(ValidationFailed) as exc:
        notified(world, **{field: value})
    assert reason in exc.value.detail["fields"][field]
    assert Person.objects.count() == 0 and Entry.objects.count() == 0


def test_a_capture_before_birth_is_refused(world):
    with pytest.raises(ValidationFailed) as exc:
        notified(world, birth_date="2001", captured_on="1999-05-01")
    assert "captured_on" in exc.value.detail["fields"]


def test_a_full_date_in_any_accepted_form_is_kept_with_its_precision(world):
    assert str(notified(world, birth_date="12.03.1994").birth_date) == "1994-03-12"
    assert (
        str(notified(world, birth_date="1994-03", family_name="Коваленко").birth_date) == "1994-03"
    )
    assert notified(world, birth_date="1994", family_name="Мельник").birth_date.precision == "year"


def test_an_added_spelling_is_searchable_and_sourced(world):
    person = notified(world)
    source = actions.create_source(actor=world.caseworker, kind="list", title="List of 12 May")
    actions.add_name(
        actor=world.caseworker,
        person=person,
        family_name="Petrenko",
        given_name="Aleksandr",
        source=source,
    )
    assert person.names.count() == 2
    assert person.names.get(script="latn").source == source
