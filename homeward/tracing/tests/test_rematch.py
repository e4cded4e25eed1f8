"""Candidates later, without anyone asking: persons entering the register are matched by the
worker against every open inquiry (issue 16, item 3). Every person here is synthetic."""

from __future__ import annotations

import pytest
from django.db import transaction

from homeward.lib.dates import PartialDate
from homeward.registry import actions as registry
from homeward.registry.importing import import_person_list
from homeward.registry.models import Person
from homeward.registry.tests.factories import notified
from homeward.tracing import matching
from homeward.tracing.models import (
    Candidate,
    CandidateKind,
    CandidateState,
    Inquiry,
    InquiryState,
)
from homeward.tracing.models_rematch import RematchRun, RematchStatus, RematchTrigger
from homeward.tracing.tasks import persons_entered

# The detaining power's clerk writes Russian Cyrillic in capitals with a day-first date.
RU_LIST = (
    "id,family_name,given_name,patronymic,sex,birth_date\n"
    "R1,ПЕТРЕНКО,АЛЕКСАНДР,ИВАНОВИЧ,M,12.03.1994\n"
    "R2,КОВАЛЕНКО,СЕРГЕЙ,,M,1990\n"
    "R3,МЕЛЬНИК,АННА,ИВАНОВНА,F,12.03.1988\n"
)


def inquiry(world, *, state=InquiryState.OPEN, **fields) -> Inquiry:
    """A mother's inquiry in Ukrainian Cyrillic with a year of birth, unless told otherwise."""
    values = {
        "family_name": "Петренко",
        "given_name": "Олександр",
        "birth_date": PartialDate(1994),
        "sex": "M",
        "requester_name": "Петренко Ганна",
        "requester_relation": "mother",
        **fields,
    }
    return Inquiry.objects.create(state=state, created_by=world.liaison, **values)


def import_list(world, text: str = RU_LIST):
    result = import_person_list(
        actor=world.caseworker,
        content=text.encode(),
        file_name="list.csv",
        source_kind="list",
        party=world.ru,
    )
    assert result.ok, result.errors
    return result


def test_an_import_queues_candidates_for_a_matching_open_inquiry_without_anyone_searching(
    world, django_capture_on_commit_callbacks
):
    sought = inquiry(world)
    with django_capture_on_commit_callbacks(execute=True):
        import_list(world)
    person = Person.objects.get(family_name="ПЕТРЕНКО")
    candidate = Candidate.objects.get(inquiry=sought)
    assert candidate.kind == CandidateKind.INQUIRY_PERSON
    assert candidate.person == person
    assert candidate.origin == "rematch"
    assert candidate.state == CandidateState.PENDING
    # the same explanation the filing form's search stores, part by part
    assert {p["comparison"] for p in candidate.explanation["parts"]} >= {"surname", "birth"}
    assert candidate.explanation["decision"] in ("match", "possible")
    run = RematchRun.objects.get()
    assert run.trigger == RematchTrigger.IMPORT
    assert run.status == RematchStatus.DONE
    assert run.created_by == world.caseworker
    assert sorted(run.person_ids) == sorted(Person.objects.values_list("pk", flat=True))
    assert (run.inquiries, run.queued) == (1, 1)
    assert run.started_at and run.finished_at


def test_only_the_person_sought_is_queued_for_an_inquiry(world, django_capture_on_commit_callbacks):
    sought = inquiry(world, family_name="Мельник", given_name="Ганна", birth_date=PartialDate(1988))
    with django_capture_on_commit_callbacks(execute=True):
        import_list(world)
    assert [c.person.family_name for c in Candidate.objects.filter(inquiry=sought)] == ["МЕЛЬНИК"]


def test_matching_waits_for_the_import_to_commit(world, django_capture_on_commit_callbacks):
    inquiry(world)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        import_list(world)
    # The import is written; the run waits, queued, for the commit.
    assert Person.objects.count() == 3
    assert RematchRun.objects.get().status == RematchStatus.QUEUED
    assert not Candidate.objects.exists()
    assert len(callbacks) == 1
    callbacks[0]()
    assert RematchRun.objects.get().status == RematchStatus.DONE
    assert Candidate.objects.count() == 1


def test_a_rolled_back_import_leaves_no_run(world, django_capture_on_commit_callbacks):
    inquiry(world)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            import_list(world)
            raise RuntimeError("the import fails after registering")
    assert not RematchRun.objects.exists()
    assert not Candidate.objects.exists()


def test_a_capture_notification_queues_candidates(world, django_capture_on_commit_callbacks):
    sought = inquiry(world)
    with django_capture_on_commit_callbacks(execute=True):
        person = notified(world, family_name="Петренко", given_name="Олександр")
    assert Candidate.objects.get(inquiry=sought).person == person
    run = RematchRun.objects.get()
    assert (run.trigger, run.created_by, run.person_ids) == (
        RematchTrigger.NOTIFICATION,
        world.ru_officer,
        [person.pk],
    )


def test_a_merge_matches_the_survivor_again(world, django_capture_on_commit_callbacks):
    a = notified(world, family_name="Бондар", given_name="Іван", birth_date="1970")
    b = notified(world, family_name="Бондар", given_name="Іван", birth_date="1970-05-02")
    with django_capture_on_commit_callbacks(execute=True):
        registry.merge_persons(actor=world.caseworker, survivor=a, merged=b, reason="one man")
    run = RematchRun.objects.get(trigger=RematchTrigger.MERGE)
    assert run.person_ids == [a.pk]
    assert run.status == RematchStatus.DONE


def test_closed_and_answered_inquiries_are_not_matched(world, django_capture_on_commit_callbacks):
    inquiry(world, state=InquiryState.CLOSED)
    inquiry(world, state=InquiryState.ANSWERED)
    reopened = inquiry(world, state=InquiryState.REOPENED)
    with django_capture_on_commit_callbacks(execute=True):
        import_list(world)
    assert [c.inquiry for c in Candidate.objects.filter(kind=CandidateKind.INQUIRY_PERSON)] == [
        reopened
    ]
    assert RematchRun.objects.get().inquiries == 1


def test_an_inquiry_already_linked_to_a_person_is_not_matched(
    world, django_capture_on_commit_callbacks
):
    someone = notified(world, family_name="Шевчук", given_name="Тарас")
    inquiry(world, linked_person=someone)
    with django_capture_on_commit_callbacks(execute=True):
        import_list(world)
    assert not Candidate.objects.filter(kind=CandidateKind.INQUIRY_PERSON).exists()


def _rematch_again(world, person, django_capture_on_commit_callbacks) -> RematchRun:
    with django_capture_on_commit_callbacks(execute=True):
        run = persons_entered(actor=world.caseworker, person_ids=[person.pk], trigger="manual")
    assert run is not None
    run.refresh_from_db()
    assert run.status == RematchStatus.DONE, run.error
    return run


def test_a_pair_decided_different_does_not_return_unless_a_record_changes(
    world, django_capture_on_commit_callbacks
):
    sought = inquiry(world)
    with django_capture_on_commit_callbacks(execute=True):
        import_list(world)
    candidate = Candidate.objects.get(inquiry=sought)
    # A reviewer decided "different" (the desk's decide action sets this state).
    Candidate.objects.filter(pk=candidate.pk).update(state=CandidateState.DECIDED)
    person = candidate.person

    run = _rematch_again(world, person, django_capture_on_commit_callbacks)
    assert run.pairs == 1 and run.queued == 0
    candidate.refresh_from_db()
    assert candidate.state == CandidateState.DECIDED
    assert Candidate.objects.filter(inquiry=sought).count() == 1

    # The family gives the full date of birth: the pair is worth another look.
    Inquiry.objects.filter(pk=sought.pk).update(birth_date=PartialDate(1994, 3, 12))
    run = _rematch_again(world, person, django_capture_on_commit_callbacks)
    assert run.queued == 1
    candidate.refresh_from_db()
    assert candidate.state == CandidateState.PENDING
    assert Candidate.objects.filter(inquiry=sought).count() == 1


def test_a_pending_pair_is_not_queued_twice(world, django_capture_on_commit_callbacks):
    sought = inquiry(world)
    with django_capture_on_commit_callbacks(execute=True):
        import_list(world)
    person = Candidate.objects.get(inquiry=sought).person
    run = _rematch_again(world, person, django_capture_on_commit_callbacks)
    assert (run.pairs, run.queued) == (1, 0)
    assert Candidate.objects.filter(inquiry=sought).count() == 1


def test_a_failure_marks_the_run_failed_visibly(
    world, django_capture_on_commit_callbacks, monkeypatch
):
    inquiry(world)

    def broken(*args, **kwargs):
        raise MemoryError("the engine ran out of memory")

    monkeypatch.setattr(matching, "match_inquiries", broken)
    with django_capture_on_commit_callbacks(execute=True):
        import_list(world)
    # The import stands; its run says it failed, and why.
    assert Person.objects.count() == 3
    run = RematchRun.objects.get()
    assert run.status == RematchStatus.FAILED
    assert run.error == "MemoryError: the engine ran out of memory"
    assert run.finished_at is not None
    assert not Candidate.objects.exists()


def test_a_run_without_live_persons_queues_nothing(world, django_capture_on_commit_callbacks):
    inquiry(world)
    with django_capture_on_commit_callbacks(execute=True):
        run = persons_entered(actor=None, person_ids=[999_999], trigger="manual")
    assert run is not None
    run.refresh_from_db()
    assert (run.status, run.queued, run.created_by) == (RematchStatus.DONE, 0, None)
    assert persons_entered(actor=None, person_ids=[], trigger="manual") is None


def test_the_command_queues_a_run_by_hand_and_lists_runs_with_their_outcome(
    world, django_capture_on_commit_callbacks
):
    import io

    from django.core.management import CommandError, call_command

    sought = inquiry(world)
    with django_capture_on_commit_callbacks(execute=False):
        person = notified(world)  # its own run is not carried out here
    RematchRun.objects.all().delete()
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("rematch", "--since", "2000-01-01", stdout=out)
    assert "queued run" in out.getvalue()
    out = io.StringIO()
    call_command("rematch", stdout=out)
    text = out.getvalue()
    assert "Started by hand: done" in text
    assert "1 candidates and 0 possible duplicates queued" in text
    assert Candidate.objects.get(inquiry=sought).person == person
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("rematch", "--since", "yesterday")
