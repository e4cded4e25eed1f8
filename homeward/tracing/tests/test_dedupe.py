"""Possible duplicates in the register: persons entering it are compared with the register by the
worker and queued as person ↔ person candidates for the review queue (issue 16, item 4). Every
person here is synthetic."""

from __future__ import annotations

from homeward.registry.importing import import_person_list
from homeward.registry.models import Person
from homeward.registry.tests.factories import notified
from homeward.tracing.models import Candidate, CandidateKind, CandidateState
from homeward.tracing.models_rematch import RematchRun, RematchStatus
from homeward.tracing.tasks import persons_entered


def import_list(world, text: str) -> None:
    result = import_person_list(
        actor=world.caseworker,
        content=text.encode(),
        file_name="list.csv",
        source_kind="list",
        party=world.ru,
    )
    assert result.ok, result.errors


def duplicates():
    return Candidate.objects.filter(kind=CandidateKind.PERSON_PERSON)


def test_a_person_registered_again_under_another_spelling_is_queued_as_a_duplicate(
    world, django_capture_on_commit_callbacks
):
    first = notified(world, family_name="Петренко", given_name="Олександр", birth_date="1994-03-12")
    notified(world, family_name="Коваленко", given_name="Сергій", birth_date="1990")
    with django_capture_on_commit_callbacks(execute=True):
        import_list(
            world,
            "id,family_name,given_name,patronymic,sex,birth_date\n"
            "R1,ПЕТРЕНКО,АЛЕКСАНДР,ИВАНОВИЧ,M,12.03.1994\n"
            "R2,Мельник,Ганна,,F,1988\n",
        )
    again = Person.objects.get(family_name="ПЕТРЕНКО")
    pair = duplicates().get()
    assert (pair.person, pair.other_person) == (first, again)  # lower id first, one row a pair
    assert pair.origin == "dedupe"
    assert pair.state == CandidateState.PENDING
    assert pair.inquiry is None
    assert "birth" in pair.explanation["text"]
    run = RematchRun.objects.latest("id")
    assert (run.status, run.duplicate_pairs, run.duplicates_queued) == (RematchStatus.DONE, 1, 1)


def test_two_records_in_one_list_that_may_be_one_person_are_queued(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        import_list(
            world,
            "id,family_name,given_name,patronymic,sex,birth_date\n"
            "R1,Шевчук,Тарас,Петрович,M,1985-02-03\n"
            "R2,SHEVCHUK,TARAS,,M,03.02.1985\n"
            "R3,Бондар,Іван,,M,1970\n",
        )
    pair = duplicates().get()
    assert {pair.person.given_name, pair.other_person.given_name} == {"Тарас", "TARAS"}


def test_different_persons_are_not_queued(world, django_capture_on_commit_callbacks):
    notified(world, family_name="Петренко", given_name="Олександр", birth_date="1994-03-12")
    with django_capture_on_commit_callbacks(execute=True):
        notified(world, family_name="Коваленко", given_name="Марія", birth_date="1961-07-30")
    assert not duplicates().exists()
    assert RematchRun.objects.latest("id").status == RematchStatus.DONE


def test_a_merged_record_is_not_offered_as_a_duplicate_again(
    world, django_capture_on_commit_callbacks
):
    from homeward.registry import actions as registry

    a = notified(world, family_name="Петренко", given_name="Олександр", birth_date="1994-03-12")
    b = notified(world, family_name="Петренко", given_name="Олександр", birth_date="1994-03-12")
    registry.merge_persons(actor=world.caseworker, survivor=a, merged=b, reason="one man")
    with django_capture_on_commit_callbacks(execute=True):
        persons_entered(actor=world.caseworker, person_ids=[a.pk], trigger="manual")
    assert not duplicates().exists()


def test_a_duplicate_decided_different_does_not_return(world, django_capture_on_commit_callbacks):
    a = notified(world, family_name="Петренко", given_name="Олександр", birth_date="1994-03-12")
    with django_capture_on_commit_callbacks(execute=True):
        b = notified(world, family_name="Петренко", given_name="Олександр", birth_date="1994-03-12")
    pair = duplicates().get()
    Candidate.objects.filter(pk=pair.pk).update(state=CandidateState.DECIDED)
    with django_capture_on_commit_callbacks(execute=True):
        persons_entered(actor=world.caseworker, person_ids=[a.pk, b.pk], trigger="manual")
    pair.refresh_from_db()
    assert pair.state == CandidateState.DECIDED
    assert duplicates().count() == 1
