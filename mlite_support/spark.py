"""Spark for 07_als_and_spark: a quiet local session, ratings as a DataFrame, factors back.

pyspark and Java 17 are an optional extra, not a runtime dependency: the notebook's Spark
section runs when both are there and otherwise prints :data:`SPARK_INSTALL` and is skipped.
pyspark is imported inside these functions only, so ``import mlite_helpers`` never needs it.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from mlite_support import validate

if TYPE_CHECKING:  # pragma: no cover - type hints only
    from pyspark.sql import DataFrame, SparkSession

    from mlite_helpers import Ratings

#: How to get the notebook's Spark section running (printed when it is skipped).
SPARK_INSTALL = """\
To run this section, install Spark's Python package and Java 17, then restart the kernel:
  pip install "pyspark>=3.5"              (in this repository: pip install -e ".[spark]")
  Java 17, Debian/Ubuntu:  sudo apt-get install openjdk-17-jre-headless
  Java 17, conda:          conda install -c conda-forge openjdk=17"""

#: Settings of the local session: no web UI, no progress bars, few partitions (small data).
SPARK_SETTINGS: dict[str, str] = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.shuffle.partitions": "2",
    "spark.default.parallelism": "2",
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.driver.memory": "1g",
    "spark.driver.extraJavaOptions": "-Xss16m",  # ALS's long chain of steps needs a deep stack
}

#: Spark's index columns are 32-bit integers (INT): user and movie indices stay below this.
INT_LIMIT = int(np.iinfo(np.int32).max)
SPARK_INT = "Spark's 32-bit index columns"

#: Most worker threads of a local session: more only slow one machine down (Spark's own
#: limit is that of a 32-bit integer).
MAX_CORES = 1024

#: Where the Java process writes its own messages (startup notes, warnings), not the notebook.
SPARK_LOG: Path = Path(tempfile.gettempdir()) / "mlite-spark.log"


def spark_missing() -> str:
    """What keeps Spark from starting here (pyspark or Java missing), or "" if nothing does.

    Returns
    -------
    str
        A sentence naming what is missing followed by :data:`SPARK_INSTALL`; empty if
        pyspark is importable and ``java -version`` reports version 17 or newer.
    """
    if importlib.util.find_spec("pyspark") is None:
        return "Spark is skipped here: the Python package pyspark is not installed.\n" + SPARK_INSTALL
    java = shutil.which("java")
    if java is None:
        return "Spark is skipped here: pyspark is installed but Java is not.\n" + SPARK_INSTALL
    try:
        report = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=60).stderr
    except (OSError, subprocess.SubprocessError) as err:
        return f"Spark is skipped here: `java -version` failed ({err}).\n" + SPARK_INSTALL
    match = re.search(r'version "(\d+)(?:\.(\d+))?', report)
    major = int(match.group(1)) if match else 0
    major = int(match.group(2)) if major == 1 and match and match.group(2) else major  # "1.8" is Java 8
    if major < 17:
        return f"Spark is skipped here: Java 17 or newer is needed, found version {major or 'unknown'}.\n" + (
            SPARK_INSTALL
        )
    return ""


def start_spark(cores: int = 2) -> SparkSession | None:
    """Start (or reuse) a local Spark session that writes nothing into the notebook.

    Taught in 07_als_and_spark. The same as
    ``SparkSession.builder.master(f"local[{cores}]").config(...).getOrCreate()`` with the
    :data:`SPARK_SETTINGS`, except that the Java process's own messages go to
    :data:`SPARK_LOG` instead of the notebook, and the log level is ERROR.

    Parameters
    ----------
    cores : int, default 2
        Worker threads of the local "cluster" (``local[cores]``), 1 to :data:`MAX_CORES`. A
        session already running in this Python process is reused when it has as many; with
        another number, stop it first (``spark.stop()``).

    Returns
    -------
    pyspark.sql.SparkSession or None
        None, after printing what is missing and how to install it, when pyspark or Java 17
        is not available.
    """
    cores = validate.integer("cores", cores, 1, "worker threads of local Spark", MAX_CORES)
    missing = spark_missing()
    if missing:
        print(missing)
        return None
    from pyspark import SparkConf, SparkContext
    from pyspark.java_gateway import launch_gateway
    from pyspark.sql import SparkSession

    running = SparkContext._active_spark_context
    if running is not None and running.master != f"local[{cores}]":
        raise ValueError(
            f"a Spark session ({running.master}) is already running in this Python process, so cores = "
            f"{cores} cannot apply to it. Stop it first with spark.stop(), or pass the cores it was started "
            "with."
        )
    if running is None:  # no session in this Python process yet (or the last one was stopped)
        conf = SparkConf().setMaster(f"local[{cores}]").setAppName("mlite").setAll(SPARK_SETTINGS.items())
        with SPARK_LOG.open("ab") as log:
            gateway = launch_gateway(conf, popen_kwargs={"stdout": log, "stderr": log})
        SparkContext(conf=conf, gateway=gateway)
    spark = SparkSession.builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    spark.sparkContext.setCheckpointDir(tempfile.mkdtemp(prefix="mlite-spark-"))  # cuts ALS's long lineage
    return spark


def ratings_frame(spark: SparkSession, data: Ratings) -> DataFrame:
    """Rating triplets as a Spark DataFrame with the columns user, movie and rating.

    Taught in 07_als_and_spark. The triplets go through a temporary CSV file, which Spark
    reads when the frame is first used (as it would read ratings from storage on a cluster).

    Parameters
    ----------
    spark : pyspark.sql.SparkSession
    data : Ratings
        (users, movies, ratings) triplets.

    Returns
    -------
    pyspark.sql.DataFrame
        One row per rating: ``user`` (int), ``movie`` (int), ``rating`` (float).
    """
    users, movies, ratings = validate.ratings_triplets("data", data, INT_LIMIT, INT_LIMIT, SPARK_INT)
    spark = validate.spark_session(spark)  # checked after data, both before Spark does any work
    # Through a CSV file, read by Java: faster than sending Python rows (no Python workers needed).
    path = Path(tempfile.mkdtemp(prefix="mlite-ratings-")) / "ratings.csv"
    table = np.column_stack([users, movies, ratings])
    np.savetxt(path, table, fmt=["%d", "%d", "%.17g"], delimiter=",")
    return spark.read.csv(str(path), schema="user INT, movie INT, rating DOUBLE")


def spark_factors(model: Any, n_movies: int, n_users: int) -> tuple[np.ndarray, np.ndarray]:
    """The movie features X and user preferences W of a trained Spark ``ALSModel``.

    Taught in 07_als_and_spark. Spark keeps one row per movie or user it saw in training;
    the others get zeros, as :func:`mh.fit_als` gives them.

    Parameters
    ----------
    model : pyspark.ml.recommendation.ALSModel
    n_movies, n_users : int

    Returns
    -------
    X : np.ndarray, shape (n_movies, k)
    W : np.ndarray, shape (n_users, k)
    """
    n_movies = validate.integer("n_movies", n_movies, 1, "number of movies")
    n_users = validate.integer("n_users", n_users, 1, "number of users")
    fix = (
        "Pass what ALS(...).fit(frame) returns (a model of mh.fit_ratings or mh.fit_als has X and W already)."
    )
    model = validate.spark_object("model", model, "pyspark.ml.recommendation.ALSModel", fix)
    factors = []
    for frame, n, what in ((model.itemFactors, n_movies, "movie"), (model.userFactors, n_users, "user")):
        rows = frame.collect()
        ids = np.array([row["id"] for row in rows], dtype=int)
        if ids.size and ids.max() >= n:
            raise ValueError(
                f"the model has a {what} with index {ids.max()}, but n_{what}s is {n}: pass the n_{what}s of "
                "the ratings the model was trained on."
            )
        F = np.zeros((n, model.rank))
        F[ids] = np.array([row["features"] for row in rows], dtype=float).reshape(ids.size, model.rank)
        factors.append(F)
    return factors[0], factors[1]
