"""The Spark session a linkage run uses, set up as a cluster needs it.

Where the master comes from, first found wins:
1. the `master` argument (`homeward link --spark-master spark://host:7077`);
2. the `SPARK_MASTER` environment variable;
3. spark-submit's own configuration: `--master` in `PYSPARK_SUBMIT_ARGS`, or `spark.master` in
   `$SPARK_CONF_DIR/spark-defaults.conf` (or `$SPARK_HOME/conf/…`);
4. `local[*]`: every core of this machine.

Whatever the master, the session is given what a run needs and a fresh cluster lacks:
- the executors' Python workers start the interpreter running this program (`sys.executable`),
  not whatever `python3` is first on a worker's PATH, which fails with PYTHON_VERSION_MISMATCH
  when the versions differ. On a cluster whose nodes keep Python elsewhere, set
  `PYSPARK_PYTHON` (or `spark.pyspark.python`) to the path on the nodes: it is respected;
- Splink's similarity jar (Jaro, Jaro-Winkler, Damerau-Levenshtein… as Spark UDFs), so every
  comparison function Splink offers on DuckDB is there on Spark too; SparkAPI registers the UDFs
  from it.
Settings already given by spark-submit or spark-defaults.conf win over the defaults here.
"""

from __future__ import annotations

import json
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

DEFAULT_MASTER = "local[*]"


def _configured(key: str) -> str | None:
    """A Spark property set outside this program: PYSPARK_SUBMIT_ARGS or spark-defaults.conf."""
    args = shlex.split(os.environ.get("PYSPARK_SUBMIT_ARGS", ""))
    flag = {"spark.master": "--master"}.get(key)
    for i, arg in enumerate(args):
        if flag and arg == flag and i + 1 < len(args):
            return args[i + 1]
        if arg == "--conf" and i + 1 < len(args) and args[i + 1].startswith(f"{key}="):
            return args[i + 1].split("=", 1)[1]
    for conf_dir in (os.environ.get("SPARK_CONF_DIR"), _spark_home() / "conf"):
        if not conf_dir:
            continue
        defaults = Path(conf_dir) / "spark-defaults.conf"
        if defaults.is_file():
            for line in defaults.read_text(encoding="utf-8").splitlines():
                parts = line.strip().split(None, 1)
                if len(parts) == 2 and parts[0] == key:
                    return parts[1].strip()
    return None


def _spark_home() -> Path:
    if os.environ.get("SPARK_HOME"):
        return Path(os.environ["SPARK_HOME"])
    import pyspark

    return Path(pyspark.__file__).resolve().parent


def master_url(master: str | None = None) -> str:
    """The master this run will use (see the module's docstring for the order)."""
    return master or os.environ.get("SPARK_MASTER") or _configured("spark.master") or DEFAULT_MASTER


def session(master: str | None = None, *, app_name: str = "homeward-link"):
    """A SparkSession on the chosen master, with the project's interpreter and Splink's jar."""
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    # pyspark 4.x warns on every pandas conversion that it "does not yet fully support pandas
    # >= 3.0.0"; the conversions used here are checked by the cluster test (the same matches as
    # DuckDB, pair for pair and score for score), so the warning says nothing to a user.
    warnings.filterwarnings(
        "ignore", message="PySpark does not yet fully support pandas", category=FutureWarning
    )
    python = os.environ.get("PYSPARK_PYTHON") or _configured("spark.pyspark.python")
    if not python:
        # Read by pyspark when it starts the JVM and by executors starting their workers.
        os.environ["PYSPARK_PYTHON"] = python = sys.executable
    builder = (
        SparkSession.builder.master(master_url(master))
        .appName(app_name)
        .config("spark.pyspark.python", python)
    )
    jars = [similarity_jar_location()]
    if extra := _configured("spark.jars"):
        jars.append(extra)
    builder = builder.config("spark.jars", ",".join(jars))
    if not _configured("spark.sql.shuffle.partitions"):
        # Spark's 200 suit terabytes; linkage runs here are thousands to millions of rows.
        builder = builder.config("spark.sql.shuffle.partitions", "8")
    if not _configured("spark.sql.execution.arrow.pyspark.enabled"):
        # The lists reach Spark as pandas frames and the scored pairs come back as one: without
        # Arrow, pyspark pickles them row by row through the driver's Python.
        builder = builder.config("spark.sql.execution.arrow.pyspark.enabled", "true")
    if not _configured("spark.ui.enabled") and master_url(master).startswith("local"):
        builder = builder.config("spark.ui.enabled", "false")
    return builder.getOrCreate()


@dataclass(frozen=True)
class Cluster:
    master: str  # spark://127.0.0.1:PORT
    ui_port: int  # the master's web UI; /json/ gives workers and applications

    def state(self) -> dict:
        url = f"http://127.0.0.1:{self.ui_port}/json/"
        with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310 - loopback only
            return json.load(answer)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def standalone_cluster(
    work: Path, *, cores: int = 2, memory: str = "2g", timeout: float = 90
) -> Iterator[Cluster]:
    """A Spark standalone master and one worker on 127.0.0.1, started from pyspark's own classes
    (`spark-class …deploy.master.Master`, `…deploy.worker.Worker`), for the tests and the
    benchmark; both are stopped, with their process groups, on leaving. Logs go to `work`."""
    home = _spark_home()
    port, ui, worker_ui = _free_port(), _free_port(), _free_port()
    env = {
        **os.environ,
        "SPARK_HOME": str(home),
        "SPARK_LOCAL_IP": "127.0.0.1",
        "SPARK_LOG_DIR": str(work),
        "SPARK_WORKER_DIR": str(work / "worker"),
        "PYSPARK_PYTHON": os.environ.get("PYSPARK_PYTHON", sys.executable),
    }
    spark_class = str(home / "bin" / "spark-class")
    master = ["org.apache.spark.deploy.master.Master", "--host", "127.0.0.1"]
    master += ["--port", str(port), "--webui-port", str(ui)]
    worker = ["org.apache.spark.deploy.worker.Worker", f"spark://127.0.0.1:{port}"]
    worker += ["--host", "127.0.0.1", "--cores", str(cores), "--memory", memory]
    worker += ["--webui-port", str(worker_ui)]
    cluster = Cluster(master=f"spark://127.0.0.1:{port}", ui_port=ui)
    processes = []
    try:
        for name, args in (("master", master), ("worker", worker)):
            with open(work / f"{name}.log", "wb") as log:
                processes.append(
                    subprocess.Popen(  # noqa: S603 - pyspark's own launcher, fixed arguments
                        [spark_class, *args],
                        env=env,
                        stdout=log,
                        stderr=log,
                        start_new_session=True,
                    )
                )
        deadline = time.monotonic() + timeout
        while True:
            try:
                if any(w["state"] == "ALIVE" for w in cluster.state()["workers"]):
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or any(p.poll() is not None for p in processes):
                logs = "\n".join(
                    (work / f"{n}.log").read_text(errors="replace")[-2000:]
                    for n in ("master", "worker")
                )
                raise RuntimeError(f"the Spark cluster did not come up:\n{logs}")
            time.sleep(1)
        yield cluster
    finally:
        for p in reversed(processes):
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                continue
        for p in processes:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
