"""queue_candidates: the one door through which the search, the re-matching worker and the
register's dedupe put pairs before a reviewer."""

from __future__ import annotations

import pytest

from homeward.ledger.models import Entry
from homeward.lib.errors import ValidationFailed
from homeward.registry.tests.factories import notified
from homeward.tracing.actions import CandidatePair, queue_candidates
from homeward.tracing.models import Candidate, CandidateKind, CandidateState, Decision

from .factories import bare_inquiry


@pytest.fixture
def two(world):
    a = notified(world, family_name="Петренко")
    b = notified(world, family_name="Петренко", given_name="Олександр", birth_date="1994")
    return a, b


def test_it_queues_new_pairs_of_both_kinds_and_counts_them(world, two):
    a, b = two
    inquiry = bare_inquiry(world)
    n = queue_candidates(
        pairs=[
            CandidatePair(inquiry.pk, a.pk, None, 0.9, {"text": "x"}, "f1"),
            CandidatePair(None, b.pk, a.pk, 0.7, {}, "f2"),
        ],
        origin="rematch",
    )
    assert n == 2
    ip = Candidate.objects.get(kind=CandidateKind.INQUIRY_PERSON)
    assert (ip.inquiry_id, ip.person_id, ip.state, ip.explanation) == (
        inquiry.pk,
        a.pk,
        CandidateState.PENDING,
        {"text": "x"},
    )
    pp = Candidate.objects.get(kind=CandidateKind.PERSON_PERSON)
    # Stored canonically, lower id first, whichever order the caller gave.
    assert (pp.person_id, pp.other_person_id) == (min(a.pk, b.pk), max(a.pk, b.pk))


def test_it_skips_pairs_already_pending_or_given_twice(world, two):
    a, b = two
    pairs = [
        CandidatePair(None, a.pk, b.pk, 0.7, {}, "f"),
        CandidatePair(None, b.pk, a.pk, 0.8, {}, "f"),
    ]
    assert queue_candidates(pairs=pairs, origin="dedupe") == 1
    assert Candidate.objects.get().score == 0.8
    assert queue_candidates(pairs=pairs, origin="dedupe") == 0
    assert Candidate.objects.count() == 1


def test_a_pair_decided_different_comes_back_only_when_a_record_changed(world, two):
    a, b = two
    inquiry = bare_inquiry(world)
    queue_candidates(
        pairs=[CandidatePair(inquiry.pk, a.pk, None, 0.9, {}, "before")], origin="search"
    )
    c = Candidate.objects.get()
    Decision.objects.create(
        candidate=c, verdict="different", fingerprint="before", decided_by=world.caseworker
    )
    Candidate.objects.filter(pk=c.pk).update(state=CandidateState.DECIDED)

    same = [CandidatePair(inquiry.pk, a.pk, None, 0.95, {}, "before")]
    assert queue_candidates(pairs=same, origin="rematch") == 0
    assert Candidate.objects.get().state == CandidateState.DECIDED

    changed = [CandidatePair(inquiry.pk, a.pk, None, 0.95, {}, "after")]
    assert queue_candidates(pairs=changed, origin="rematch") == 1
    c.refresh_from_db()
    assert (c.state, c.fingerprint, c.score, c.origin) == (
        CandidateState.PENDING,
        "after",
        0.95,
        "rematch",
    )
    assert c.decisions.count() == 1  # the old verdict is kept


def test_one_ledger_entry_per_call_with_ids_and_counts_only(world, two):
    a, b = two
    before = Entry.objects.count()
    queue_candidates(pairs=[CandidatePair(None, a.pk, b.pk, 0.7, {}, "f")], origin="dedupe")
    entries = list(Entry.objects.order_by("-id")[: Entry.objects.count() - before])
    assert [e.action for e in entries] == ["tracing.candidates_queued"]
    body = entries[0].event
    assert "Петренко" not in body and '"created":1' in body.replace(" ", "")
    # Nothing new: no entry.
    queue_candidates(pairs=[CandidatePair(None, a.pk, b.pk, 0.7, {}, "f")], origin="dedupe")
    assert Entry.objects.count() == before + 1


@pytest.mark.parametrize(
    "pair, field",
    [
        (dict(inquiry_id=None, other_person_id=None), "needs an inquiry_id"),
        (dict(score=1.5), "score"),
        (dict(fingerprint=""), "fingerprint"),
    ],
)
def test_a_bad_pair_is_named_and_nothing_is_written(world, two, pair, field):
    a, b = two
    good = CandidatePair(None, a.pk, b.pk, 0.7, {}, "f")
    values = {
        "inquiry_id": None,
        "person_id": a.pk,
        "other_person_id": b.pk,
        "score": 0.5,
        "fingerprint": "g",
    }
    values.update(pair)
    with pytest.raises(ValidationFailed, match="Pair 2") as exc:
        queue_candidates(pairs=[good, CandidatePair(**values)], origin="dedupe")
    assert field in str(exc.value.detail)
    assert Candidate.objects.count() == 0


def test_an_unknown_origin_is_refused(world, two):
    a, b = two
    with pytest.raises(ValidationFailed):
        queue_candidates(pairs=[CandidatePair(None, a.pk, b.pk, 0.7, {}, "f")], origin="guess")
