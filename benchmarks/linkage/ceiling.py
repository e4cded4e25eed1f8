"""How much of the benchmark any matcher could decide: a ceiling computed from the generator's
truth, not from any matcher.

    .venv/bin/python benchmarks/linkage/ceiling.py --register 100000 --inquiries 10000 [--seed 2026]

The generator keeps the invented person behind every record (surname, given name, father,
birth date, place as table indexes, before any spelling, script, typo or error is applied). A
perfect reader of names, one that never misreads a spelling, a pet form or a typo, still sees
only what an inquiry shows: its surname and given name, its patronymic if it has one, its
birth date as far as it is written (none, a year, a year and month, a full date), its place if
it has one. Against an inquiry, a register record is *compatible* when its person agrees with
everything the inquiry shows. The comparison is generous to the reader on purpose: a register
person is compared by its true attributes, not by what its own record shows (which may lack the
date), and a full date is trusted as written (a matcher cannot know which dates are wrong, and
here that only removes compatible records).

- A findable inquiry whose person is the *only* compatible register record can be decided by a
  perfect reader. Any other, where another register person is just as compatible (a namesake
  when the inquiry has no date, a brother when it has only a surname and a year…), cannot be
  decided at high precision by anyone: the lists do not say which.
- An unfound inquiry (its person is not held) with exactly one compatible register record is
  indistinguishable from a findable one: a reader that decides every lone compatible record
  decides these wrongly too.

The share of the first kind is an upper bound on the recall of `match` decisions at any
precision near 1; with the second kind it bounds the precision of deciding all of them.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from homeward.linkage import synthetic  # noqa: E402


def _identity(p: synthetic.Person) -> tuple:
    """Surname and given name as the tables behind them: one key for all their spellings."""
    table = p.origin if p.origin in synthetic.CA_NATIONS else "ua"
    surname_table = p.origin if p.origin in ("ua", "ru") else table
    return (surname_table, p.surname, table, p.sex, p.given)


def _shows(tags: set[str]) -> dict[str, bool | str]:
    date = next((t.split(":")[1] for t in tags if t.startswith("date:")), "full")
    if date in ("swapped", "day_off", "year_off"):
        date = "full"
    return {
        "date": date,
        "patronymic": "patronymic:missing" not in tags,
        "place": "place:given" in tags,
    }


def _compatible(q: synthetic.Person, r: synthetic.Person, shows: dict) -> bool:
    if shows["patronymic"] and q.father != r.father:
        return False
    if shows["place"] and q.place != r.place:
        return False
    date = shows["date"]
    if date == "year":
        return q.birth.year == r.birth.year
    if date == "year_month":
        return (q.birth.year, q.birth.month) == (r.birth.year, r.birth.month)
    if date == "full":
        return q.birth == r.birth
    return True  # no date


def ceiling(data: synthetic.Dataset) -> dict:
    assert data.persons is not None
    by_identity: dict[tuple, list[tuple[str, synthetic.Person]]] = defaultdict(list)
    for row in data.register:
        person = data.persons[row["id"]]
        by_identity[_identity(person)].append((row["id"], person))
    lone_true = lone_wrong = lone_unfound = findable = 0
    crowded: Counter[str] = Counter()
    for row in data.inquiries:
        qid = row["id"]
        q = data.persons[qid]
        tags = set(data.variations[qid].split())
        shows = _shows(tags)
        compatible = [
            rid for rid, r in by_identity.get(_identity(q), []) if _compatible(q, r, shows)
        ]
        truth = data.truth[qid]
        if truth:
            findable += 1
        if len(compatible) == 1:
            if truth is None:
                lone_unfound += 1
            elif compatible[0] == truth:
                lone_true += 1
            else:
                lone_wrong += 1
        elif truth and truth in compatible:
            crowded[f"date:{shows['date']}"] += 1
    decided = lone_true + lone_wrong + lone_unfound
    return {
        "findable": findable,
        "lone_true": lone_true,
        "lone_unfound": lone_unfound,
        "lone_wrong": lone_wrong,
        "recall_ceiling": lone_true / findable,
        "precision_deciding_all_lone": lone_true / decided if decided else 1.0,
        "crowded": dict(crowded),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--register", type=int, default=100_000)
    parser.add_argument("--inquiries", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    data = synthetic.generate(args.register, args.inquiries, seed=args.seed, keep_persons=True)
    c = ceiling(data)
    print(
        f"### Ceiling, {args.register:,} register × {args.inquiries:,} inquiries, seed {args.seed}"
    )
    print()
    print(f"- findable inquiries: {c['findable']:,}")
    print(
        f"- the person is the only compatible register record: {c['lone_true']:,} "
        f"— **recall ceiling {c['recall_ceiling']:.4f}**"
    )
    print(
        "- the person shares every shown fact with another register person: "
        + ", ".join(f"{k} {v:,}" for k, v in sorted(c["crowded"].items()))
    )
    print(
        f"- unfound inquiries with exactly one compatible register record: {c['lone_unfound']:,}"
        f"; findable ones whose lone compatible record is someone else: {c['lone_wrong']:,}"
    )
    print(
        "- precision of deciding every lone compatible record: "
        f"{c['precision_deciding_all_lone']:.4f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
