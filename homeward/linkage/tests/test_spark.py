"""Spark as a user runs it: `homeward link --engine spark --spark-master spark://…` against a real
standalone cluster (a master and one worker started from pyspark's own classes on 127.0.0.1)
gives the DuckDB engine's matches, pair for pair and score for score. And where the master
comes from when none is named."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from homeward.linkage import spark as spark_mod
from homeward.synth import lists as synthetic

pyspark = pytest.importorskip("pyspark", reason="the spark extra is not installed")

HOMEWARD = Path(sys.executable).parent / "homeward"


@pytest.fixture(scope="module")
def spark_cluster(tmp_path_factory):
    if shutil.which("java") is None:
        pytest.fail("Spark needs a Java runtime: `make test` installs default-jre-headless")
    with spark_mod.standalone_cluster(tmp_path_factory.mktemp("spark")) as cluster:
        yield cluster


def _matches(path: Path) -> dict[tuple[str, str], tuple[float, str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return {
            (r["left_id"], r["right_id"]): (float(r["score"]), r["decision"], r["explanation"])
            for r in csv.DictReader(f)
        }


def _link(*args: str, cwd: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("SPARK_MASTER", "PYSPARK_PYTHON")}
    env["HOMEWARD_VAR"] = str(cwd / "var")
    done = subprocess.run(
        [str(HOMEWARD), "link", "inquiries.csv", "register.csv", "--train", "none", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]


@pytest.mark.spark
def test_a_standalone_cluster_gives_the_duckdb_engines_matches(spark_cluster, tmp_path):
    # the shipped model as it is (--train none): random sampling of u would differ by backend
    synthetic.write(synthetic.generate(2_000, 250, seed=9), tmp_path)
    _link(
        "-o", "spark.csv", "--engine", "spark", "--spark-master", spark_cluster.master, cwd=tmp_path
    )
    _link("-o", "duckdb.csv", cwd=tmp_path)

    on_spark, on_duckdb = _matches(tmp_path / "spark.csv"), _matches(tmp_path / "duckdb.csv")
    assert on_spark.keys() == on_duckdb.keys()
    for pair, (score, decision, explanation) in on_duckdb.items():
        assert on_spark[pair][0] == pytest.approx(score, abs=1e-6), pair
        assert on_spark[pair][1:] == (decision, explanation), pair
    assert sum(1 for s in on_duckdb.values() if s[1] == "match") > 150
    # it ran on the cluster, not in a local session the command made for itself
    apps = spark_cluster.state()["completedapps"]
    assert [a["name"] for a in apps] == ["homeward-link"]


def test_the_master_comes_from_the_option_then_the_environment_then_spark_submit(
    monkeypatch, tmp_path
):
    monkeypatch.delenv("SPARK_MASTER", raising=False)
    monkeypatch.delenv("PYSPARK_SUBMIT_ARGS", raising=False)
    monkeypatch.setenv("SPARK_CONF_DIR", str(tmp_path))
    assert spark_mod.master_url() == "local[*]"
    (tmp_path / "spark-defaults.conf").write_text("spark.master   spark://defaults:7077\n")
    assert spark_mod.master_url() == "spark://defaults:7077"
    monkeypatch.setenv("PYSPARK_SUBMIT_ARGS", "--master yarn pyspark-shell")
    assert spark_mod.master_url() == "yarn"
    monkeypatch.setenv("SPARK_MASTER", "spark://env:7077")
    assert spark_mod.master_url() == "spark://env:7077"
    assert spark_mod.master_url("spark://option:7077") == "spark://option:7077"


def test_spark_master_without_the_spark_engine_is_refused(tmp_path):
    synthetic.write(synthetic.generate(20, 5, seed=1), tmp_path)
    with pytest.raises(CommandError, match="--spark-master goes with --engine spark"):
        call_command(
            "link",
            str(tmp_path / "inquiries.csv"),
            str(tmp_path / "register.csv"),
            "-o",
            str(tmp_path / "m.csv"),
            "--spark-master",
            "spark://127.0.0.1:7077",
            verbosity=0,
        )
