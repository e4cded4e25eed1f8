"""Baseline 1: exact match after ASCII folding (anyascii, lower case) of family name, given
name and birth date. Writes the DESIGN §7 matches format.

    python baseline_exact.py LEFT.csv RIGHT.csv -o MATCHES.csv
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

from anyascii import anyascii

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from homeward.lib.personlist import read_rows, split_full_name  # noqa: E402


def fold(text: str) -> str:
    return "".join(c for c in anyascii(text or "").lower() if c.isalnum())


def key(values: dict) -> tuple[str, str, str]:
    family, given = values.get("family_name", ""), values.get("given_name", "")
    if not family and values.get("full_name"):
        family, given, _ = split_full_name(values["full_name"])
    return fold(family), fold(given), values.get("birth_date", "")


def rows(path: str):
    p = Path(path)
    return [r.values for r in read_rows(p.read_bytes(), p.name)]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("left")
    ap.add_argument("right")
    ap.add_argument("-o", "--output", required=True)
    args = ap.parse_args()
    index: dict[tuple, list[str]] = {}
    for r in rows(args.right):
        index.setdefault(key(r), []).append(r["id"])
    with open(args.output, "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["left_id", "right_id", "score", "decision", "explanation"])
        for r in rows(args.left):
            for rid in index.get(key(r), [])[:5]:
                out.writerow([r["id"], rid, "1.0", "match", "exact after ASCII folding"])


if __name__ == "__main__":
    main()
