"""Spark support (07_als_and_spark): the install hint without Spark, and, where pyspark and
Java 17 are installed, a real local session whose ALS factors come back as X and W."""

from __future__ import annotations

import numpy as np
import pytest

import mlite_helpers as mh
from mlite_support import spark as spark_support


def test_missing_pyspark_says_how_to_install(monkeypatch, capsys):
    monkeypatch.setattr(spark_support.importlib.util, "find_spec", lambda name: None)
    assert "pyspark is not installed" in mh.spark_missing()
    assert mh.start_spark() is None
    out = capsys.readouterr().out
    assert (
        'pip install "pyspark>=3.5"' in out
        and "openjdk-17-jre-headless" in out
        and "conda-forge openjdk" in out
    )


def test_missing_java_says_how_to_install(monkeypatch):
    monkeypatch.setattr(spark_support.importlib.util, "find_spec", lambda name: object())
    monkeypatch.setattr(spark_support.shutil, "which", lambda name: None)
    assert "Java is not" in mh.spark_missing()


def test_old_java_is_named(monkeypatch):
    class Old:
        stderr = 'openjdk version "11.0.2" 2019-01-15'

    monkeypatch.setattr(spark_support.importlib.util, "find_spec", lambda name: object())
    monkeypatch.setattr(spark_support.shutil, "which", lambda name: "/usr/bin/java")
    monkeypatch.setattr(spark_support.subprocess, "run", lambda *a, **k: Old())
    assert "found version 11" in mh.spark_missing()
    Old.stderr = 'java version "1.8.0_392"'
    assert "found version 8" in mh.spark_missing()


def test_session_settings_keep_the_notebook_quiet():
    assert spark_support.SPARK_SETTINGS["spark.ui.showConsoleProgress"] == "false"
    assert spark_support.SPARK_SETTINGS["spark.ui.enabled"] == "false"


def test_bad_arguments():
    with pytest.raises(ValueError, match="cores"):
        mh.start_spark(cores=0)
    with pytest.raises(TypeError, match=r"Ratings\(users, movies, ratings\)"):
        mh.ratings_frame(None, [1, 2])
    with pytest.raises(ValueError, match="n_movies"):
        mh.spark_factors(None, 0, 3)


@pytest.fixture(scope="module")
def spark():
    missing = mh.spark_missing()
    if missing:
        pytest.skip(missing.splitlines()[0] + " (make test EXTRAS=test,spark)")
    session = mh.start_spark()
    yield session
    session.stop()


def test_spark_als_factors_predict_like_spark(spark, capfd):
    from pyspark.ml.recommendation import ALS

    toy = mh.load_toy()
    movies, users = np.nonzero(toy.R == 1)
    data = mh.Ratings(users, movies, toy.Y[movies, users])
    frame = mh.ratings_frame(spark, data)
    assert frame.columns == ["user", "movie", "rating"] and frame.count() == data.ratings.size
    model = ALS(
        rank=2, regParam=0.1, maxIter=10, userCol="user", itemCol="movie", ratingCol="rating", seed=1
    ).fit(frame)
    X, W = mh.spark_factors(model, 5, 4)
    with pytest.raises(
        ValueError, match="n_movies is 3: pass the n_movies of the ratings the model was trained"
    ):
        mh.spark_factors(model, 3, 4)
    rows = model.transform(frame).orderBy("user", "movie").collect()
    expected = np.array([row["prediction"] for row in rows])
    ours = np.array([X[row["movie"]] @ W[row["user"]] for row in rows])
    np.testing.assert_allclose(ours, expected, rtol=1e-5, atol=1e-5)  # Spark computes in float32
    ours_scaled = mh.fit_als(
        data, 5, 4, 2, 0.1, 10, np.random.default_rng(0), normalize=False, scaled_lambda=True
    )
    assert ours_scaled.cost_history[-1] < ours_scaled.cost_history[0]
    captured = capfd.readouterr()
    assert "WARN" not in captured.err and "log4j" not in captured.err, "Spark wrote to the console"


def test_a_running_session_is_reused_only_with_its_cores(spark):
    assert mh.start_spark(cores=2).sparkContext is spark.sparkContext
    with pytest.raises(
        ValueError, match=r"a Spark session \(local\[2\]\) is already running .* spark.stop\(\)"
    ):
        mh.start_spark(cores=3)


def test_a_stopped_session_is_refused(spark):
    """Runs last in this module: it stops the session (the fixture's stop then does nothing)."""
    spark.stop()
    data = mh.Ratings(np.array([0]), np.array([0]), np.array([4.0]))
    with pytest.raises(ValueError, match=r"spark was stopped .* spark = mh.start_spark\(\)"):
        mh.ratings_frame(spark, data)
