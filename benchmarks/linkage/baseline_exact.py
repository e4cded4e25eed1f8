"""Baseline 1: exact match after ASCII folding.

Family name, given name (anyascii, lower case, letters only) and birth date (day-first dates
turned ISO, partial dates as written) must all be equal. Every register record with the same
key is a `match`, up to five per inquiry. Writes the DESIGN §7 matches format.

    python baseline_exact.py LEFT.csv RIGHT.csv -o MATCHES.csv
"""

from __future__ import annotations

import argparse
import csv

from common import MATCH_COLUMNS, fold, iso_date, parts, read_list


def key(row: dict[str, str]) -> tuple[str, str, str]:
    given, _, family = parts(row)
    return fold(family), fold(given), iso_date(row.get("birth_date"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("left")
    ap.add_argument("right")
    ap.add_argument("-o", "--output", required=True)
    args = ap.parse_args()
    index: dict[tuple[str, str, str], list[str]] = {}
    for row in read_list(args.right):
        index.setdefault(key(row), []).append(row["id"])
    with open(args.output, "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(MATCH_COLUMNS)
        for row in read_list(args.left):
            k = key(row)
            if not (k[0] and k[1]):
                continue
            for rid in index.get(k, [])[:5]:
                out.writerow([row["id"], rid, "1.0", "match", "exact after ASCII folding"])


if __name__ == "__main__":
    main()
