"""The Fellegi–Sunter model: its comparisons, blocking rules and trained parameters.

Every comparison level is written twice, once as SQL for Splink (batch runs on DuckDB or Spark)
and once as a Python predicate (the search index), over the same prepared columns
(features.py); tests hold the two to the same scores. Only SQL that DuckDB and Spark both speak
is used: equality, IS NULL, abs() and levenshtein() on a–z skeletons (so byte and character
distances agree).

The trained parameters live in data/model.json, Splink's own model format, so Splink loads it
as it is and the Python scorer reads m and u from it.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from rapidfuzz.distance import Levenshtein

Row = Mapping[str, object]

# The operating point: chosen with benchmarks/linkage/sweep.py once the register's probability
# had an honest held share (session 8), at 1,000,000 × 100,000 on seed 7 and confirmed on seed
# 2026, and at 100,000 × 10,000 on both (RESULTS.md, "Session 8"). The probability already
# weighs every other candidate; the margin only keeps near-ties for a person. Before: 0.8 and 6
# bits, which left 1,160 inquiries at 1M ambiguous whose best candidate had 0.97 or more.
DEFAULT_THRESHOLD = 0.85
DEFAULT_CANDIDATES = 5
# A best candidate is a match only if the runner-up is at least this many bits (2^3 = 8 times)
# less likely: otherwise the list cannot tell them apart and a person must.
AMBIGUITY_MARGIN = 3.0
# Candidates below this probability are not worth a caseworker's look.
FLOOR_PROBABILITY = 0.001


@dataclass
class Match:
    """One candidate for a record: the DESIGN §7 matches row."""

    left_id: str
    right_id: str
    score: float
    decision: str
    explanation: str
    weight: float = 0.0


def _eq(a, b) -> bool:
    return a is not None and b is not None and a == b


def _lev(a, b, k: int) -> bool:
    return a is not None and b is not None and Levenshtein.distance(a, b, score_cutoff=k) <= k


def _null(col: str) -> Callable[[Row, Row], bool]:
    return lambda a, b: a[col] is None or b[col] is None


@dataclass(frozen=True)
class Level:
    label: str
    sql: str
    test: Callable[[Row, Row], bool]
    null: bool = False
    tf: str | None = None
    # What the explanation says, when the level covers ways of agreeing that weigh the same
    # (one spelling, two scripts): the label is then the level's name in the model only.
    describe: Callable[[Row, Row], str] | None = None


@dataclass(frozen=True)
class Comparison:
    name: str
    description: str
    levels: list[Level] = field(default_factory=list)


def _year_apart(a: Row, b: Row) -> bool:
    return (
        a["byear"] is not None and b["byear"] is not None and abs(a["byear"] - b["byear"]) == 1  # type: ignore[operator]
    )


def _days_apart(days: int) -> Callable[[Row, Row], bool]:
    def test(a: Row, b: Row) -> bool:
        x, y = a["bdate"], b["bdate"]
        return x is not None and y is not None and abs(x - y) <= days  # type: ignore[operator]

    return test


def _swapped(a: Row, b: Row) -> bool:
    return (_eq(a["xs"], b["sn"]) and _eq(a["xg"], b["gg"])) or (
        _eq(a["sn"], b["xs"]) and _eq(a["gg"], b["xg"])
    )


_SWAPPED_SQL = "(l.xs = r.sn AND l.xg = r.gg) OR (l.sn = r.xs AND l.gg = r.xg)"


def _starts(a: Row, b: Row) -> bool:
    x, y = a["gn"], b["gn"]
    if not isinstance(x, str) or not isinstance(y, str) or len(x) < 3 or len(y) < 3:
        return False
    return x.startswith(y) or y.startswith(x)


_READINGS = {"sn_de": "the German way", "sn_fr": "the French way", "sn_pc": "with c for к"}


def _reading(a: Row, b: Row) -> str | None:
    """The other reading of a Latin surname under which it is the other record's surname."""
    for col in _READINGS:
        if _eq(a[col], b["sn"]) or _eq(a["sn"], b[col]):
            return col
    return None


def _russian_form(a: Row, b: Row) -> bool:
    """One record writes the Ukrainian form of the surname, the other the Russian
    (names.surname_russian_reading), with the same consonants where both are Cyrillic."""
    x, y = a["sn_ru"], b["sn_ru"]
    return ((x is not None and (x == b["sn"] or x == y)) or (y is not None and y == a["sn"])) and (
        a["sncq"] is None or b["sncq"] is None or a["sncq"] == b["sncq"]
    )


def _surname_agrees(a: Row, b: Row) -> bool:
    return (
        (_eq(a["sn"], b["sn"]) or _reading(a, b) is not None)
        and (a["snq"] is None or b["snq"] is None or a["snq"] == b["snq"])
    ) or _russian_form(a, b)


_SURNAME_AGREES_SQL = (
    "((l.sn = r.sn"
    + "".join(f" OR l.{c} = r.sn OR l.sn = r.{c}" for c in _READINGS)
    + ") AND (l.snq IS NULL OR r.snq IS NULL OR l.snq = r.snq))"
    + " OR ((l.sn_ru = r.sn OR l.sn_ru = r.sn_ru OR l.sn = r.sn_ru)"
    + " AND (l.sncq IS NULL OR r.sncq IS NULL OR l.sncq = r.sncq))"
)


# One level for a name written alike in any script (or, for a given name, one name in either
# language or a listed diminutive): the ways of agreeing weigh the same for a true pair (their
# m/u were within 0.1 bit for surnames and 1 bit for given names when they were levels of their
# own), and a term-frequency adjustment is only right on the whole of the agreement. Split, each
# part's u was a share of the name's frequency while the adjustment divided by all of it, so
# every exact name weighed 1–2 bits less than it should, rare names included.
def _same_surname(a: Row, b: Row) -> str:
    if _eq(a["sn_fine"], b["sn_fine"]):
        return "same spelling"
    if _eq(a["sn"], b["sn"]):
        return "same across scripts"
    if (reading := _reading(a, b)) is not None:
        return f"same name, spelt {_READINGS[reading]}"
    return "same name, its Ukrainian and Russian forms"


def _one_of(a: Row, b: Row) -> bool:
    """`a`'s given name is a pet form of several names, `b`'s one of them (Alex, Олексій)."""
    return isinstance(a["ga"], str) and b["gc"] is not None and f"|{b['gc']}|" in a["ga"]


def _same_given(a: Row, b: Row) -> str:
    if _eq(a["gn_fine"], b["gn_fine"]):
        return "same spelling"
    if _eq(a["gn"], b["gn"]):
        return "same across scripts"
    return "one name in another language or a diminutive"


COMPARISONS: list[Comparison] = [
    Comparison(
        "surname",
        "Family name (masculine form)",
        [
            Level("missing", "l.sn IS NULL OR r.sn IS NULL", _null("sn"), null=True),
            Level("given and family names swapped", _SWAPPED_SQL, _swapped),
            Level(
                "same name",
                _SURNAME_AGREES_SQL,
                _surname_agrees,
                tf="sn",
                describe=_same_surname,
            ),
            Level(
                "sounds alike (another vowel, c for k)",
                "l.snc = r.snc",
                lambda a, b: _eq(a["snc"], b["snc"]),
                tf="snc",
            ),
            Level(
                "one letter apart",
                "levenshtein(l.sn, r.sn) <= 1",
                lambda a, b: _lev(a["sn"], b["sn"], 1),
            ),
            Level(
                "two letters apart",
                "levenshtein(l.sn, r.sn) <= 2",
                lambda a, b: _lev(a["sn"], b["sn"], 2),
            ),
            Level("different", "ELSE", lambda a, b: True),
        ],
    ),
    Comparison(
        "given",
        "Given name",
        [
            Level("missing", "l.gn IS NULL OR r.gn IS NULL", _null("gn"), null=True),
            Level("given and family names swapped", _SWAPPED_SQL, _swapped),
            Level(
                "same name",
                "l.gc = r.gc",
                lambda a, b: _eq(a["gc"], b["gc"]),
                tf="gc",
                describe=_same_given,
            ),
            Level(
                "a pet form or a misspelling of one name",
                "l.gg = r.gg",
                lambda a, b: _eq(a["gg"], b["gg"]),
            ),
            # Alex: Олександр or Олексій (names.given_alternatives)
            Level(
                "a pet form of this or another name",
                "l.ga LIKE ('%|' || r.gc || '|%') OR r.ga LIKE ('%|' || l.gc || '|%')",
                lambda a, b: _one_of(a, b) or _one_of(b, a),
            ),
            Level(
                "one name is the start of the other",
                "length(l.gn) >= 3 AND length(r.gn) >= 3 AND "
                "(substr(r.gn, 1, length(l.gn)) = l.gn OR substr(l.gn, 1, length(r.gn)) = r.gn)",
                _starts,
            ),
            Level(
                "one letter apart",
                "levenshtein(l.gn, r.gn) <= 1",
                lambda a, b: _lev(a["gn"], b["gn"], 1),
            ),
            Level("different", "ELSE", lambda a, b: True),
        ],
    ),
    Comparison(
        "patronymic",
        "Patronymic (the father's given name)",
        [
            Level("missing", "l.pn IS NULL OR r.pn IS NULL", _null("pn"), null=True),
            Level("same father's name", "l.pc = r.pc", lambda a, b: _eq(a["pc"], b["pc"])),
            Level(
                "one letter apart",
                "levenshtein(l.pn, r.pn) <= 1",
                lambda a, b: _lev(a["pn"], b["pn"], 1),
            ),
            # a slip in the ending (Ивановчи, Васильавич, Leonidovyhc) or two in the whole word
            Level(
                "a slip of the pen",
                "length(l.pw) >= 6 AND length(r.pw) >= 6 AND levenshtein(l.pw, r.pw) <= 2",
                lambda a, b: (
                    isinstance(a["pw"], str)
                    and isinstance(b["pw"], str)
                    and len(a["pw"]) >= 6
                    and len(b["pw"]) >= 6
                    and _lev(a["pw"], b["pw"], 2)
                ),
            ),
            Level("different", "ELSE", lambda a, b: True),
        ],
    ),
    Comparison(
        "birth",
        "Date of birth",
        [
            Level("missing", "l.byear IS NULL OR r.byear IS NULL", _null("byear"), null=True),
            Level("same day", "l.bdate = r.bdate", lambda a, b: _eq(a["bdate"], b["bdate"])),
            Level(
                "same year and month, a day unknown",
                "l.byear = r.byear AND l.bmonth = r.bmonth AND (l.bday IS NULL OR r.bday IS NULL)",
                lambda a, b: (
                    _eq(a["byear"], b["byear"])
                    and _eq(a["bmonth"], b["bmonth"])
                    and (a["bday"] is None or b["bday"] is None)
                ),
            ),
            Level(
                "same year, a month unknown",
                "l.byear = r.byear AND (l.bmonth IS NULL OR r.bmonth IS NULL)",
                lambda a, b: (
                    _eq(a["byear"], b["byear"]) and (a["bmonth"] is None or b["bmonth"] is None)
                ),
            ),
            Level(
                "day and month swapped",
                "l.byear = r.byear AND l.bmonth = r.bday AND l.bday = r.bmonth",
                lambda a, b: (
                    _eq(a["byear"], b["byear"])
                    and _eq(a["bmonth"], b["bday"])
                    and _eq(a["bday"], b["bmonth"])
                ),
            ),
            Level("a day apart", "abs(l.bdate - r.bdate) <= 1", _days_apart(1)),
            Level("two or three days apart", "abs(l.bdate - r.bdate) <= 3", _days_apart(3)),
            Level(
                "a year apart, same day and month",
                "abs(l.byear - r.byear) = 1 AND l.bmonth = r.bmonth AND l.bday = r.bday",
                lambda a, b: (
                    _year_apart(a, b)
                    and _eq(a["bmonth"], b["bmonth"])
                    and _eq(a["bday"], b["bday"])
                ),
            ),
            Level(
                "a year apart, the rest unknown",
                "abs(l.byear - r.byear) = 1 AND (l.bmonth IS NULL OR r.bmonth IS NULL OR "
                "(l.bmonth = r.bmonth AND (l.bday IS NULL OR r.bday IS NULL)))",
                lambda a, b: (
                    _year_apart(a, b)
                    and (
                        a["bmonth"] is None
                        or b["bmonth"] is None
                        or (a["bmonth"] == b["bmonth"] and (a["bday"] is None or b["bday"] is None))
                    )
                ),
            ),
            Level("same year only", "l.byear = r.byear", lambda a, b: _eq(a["byear"], b["byear"])),
            Level("different", "ELSE", lambda a, b: True),
        ],
    ),
    Comparison(
        "place",
        "Place of birth",
        [
            Level("missing", "l.bp IS NULL OR r.bp IS NULL", _null("bp"), null=True),
            Level("same place", "l.bp = r.bp", lambda a, b: _eq(a["bp"], b["bp"])),
            Level(
                "the same place in another language",
                "levenshtein(l.bp, r.bp) <= 2",
                lambda a, b: _lev(a["bp"], b["bp"], 2),
            ),
            # not "different": people and clerks name a birthplace loosely, so it never vetoes
            Level("another place", "ELSE", lambda a, b: True),
        ],
    ),
]

# Pairs to compare: a pair is scored when any rule holds. Each rule is also an index key
# (INDEX_KEYS) so that a single inquiry finds exactly the candidates a batch run would.
BLOCKING_RULES: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = [
    # (SQL, the left record's columns, the right record's columns)
    ("l.snc = r.snc AND l.gg = r.gg", ("snc", "gg"), ("snc", "gg")),
    ("l.sn = r.sn AND l.byear = r.byear", ("sn", "byear"), ("sn", "byear")),
    (
        "l.gg = r.gg AND l.byear = r.byear AND l.sn1 = r.sn1",
        ("gg", "byear", "sn1"),
        ("gg", "byear", "sn1"),
    ),
    ("l.gg = r.gg AND l.pc = r.pc AND l.sn1 = r.sn1", ("gg", "pc", "sn1"), ("gg", "pc", "sn1")),
    ("l.bdate = r.bdate AND l.sn1 = r.sn1", ("bdate", "sn1"), ("bdate", "sn1")),
    # a surname mistyped or romanised past recognition (J for Ж): the whole date and the name
    ("l.bdate = r.bdate AND l.gg = r.gg", ("bdate", "gg"), ("bdate", "gg")),
    # no date, and a given name the table cannot place (Alex, a typo): the surname and the
    # given name's first letter
    ("l.sn = r.sn AND l.gn1 = r.gn1", ("sn", "gn1"), ("sn", "gn1")),
    # given and family names each in the other's column, on either side
    ("l.xs = r.sn AND l.xg = r.gg", ("xs", "xg"), ("sn", "gg")),
    ("l.sn = r.xs AND l.gg = r.xg", ("sn", "gg"), ("xs", "xg")),
]


TF_COLUMNS = ("sn", "gc", "snc")


def term_frequencies(columns: Mapping[str, Iterable]) -> dict[str, dict[str, float]]:
    """{column: {value: share of the records that have a value}}: what a term-frequency
    adjustment divides by."""
    out = {}
    for col, values in columns.items():
        counts = Counter(v for v in values if v is not None)
        total = sum(counts.values()) or 1
        out[col] = {str(v): n / total for v, n in counts.items()}
    return out


def index_keys(row: Row, *, side: str = "right") -> list[str]:
    """One key per blocking rule whose columns are all known: a register record's keys
    (`side="right"`) or the keys an inquiry looks up (`side="left"`)."""
    keys = []
    for i, (_, left, right) in enumerate(BLOCKING_RULES):
        values = [row[c] for c in (left if side == "left" else right)]
        if all(v is not None for v in values):
            keys.append(f"{i}|" + "|".join(str(v) for v in values))
    return keys


def settings(*, link_type: str = "link_only") -> dict:
    """A Splink settings dictionary with no trained parameters."""
    return {
        "link_type": link_type,
        "unique_id_column_name": "unique_id",
        "probability_two_random_records_match": 1e-6,
        "retain_matching_columns": True,
        "retain_intermediate_calculation_columns": True,
        "additional_columns_to_retain": ["source_id"],
        "blocking_rules_to_generate_predictions": [
            {"blocking_rule": sql, "sql_dialect": "duckdb"} for sql, _, _ in BLOCKING_RULES
        ],
        "comparisons": [
            {
                "output_column_name": c.name,
                "comparison_description": c.description,
                "comparison_levels": [_level_dict(lv) for lv in c.levels],
            }
            for c in COMPARISONS
        ],
    }


_SIDE = re.compile(r"\b([lr])\.([a-z_0-9]+)")


def _level_sql(sql: str) -> str:
    """Comparison levels name columns `x_l`/`x_r` in Splink; written here as `l.x`/`r.x`."""
    return _SIDE.sub(lambda m: f"{m.group(2)}_{m.group(1)}", sql)


def _level_dict(level: Level) -> dict:
    out: dict = {"sql_condition": _level_sql(level.sql), "label_for_charts": level.label}
    if level.null:
        out["is_null_level"] = True
    if level.tf:
        out["tf_adjustment_column"] = level.tf
        out["tf_adjustment_weight"] = 1.0
        # the level's own u (it is the exact-match level of its column), as the Python scorer does
        out["disable_tf_exact_match_detection"] = True
    return out


# The rule whose pairs the prior is estimated from: near-certain, but only as many of the true
# pairs pass it as agree on both names and give the whole birth date on both sides.
PRIOR_RULE = "l.sn = r.sn AND l.gc = r.gc AND l.bdate = r.bdate"


# How much of a birth date a record gives, and what two records give between them. The birth
# comparison's levels each belong to some of these patterns ("same day" to FF only, "same
# year, a month unknown" to FY, MY and YY), so a level's m, its share of the true pairs, is the
# share of the true pairs with its pattern times its share within the pattern. The first factor
# is the lists' and not the person's: inquiries that mostly give a year make the year levels
# common among true pairs and random pairs alike. A model trained on one mix and run on
# another keeps its m while u is re-estimated on the data at hand, and would weigh "same year,
# a month unknown" two bits too high on lists that give it seldom (adapt_to_dates).
DATE_PATTERNS = ("FF", "FM", "FY", "MM", "MY", "YY")


def date_completeness(row: Row) -> str | None:
    """ "F" a whole date, "M" a year and month, "Y" a year only, None no date."""
    if row["byear"] is None:
        return None
    if row["bmonth"] is None:
        return "Y"
    return "M" if row["bday"] is None else "F"


def date_pattern(a: Row, b: Row) -> str | None:
    x, y = date_completeness(a), date_completeness(b)
    return None if x is None or y is None else "".join(sorted(x + y))


def completeness_shares(rows: Iterable[Row]) -> dict[str | None, float]:
    """The share of the records giving a whole date ("F"), a month ("M"), a year ("Y"), none."""
    counts = Counter(date_completeness(r) for r in rows)
    total = sum(counts.values()) or 1
    return {k: counts[k] / total for k in ("F", "M", "Y", None)}


def _birth_levels() -> list[Level]:
    birth = next(c for c in COMPARISONS if c.name == "birth")
    return [lv for lv in birth.levels if not lv.null]


def birth_m_by_pattern(pairs: Iterable[tuple[Row, Row]]) -> dict[str, list[float]]:
    """For true pairs: per date pattern, each (non-null) birth level's share of its pairs."""
    levels = _birth_levels()
    counts = {g: [0] * len(levels) for g in DATE_PATTERNS}
    for a, b in pairs:
        g = date_pattern(a, b)
        if g is not None:
            counts[g][next(i for i, lv in enumerate(levels) if lv.test(a, b))] += 1
    return {g: [n / sum(c) for n in c] for g, c in counts.items() if sum(c)}


def _pattern_shares(left: Shares, right: Shares) -> dict[str, float]:
    """Each pattern's share of the pairs in which both records give a date, the two lists'
    records paired at random (a true pair's two records are written independently too)."""
    out: dict[str, float] = dict.fromkeys(DATE_PATTERNS, 0.0)
    known = (1 - left[None]) * (1 - right[None])
    if known <= 0:
        return out
    for x in "FMY":
        for y in "FMY":
            out["".join(sorted(x + y))] += left[x] * right[y] / known
    return out


Shares = Mapping[str | None, float]  # completeness_shares of one list


def adapt_to_dates(model: dict, left: Shares, right: Shares) -> dict:
    """The model with the birth levels' m for two lists' mix of whole dates, months and years
    (their completeness_shares; DATE_PATTERNS), from the per-pattern shares the model was
    trained with. A model without them (an older one, or one trained elsewhere) is returned as
    it is."""
    by_pattern = model.get("homeward", {}).get("birth_m_by_pattern")
    if not by_pattern:
        return model
    shares = _pattern_shares(left, right)
    levels = _birth_levels()
    m = [0.0] * len(levels)
    for g, share in shares.items():
        for i, p in enumerate(by_pattern.get(g) or [0.0] * len(levels)):
            m[i] += share * p
    total = sum(m)
    if total <= 0:
        return model
    out = json.loads(json.dumps(model))
    birth = next(c for c in out["comparisons"] if c["output_column_name"] == "birth")
    trained = [lv for lv in birth["comparison_levels"] if "m_probability" in lv]
    for lv, share in zip(trained, m, strict=True):
        # a level no true pair of the training lists reached keeps a trace of its old m
        lv["m_probability"] = max(share / total, 1e-6)
    return out


def prior_rule_recall(model: dict, left: Shares, right: Shares) -> float | None:
    """The share of true pairs that PRIOR_RULE finds in two lists with these
    completeness_shares: those agreeing on both
    names (as the model was trained) with a whole date on both sides, the same day. None when
    the model does not know its names' share."""
    names = model.get("homeward", {}).get("names_agree")
    whole_dates = model.get("homeward", {}).get("birth_m_by_pattern", {}).get("FF")
    if not names or not whole_dates:
        return None
    same_day = whole_dates[[lv.label for lv in _birth_levels()].index("same day")]
    return names * (left["F"] * right["F"]) * same_day


MODEL_PATH = "data/model.json"


def shipped_model() -> dict:
    """The model trained on synthetic data and shipped with the package (see train.py)."""
    text = resources.files(__package__).joinpath(MODEL_PATH).read_text("utf-8")
    return json.loads(text)


def load_model(path: str | Path | None = None) -> dict:
    if path is None:
        return shipped_model()
    return json.loads(Path(path).read_text("utf-8"))


@dataclass
class Part:
    comparison: str
    level: str
    weight: float  # log2 Bayes factor, term frequency included

    def __str__(self) -> str:
        return f"{self.comparison}: {self.level} ({self.weight:+.1f})"


@dataclass
class Score:
    weight: float
    probability: float
    parts: list[Part]

    def explanation(self) -> str:
        return "; ".join(str(p) for p in self.parts)


class Scorer:
    """Scores a pair in Python with a Splink model's parameters, exactly as Splink would.

    `tf` maps a column to its term frequencies ({value: share of records}); a level with a
    term-frequency adjustment then weighs a common name less than a rare one."""

    def __init__(self, model: dict, tf: Mapping[str, Mapping[str, float]] | None = None):
        self.prior = model["probability_two_random_records_match"]
        self.prior_weight = math.log2(self.prior / (1 - self.prior))
        self.tf = tf or {}
        by_name = {c["output_column_name"]: c for c in model["comparisons"]}
        self.levels: list[tuple[Comparison, list[tuple[Level, float | None, float | None]]]] = []
        for comp in COMPARISONS:
            trained = by_name[comp.name]["comparison_levels"]
            if len(trained) != len(comp.levels):
                raise ValueError(
                    f"model's {comp.name} has {len(trained)} levels, expected {len(comp.levels)}"
                )
            self.levels.append(
                (
                    comp,
                    [
                        (lv, t.get("m_probability"), t.get("u_probability"))
                        for lv, t in zip(comp.levels, trained, strict=True)
                    ],
                )
            )
        # per comparison: (test, log2(m/u) or 0, tf column, u) for each level, as score() weighs
        self._weights = [
            [
                (
                    lv.test,
                    math.log2(m / u) if not lv.null and m is not None and u is not None else 0.0,
                    lv.tf if not lv.null and m is not None and u is not None else None,
                    u if u is not None else 1.0,
                )
                for lv, m, u in levels
            ]
            for _, levels in self.levels
        ]

    def weight(self, left: Row, right: Row) -> float:
        """score(left, right).weight without the explanation: for ranking many candidates."""
        total = self.prior_weight
        for levels in self._weights:
            for test, weight, tf, u in levels:
                if test(left, right):
                    total += weight
                    if tf:
                        total += self._tf_weight(tf, left, right, u)
                    break
        return total

    def score(self, left: Row, right: Row) -> Score:
        total = self.prior_weight
        parts = []
        for comp, levels in self.levels:
            for level, m, u in levels:
                if not level.test(left, right):
                    continue
                weight = 0.0
                if not level.null and m is not None and u is not None:
                    weight = math.log2(m / u)
                    if level.tf:
                        weight += self._tf_weight(level.tf, left, right, u)
                label = level.describe(left, right) if level.describe else level.label
                parts.append(Part(comp.name, label, weight))
                total += weight
                break
        return Score(total, probability_of(total), parts)

    def _tf_weight(self, column: str, left: Row, right: Row, u: float) -> float:
        table = self.tf.get(column)
        if not table:
            return 0.0
        freqs = [
            f for v in (left[column], right[column]) if v is not None and (f := table.get(str(v)))
        ]
        if not freqs:
            return 0.0
        return math.log2(u / max(freqs))


def probability_of(weight: float) -> float:
    if weight > 60:
        return 1.0
    odds = 2.0**weight
    return odds / (1 + odds)


def _odds_bits(probability: float) -> float:
    p = min(max(probability, 1e-15), 1 - 1e-15)
    return math.log2(p / (1 - p))


def weight_of(probability: float) -> float:
    return math.log2(probability / (1 - probability))


def held_share(prior: float, register_size: int) -> float:
    """The share of the records sought that the register holds, as the model's prior per pair
    says (prior × register size), kept within [0.01, 0.95]."""
    return min(max(prior * register_size, 0.01), 0.95)


def register_probability(
    weight: float, evidence: float, prior: float, register_size: int, held: float
) -> float:
    """The probability that this register record is the person sought, given every record of
    the register and not this pair alone.

    A pair's weight says how much likelier its agreement is for one person than for two, the
    prior standing for everyone else the register might hold. But the register is in front of
    us: its person is at most one of its records, and `evidence` (2^weight summed over every
    candidate of the inquiry) says how many fit. With H0 "not held" (1 − held) and Hj "record j"
    (held / N each), P(Hr) = c·2^w_r / ((1 − held) + c·Σj 2^w_j), c = held / (prior · N): the
    only record that fits a name and a year is likelier the person than the pair alone says;
    one of three that fit, less likely. Records outside the candidates add next to nothing to
    the sum (they disagree on the names that blocking requires)."""
    c = held / (prior * register_size)
    return min(1.0, c * 2.0**weight / ((1 - held) + c * evidence))


def decide(
    pairs: list[tuple[int, int, float]],
    rows: dict[int, dict],
    scorer: Scorer,
    threshold: float,
    *,
    one_sided: bool,
    register_size: int | None = None,
    evidence: Mapping[int, float] | None = None,
    held: float | None = None,
    margin: float = AMBIGUITY_MARGIN,
) -> list[Match]:
    """Matches rows for scored pairs (left, right, weight). A pair is a `match` when its
    probability reaches the threshold, no compared part is outright different (twins share
    everything but the given name: a person decides), and, for one-sided linkage, it is its
    record's best candidate with the runner-up at least `margin` bits behind. Anything
    else is `possible`, with the reason in the explanation.

    For one-sided linkage against a register of `register_size` records the probability is the
    register's (register_probability), with `evidence` per left record (else the sum over the
    pairs given) and `held` the share of records sought that it holds (else held_share of the
    prior); for a dedupe it is the pair's."""
    by_left: dict[int, list[tuple[int, int, float]]] = {}
    for pair in pairs:
        by_left.setdefault(pair[0], []).append(pair)
    n = register_size or 0
    against_register = one_sided and n > 0
    share = held if held is not None else held_share(scorer.prior, n)
    out: list[Match] = []
    for group in by_left.values():
        group.sort(key=lambda p: -p[2])
        if against_register:
            total = (evidence or {}).get(group[0][0]) or sum(2.0**w for _, _, w in group)
        for i, (a, b, weight) in enumerate(group):
            score = scorer.score(rows[a], rows[b])
            probability = probability_of(weight)
            context = ""
            if against_register:
                pair_probability = probability
                probability = register_probability(weight, total, scorer.prior, n, share)
                shift = _odds_bits(probability) - _odds_bits(pair_probability)
                context = (
                    f"; register: no other record fits as well ({shift:+.1f})"
                    if shift >= 0
                    else f"; register: other records fit too ({shift:+.1f})"
                )
            decision = "possible"
            note = ""
            if probability >= threshold:
                runner_up = group[1][2] if (one_sided and len(group) > 1) else None
                clear = runner_up is None or weight - runner_up >= margin
                differs = [p.comparison for p in score.parts if p.level == "different"]
                if differs:
                    note = f"for a person to decide: the {' and '.join(differs)} differ; "
                elif not one_sided or (i == 0 and clear):
                    decision = "match"
                else:
                    note = "ambiguous: another candidate scores about as high; "
            out.append(
                Match(
                    left_id=rows[a]["source_id"],
                    right_id=rows[b]["source_id"],
                    score=probability,
                    decision=decision,
                    explanation=note + score.explanation() + context,
                    weight=weight,
                )
            )
    return out
