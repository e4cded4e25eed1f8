"""The review queue's order and counts as the selectors compute them on the indexes: the same
as the plain definition (queue states, no merged-away record, second looks first, then best
score, then id), across page boundaries, with merged records on either side of a pair."""

from __future__ import annotations

from homeward.registry import actions as registry_actions
from homeward.registry.tests.factories import notified
from homeward.tracing.access import pending_count
from homeward.tracing.models import QUEUE_STATES, Candidate, CandidateKind
from homeward.tracing.selectors import ReviewQueue

from .factories import bare_inquiry

SURNAMES = ["Коваль", "Бондар", "Ткач", "Мельник", "Шевчук", "Кравець", "Гончар"]


def _plain_queue(qs):
    return list(
        qs.filter(state__in=QUEUE_STATES, person__merged_into__isnull=True)
        .exclude(other_person__merged_into__isnull=False)
        .order_by("-state", "-score", "id")
        .values_list("id", flat=True)
    )


def _world_with_queue(world):
    persons = [notified(world, family_name=s, given_name="Іван") for s in SURNAMES]
    inquiry = bare_inquiry(world)
    ids = [p.pk for p in persons]
    rows = []
    for i, (a, b) in enumerate((x, y) for x in ids for y in ids if x < y):
        rows.append(
            Candidate(
                kind=CandidateKind.PERSON_PERSON,
                person_id=a,
                other_person_id=b,
                score=(i * 37 % 11) / 10,  # ties on purpose: id breaks them
                origin="dedupe",
                state=("second_look", "pending", "pending", "decided", "stale")[i % 5],
                fingerprint=f"{i:064x}",
            )
        )
    for i, p in enumerate(persons):
        rows.append(
            Candidate(
                kind=CandidateKind.INQUIRY_PERSON,
                inquiry=inquiry,
                person_id=p.pk,
                score=(i * 13 % 7) / 7,
                origin="rematch",
                state=("pending", "second_look")[i % 2],
                fingerprint=f"i{i:063x}",
            )
        )
    Candidate.objects.bulk_create(rows)
    # One record merged away: pairs where it is `person` and where it is `other_person` leave.
    registry_actions.merge_persons(
        actor=world.caseworker, survivor=persons[0], merged=persons[3], reason="one"
    )
    return persons


def test_the_queue_pages_in_the_plain_order_and_counts_as_it_does(world):
    _world_with_queue(world)
    for base in (
        Candidate.objects.all(),
        Candidate.objects.filter(kind=CandidateKind.PERSON_PERSON),
        Candidate.objects.filter(kind=CandidateKind.INQUIRY_PERSON),
    ):
        expected = _plain_queue(base)
        queue = ReviewQueue(base)
        assert queue.count() == len(expected)
        assert [c.pk for c in queue[0 : len(expected)]] == expected
        for size in (1, 3, 4):
            paged = [
                c.pk for s in range(0, len(expected) + size, size) for c in queue[s : s + size]
            ]
            assert paged == expected
    assert (
        len(_plain_queue(Candidate.objects.all()))
        < Candidate.objects.filter(state__in=QUEUE_STATES).count()
    )


def test_the_navigation_badge_and_the_queue_page_agree(client, world):
    _world_with_queue(world)
    n = len(_plain_queue(Candidate.objects.all()))
    assert pending_count(world.caseworker) == n
    assert pending_count(world.liaison) == len(
        _plain_queue(Candidate.objects.filter(kind=CandidateKind.INQUIRY_PERSON))
    )
    client.force_login(world.caseworker)
    page = client.get("/tracing/queue/").content.decode()
    assert f'id="pending-count" title="candidates waiting for review">{n}<' in page
    assert f"{n} candidates waiting" in page
