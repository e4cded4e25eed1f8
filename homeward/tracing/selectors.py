"""The review queue's reads, kept cheap as the queue grows (issue 16, item 4: p95 < 200 ms at
10,000 pending candidates).

The queue is every candidate in a QUEUE_STATE whose records were not merged away, second looks
first, then the best score first (ties by id). Answered without joining the register:

- counts come from the candidate indexes alone (GROUP BY state, optionally by kind), minus the
  few waiting candidates that touch a merged person, found from the merged persons' side
  (registry_person.merged_into is indexed, so are tracing_candidate.person and other_person);
- a page is read one state at a time (`state = X ORDER BY score DESC, id`), which the
  (state, -score, id) index serves in order, so a page costs its offset plus its length in index
  steps, not a sort of the whole queue; only that page's rows are then loaded with their inquiry
  and person, in one query.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from django.db.models import Count, QuerySet

from homeward.registry.models import Person

from .models import Candidate, CandidateState

# The queue's order: second looks (reviewers disagree) before pending, then best score first.
QUEUE_ORDER = (CandidateState.SECOND_LOOK, CandidateState.PENDING)


def _merged_persons() -> QuerySet:
    return Person.objects.filter(merged_into__isnull=False).values("pk")


class ReviewQueue:
    """The waiting candidates of `base` (an access_candidates queryset, maybe filtered by kind),
    as a sequence Django's Paginator can page: `count()` and slicing."""

    def __init__(self, base: QuerySet) -> None:
        self.base = base
        self._counts: dict[str, int] | None = None

    def counts(self) -> dict[str, int]:
        """Waiting candidates by state, merged-away pairs left out."""
        if self._counts is None:
            total = self._by_state()
            # |A ∪ B| = |A| + |B| - |A ∩ B|, each driven from the merged persons' side by the
            # person and other_person indexes: no state condition here, or the planner would
            # walk the whole queue by its state index (an OR of the two would as well).
            merged = _merged_persons()
            gone = (
                self._by_state(person_id__in=merged, any_state=True)
                + self._by_state(other_person_id__in=merged, any_state=True)
                - self._by_state(person_id__in=merged, other_person_id__in=merged, any_state=True)
            )
            self._counts = {s: total.get(s, 0) - gone.get(s, 0) for s in QUEUE_ORDER}
        return self._counts

    def _by_state(self, *, any_state: bool = False, **where) -> Counter:
        """Candidates of `base` matching `where`, counted by state (queue states only)."""
        qs = self.base.filter(**where)
        if not any_state:
            qs = qs.filter(state__in=QUEUE_ORDER)
        rows = qs.values_list("state").annotate(n=Count("id")).order_by().values_list("state", "n")
        return Counter({state: n for state, n in rows if state in QUEUE_ORDER})

    def count(self) -> int:
        return sum(self.counts().values())

    def __len__(self) -> int:
        return self.count()

    def _ids(self, start: int, stop: int) -> list[int]:
        """The ids of queue positions [start, stop), one state at a time in index order."""
        ids: list[int] = []
        counts = self.counts()
        for state in QUEUE_ORDER:
            n = counts[state]
            if stop <= 0:
                break
            if start < n:
                ids.extend(
                    self.base.filter(state=state)
                    .exclude(person_id__in=_merged_persons())
                    .exclude(other_person_id__in=_merged_persons())
                    .order_by("-score", "id")
                    .values_list("id", flat=True)[max(start, 0) : min(stop, n)]
                )
            start -= n
            stop -= n
        return ids

    def __getitem__(self, key: slice) -> list[Candidate]:
        if not isinstance(key, slice) or key.step not in (None, 1):
            raise TypeError("ReviewQueue pages by slices only")
        start = key.start or 0
        stop = key.stop if key.stop is not None else self.count()
        ids = self._ids(start, stop)
        rows = (
            Candidate.objects.filter(pk__in=ids)
            .select_related("inquiry", "inquiry__home_party", "person")
            .in_bulk()
        )
        return [rows[i] for i in ids if i in rows]

    def __iter__(self) -> Iterator[Candidate]:
        return iter(self[:])


def waiting_count(base: QuerySet) -> int:
    """How many candidates of `base` wait for review (the navigation's badge)."""
    return ReviewQueue(base).count()
