"""Scores the claims extractor on a directory of reports with an expected.json beside them.

    .venv/bin/python benchmarks/claims/score.py [DIR ...]   (default: the tests' dev set)

expected.json maps each file stem to its core figures: {"counts", "value"} (value = the figure
as stated: 1000 for "over 1,000", 0.7 for "70 %"). A proposed claim matches a figure when
`counts` is equal and its interval contains the value; "over N" (N+1 – open) is counted as
containing N, as the issue's own rule makes it. Each claim matches at most one figure.
Recall = figures matched / figures; precision = claims that match / claims proposed.
Runs the same code as `homeward claims extract --json` (extract + file_text), no database.
"""

from __future__ import annotations

import json
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from homeward.claims.extract import extract  # noqa: E402
from homeward.claims.text import file_text  # noqa: E402

DEFAULT = ROOT / "homeward" / "claims" / "tests" / "fixtures"


def contains(claim: dict, value: float) -> bool:
    lo, hi = claim["low"], claim["high"]
    step = 0.01 if claim["kind"] == "share" else 1
    return (lo is None or lo <= value + step + 1e-9) and (hi is None or value <= hi + 1e-9)


def score_dir(d: Path) -> dict:
    expected = json.loads((d / "expected.json").read_text())
    per_lang: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # found, gold, good, pred
    misses, extras = [], []
    for stem, gold in sorted(expected.items()):
        path = next(d.glob(f"{stem}.*"))
        claims = [c.as_dict() for c in extract(file_text(path.name, path.read_bytes()))]
        lang = stem.split("-")[0] if stem.split("-")[0] in ("en", "uk", "ru") else "en"
        free = list(range(len(claims)))
        for g in gold:
            hit = next(
                (
                    k
                    for k in free
                    if claims[k]["counts"] == g["counts"] and contains(claims[k], g["value"])
                ),
                None,
            )
            if hit is None:
                misses.append((stem, g))
            else:
                free.remove(hit)
        matched = len(claims) - len(free)
        extras += [(stem, claims[k]["counts"], claims[k]["figure"]) for k in free]
        row = per_lang[lang]
        row[0] += len(gold) - sum(1 for s, _ in misses if s == stem)
        row[1] += len(gold)
        row[2] += matched
        row[3] += len(claims)
    return {"per_lang": dict(per_lang), "misses": misses, "extras": extras}


def main(argv: list[str]) -> None:
    dirs = [Path(a) for a in argv] or [DEFAULT]
    t0 = time.perf_counter()
    for d in dirs:
        r = score_dir(d)
        print(f"# {d}")
        tot = [0, 0, 0, 0]
        for lang, (f, g, good, p) in sorted(r["per_lang"].items()):
            tot = [a + b for a, b in zip(tot, (f, g, good, p), strict=True)]
            print(
                f"{lang}: recall {f}/{g} = {f / g:.3f}; precision {good}/{p} = "
                f"{good / p if p else 1:.3f}"
            )
        f, g, good, p = tot
        print(
            f"all: recall {f}/{g} = {f / g:.3f}; precision {good}/{p} = {good / p if p else 1:.3f}"
        )
        for stem, miss in r["misses"]:
            print(f"  missed  {stem}: {miss}")
        for stem, counts, figure in r["extras"]:
            print(f"  extra   {stem}: {counts} {figure!r}")
    print(f"({time.perf_counter() - t0:.2f} s)")


if __name__ == "__main__":
    main(sys.argv[1:])
