"""The review queue: decisions kept for ever, conflicts told, second looks, undo, links."""

from __future__ import annotations

import pytest

from homeward.ledger.models import Entry
from homeward.lib.errors import Conflict, Forbidden, NotFound
from homeward.registry.tests.factories import notified
from homeward.tracing import actions
from homeward.tracing.actions import CandidatePair, queue_candidates
from homeward.tracing.models import Candidate, CandidateState, Decision

from .factories import UKRAINIAN_INQUIRY, russian_listed


@pytest.fixture
def filed(world):
    person = russian_listed(world)
    inquiry = actions.file_inquiry(actor=world.liaison, fields=UKRAINIAN_INQUIRY)
    candidate = Candidate.objects.get(inquiry=inquiry, person=person)
    return inquiry, person, candidate


@pytest.fixture
def second_caseworker(world):
    from homeward.accounts.models import Role
    from homeward.conftest import make_user

    return make_user("caseworker2", Role.CASEWORKER, world.ni)


def test_same_links_the_inquiry_to_the_person_with_a_ledger_entry(world, filed):
    inquiry, person, c = filed
    d = actions.decide(
        actor=world.caseworker, candidate_uuid=c.uuid, verdict="same", reason="dates and names"
    )
    inquiry.refresh_from_db()
    c.refresh_from_db()
    assert inquiry.linked_person_id == person.pk
    assert (c.state, c.verdict) == (CandidateState.DECIDED, "same")
    assert (d.decided_by, d.reason) == (world.caseworker, "dates and names")
    assert Entry.objects.filter(action="candidate.decided", object_id=str(c.uuid)).exists()
    assert Entry.objects.filter(action="inquiry.linked", object_id=str(inquiry.uuid)).exists()


def test_only_caseworkers_decide(world, filed):
    _, _, c = filed
    for who in ("liaison", "ua_officer", "analyst"):
        with pytest.raises(Forbidden):
            actions.decide(actor=getattr(world, who), candidate_uuid=c.uuid, verdict="same")


def test_a_decision_on_a_candidate_someone_decided_meanwhile_is_refused_and_nothing_changes(
    world, filed, second_caseworker
):
    inquiry, _, c = filed
    seen = c.version
    actions.decide(actor=world.caseworker, candidate_uuid=c.uuid, verdict="different", version=seen)
    with pytest.raises(Conflict) as exc:
        actions.decide(actor=second_caseworker, candidate_uuid=c.uuid, verdict="same", version=seen)
    assert exc.value.detail["decided_by"] == "caseworker"
    c.refresh_from_db()
    inquiry.refresh_from_db()
    assert (c.state, c.verdict, c.decisions.count()) == (CandidateState.DECIDED, "different", 1)
    assert inquiry.linked_person_id is None
    # Without a version, a decided candidate is not decided again by accident either.
    with pytest.raises(Conflict):
        actions.decide(actor=second_caseworker, candidate_uuid=c.uuid, verdict="same")


def test_a_decision_on_a_candidate_that_does_not_exist_is_not_found(world):
    with pytest.raises(NotFound):
        actions.decide(
            actor=world.caseworker,
            candidate_uuid="00000000-0000-0000-0000-000000000000",
            verdict="same",
        )


def test_two_reviewers_disagreeing_send_the_pair_to_a_second_look_and_a_third_settles_it(
    world, filed, second_caseworker
):
    inquiry, person, c = filed
    actions.decide(actor=world.caseworker, candidate_uuid=c.uuid, verdict="same")
    c.refresh_from_db()
    actions.decide(
        actor=second_caseworker, candidate_uuid=c.uuid, verdict="different", version=c.version
    )
    c.refresh_from_db()
    inquiry.refresh_from_db()
    assert c.state == CandidateState.SECOND_LOOK
    assert inquiry.linked_person_id is None  # the link waits for the second look
    actions.decide(
        actor=world.caseworker, candidate_uuid=c.uuid, verdict="same", reason="service number"
    )
    c.refresh_from_db()
    inquiry.refresh_from_db()
    assert (c.state, c.verdict, inquiry.linked_person_id) == (
        CandidateState.DECIDED,
        "same",
        person.pk,
    )
    assert Decision.objects.filter(candidate=c).count() == 3


def test_unsure_asks_for_a_second_look(world, filed):
    _, _, c = filed
    actions.decide(actor=world.caseworker, candidate_uuid=c.uuid, verdict="unsure")
    c.refresh_from_db()
    assert c.state == CandidateState.SECOND_LOOK


def test_undo_keeps_the_decision_marked_undone_and_unlinks(world, filed):
    inquiry, _, c = filed
    d = actions.decide(actor=world.caseworker, candidate_uuid=c.uuid, verdict="same")
    actions.undo_decision(actor=world.caseworker, decision_uuid=d.uuid)
    d.refresh_from_db()
    c.refresh_from_db()
    inquiry.refresh_from_db()
    assert d.undone_at is not None and d.undone_by == world.caseworker
    assert c.state == CandidateState.PENDING
    assert inquiry.linked_person_id is None
    with pytest.raises(Conflict):
        actions.undo_decision(actor=world.caseworker, decision_uuid=d.uuid)


def test_a_reviewer_cannot_undo_someone_elses_decision(world, filed, second_caseworker):
    _, _, c = filed
    d = actions.decide(actor=world.caseworker, candidate_uuid=c.uuid, verdict="same")
    with pytest.raises(NotFound):
        actions.undo_decision(actor=second_caseworker, decision_uuid=d.uuid)


def test_a_pair_decided_different_does_not_come_back_when_the_register_is_searched_again(
    world, filed
):
    inquiry, person, c = filed
    actions.decide(actor=world.caseworker, candidate_uuid=c.uuid, verdict="different")
    assert queue_candidates(pairs=actions._search_pairs(inquiry), origin="rematch") == 0
    c.refresh_from_db()
    assert c.state == CandidateState.DECIDED
    # A new spelling of the person changes the record: the pair comes back for review.
    from homeward.registry import actions as registry_actions

    registry_actions.add_name(
        actor=world.caseworker,
        person=person,
        family_name="Oliinyk",
        given_name="Oleksandr",
        patronymic="",
    )
    assert queue_candidates(pairs=actions._search_pairs(inquiry), origin="rematch") >= 1
    c.refresh_from_db()
    assert c.state == CandidateState.PENDING and c.decisions.count() == 1


def test_same_on_two_register_persons_offers_the_merge(client, world):
    a = notified(world, family_name="Гончаренко", given_name="Микола")
    b = notified(world, family_name="Гончаренко", given_name="Николай")
    from homeward.tracing.fingerprints import pair_fingerprint

    queue_candidates(
        pairs=[CandidatePair(None, a.pk, b.pk, 0.9, {}, pair_fingerprint(["a"], ["b"]))],
        origin="dedupe",
    )
    c = Candidate.objects.get()
    actions.decide(actor=world.caseworker, candidate_uuid=c.uuid, verdict="same")
    client.force_login(world.caseworker)
    page = client.get(f"/tracing/candidates/{c.uuid}/")
    assert b"Merge the two records" in page.content
    response = client.post(
        f"/tracing/candidates/{c.uuid}/merge/", {"survivor": str(a.uuid), "reason": "one person"}
    )
    assert response.status_code == 302
    b.refresh_from_db()
    assert b.merged_into_id == a.pk


def test_the_queue_page_shows_candidates_best_first_and_decides_without_javascript(
    client, world, filed
):
    _, _, c = filed
    other = notified(world, family_name="Олейник", given_name="Сергей", birth_date="1970")
    queue_candidates(
        pairs=[CandidatePair(c.inquiry_id, other.pk, None, 0.01, {}, "fp-other")], origin="rematch"
    )
    client.force_login(world.caseworker)
    page = client.get("/tracing/queue/").content.decode()
    assert page.index(f"c-{c.uuid}") < page.index("Сергей")
    response = client.post(
        f"/tracing/candidates/{c.uuid}/decide/",
        {"verdict": "same", "version": c.version, "reason": "", "next": "/tracing/queue/"},
    )
    assert response.status_code == 302 and response["Location"] == "/tracing/queue/"
    c.refresh_from_db()
    assert c.verdict == "same"
    # The same form posted again (a second tab) is told, not applied.
    response = client.post(
        f"/tracing/candidates/{c.uuid}/decide/",
        {"verdict": "different", "version": c.version - 1},
        HTTP_X_REQUESTED_WITH="fetch",
    )
    assert response.status_code == 409


def test_the_api_decides_and_reports_conflicts(client, world, filed):
    _, _, c = filed
    client.force_login(world.caseworker)
    url = f"/api/v1/candidates/{c.uuid}/decisions"
    ok = client.post(
        url, {"verdict": "same", "version": c.version}, content_type="application/json"
    )
    assert ok.status_code == 201 and ok.json()["candidate_state"] == "decided"
    again = client.post(
        url, {"verdict": "same", "version": c.version}, content_type="application/json"
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "decided_meanwhile"


def test_the_navigation_counts_pending_candidates_for_caseworkers(client, world, filed):
    client.force_login(world.caseworker)
    page = client.get("/tracing/").content.decode()
    n = Candidate.objects.filter(state="pending").count()
    assert f'id="pending-count" title="candidates waiting for review">{n}<' in page


def test_a_pair_whose_record_was_merged_away_leaves_the_queue_and_cannot_be_decided(
    client, world, filed
):
    from homeward.lib.errors import Conflict
    from homeward.registry import actions as registry_actions

    _, person, c = filed
    survivor = notified(world, family_name="Олейник", given_name="Олександр", birth_date="1994")
    registry_actions.merge_persons(
        actor=world.caseworker, survivor=survivor, merged=person, reason="one"
    )
    client.force_login(world.caseworker)
    assert f"c-{c.uuid}" not in client.get("/tracing/queue/").content.decode()
    with pytest.raises(Conflict):
        actions.decide(actor=world.caseworker, candidate_uuid=c.uuid, verdict="same")


def test_a_reason_with_a_nul_character_is_refused_naming_the_field(client, world, filed):
    _, _, c = filed
    client.force_login(world.caseworker)
    response = client.post(
        f"/api/v1/candidates/{c.uuid}/decisions",
        {"verdict": "same", "reason": "a\x00b"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "reason" in response.json()["error"]["detail"]["fields"]
    assert not c.decisions.exists()
