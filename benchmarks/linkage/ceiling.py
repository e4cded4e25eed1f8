"""How much of the benchmark any matcher could decide: ceilings computed from the generator's
truth, not from any matcher.

    .venv/bin/python benchmarks/linkage/ceiling.py --register 100000 --inquiries 10000 [--seed 2026]

The generator keeps the invented person behind every record (surname, given name, father,
birth date, place as table indexes, before any spelling, script, typo or error is applied). A
*perfect reader* never misreads a spelling, a pet form or a typo, and never doubts a date (a
wrong date, here, is read as the true one); it still sees only what the records show: a
surname and a given name, a patronymic if the record has one, a birth date as far as it is
written (none, a year, a year and month, a full date), a place if there is one.

Two ceilings, both from what a perfect reader could decide with certainty:

- *Generous* (the first one computed, kept for comparison with earlier runs): an inquiry is
  compared with each register *person* by everything the inquiry shows, the register person by
  its true attributes even where its own record does not show them.
- *As the records show*: a register record is compatible with an inquiry unless a fact that
  both show differs (an inquiry giving 1981 is compatible with a register record without a date,
  and with one giving 1981-01-15; it is not with one giving a patronymic the inquiry's differs
  from). This is what any reader has.

For each ceiling: a findable inquiry whose person is the *only* compatible register record can
be decided; any other shares every fact it shows with another held person's record (a namesake
when the inquiry has no date, a record that lacks the date…), and nobody can decide it at high
precision. An unfound inquiry (its person is not held) with exactly one compatible record looks
exactly like a findable one: deciding every lone compatible record decides these wrongly too.

*The perfect reader's frontier*: it cannot tell those apart, but it can refuse kinds of
inquiry that are often unfound. Lone compatible records (as the records show) are grouped by
what the pair shows (the date as far as both write it, patronymic on both, place on both) and
by how many register persons bear the name; groups are taken safest first, the precision of
each group measured *with the truth* (so the frontier is optimistic: no real matcher knows
which groups are safe). The recall it reaches while precision stays at or above a target bounds
the recall of any matcher at that precision, up to the few decisions a matcher could take among
several compatible records by how much more one of them shows.

*Top 5*: a list of five candidates holds the person's record for sure when at most five
records are compatible with the inquiry. When more are (a common name without a date in a
large register), those that show more in agreement come first and the rest are a draw: the
top-5 ceiling counts an inquiry whose record ties with k others, behind a records that show
more, (5 − a)/(k + 1), at most 1.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from homeward.synth import lists as synthetic  # noqa: E402

DATE_LEVELS = {"missing": 0, "year": 1, "year_month": 2, "full": 3}
DATE_NAMES = ["no date", "year", "year and month", "full date"]


def _identity(p: synthetic.Person) -> tuple:
    """Surname and given name as the tables behind them: one key for all their spellings."""
    table = p.origin if p.origin in synthetic.CA_NATIONS else "ua"
    surname_table = p.origin if p.origin in ("ua", "ru") else table
    return (surname_table, p.surname, table, p.sex, p.given)


def _shows(tags: set[str]) -> dict:
    date = next((t.split(":")[1] for t in tags if t.startswith("date:")), "full")
    if date in ("swapped", "day_off", "year_off"):
        date = "full"
    return {
        "date": DATE_LEVELS[date],
        "patronymic": "patronymic:missing" not in tags,
        "place": "place:given" in tags,
    }


_SHOWS_ALL = {"date": DATE_LEVELS["full"], "patronymic": True, "place": True}


def _agree(q: synthetic.Person, r: synthetic.Person, date: int) -> bool:
    """The two persons' birth dates agree as far as `date` (a DATE_LEVELS value) shows."""
    if date >= 1 and q.birth.year != r.birth.year:
        return False
    if date >= 2 and q.birth.month != r.birth.month:
        return False
    return date < 3 or q.birth == r.birth


def _compatible(q: synthetic.Person, r: synthetic.Person, shows: dict) -> bool:
    """The generous reading: the register person judged by its true attributes."""
    return _compatible_as_shown(q, shows, r, _SHOWS_ALL)


def _compatible_as_shown(q: synthetic.Person, qs: dict, r: synthetic.Person, rs: dict) -> bool:
    """No fact that both records show differs."""
    if qs["patronymic"] and rs["patronymic"] and q.father != r.father:
        return False
    if qs["place"] and rs["place"] and q.place != r.place:
        return False
    return _agree(q, r, min(qs["date"], rs["date"]))


def _agreed(qs: dict, rs: dict) -> tuple[int, bool, bool]:
    """What two records both show: the date as far as both write it, a patronymic, a place."""
    return (
        min(qs["date"], rs["date"]),
        qs["patronymic"] and rs["patronymic"],
        qs["place"] and rs["place"],
    )


_BEARERS = ((1, "1"), (2, "2"), (3, "3"), (7, "4–7"), (15, "8–15"))


def _bearers(n: int) -> str:
    """How many register persons bear a name, in buckets."""
    return next((label for top, label in _BEARERS if n <= top), "16 or more")


def _shows_more(a: tuple, b: tuple) -> bool:
    """`a` shows at least what `b` shows, and more."""
    return a != b and all(x >= y for x, y in zip(a, b, strict=True))


def _in_top5(qs: dict, truth: str, compatible: list[str], shows: dict) -> float:
    """How surely five candidates hold the true record among `compatible` records: those that
    show more in agreement come first, the rest in an even draw."""
    mine = _agreed(qs, shows[truth])
    agreed = [_agreed(qs, shows[rid]) for rid in compatible]
    above = sum(_shows_more(a, mine) for a in agreed)
    tied = sum(not _shows_more(a, mine) and not _shows_more(mine, a) for a in agreed)
    return max(0.0, min(1.0, (5 - above) / tied))


def _decided(lone_true: int, lone_wrong: int, lone_unfound: int, findable: int) -> dict:
    decided = lone_true + lone_wrong + lone_unfound
    return {
        "lone_true": lone_true,
        "lone_unfound": lone_unfound,
        "lone_wrong": lone_wrong,
        "recall_ceiling": lone_true / findable if findable else 0.0,
        "precision_deciding_all_lone": lone_true / decided if decided else 1.0,
    }


def ceiling(data: synthetic.Dataset) -> dict:
    assert data.persons is not None
    persons = data.persons
    shows = {rid: _shows(set(tags.split())) for rid, tags in data.variations.items()}
    by_identity: dict[tuple, list[str]] = defaultdict(list)
    for row in data.register:
        by_identity[_identity(persons[row["id"]])].append(row["id"])
    generous = Counter()
    shown = Counter()
    crowded: Counter[str] = Counter()
    # lone compatible records as the records show, by what the pair shows: [right, wrong]
    groups: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    right_in: dict[tuple, list[str]] = defaultdict(list)  # the inquiries each group decides right
    findable = 0
    top5 = 0.0  # the true record among five of its compatible records, ties taken evenly
    for row in data.inquiries:
        qid = row["id"]
        q, qs = persons[qid], shows[qid]
        truth = data.truth[qid]
        findable += truth is not None
        same_name = by_identity.get(_identity(q), [])
        # the records compatible as the records show, which the rest of the loop weighs
        compatible = [
            rid for rid in same_name if _compatible_as_shown(q, qs, persons[rid], shows[rid])
        ]
        for tally, candidates in (
            (generous, [rid for rid in same_name if _compatible(q, persons[rid], qs)]),
            (shown, compatible),
        ):
            if len(candidates) == 1:
                kind = "unfound" if truth is None else "true" if candidates[0] == truth else "wrong"
                tally[kind] += 1
            elif truth and truth in candidates and tally is generous:
                crowded[DATE_NAMES[qs["date"]]] += 1
        if truth and truth in compatible:
            top5 += _in_top5(qs, truth, compatible, shows)
        if len(compatible) == 1:
            rs = shows[compatible[0]]
            key = ("lone", *_agreed(qs, rs), _bearers(len(same_name)))
            groups[key][0 if compatible[0] == truth else 1] += 1
            if compatible[0] == truth:
                right_in[key].append(qid)
        elif len(compatible) > 1:
            # one record shows more in agreement than each of the others (the year where they
            # have no date): likelier, though not certainly, the person
            shown_by = sorted(((_agreed(qs, shows[rid]), rid) for rid in compatible), reverse=True)
            best, rid = shown_by[0]
            if all(_shows_more(best, other) for other, _ in shown_by[1:]):
                key = ("more", *best, _bearers(len(same_name)))
                groups[key][0 if rid == truth else 1] += 1
                if rid == truth:
                    right_in[key].append(qid)
    out = _decided(generous["true"], generous["wrong"], generous["unfound"], findable)
    out["findable"] = findable
    out["crowded"] = dict(crowded)
    out["as_shown"] = _decided(shown["true"], shown["wrong"], shown["unfound"], findable)
    out["top5"] = top5 / findable if findable else 0.0
    out["frontier"] = frontier(groups, findable)
    out["right_in"] = right_in
    return out


def frontier(groups: dict[tuple, list[int]], findable: int) -> list[dict]:
    """The groups safest first, with the recall and precision of deciding them and every safer
    one."""
    steps, right, wrong = [], 0, 0
    for key, (r, w) in sorted(groups.items(), key=lambda kv: (kv[1][1] / sum(kv[1]), -kv[1][0])):
        right, wrong = right + r, wrong + w
        kind, date, patronymic, place, bearers = key
        group = (
            (
                "the only compatible record; "
                if kind == "lone"
                else "of several compatible records, the one showing more; "
            )
            + DATE_NAMES[date]
            + (", patronymic" if patronymic else "")
            + (", place" if place else "")
            + f"; {bearers} bearing the name"
        )
        steps.append(
            {
                "key": key,
                "group": group,
                "right": r,
                "wrong": w,
                "recall": right / findable,
                "precision": right / (right + wrong),
            }
        )
    return steps


def best_recall(steps: list[dict], precision: float) -> float:
    """The perfect reader's recall at a precision: the last step that keeps it."""
    return max((s["recall"] for s in steps if s["precision"] >= precision), default=0.0)


def decided_at(c: dict, precision: float) -> set[str]:
    """The findable inquiries the perfect reader decides right at its frontier for a precision."""
    steps = c["frontier"]
    last = max((i for i, s in enumerate(steps) if s["precision"] >= precision), default=-1)
    return {qid for s in steps[: last + 1] for qid in c["right_in"][s["key"]]}


_NAMES_ALIKE = ("same", "one name", "a pet")
_WRONG_DATES = {"date:day_off", "date:year_off", "date:swapped"}


def shortfall(data: synthetic.Dataset, decided: set[str], matches: Path) -> Counter[str]:
    """Why a matcher's matches file leaves undecided what the perfect reader decides: a typo in
    either record's names, a wrong date (the reader takes it for the true one), or, from the
    matcher's explanation of the true pair (Homeward's), names read alike or not; or the true
    record is not among its candidates."""
    decisions: dict[str, set[str]] = defaultdict(set)
    explained: dict[tuple[str, str], str] = {}
    with open(matches, encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["decision"] == "match":
                decisions[r["left_id"]].add(r["right_id"])
            explained[(r["left_id"], r["right_id"])] = r.get("explanation") or ""
    causes: Counter[str] = Counter()
    for qid in decided:
        rid = data.truth[qid]
        assert rid is not None
        if rid in decisions[qid]:
            continue
        tags = set(data.variations[qid].split()) | set(data.variations[rid].split())
        if any(t.startswith("typo:") for t in tags):
            causes["a typo in a name"] += 1
        elif tags & _WRONG_DATES:
            causes["a wrong date"] += 1
        elif (qid, rid) not in explained:
            causes["not among its candidates"] += 1
        else:
            parts = dict(p.split(": ", 1) for p in explained[(qid, rid)].split("; ") if ": " in p)
            alike = parts.get("surname", "").startswith("same") and parts.get(
                "given", ""
            ).startswith(_NAMES_ALIKE)
            causes["names read alike, left `possible`" if alike else "names not read alike"] += 1
    return causes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--register", type=int, default=100_000)
    parser.add_argument("--inquiries", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--precision", type=float, default=0.995)
    parser.add_argument("--profile", default="default", choices=sorted(synthetic.PROFILES))
    parser.add_argument(
        "--matches",
        type=Path,
        help="a matches file of these lists (run.py's matches-homeward.csv): what it leaves "
        "undecided of what the perfect reader decides, and why",
    )
    args = parser.parse_args(argv)
    data = synthetic.generate(
        args.register, args.inquiries, seed=args.seed, keep_persons=True, profile=args.profile
    )
    c = ceiling(data)
    shown = c["as_shown"]
    print(
        f"### Ceiling, {args.register:,} register × {args.inquiries:,} inquiries, seed {args.seed}"
        + ("" if args.profile == "default" else f", profile {args.profile}")
    )
    print()
    print(f"- findable inquiries: {c['findable']:,}")
    print(
        f"- generous (register persons by their true attributes): the person is the only "
        f"compatible one for {c['lone_true']:,} — recall ceiling {c['recall_ceiling']:.4f}; "
        f"{c['lone_unfound']:,} unfound inquiries with one compatible person; precision of "
        f"deciding every lone one {c['precision_deciding_all_lone']:.4f}"
    )
    print(
        "  - findable, sharing every shown fact with another held person: "
        + ", ".join(f"{k} {v:,}" for k, v in sorted(c["crowded"].items()))
    )
    print(
        f"- as the records show: the person's record is the only compatible one for "
        f"{shown['lone_true']:,} — **recall ceiling {shown['recall_ceiling']:.4f}**; "
        f"{shown['lone_unfound']:,} unfound inquiries with one compatible record "
        f"({shown['lone_wrong']:,} findable ones whose lone compatible record is someone "
        f"else's); precision of deciding every lone one "
        f"**{shown['precision_deciding_all_lone']:.4f}**"
    )
    print(
        f"- the perfect reader's frontier (groups chosen with the truth): recall "
        f"**{best_recall(c['frontier'], args.precision):.4f} at precision ≥ {args.precision}**"
    )
    print(
        f"- top 5 as the records show: the person's record among five of its compatible "
        f"records, ties drawn evenly — **top-5 ceiling {c['top5']:.4f}**"
    )
    print()
    print("| group (what both records show) | right | wrong | recall so far | precision so far |")
    print("|---|---:|---:|---:|---:|")
    for s in c["frontier"]:
        if s["wrong"]:
            print(
                f"| {s['group']} | {s['right']:,} | {s['wrong']:,} | {s['recall']:.4f} "
                f"| {s['precision']:.4f} |"
            )
    safe = [s for s in c["frontier"] if not s["wrong"]]
    print(
        f"\n(before these, {len(safe)} groups without a wrong decision: "
        f"{sum(s['right'] for s in safe):,} right)"
    )
    if args.matches:
        decided = decided_at(c, args.precision)
        causes = shortfall(data, decided, args.matches)
        print(
            f"\nOf the {len(decided):,} findable inquiries the perfect reader decides at "
            f"precision ≥ {args.precision}, {args.matches.name} leaves "
            f"{sum(causes.values()):,} without their `match`:\n"
        )
        for cause, n in causes.most_common():
            print(f"- {cause}: {n:,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
