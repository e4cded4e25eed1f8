"""The answer to the family: what GC III lets the family be told, in the family's language,
recorded as sent; overdue inquiries flagged."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from homeward.ledger.models import Entry
from homeward.lib.errors import Conflict
from homeward.registry import actions as registry_actions
from homeward.registry.tests.factories import notified
from homeward.tracing import actions
from homeward.tracing.models import AnswerLetter, Candidate, Inquiry, InquiryState

from .factories import UKRAINIAN_INQUIRY, russian_listed


@pytest.fixture
def linked(world):
    person = russian_listed(world, capture_place="Secret place 7", internment_place="Camp 12")
    registry_actions.add_note(actor=world.ru_officer, person=person, text="Internal note XYZ")
    source = registry_actions.create_source(
        actor=world.ru_officer, kind="notification", title="Hospital list", party=world.ru
    )
    registry_actions.record_status_event(
        actor=world.ru_officer, person=person, kind="hospitalised", date="2025-02-01", source=source
    )
    # Another person of the same notification: never in the letter.
    notified(world, family_name="Сидоренко", given_name="Павло")
    inquiry = actions.file_inquiry(actor=world.liaison, fields=UKRAINIAN_INQUIRY)
    c = Candidate.objects.get(inquiry=inquiry, person=person)
    actions.decide(actor=world.caseworker, candidate_uuid=c.uuid, verdict="same")
    inquiry.refresh_from_db()
    return inquiry, person


def test_the_letter_is_in_the_familys_language_and_tells_only_what_may_be_told(
    client, world, linked
):
    inquiry, _ = linked
    client.force_login(world.liaison)
    page = client.get(f"/tracing/{inquiry.uuid}/answer/").content.decode()
    assert '<html lang="uk">' in page
    assert "Шановна" in page or "Шановний" in page or "Шановн" in page
    assert "Russian Federation" in page  # held by which party
    assert "2025-01-15" in page or "2025" in page  # since / last status date
    assert "2025-02-01" in page  # hospitalised
    for never in ("Secret place 7", "Camp 12", "Internal note XYZ", "Сидоренко"):
        assert never not in page
    from homeward.accounts.models import AccessLog

    assert AccessLog.objects.filter(
        user=world.liaison, object_type="person", object_uuid=inquiry.linked_person.uuid
    ).exists()


def test_recording_the_answer_sent_keeps_the_facts_and_answers_the_inquiry(client, world, linked):
    inquiry, person = linked
    client.force_login(world.liaison)
    response = client.post(f"/tracing/{inquiry.uuid}/answer/")
    assert response.status_code == 302
    letter = AnswerLetter.objects.get(inquiry=inquiry)
    assert (letter.person, letter.language, letter.sent_by) == (person, "uk", world.liaison)
    assert letter.facts["held_by_code"] == "RU" and letter.facts["status"] == "hospitalised"
    inquiry.refresh_from_db()
    assert inquiry.state == InquiryState.ANSWERED
    entry = Entry.objects.get(action="inquiry.answer_sent")
    assert "Олійник" not in entry.event and "Олейник" not in entry.event


def test_an_unlinked_inquiry_has_no_letter(world):
    inquiry = actions.file_inquiry(actor=world.liaison, fields=UKRAINIAN_INQUIRY, search=False)
    with pytest.raises(Conflict):
        actions.send_answer(actor=world.liaison, inquiry=inquiry)


def test_a_link_an_answer_was_sent_on_cannot_be_silently_undone(world, linked):
    inquiry, _ = linked
    actions.send_answer(actor=world.liaison, inquiry=inquiry)
    decision = Candidate.objects.get(inquiry=inquiry, verdict="same").decisions.get()
    with pytest.raises(Conflict):
        actions.undo_decision(actor=world.caseworker, decision_uuid=decision.uuid)
    inquiry.refresh_from_db()
    assert inquiry.linked_person_id is not None


@override_settings(TRACING_OVERDUE_DAYS=10)
def test_an_unanswered_inquiry_older_than_the_setting_is_flagged(client, world):
    old = actions.file_inquiry(actor=world.liaison, fields=UKRAINIAN_INQUIRY, search=False)
    Inquiry.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=11))
    fresh = actions.file_inquiry(
        actor=world.liaison, fields={**UKRAINIAN_INQUIRY, "family_name": "Бондар"}, search=False
    )
    old.refresh_from_db()
    assert old.is_overdue() and not fresh.is_overdue()
    client.force_login(world.liaison)
    page = client.get("/tracing/?overdue=1").content.decode()
    assert "Олійник" in page and "Бондар" not in page and "overdue" in page
    assert client.get(f"/api/v1/inquiries/{old.uuid}").json()["overdue"] is True
