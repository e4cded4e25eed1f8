"""The same model on Spark (local mode) gives the same links as on DuckDB."""

import pytest

from homeward.linkage import engine
from homeward.linkage.features import Person
from homeward.synth import lists as synthetic

pytest.importorskip("pyspark", reason="the spark extra is not installed")


@pytest.mark.spark
def test_spark_gives_the_same_links_as_duckdb():
    from pyspark.sql import SparkSession

    data = synthetic.generate(1_500, 150, seed=9)
    left = [Person.from_row(r) for r in data.inquiries]
    right = [Person.from_row(r) for r in data.register]
    spark = (
        SparkSession.builder.master("local[2]")
        .appName("homeward-test")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    try:
        # the shipped model as it is: random sampling of u would differ between backends
        on_spark = engine.link(left, right, engine="spark", train="none", spark=spark)
    finally:
        spark.stop()
    on_duckdb = engine.link(left, right, engine="duckdb", train="none")

    def links(matches):
        return {(m.left_id, m.right_id, m.decision, round(m.score, 6)) for m in matches}

    assert links(on_spark) == links(on_duckdb)
    assert sum(1 for m in on_duckdb if m.decision == "match") > 100
