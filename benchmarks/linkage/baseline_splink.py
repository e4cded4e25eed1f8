"""Baseline 2: Splink 5 on DuckDB, set up as a competent user would without knowing Cyrillic.

- Names folded to ASCII with anyascii (common.py); full names split where the surname visibly
  is (a word in capitals; else first in Cyrillic lists, last in Latin ones); the patronymic
  or middle words kept as a third name column.
- Comparisons from Splink's library: on given name and surname NameComparison's levels (exact,
  with term-frequency adjustment on the surname; Jaro-Winkler 0.92/0.88/0.7) plus one level for
  the two columns swapped, since full names come in either order (weighed once, in the
  surname's comparison; a null level in the given name's); NameComparison on the
  patronymic; ExactMatch on sex and on place of birth; a date comparison built from Splink's
  standard levels because a third of the inquiries give only a year: exact date,
  Damerau-Levenshtein ≤ 1 (a digit slip), same year and month, same year where one side has
  only the year, same year, a year apart, else.
- Blocking for predictions: surname; given name + year of birth; full date of birth; first
  three letters of surname + year of birth; surname equal to the other's given name.
- Training: the prior from a deterministic rule (surname, given name and date equal; recall
  assumed 0.7), u by random sampling (10 million pairs), m by EM on three blocking rules
  (surname; given name + year; date of birth) so that every level is trained.
- Each inquiry's five best candidates are written; the best is a `match` when its
  probability is at least 0.9 (Splink's tutorials' usual cut-off), the rest `possible`.

Tried and dropped (20,000 x 2,000, seed 11; F1 with split / full names, against 0.83 / 0.65
for this set-up): Splink's ForenameSurnameComparison (0.60 / 0.46); plain NameComparisons
without the swapped level (0.83 / 0.56); two EM passes instead of three (0.75 / 0.63); the
swapped level weighed in both name comparisons (0.83 / 0.68 at this size, but it counts one
swap twice and outweighs a birth date 18 years apart: precision 0.85 on full names at
100,000 x 10,000).

    python baseline_splink.py LEFT.csv RIGHT.csv -o MATCHES.csv [--threshold 0.9]
"""

from __future__ import annotations

import argparse
import csv
import logging
import re

import pandas as pd
from common import MATCH_COLUMNS, fold, iso_date, parts, read_list


def frame(path: str) -> pd.DataFrame:
    records = []
    for row in read_list(path):
        given, middle, family = parts(row)
        date = iso_date(row.get("birth_date"))
        records.append(
            {
                "unique_id": row["id"],
                "first_name": fold(given) or None,
                "surname": fold(family) or None,
                "patronymic": fold(middle) or None,
                "sex": (row.get("sex") or "").strip().upper() or None,
                "dob": date if re.fullmatch(r"\d{4}-\d\d-\d\d", date) else None,
                "birth_ym": date[:7] if re.match(r"\d{4}-\d\d", date) else None,
                "birth_year": int(date[:4]) if re.match(r"\d{4}", date) else None,
                "birth_place": fold(row.get("birth_place")) or None,
            }
        )
    return pd.DataFrame.from_records(records).astype({"birth_year": "Int64"})


def settings():
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    birth = cl.CustomComparison(
        output_column_name="birth",
        comparison_levels=[
            cll.NullLevel("birth_year"),
            cll.ExactMatchLevel("dob"),
            cll.DamerauLevenshteinLevel("dob", 1),
            cll.ExactMatchLevel("birth_ym"),
            cll.CustomLevel(
                "birth_year_l = birth_year_r AND (dob_l IS NULL OR dob_r IS NULL)",
                label_for_charts="same year, one side gives only the year",
            ),
            cll.ExactMatchLevel("birth_year"),
            cll.AbsoluteDifferenceLevel("birth_year", 1),
            cll.ElseLevel(),
        ],
    )

    def name(col: str, other: str, tf: bool) -> cl.CustomComparison:
        # NameComparison's levels, with one more after the exact match: the two name columns
        # swapped (a full name in the other order, or a form filled the wrong way round). The
        # surname's comparison weighs it; the given name's treats it as no evidence, so that
        # one swap is not counted twice.
        swapped = cll.CustomLevel(
            f"jaro_winkler_similarity({col}_l, {other}_r) >= 0.88 AND "
            f"jaro_winkler_similarity({other}_l, {col}_r) >= 0.88",
            label_for_charts="name columns swapped",
        )
        if not tf:
            swapped = swapped.configure(is_null_level=True)
        exact = cll.ExactMatchLevel(col)
        if tf:
            exact = exact.configure(tf_adjustment_column=col)
        return cl.CustomComparison(
            output_column_name=col,
            comparison_levels=[
                cll.NullLevel(col),
                exact,
                swapped,
                cll.JaroWinklerLevel(col, 0.92),
                cll.JaroWinklerLevel(col, 0.88),
                cll.JaroWinklerLevel(col, 0.7),
                cll.ElseLevel(),
            ],
        )

    return SettingsCreator(
        link_type="link_only",
        comparisons=[
            name("first_name", "surname", tf=False),
            name("surname", "first_name", tf=True),
            cl.NameComparison("patronymic"),
            birth,
            cl.ExactMatch("sex"),
            cl.ExactMatch("birth_place"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("surname"),
            block_on("first_name", "birth_year"),
            block_on("dob"),
            block_on("substr(surname, 1, 3)", "birth_year"),
            "l.surname = r.first_name",
        ],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )


def main() -> None:
    from splink import DuckDBAPI, Linker, block_on

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("left")
    ap.add_argument("right")
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--threshold", type=float, default=0.9)
    args = ap.parse_args()
    logging.getLogger("splink").setLevel(logging.WARNING)
    db = DuckDBAPI()
    left = db.register(frame(args.left), table_name="left_list")
    right = db.register(frame(args.right), table_name="right_list")
    linker = Linker([left, right], settings(), log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("surname", "first_name", "dob")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e7, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("surname"))
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("first_name", "birth_year")
    )
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    pred = linker.inference.predict(threshold_match_probability=0.001)
    sql = f"""
        SELECT l, r, match_probability, rank FROM (
          SELECT
            CASE WHEN source_dataset_l = 'left_list' THEN unique_id_l ELSE unique_id_r END AS l,
            CASE WHEN source_dataset_l = 'left_list' THEN unique_id_r ELSE unique_id_l END AS r,
            match_probability,
            row_number() OVER (
              PARTITION BY CASE WHEN source_dataset_l = 'left_list' THEN unique_id_l
                                ELSE unique_id_r END
              ORDER BY match_probability DESC) AS rank
          FROM {pred.physical_name}
        ) WHERE rank <= 5 ORDER BY l, rank
    """  # noqa: S608  the table name is Splink's own
    top = linker.misc.query_sql(sql, output_type="pandas")
    with open(args.output, "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(MATCH_COLUMNS)
        for row in top.itertuples(index=False):
            decision = (
                "match" if row.rank == 1 and row.match_probability >= args.threshold else "possible"
            )
            out.writerow(
                [row.l, row.r, f"{row.match_probability:.6f}", decision, "splink baseline"]
            )


if __name__ == "__main__":
    main()
