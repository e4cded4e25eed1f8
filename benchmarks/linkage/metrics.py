"""Quality of a matches file (DESIGN §7) against a truth file (left_id,right_id)."""

from __future__ import annotations

import csv
from pathlib import Path


def read_truth(path: str | Path) -> dict[str, str | None]:
    with open(path, encoding="utf-8") as f:
        return {r["left_id"]: (r["right_id"] or None) for r in csv.DictReader(f)}


def evaluate(matches: str | Path, truth: dict[str, str | None], *, top: int = 5) -> dict:
    decided: list[tuple[str, str]] = []
    ranked: dict[str, list[tuple[float, str]]] = {}
    with open(matches, encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["decision"] == "match":
                decided.append((r["left_id"], r["right_id"]))
            ranked.setdefault(r["left_id"], []).append((float(r["score"]), r["right_id"]))
    tp = sum(1 for lid, rid in decided if truth.get(lid) == rid)
    fp = len(decided) - tp
    findable = [lid for lid, rid in truth.items() if rid]
    precision = tp / len(decided) if decided else 1.0
    recall = tp / len(findable) if findable else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    in_top = 0
    for lid in findable:
        best = [rid for _, rid in sorted(ranked.get(lid, []), key=lambda x: -x[0])[:top]]
        in_top += truth[lid] in best
    return {
        "matches": len(decided),
        "true_positives": tp,
        "false_positives": fp,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        f"top{top}_recall": in_top / len(findable) if findable else 1.0,
        "findable": len(findable),
        "inquiries": len(truth),
    }
