"""Baseline 2: Splink as a competent user would set it up without knowledge of Cyrillic.

Names folded to ASCII with anyascii; full names split by each script's usual order (Cyrillic
surname first, Latin given name first; patronymic ignored); Splink's standard comparisons (NameComparison on both
names, DateOfBirthComparison, term frequencies on the family name), blocking on family name,
given name + birth year and birth date; u by random sampling, m by EM on two blocking rules;
`match` at probability 0.9, the best five candidates per record kept.

    python baseline_splink.py LEFT.csv RIGHT.csv -o MATCHES.csv
"""

from __future__ import annotations

import argparse
import csv
import logging
import sys
from pathlib import Path

import pandas as pd
from anyascii import anyascii

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from homeward.lib.personlist import read_rows  # noqa: E402


def fold(text: str) -> str | None:
    out = "".join(c for c in anyascii(text or "").lower() if c.isalpha())
    return out or None


def iso(date: str) -> str | None:
    date = (date or "").strip()
    if not date:
        return None
    if "." in date:
        parts = date.split(".")
        if len(parts) == 3:
            return f"{parts[2]}-{parts[1]}-{parts[0]}"
        return None
    if len(date) == 10:
        return date
    return None  # partial dates: the standard DOB comparison wants full dates


def split(full: str) -> tuple[str, str]:
    """(given, family) by the order each script's lists use, as a user reading the files would
    see it: Cyrillic lists put the surname first, Latin ones last."""
    tokens = full.split()
    if len(tokens) < 2:
        return "", full
    if full.isascii():
        return tokens[0], tokens[-1]
    return tokens[1], tokens[0]


def frame(path: str) -> pd.DataFrame:
    p = Path(path)
    out = []
    for r in read_rows(p.read_bytes(), p.name):
        v = r.values
        family, given = v.get("family_name", ""), v.get("given_name", "")
        if not family and v.get("full_name"):
            given, family = split(v["full_name"])
        year = (
            (v.get("birth_date") or "")[-4:]
            if "." in (v.get("birth_date") or "")
            else (v.get("birth_date") or "")[:4]
        )
        out.append(
            {
                "unique_id": v["id"],
                "first_name": fold(given),
                "surname": fold(family),
                "dob": iso(v.get("birth_date", "")),
                "birth_year": year or None,
            }
        )
    return pd.DataFrame(out)


def main() -> None:
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    ap = argparse.ArgumentParser()
    ap.add_argument("left")
    ap.add_argument("right")
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--threshold", type=float, default=0.9)
    args = ap.parse_args()
    logging.getLogger("splink").setLevel(logging.WARNING)
    db = DuckDBAPI()
    left = db.register(frame(args.left), table_name="left_list")
    right = db.register(frame(args.right), table_name="right_list")
    settings = SettingsCreator(
        link_type="link_only",
        comparisons=[
            cl.NameComparison("first_name"),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("dob", input_is_string=True),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("surname"),
            block_on("first_name", "birth_year"),
            block_on("dob"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker([left, right], settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "surname", "dob")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("surname"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    pred = linker.inference.predict(threshold_match_probability=0.01)
    sql = f"""
        SELECT * FROM (
          SELECT CASE WHEN source_dataset_l = 'left_list' THEN unique_id_l ELSE unique_id_r END AS l,
                 CASE WHEN source_dataset_l = 'left_list' THEN unique_id_r ELSE unique_id_l END AS r,
                 match_probability,
                 row_number() OVER (
                   PARTITION BY CASE WHEN source_dataset_l = 'left_list' THEN unique_id_l
                                     ELSE unique_id_r END
                   ORDER BY match_probability DESC) AS rank
          FROM {pred.physical_name}
        ) WHERE rank <= 5
    """  # noqa: S608
    top = linker.misc.query_sql(sql, output_type="pandas")
    with open(args.output, "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["left_id", "right_id", "score", "decision", "explanation"])
        for row in top.itertuples(index=False):
            decision = (
                "match" if row.rank == 1 and row.match_probability >= args.threshold else "possible"
            )
            out.writerow(
                [row.l, row.r, f"{row.match_probability:.6f}", decision, "splink baseline"]
            )


if __name__ == "__main__":
    main()
