"""Batch linkage of one list against another, and deduplication within one list, with Splink.

DuckDB (embedded, the default) or Spark (`engine="spark"`, for runs that outgrow one machine;
`spark_master` or SPARK_MASTER names the cluster, see spark.py) executes the same model. The run:

1. prepares both lists' columns (features.py);
2. takes term frequencies from the register side (RIGHT), so a common surname weighs less;
3. starts from the shipped model (data/model.json) and re-estimates what depends on the data at
   hand: the birth levels' m for the lists' mix of whole dates and years
   (model.adapt_to_dates), u by random sampling and the prior from near-certain pairs
   (`train="u"`, the default), also m by expectation maximisation (`train="em"`), or nothing
   (`train="none"`);
4. scores every pair the blocking rules produce and keeps each LEFT record's best candidates;
5. decides: `match` when the probability reaches the threshold *and* no other candidate comes
   close (a namesake or a twin with the same score makes both `possible`); explains each pair.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from . import model as model_mod
from .features import Person, as_arrow, prepare
from .model import (
    DEFAULT_CANDIDATES,
    DEFAULT_THRESHOLD,
    FLOOR_PROBABILITY,
    TF_COLUMNS,
    Match,
    Scorer,
    decide,
    term_frequencies,
)

Progress = Callable[[str], None]


def _settings_with(trained: dict, link_type: str) -> dict:
    """Our comparisons and blocking rules, with the trained model's parameters."""
    out = model_mod.settings(link_type=link_type)
    out["probability_two_random_records_match"] = trained["probability_two_random_records_match"]
    by_name = {c["output_column_name"]: c for c in trained["comparisons"]}
    for comp in out["comparisons"]:
        levels = by_name[comp["output_column_name"]]["comparison_levels"]
        for level, t in zip(comp["comparison_levels"], levels, strict=True):
            for key in ("m_probability", "u_probability"):
                if key in t:
                    level[key] = t[key]
    return out


def _db_api(engine: str, spark=None, spark_master: str | None = None):
    if engine == "duckdb":
        import duckdb
        from splink import DuckDBAPI

        con = duckdb.connect()
        return DuckDBAPI(connection=con)
    if engine == "spark":
        from splink import SparkAPI

        from . import spark as spark_mod

        if spark is None:
            spark = spark_mod.session(spark_master)
        if spark.sparkContext.getCheckpointDir() is None:
            # Splink checkpoints intermediate tables to cut Spark's query plans. On a cluster
            # the directory must be one every executor can reach (HDFS, S3, a shared mount).
            import os
            import tempfile

            spark.sparkContext.setCheckpointDir(
                os.environ.get("HOMEWARD_SPARK_CHECKPOINT_DIR")
                or tempfile.mkdtemp(prefix="homeward-spark-")
            )
        return SparkAPI(spark_session=spark)
    raise ValueError(f"unknown engine {engine!r} (duckdb or spark)")


def _register(db_api, rows, name: str, engine: str):
    table = rows if _is_table(rows) else as_arrow(rows)
    if engine == "spark":
        return db_api.register(table.to_pandas(), table_name=name)
    return db_api.register(table, table_name=name)


def _register_tf(linker, db_api, tf: dict[str, dict[str, float]], engine: str) -> None:
    import pandas as pd

    for col, table in tf.items():
        frame = pd.DataFrame({col: list(table), f"tf_{col}": list(table.values())})
        sdf = db_api.register(frame, table_name=f"homeward_tf_{col}")
        linker.table_management.register_term_frequency_lookup(sdf, col)


def _is_table(rows) -> bool:
    return hasattr(rows, "num_rows")


def _size(rows) -> int:
    return rows.num_rows if _is_table(rows) else len(rows)


def _completeness(rows) -> dict[str | None, float]:
    """model.completeness_shares of a list of rows or of an Arrow table of them."""
    if not _is_table(rows):
        return model_mod.completeness_shares(rows)
    import pyarrow.compute as pc

    total = rows.num_rows or 1
    year = pc.is_valid(rows.column("byear"))
    month = pc.and_(year, pc.is_valid(rows.column("bmonth")))
    day = pc.and_(month, pc.is_valid(rows.column("bday")))
    n_year, n_month, n_day = (pc.sum(pc.cast(c, "int64")).as_py() or 0 for c in (year, month, day))
    return {
        "F": n_day / total,
        "M": (n_month - n_day) / total,
        "Y": (n_year - n_month) / total,
        None: (rows.num_rows - n_year) / total,
    }


def _term_frequencies(rows) -> dict[str, dict[str, float]]:
    """model.term_frequencies of the TF columns of a list of rows or of an Arrow table."""
    if not _is_table(rows):
        return term_frequencies({c: [r[c] for r in rows] for c in TF_COLUMNS})
    import pyarrow.compute as pc

    out = {}
    for col in TF_COLUMNS:
        counts = pc.value_counts(pc.drop_null(rows.column(col))).to_pylist()
        total = sum(c["counts"] for c in counts) or 1
        out[col] = {str(c["values"]): c["counts"] / total for c in counts}
    return out


# u by random sampling: pairs per record sought, between a floor and Splink's usual 3 million.
# The sample's cost grows with its size and was a fixed 12 s of every run, however short the
# list. The floor keeps a rare level (a birth date a day apart) at about a hundred random pairs,
# so that its weight does not move with the sample (test_engine: within half a bit whatever the
# lists' dates; 300,000 pairs moved it by 0.6). On the reconciliation benchmark (1,000 rows
# against 100,000) a million pairs gave the matched precision 3 million gave, 0.9988
# (benchmarks/reconcile/RESULTS.md). A list of 10,000 still samples 3 million.
U_PAIRS_PER_RECORD = 300
U_PAIRS_MIN = 1_000_000
U_PAIRS_MAX = 3_000_000


def u_pairs(n_left: int) -> int:
    return int(min(U_PAIRS_MAX, max(U_PAIRS_MIN, U_PAIRS_PER_RECORD * n_left)))


def _train(
    linker,
    train: str,
    progress: Progress,
    default_prior: float,
    recall: float | None,
    max_pairs: int = U_PAIRS_MAX,
) -> None:
    if train == "none":
        return
    progress("training: the prior from near-certain pairs…")
    prior = 0.0
    if recall is None or recall >= 0.01:
        linker.training.estimate_probability_two_random_records_match(
            [model_mod.PRIOR_RULE], recall=recall or 0.6
        )
        prior = linker._settings_obj._probability_two_random_records_match
    if not 0 < prior < 1:
        # No near-certain pair (a short list, or no full dates): nothing to estimate from.
        progress("training: no near-certain pairs to estimate the prior from; the default instead")
        prior = linker._settings_obj._probability_two_random_records_match = default_prior
    found = f" (the rule finds {recall:.0%} of true pairs in these lists)" if recall else ""
    if max_pairs:
        progress(f"training: prior {prior:.3g} per pair{found}; u by random sampling…")
        linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=7)
    else:
        progress(f"training: prior {prior:.3g} per pair{found}; u as the model has it")
    if train == "em":
        progress("training: m by expectation maximisation…")
        linker.training.estimate_parameters_using_expectation_maximisation(
            "l.sn = r.sn AND l.byear = r.byear", estimate_without_term_frequencies=True
        )
        linker.training.estimate_parameters_using_expectation_maximisation(
            "l.gc = r.gc AND l.pc = r.pc", estimate_without_term_frequencies=True
        )


def _quiet_splink() -> None:
    for name in ("splink", "py4j"):
        logging.getLogger(name).setLevel(logging.WARNING)


def _run(
    left_rows: list[dict],
    right_rows,
    *,
    engine: str,
    train: str,
    model: dict | None,
    candidates: int,
    progress: Progress,
    spark=None,
    spark_master: str | None = None,
) -> tuple[list[tuple[int, int, float]], dict]:
    """Scored candidate pairs (left uid, right uid, weight), best first per left record, at most
    `candidates` each, and the model the run ended with. `right_rows`: prepared rows, or an
    Arrow table of them (features.as_arrow), or None for a dedupe of `left_rows`."""
    from splink import Linker

    _quiet_splink()
    dedupe = right_rows is None
    trained = model or model_mod.shipped_model()
    db_api = _db_api(engine, spark, spark_master)
    left = _register(db_api, left_rows, "homeward_left", engine)
    # Without estimating it from the data: half the records sought are held (a link), or one
    # record in twenty is a second record of someone (a dedupe).
    n = len(left_rows) if dedupe else _size(right_rows)
    default_prior = (0.1 if dedupe else 0.5) / max(n, 2)
    left_dates = model_mod.completeness_shares(left_rows)
    right_dates = _completeness(right_rows) if not dedupe and n else left_dates
    if train == "none":
        trained = dict(trained)
        trained["probability_two_random_records_match"] = default_prior
    else:
        # m for these lists' mix of whole dates and years, as u is about to be estimated on them
        trained = model_mod.adapt_to_dates(trained, left_dates, right_dates)
    recall = model_mod.prior_rule_recall(trained, left_dates, right_dates)
    if dedupe:
        linker = Linker(left, _settings_with(trained, "dedupe_only"), log_level=None)
        tf = term_frequencies({c: [r[c] for r in left_rows] for c in TF_COLUMNS})
    else:
        assert right_rows is not None
        right = _register(db_api, right_rows, "homeward_right", engine)
        linker = Linker([left, right], _settings_with(trained, "link_only"), log_level=None)
        tf = _term_frequencies(right_rows)
    _register_tf(linker, db_api, tf, engine)
    _train(linker, train, progress, default_prior, recall, u_pairs(len(left_rows)))
    progress("scoring candidate pairs…")
    floor = model_mod.weight_of(FLOOR_PROBABILITY)
    predictions = linker.inference.predict(threshold_match_weight=floor)
    if dedupe:
        # each pair once in the output, but each record's best K among all its pairs
        both_ways = f"""
            SELECT unique_id_l AS a, unique_id_r AS b, match_weight FROM {predictions.physical_name}
            UNION ALL
            SELECT unique_id_r AS a, unique_id_l AS b, match_weight FROM {predictions.physical_name}
        """  # noqa: S608 (Splink's own table names)
    else:
        both_ways = f"""
            SELECT
              CASE WHEN source_dataset_l = 'homeward_left' THEN unique_id_l ELSE unique_id_r END AS a,
              CASE WHEN source_dataset_l = 'homeward_left' THEN unique_id_r ELSE unique_id_l END AS b,
              match_weight
            FROM {predictions.physical_name}
        """  # noqa: S608 (Splink's own table names)
    # `evidence`: the sum of 2^weight over all of a record's candidates, not only the best K,
    # which model.decide weighs the best ones against (see there).
    sql = f"""
        SELECT a, b, match_weight, evidence FROM (
          SELECT a, b, match_weight,
                 row_number() OVER (PARTITION BY a ORDER BY match_weight DESC, b) AS rank,
                 sum(power(2.0, match_weight)) OVER (PARTITION BY a) AS evidence
          FROM ({both_ways}) AS pairs
        ) AS ranked
        WHERE rank <= {int(candidates)}
        ORDER BY a, rank
    """  # noqa: S608 (K is an int)
    frame = linker.misc.query_sql(sql, output_type="pandas")
    pairs = []
    evidence: dict[int, float] = {}
    for a, b, w, e in frame.itertuples(index=False, name=None):
        pairs.append((int(a), int(b), float(w)))
        evidence[int(a)] = float(e)
    final = linker.misc.save_model_to_json()
    final["_tf"] = tf
    final["_evidence"] = evidence
    return pairs, final


def link(
    left: Sequence[Person],
    right: Sequence[Person],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    candidates: int = DEFAULT_CANDIDATES,
    engine: str = "duckdb",
    train: str = "u",
    model: dict | None = None,
    progress: Progress | None = None,
    spark=None,
    spark_master: str | None = None,
) -> list[Match]:
    """For each LEFT record its best candidates in RIGHT, best first."""
    say = progress or (lambda _: None)
    say(f"preparing {len(left):,} + {len(right):,} records…")
    left_rows = prepare(left)
    right_rows = prepare(right, start=len(left_rows))
    return link_prepared(
        left_rows,
        right_rows,
        threshold=threshold,
        candidates=candidates,
        engine=engine,
        train=train,
        model=model,
        progress=say,
        spark=spark,
        spark_master=spark_master,
    )


def _uid_range(rows) -> tuple[int, int] | None:
    if _is_table(rows):
        if not rows.num_rows:
            return None
        import pyarrow.compute as pc

        bounds = pc.min_max(rows.column("unique_id")).as_py()
        return int(bounds["min"]), int(bounds["max"])
    if not rows:
        return None
    ids = [r["unique_id"] for r in rows]
    return min(ids), max(ids)


def _rows_of(rows, ids: set[int]) -> dict[int, dict]:
    """The prepared rows with these unique ids, as dicts (from an Arrow table: only those)."""
    if not _is_table(rows):
        return {r["unique_id"]: r for r in rows if r["unique_id"] in ids}
    import pyarrow as pa
    import pyarrow.compute as pc

    wanted = pa.array(sorted(ids), type=rows.schema.field("unique_id").type)
    chosen = rows.filter(pc.is_in(rows.column("unique_id"), value_set=wanted))
    return {r["unique_id"]: r for r in chosen.to_pylist()}


def link_prepared(
    left_rows: list[dict],
    right_rows,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    candidates: int = DEFAULT_CANDIDATES,
    engine: str = "duckdb",
    train: str = "u",
    model: dict | None = None,
    progress: Progress | None = None,
    spark=None,
    spark_master: str | None = None,
) -> list[Match]:
    """`link` on records prepared already (features.prepare): LEFT as a list of rows, RIGHT as
    a list of rows or an Arrow table of them (features.as_arrow, or one read back from Parquet),
    so a caller can keep a register's prepared records between runs and pay only for what
    changed. Each side's unique ids must be unique within it; LEFT's are renumbered when they
    overlap RIGHT's (matches name records by source_id, which is what the caller gave)."""
    say = progress or (lambda _: None)
    bounds = _uid_range(right_rows)
    mine = _uid_range(left_rows)
    if bounds and mine and not (mine[1] < bounds[0] or mine[0] > bounds[1]):
        left_rows = [{**r, "unique_id": bounds[1] + 1 + i} for i, r in enumerate(left_rows)]
    pairs, final = _run(
        left_rows,
        right_rows,
        engine=engine,
        train=train,
        model=model,
        candidates=candidates,
        progress=say,
        spark=spark,
        spark_master=spark_master,
    )
    say(f"explaining {len(pairs):,} candidate pairs…")
    rows = {r["unique_id"]: r for r in left_rows}
    rows.update(_rows_of(right_rows, {b for _, b, _ in pairs}))
    return decide(
        pairs,
        rows,
        Scorer(final, final.get("_tf")),
        threshold,
        one_sided=True,
        register_size=_size(right_rows),
        evidence=final.get("_evidence"),
    )


def dedupe(
    persons: Sequence[Person],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    candidates: int = DEFAULT_CANDIDATES,
    engine: str = "duckdb",
    train: str = "u",
    model: dict | None = None,
    progress: Progress | None = None,
    spark=None,
    spark_master: str | None = None,
) -> list[Match]:
    """Pairs of records within one list that may be one person, each pair once."""
    say = progress or (lambda _: None)
    say(f"preparing {len(persons):,} records…")
    rows_list = prepare(persons)
    pairs, final = _run(
        rows_list,
        None,
        engine=engine,
        train=train,
        model=model,
        candidates=candidates,
        progress=say,
        spark=spark,
        spark_master=spark_master,
    )
    rows = {r["unique_id"]: r for r in rows_list}
    seen: set[tuple[int, int]] = set()
    unique = []
    for a, b, w in pairs:
        key = (min(a, b), max(a, b))
        if key not in seen:
            seen.add(key)
            unique.append((key[0], key[1], w))
    return decide(unique, rows, Scorer(final, final.get("_tf")), threshold, one_sided=False)
