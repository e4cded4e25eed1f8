"""Operating points: the recall of `match` decisions at each threshold, ambiguity margin and held
share, on the same candidates, to show what the shipped rule leaves and what any other would.

    .venv/bin/python benchmarks/linkage/sweep.py --register 100000 --inquiries 10000 \\
        [--full-names | --split-names] [--seed 2026] [--precision 0.995] \\
        [--thresholds 0.8,0.9] [--margins 6,3]

Reads (or generates, as run.py does) the lists in benchmarks/linkage/data/, scores candidate
pairs once with the shipped model exactly as `homeward link` does (each inquiry's best
--candidates, 50 by default, and the evidence summed over all of them), then replays
`model.decide` for every combination of threshold (0.5–0.99), margin (0–6 bits) and held share
(the prior's, as shipped, or the lists' true share). Prints, for each margin and held share, the
best recall with precision at or above --precision, and the shipped point. Chosen with the
truth, so the best point is optimistic; it bounds what tuning the rule could give on these lists.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))
sys.path.insert(0, str(HERE))

import metrics  # noqa: E402
import run  # noqa: E402

from homeward.linkage import engine, lists  # noqa: E402
from homeward.linkage import model as model_mod  # noqa: E402
from homeward.linkage.features import prepare  # noqa: E402

THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.97, 0.98, 0.99)
MARGINS = (6.0, 5.0, 4.0, 3.0, 2.0, 0.0)


def _floats(text: str) -> tuple[float, ...]:
    return tuple(float(x) for x in text.split(","))


def quality(matches: list[model_mod.Match], truth: dict[str, str | None]) -> tuple[float, float]:
    right = wrong = 0
    for m in matches:
        if m.decision == "match":
            if truth[m.left_id] == m.right_id:
                right += 1
            else:
                wrong += 1
    findable = sum(1 for v in truth.values() if v)
    return right / max(right + wrong, 1), right / findable


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    run.add_list_arguments(ap)
    ap.add_argument("--candidates", type=int, default=50)
    ap.add_argument("--precision", type=float, default=0.995)
    ap.add_argument("--thresholds", type=_floats, default=THRESHOLDS, help="comma-separated")
    ap.add_argument("--margins", type=_floats, default=MARGINS, help="comma-separated, in bits")
    args = ap.parse_args()
    names = "full" if args.full_names else "split"
    data = run.lists_directory(args)
    run.ensure_lists(args, data)
    truth = metrics.read_truth(data / "truth.csv")
    left = prepare(lists.read_persons(data / "inquiries.csv"))
    right = prepare(lists.read_persons(data / "register.csv"), start=len(left))
    print("scoring candidate pairs…", file=sys.stderr)
    pairs, final = engine._run(
        left,
        right,
        engine="duckdb",
        train="u",
        model=None,
        candidates=args.candidates,
        progress=lambda s: print(s, file=sys.stderr),
    )
    rows = {r["unique_id"]: r for r in left}
    rows.update({r["unique_id"]: r for r in right})
    # decisions look at each inquiry's best 5, as `homeward link --candidates 5` does
    seen: Counter[int] = Counter()
    best5 = []
    for pair in pairs:
        seen[pair[0]] += 1
        if seen[pair[0]] <= model_mod.DEFAULT_CANDIDATES:
            best5.append(pair)
    scorer = model_mod.Scorer(final, final["_tf"])
    true_share = sum(1 for v in truth.values() if v) / len(truth)

    def replay(threshold: float, margin: float, held: float | None) -> tuple[float, float]:
        out = model_mod.decide(
            best5,
            rows,
            scorer,
            threshold,
            one_sided=True,
            register_size=len(right),
            evidence=final["_evidence"],
            held=held,
            margin=margin,
        )
        return quality(out, truth)

    shipped = replay(model_mod.DEFAULT_THRESHOLD, model_mod.AMBIGUITY_MARGIN, None)
    prior_share = model_mod.held_share(scorer.prior, len(right))
    print(
        f"### Operating points, {args.register:,} × {args.inquiries:,}, {names} names, "
        f"seed {args.seed}\n\nShipped (threshold {model_mod.DEFAULT_THRESHOLD}, margin "
        f"{model_mod.AMBIGUITY_MARGIN:g} bits, held share {prior_share:.3f} from the prior): "
        f"precision {shipped[0]:.4f}, recall {shipped[1]:.4f}.\n\n"
        f"Best recall with precision ≥ {args.precision} (threshold in brackets):\n\n"
        f"| margin (bits) | held {prior_share:.3f} (prior) | held {true_share:.3f} (true) |\n"
        "|---:|---|---|"
    )
    every = []
    for margin in args.margins:
        cells = []
        for held in (None, true_share):
            best = None
            for threshold in args.thresholds:
                p, r = replay(threshold, margin, held)
                every.append((margin, held, threshold, p, r))
                if p >= args.precision and (best is None or r > best[1]):
                    best = (p, r, threshold)
            cells.append(
                "none" if best is None else f"{best[1]:.4f} at precision {best[0]:.4f} ({best[2]})"
            )
        print(f"| {margin:g} | {cells[0]} | {cells[1]} |")
    print(
        "\n<details><summary>Every point</summary>\n\n"
        "| margin (bits) | held share | threshold | precision | recall |\n|---:|---|---:|---:|---:|"
    )
    for margin, held, threshold, p, r in every:
        share = f"{true_share:.3f} (true)" if held else f"{prior_share:.3f} (prior)"
        print(f"| {margin:g} | {share} | {threshold} | {p:.4f} | {r:.4f} |")
    print("\n</details>")


if __name__ == "__main__":
    main()
