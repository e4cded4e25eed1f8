"""A reconciliation run: the whole list against the register in one linkage run.

Reads the list's rows and every person of the register (not merged away, not anonymised, under
the name as first registered) as the engine's prepared records, kept between runs and brought up
to date by cache.register_table (only what changed since the last run is read and prepared),
links them with the engine (homeward.linkage, which knows nothing
of Django), then decides each row's outcome and writes all of them in one transaction at the end:
a run that fails at any point has written nothing but its own "failed" status and error, and the
list can be reconciled again.

Outcomes, in this order of precedence:
  matched    a caseworker said "same" for this row before, or the engine's match rule holds for
             the row's best candidate (probability over the threshold and no other candidate
             close; see docs/linkage.md) and both the row and the person have a birth date
  possible   the engine found candidates but none decides it, or its match rests on the name
             alone; candidates a caseworker said "different" of are dropped first
  unknown    no candidate at all
  duplicate  the same name and birth date as an earlier row, or matched to the same person as an
             earlier row (the earlier row keeps its outcome)
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Set

import pyarrow.compute as pc
from django.db import transaction
from django.utils import timezone

from homeward.ledger.actions import append
from homeward.linkage import engine
from homeward.linkage.features import Person as Record
from homeward.linkage.features import prepare
from homeward.linkage.model import DEFAULT_THRESHOLD
from homeward.linkage.names import tokens
from homeward.registry.models import Person

from .cache import register_table
from .models import (
    EntryOutcome,
    ListedEntry,
    Outcome,
    ReconciliationRun,
    ReviewDecision,
    RunStatus,
    Verdict,
)
from .selectors import status_snapshot

log = logging.getLogger("homeward.worker")

POSSIBLE_CANDIDATES = 5  # shown to the reviewer per possible row


def entry_record(entry_pk: int, values: dict[str, str]) -> Record:
    return Record.from_row(values, source_id=str(entry_pk))


def _same_key(values: dict[str, str]) -> tuple:
    """Rows a person would call the same line twice: the same name words in any order and case,
    and the same birth date as written."""
    words = " ".join(
        values.get(c, "") for c in ("family_name", "given_name", "patronymic", "full_name")
    )
    return (tuple(sorted(tokens(words.casefold()))), (values.get("birth_date") or "").strip())


class _Progress:
    """Writes the stage and a percentage to the run row as the engine reports, at most every
    second (each write is its own small transaction, outside the result's)."""

    STAGES = (
        ("reading", 5),
        ("register", 10),
        ("preparing", 35),
        ("training", 45),
        ("scoring", 60),
        ("explaining", 80),
        ("deciding", 90),
        ("writing", 95),
    )

    def __init__(self, run: ReconciliationRun, echo: Callable[[str], None] | None = None):
        self.run = run
        self.echo = echo
        self.last = 0.0

    def __call__(self, message: str) -> None:
        if self.echo:
            self.echo(message)
        percent = next((p for word, p in self.STAGES if message.lower().startswith(word)), None)
        now = time.monotonic()
        if percent is None and now - self.last < 1:
            return
        self.last = now
        fields = {"stage": message[:200], "heartbeat_at": timezone.now()}
        if percent is not None:
            fields["progress"] = percent
        ReconciliationRun.objects.filter(pk=self.run.pk).update(**fields)


def outcomes_for(
    entries: list[tuple[int, dict[str, str]]],
    matches,
    decisions: dict[int, list[tuple[int, str]]],
    undated: Set[int] = frozenset(),
) -> list[dict]:
    """Each entry's outcome from the engine's matches (best first per row) and the caseworkers'
    earlier decisions. `undated`: register persons without a birth date. Pure: the tests drive
    it with hand-made matches.

    The engine's match rule decides, with one more condition: a name alone is not enough to say
    a listed row *is* a registered person, so a match where the row or the person has no birth
    date is possible, for a person to decide (a father and son, or a namesake, share a name;
    on the benchmark's truth this keeps the matched outcome's precision above 0.995)."""
    by_left: dict[int, list] = {}
    for m in matches:
        by_left.setdefault(int(m.left_id), []).append(m)
    out: list[dict] = []
    first_of_key: dict[tuple, int] = {}
    first_of_person: dict[int, int] = {}
    for pk, values in entries:
        key = _same_key(values)
        row: dict = {"entry": pk, "candidates": []}
        earlier = first_of_key.get(key)
        if earlier is not None:
            row.update(outcome=Outcome.DUPLICATE, duplicate_of=earlier)
            out.append(row)
            continue
        first_of_key[key] = pk
        said = decisions.get(pk, [])
        same = [p for p, v in said if v == Verdict.SAME]
        different = {p for p, v in said if v == Verdict.DIFFERENT}
        cands = [m for m in by_left.get(pk, []) if int(m.right_id) not in different]
        if same:
            person = same[-1]
            hit = next((m for m in cands if int(m.right_id) == person), None)
            row.update(
                outcome=Outcome.MATCHED,
                person=person,
                score=hit.score if hit else None,
                explanation="decided by a caseworker" + (f"; {hit.explanation}" if hit else ""),
                by_review=True,
            )
        elif (
            cands
            and cands[0].decision == "match"
            and (values.get("birth_date") or "").strip()
            and int(cands[0].right_id) not in undated
        ):
            row.update(
                outcome=Outcome.MATCHED,
                person=int(cands[0].right_id),
                score=cands[0].score,
                explanation=cands[0].explanation,
            )
        elif cands:
            row.update(
                outcome=Outcome.POSSIBLE,
                explanation=(
                    "the engine's match, but the row or the person has no birth date: "
                    "for a person to decide"
                    if cands[0].decision == "match"
                    else ""
                ),
                candidates=[
                    {"person": int(m.right_id), "score": m.score, "explanation": m.explanation}
                    for m in cands[:POSSIBLE_CANDIDATES]
                ],
                score=cands[0].score,
            )
        else:
            row.update(outcome=Outcome.UNKNOWN)
        if row["outcome"] == Outcome.MATCHED:
            earlier = first_of_person.get(row["person"])
            if earlier is not None:
                row.update(outcome=Outcome.DUPLICATE, duplicate_of=earlier)
            else:
                first_of_person[row["person"]] = pk
        out.append(row)
    return out


def carry_out(
    run: ReconciliationRun,
    *,
    echo: Callable[[str], None] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
) -> ReconciliationRun:
    """Runs a queued run to its end. Any exception marks the run failed with its message and
    re-raises nothing: the run row is where its owner reads what happened."""
    claimed = ReconciliationRun.objects.filter(pk=run.pk, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, heartbeat_at=timezone.now(), progress=1
    )
    if not claimed:
        run.refresh_from_db()
        return run
    say = _Progress(run, echo)
    try:
        _carry_out(run, say, threshold)
    except Exception as exc:
        # Nothing of the run's results was written (one transaction, at the end): only this.
        log.exception("reconciliation run %s failed", run.uuid)
        ReconciliationRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED,
            finished_at=timezone.now(),
            error={"message": f"{exc.__class__.__name__}: {str(exc)[:500]}"},
        )
    run.refresh_from_db()
    return run


def _carry_out(run: ReconciliationRun, say: _Progress, threshold: float) -> None:
    plist = run.published_list
    say("reading the list…")
    entries = list(
        ListedEntry.objects.filter(published_list=plist)
        .order_by("line")
        .values_list("pk", "values")
    )
    decisions: dict[int, list[tuple[int, str]]] = {}
    for entry_id, person_id, verdict in ReviewDecision.objects.filter(
        entry__published_list=plist
    ).values_list("entry_id", "person_id", "verdict"):
        decisions.setdefault(entry_id, []).append((person_id, verdict))
    say("register: reading the prepared records…")
    right = register_table(say)
    say(f"preparing the list's {len(entries):,} rows…")
    left = prepare(entry_record(pk, values) for pk, values in entries)
    matches = (
        engine.link_prepared(left, right, threshold=threshold, progress=say)
        if left and right.num_rows
        else []
    )
    say("deciding each row's outcome…")
    undated = set(right.filter(pc.is_null(right.column("byear"))).column("unique_id").to_pylist())
    rows = outcomes_for(entries, matches, decisions, undated)
    persons = {r["person"] for r in rows if r.get("person")}
    persons |= {c["person"] for r in rows for c in r["candidates"]}
    uuids = _uuids_chunked(persons)
    snapshot = status_snapshot(sorted({r["person"] for r in rows if r.get("person")}))
    say("writing the outcomes…")
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["outcome"]] = counts.get(r["outcome"], 0) + 1
    with transaction.atomic():
        EntryOutcome.objects.bulk_create(
            (
                EntryOutcome(
                    run=run,
                    entry_id=r["entry"],
                    outcome=r["outcome"],
                    person_id=r.get("person"),
                    score=r.get("score"),
                    explanation=(r.get("explanation") or "")[:2000],
                    candidates=[{**c, "person": str(uuids[c["person"]])} for c in r["candidates"]],
                    duplicate_of_id=r.get("duplicate_of"),
                    status=snapshot.get(r.get("person") or 0, ("", ""))[0],
                    detaining_party=snapshot.get(r.get("person") or 0, ("", ""))[1],
                    by_review=r.get("by_review", False),
                )
                for r in rows
            ),
            batch_size=2000,
        )
        ReconciliationRun.objects.filter(pk=run.pk).update(
            status=RunStatus.DONE,
            progress=100,
            stage="",
            register_size=right.num_rows,
            counts=counts,
            finished_at=timezone.now(),
            heartbeat_at=timezone.now(),
        )
        append(
            actor=run.started_by,
            action="reconcile.run_done",
            object_type="reconciliation_run",
            object_id=run.uuid,
            data={
                "published_list": str(plist.uuid),
                "register_size": right.num_rows,
                "counts": counts,
            },
        )


def _uuids_chunked(pks: set[int]) -> dict[int, object]:
    out: dict[int, object] = {}
    ordered = sorted(pks)
    for i in range(0, len(ordered), 5000):
        out.update(Person.objects.filter(pk__in=ordered[i : i + 5000]).values_list("pk", "uuid"))
    return out
