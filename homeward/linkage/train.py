"""Train the shipped model: `python -m homeward.linkage.train [-o PATH]`.

Fellegi–Sunter as Splink does it: u by random sampling of (almost surely) non-matching pairs,
m from the known pairs of synthetic lists (homeward.synth.lists, with a seed the benchmark
and tests never use), the prior from near-certain pairs.
The result is data/model.json, Splink's model format; `homeward link` starts from it.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import model as model_mod

# Where EM starts: plausible m (share among true matches) and u (among non-matches) per level,
# in the order of model.COMPARISONS (null levels have none).
STARTING_VALUES: dict[str, list[tuple[float, float] | None]] = {
    "surname": [
        None,
        (0.01, 0.00001),
        (0.85, 0.0015),
        (0.03, 0.002),
        (0.06, 0.003),
        (0.03, 0.01),
        (0.02, 0.98349),
    ],
    "given": [
        None,
        (0.01, 0.00001),
        (0.85, 0.03),
        (0.05, 0.01),
        (0.005, 0.0005),  # a pet form of this or another name (Alex)
        (0.02, 0.005),
        (0.03, 0.02),
        (0.04, 0.93499),
    ],
    "patronymic": [None, (0.85, 0.03), (0.07, 0.02), (0.03, 0.005), (0.05, 0.945)],
    "birth": [
        None,
        (0.6, 0.0001),
        (0.08, 0.002),
        (0.15, 0.02),
        (0.02, 0.00005),
        (0.02, 0.0002),
        (0.01, 0.0004),
        (0.03, 0.0001),
        (0.01, 0.02),
        (0.03, 0.03),
        (0.05, 0.92645),
    ],
    "place": [None, (0.6, 0.05), (0.3, 0.05), (0.1, 0.9)],
}


def starting_model(link_type: str = "link_only") -> dict:
    out = model_mod.settings(link_type=link_type)
    for comp in out["comparisons"]:
        for level, mu in zip(
            comp["comparison_levels"], STARTING_VALUES[comp["output_column_name"]], strict=True
        ):
            if mu is not None:
                level["m_probability"], level["u_probability"] = mu
    return out


def train(left, right, truth: list[tuple[int, int]], *, progress=print) -> dict:
    """A model trained on two lists of Person (LEFT inquiries, RIGHT register) and the pairs
    (left index, right index) known to be one person."""
    from splink import DuckDBAPI, Linker

    from .engine import _quiet_splink, _register_tf
    from .features import as_arrow, prepare

    _quiet_splink()
    left_rows = prepare(left)
    right_rows = prepare(right, start=len(left_rows))
    db_api = DuckDBAPI()
    linker = Linker(
        [
            db_api.register(as_arrow(left_rows), table_name="homeward_left"),
            db_api.register(as_arrow(right_rows), table_name="homeward_right"),
        ],
        starting_model(),
        log_level=None,
    )
    _register_tf(
        linker,
        db_api,
        model_mod.term_frequencies({c: [r[c] for r in right_rows] for c in model_mod.TF_COLUMNS}),
        "duckdb",
    )
    pairs = [(left_rows[a], right_rows[b]) for a, b in truth]
    # as PRIOR_RULE's SQL compares them: a missing name agrees with nothing
    names_agree = sum(
        1
        for a, b in pairs
        if a["sn"] is not None and a["sn"] == b["sn"] and a["gc"] is not None and a["gc"] == b["gc"]
    ) / max(len(pairs), 1)
    by_pattern = model_mod.birth_m_by_pattern(pairs)
    extra = {"names_agree": names_agree, "birth_m_by_pattern": by_pattern}
    progress("prior…")
    linker.training.estimate_probability_two_random_records_match(
        [model_mod.PRIOR_RULE],
        recall=model_mod.prior_rule_recall(
            {"homeward": extra},
            model_mod.completeness_shares(left_rows),
            model_mod.completeness_shares(right_rows),
        )
        or 0.6,
    )
    progress("u by random sampling…")
    linker.training.estimate_u_using_random_sampling(max_pairs=1e7, seed=11)
    # m from the known pairs of the synthetic truth. EM alone (tried first) let twins and
    # brothers (same surname, patronymic and birth year) pass for matches with "different given
    # names", and weighed a different given name at only -3 bits.
    progress(f"m from {len(truth):,} known pairs…")
    import pandas as pd

    labels = pd.DataFrame(
        {
            "source_dataset_l": "homeward_left",
            "unique_id_l": [a for a, _ in truth],
            "source_dataset_r": "homeward_right",
            "unique_id_r": [len(left_rows) + b for _, b in truth],
            "clerical_match_score": 1.0,
        }
    )
    linker.training.estimate_m_from_pairwise_labels(
        db_api.register(labels, table_name="homeward_labels")
    )
    trained = floor_m(linker.misc.save_model_to_json())
    # what adapts the model to other lists' dates (model.adapt_to_dates, prior_rule_recall)
    trained["homeward"] = extra
    return trained


# Synthetic lists write one person's birthplace the same way every time (in another script at
# most); real lists do not: a village, its district or the nearest city, the place of
# registration taken for the place of birth. Trained on synthetic truth alone, "another place"
# would weigh −8 bits, as much as a different birth date. Its m is floored so that it weighs
# about −3: evidence against, never a verdict.
M_FLOORS = {("place", "another place"): 0.1}


def floor_m(trained: dict) -> dict:
    for comp in trained["comparisons"]:
        levels = [lv for lv in comp["comparison_levels"] if "m_probability" in lv]
        for lv in levels:
            floor = M_FLOORS.get((comp["output_column_name"], lv["label_for_charts"]))
            if floor is None or lv["m_probability"] >= floor:
                continue
            rest = sum(o["m_probability"] for o in levels if o is not lv)
            for o in levels:
                if o is not lv:
                    o["m_probability"] *= (1 - floor) / rest
            lv["m_probability"] = floor
    return trained


def main(argv: list[str] | None = None) -> int:
    from homeward.synth import lists as synthetic

    from .features import Person

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-o", "--output", default=str(Path(__file__).parent / model_mod.MODEL_PATH))
    parser.add_argument("--register", type=int, default=200_000)
    parser.add_argument("--inquiries", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=20261123)
    args = parser.parse_args(argv)
    # the sparse dates profile: a third of the inquiries give a year or no date, so that each
    # date level is learnt from thousands of true pairs
    data = synthetic.generate(
        args.register, args.inquiries, seed=args.seed, full_names=False, profile="sparse_dates"
    )
    left = [Person.from_row(r) for r in data.inquiries]
    right = [Person.from_row(r) for r in data.register]
    position = {r["id"]: i for i, r in enumerate(data.register)}
    truth = [
        (i, position[rid])
        for i, r in enumerate(data.inquiries)
        if (rid := data.truth[r["id"]]) is not None
    ]
    trained = train(left, right, truth)
    Path(args.output).write_text(json.dumps(trained, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
