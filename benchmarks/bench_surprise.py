"""Accuracy and fit time of the notebook-05 model against Surprise, 5-fold cross-validation.

Every method sees exactly the same five folds of GroupLens ml-latest-small (a seeded random
split of all ratings into five parts). Prints a table (collected into RESULTS.md by run_all.py).
Needs the `bench` extra
(scikit-surprise); run with `make bench`.
"""

from __future__ import annotations

import platform
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

import numpy as np

import mlite_helpers as mh

HERE = Path(__file__).resolve().parent
SEED = 2026
N_FOLDS = 5
#: The settings of notebook 05's momentum section (k, lambda, alpha, epochs, movie-mean shrinkage,
#: momentum, scale of the random starting values).
MLITE = {
    "k": 10,
    "lambda_": 10.0,
    "alpha": 0.3,
    "epochs": 50,
    "shrink": 3.0,
    "momentum": 0.9,
    "init_scale": 0.5,
}


def folds(n: int, rng: np.random.Generator) -> list[np.ndarray]:
    """Test indices of each fold: a random permutation cut into N_FOLDS parts."""
    return np.array_split(rng.permutation(n), N_FOLDS)


def run_mlite(
    ml: mh.MovieLens, train: np.ndarray, test: np.ndarray, **settings: float
) -> tuple[float, float, float]:
    data = mh.Ratings(ml.users, ml.movies, ml.ratings)
    tr, te = data.take(train), data.take(test)
    start = time.perf_counter()
    model = mh.fit_ratings(
        tr,
        ml.n_movies,
        ml.n_users,
        settings["k"],
        settings["alpha"],
        settings["lambda_"],
        settings["epochs"],
        np.random.default_rng(SEED),
        shrink=settings["shrink"],
        momentum=settings["momentum"],
        init_scale=settings["init_scale"],
        progress=False,
    )
    seconds = time.perf_counter() - start
    predicted = model.predict(te.users, te.movies)
    return mh.rmse(predicted, te.ratings), mh.mae(predicted, te.ratings), seconds


def surprise_folds(ml: mh.MovieLens, test_folds: list[np.ndarray], folder: Path):
    """The same folds as files, in Surprise's predefined-folds format."""
    import surprise

    lines = np.array([f"{u} {m} {r}" for u, m, r in zip(ml.users, ml.movies, ml.ratings)])
    files = []
    everything = np.arange(ml.n_ratings)
    for n, test in enumerate(test_folds):
        train = np.setdiff1d(everything, test)
        train_file, test_file = folder / f"train{n}.txt", folder / f"test{n}.txt"
        train_file.write_text("\n".join(lines[train]) + "\n")
        test_file.write_text("\n".join(lines[test]) + "\n")
        files.append((str(train_file), str(test_file)))
    reader = surprise.Reader(line_format="user item rating", sep=" ", rating_scale=(0.5, 5.0))
    return surprise.Dataset.load_from_folds(files, reader=reader)


def run_surprise(algo, trainset, testset) -> tuple[float, float, float]:
    from surprise import accuracy

    start = time.perf_counter()
    algo.fit(trainset)
    seconds = time.perf_counter() - start
    predictions = algo.test(testset)
    return accuracy.rmse(predictions, verbose=False), accuracy.mae(predictions, verbose=False), seconds


def main() -> str:
    import surprise
    from surprise.model_selection import PredefinedKFold

    ml = mh.load_movielens()
    test_folds = folds(ml.n_ratings, np.random.default_rng(SEED))
    everything = np.arange(ml.n_ratings)
    results: dict[str, list[tuple[float, float, float]]] = {
        "mlite (notebook 05)": [],
        "Surprise SVD()": [],
        "Surprise BaselineOnly()": [],
    }
    with tempfile.TemporaryDirectory() as tmp:
        data = surprise_folds(ml, test_folds, Path(tmp))
        for n, ((trainset, testset), test) in enumerate(zip(PredefinedKFold().split(data), test_folds)):
            train = np.setdiff1d(everything, test)
            results["mlite (notebook 05)"].append(run_mlite(ml, train, test, **MLITE))
            results["Surprise SVD()"].append(run_surprise(surprise.SVD(random_state=SEED), trainset, testset))
            results["Surprise BaselineOnly()"].append(
                run_surprise(surprise.BaselineOnly(verbose=False), trainset, testset)
            )
            progress = ", ".join(f"{k} RMSE {v[-1][0]:.4f}" for k, v in results.items())
            print(f"fold {n + 1}/{N_FOLDS}: {progress}", file=sys.stderr)

    lines = [
        "## Accuracy and fit time: 5-fold cross-validation on ml-latest-small",
        "",
        f"Same {N_FOLDS} random folds (seed {SEED}) for every method; {ml.n_ratings:,} ratings. "
        "mlite settings "
        f"(notebook 05, section 'Faster: momentum'): k = {MLITE['k']}, lambda = {MLITE['lambda_']:g}, "
        f"alpha = {MLITE['alpha']:g} with per-row scaled steps, momentum {MLITE['momentum']:g}, "
        f"{MLITE['epochs']} epochs of batch gradient descent, movie means shrunk by {MLITE['shrink']:g}; "
        "chosen in the notebook on its own split, not on these folds. Surprise with its defaults "
        "(SVD: 100 factors, 20 epochs of SGD; BaselineOnly: ALS).",
        "",
        "| method | RMSE (mean ± sd) | MAE (mean ± sd) | fit time per fold (mean) |",
        "|---|---|---|---|",
    ]
    for name, rows in results.items():
        a = np.array(rows)
        lines.append(
            f"| {name} | {a[:, 0].mean():.4f} ± {a[:, 0].std():.4f} "
            f"| {a[:, 1].mean():.4f} ± {a[:, 1].std():.4f} | {a[:, 2].mean():.2f} s |"
        )
    mlite, svd, base = (np.array(results[k]) for k in results)
    lines += [
        "",
        "Per fold (RMSE mlite / SVD / BaselineOnly; fit seconds mlite / SVD):",
        "",
    ]
    for n in range(N_FOLDS):
        lines.append(
            f"- fold {n + 1}: {mlite[n, 0]:.4f} / {svd[n, 0]:.4f} / {base[n, 0]:.4f}; "
            f"{mlite[n, 2]:.2f} s / {svd[n, 2]:.2f} s"
        )
    lines += [
        "",
        f"Ratios mlite / Surprise SVD: RMSE {mlite[:, 0].mean() / svd[:, 0].mean():.3f}, "
        f"MAE {mlite[:, 1].mean() / svd[:, 1].mean():.3f}, "
        f"fit time {mlite[:, 2].mean() / svd[:, 2].mean():.2f}. "
        f"mlite / BaselineOnly: RMSE {mlite[:, 0].mean() / base[:, 0].mean():.3f}.",
        "",
        f"Machine: {platform.machine()}, Python {platform.python_version()}, numpy {np.__version__}, "
        f"scikit-surprise {version('scikit-surprise')}.",
    ]
    text = "\n".join(lines)
    print(text)
    return text


if __name__ == "__main__":
    main()
