"""Quality of a matches file (DESIGN §7) against a truth file (left_id,right_id), overall and
by kind of variation (the generator's variations.csv)."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path


def read_truth(path: str | Path) -> dict[str, str | None]:
    with open(path, encoding="utf-8") as f:
        return {r["left_id"]: (r["right_id"] or None) for r in csv.DictReader(f)}


def read_variations(path: str | Path) -> dict[str, set[str]]:
    if not Path(path).exists():
        return {}
    with open(path, encoding="utf-8") as f:
        return {r["id"]: set(r["variations"].split()) for r in csv.DictReader(f)}


_REASONS = [
    ("ambiguous:", "a runner-up within the ambiguity margin"),
    ("for a person to decide:", "a compared part differs (left to a person)"),
]


class Result:
    """What a system answered: its `match` decisions and its ranked candidates."""

    def __init__(self, matches: str | Path, *, top: int = 5):
        self.decided: dict[str, list[str]] = defaultdict(list)
        ranked: dict[str, list[tuple[float, str]]] = defaultdict(list)
        # why a candidate was left `possible`, where the explanation says (Homeward's does)
        self.reason: dict[tuple[str, str], str] = {}
        with open(matches, encoding="utf-8") as f:
            for r in csv.DictReader(f):
                if r["decision"] == "match":
                    self.decided[r["left_id"]].append(r["right_id"])
                ranked[r["left_id"]].append((float(r["score"]), r["right_id"]))
                explanation = r.get("explanation") or ""
                for prefix, reason in _REASONS:
                    if explanation.startswith(prefix):
                        self.reason[(r["left_id"], r["right_id"])] = reason
        # each inquiry's best candidate and its score
        self.best = {lid: max(c) for lid, c in ranked.items()}
        self.top = {
            lid: [rid for _, rid in sorted(c, key=lambda x: -x[0])[:top]]
            for lid, c in ranked.items()
        }


def evaluate(result: Result, truth: dict[str, str | None], ids: list[str] | None = None) -> dict:
    """Precision, recall and F1 of `match` decisions, and recall of the true record among the
    top candidates, over the inquiries `ids` (default all)."""
    ids = list(truth) if ids is None else ids
    decided = [(lid, rid) for lid in ids for rid in result.decided.get(lid, ())]
    tp = sum(1 for lid, rid in decided if truth[lid] == rid)
    findable = [lid for lid in ids if truth[lid]]
    precision = tp / len(decided) if decided else 1.0
    recall = tp / len(findable) if findable else 1.0
    in_top = sum(1 for lid in findable if truth[lid] in result.top.get(lid, ()))
    unfound = [lid for lid in ids if not truth[lid]]
    return {
        "inquiries": len(ids),
        "findable": len(findable),
        "matches": len(decided),
        "true_positives": tp,
        "false_positives": len(decided) - tp,
        "precision": precision,
        "recall": recall,
        "f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
        "top5_recall": in_top / len(findable) if findable else 1.0,
        # of inquiries whose person the register does not hold, the share given a `match`
        "unfound_matched": (
            sum(1 for lid in unfound if result.decided.get(lid)) / len(unfound) if unfound else 0.0
        ),
    }


def best_threshold(result: Result, truth: dict[str, str | None]) -> tuple[float, float]:
    """(F1, threshold): the F1 of `match` = "the best candidate, if its score reaches the
    threshold", at the threshold that maximises it. Chosen with the truth, so no user could
    pick it; a reference for how much a system's own threshold leaves on the table."""
    findable = sum(1 for rid in truth.values() if rid)
    ranked = sorted(
        ((score, truth.get(lid) == rid) for lid, (score, rid) in result.best.items()),
        reverse=True,
    )
    best, at, tp = 0.0, 1.0, 0
    for n, (score, right) in enumerate(ranked, 1):
        tp += right
        f1 = 2 * tp / (n + findable) if findable else 0.0
        if f1 > best and (n == len(ranked) or ranked[n][0] < score):
            best, at = f1, score
    return best, at


# The variations a breakdown reports, in this order (tags of the generator).
BREAKDOWN = [
    "style:family_uk",
    "style:family_ru",
    "style:ngo",
    "style:published",
    "given:informal_latin",
    "given:diminutive",
    "given:ru_in_uk_script",
    "patronymic:missing",
    "origin:ca",
    "surname:feminine",
    "date:full",
    "date:year",
    "date:missing",
    "date:swapped",
    "date:day_off",
    "date:year_off",
    "typo:family",
    "columns:swapped",
    "order:surname_first",
    "order:given_first",
    "sought:brother",
    "sought:twin",
    "sought:father",
    "sought:son",
    "sought:namesake",
    "sought:unrelated",
]


def breakdown(
    results: dict[str, Result], truth: dict[str, str | None], variations: dict[str, set[str]]
) -> list[tuple[str, int, dict[str, dict]]]:
    """(tag, inquiries with it, {system: evaluate(...)}) for each tag present."""
    out = []
    for tag in BREAKDOWN:
        ids = [lid for lid in truth if tag in variations.get(lid, ())]
        if ids:
            out.append((tag, len(ids), {s: evaluate(r, truth, ids) for s, r in results.items()}))
    return out


LOSSES = [
    "not among the best 5 candidates",
    "another candidate ranked first",
    "matched to another record",
    "best, a runner-up within the ambiguity margin",
    "best, a compared part differs (left to a person)",
    "best, below the threshold",
]


def losses(result: Result, truth: dict[str, str | None]) -> dict[str, int]:
    """Where recall is lost: each findable inquiry without its true `match`, by the first reason
    that applies (LOSSES)."""
    out = dict.fromkeys(LOSSES, 0)
    for lid, rid in truth.items():
        if not rid or rid in result.decided.get(lid, ()):
            continue
        ranked = result.top.get(lid, [])
        if result.decided.get(lid):
            out["matched to another record"] += 1
        elif rid not in ranked:
            out["not among the best 5 candidates"] += 1
        elif ranked[0] != rid:
            out["another candidate ranked first"] += 1
        elif (lid, rid) in result.reason:
            out[f"best, {result.reason[(lid, rid)]}"] += 1
        else:
            out["best, below the threshold"] += 1
    return out
