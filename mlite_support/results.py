"""What the taught functions return: small containers with their attributes documented.

They hold results; the math that fills them is in ``mlite_helpers.py``. The notebooks reach
them as ``mh.TrainResult`` and so on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from mlite_support import validate


@dataclass(frozen=True)
class GradientComparison:
    """Two gradients compared block by block (what ``mh.compare_gradients`` returns).

    Attributes
    ----------
    rel_error : dict of str to float
        ``||a - n|| / (||a|| + ||n||)`` for "X", "W", "b"; ``inf`` where a block has NaN or inf.
    max_abs_diff : dict of str to float
        Largest absolute difference of one entry, per block (``inf`` likewise).
    """

    rel_error: dict[str, float]
    max_abs_diff: dict[str, float]

    @property
    def worst(self) -> float:
        """The largest relative error over the three blocks."""
        return max(self.rel_error.values())

    def agree(self, tol: float = 1e-6) -> bool:
        """True if every block's relative error is below ``tol``; never True with NaN.

        Parameters
        ----------
        tol : float, default 1e-6

        Returns
        -------
        bool
        """
        tol = validate.number("tol", tol, low=0.0, strict=True, meaning="largest relative error", high=1.0)
        return all(error < tol for error in self.rel_error.values())

    def __str__(self) -> str:
        lines = [f"{'block':<6}{'relative error':>16}{'max |diff|':>14}"]
        for name in ("X", "W", "b"):
            lines.append(f"d{name:<5}{self.rel_error[name]:>16.1e}{self.max_abs_diff[name]:>14.1e}")
        return "\n".join(lines)


class Snapshot(NamedTuple):
    """Parameters saved during training (for the "watch the factors move" explorer).

    Attributes
    ----------
    epoch : int
        Number of gradient steps taken when the snapshot was saved.
    X, W, b : np.ndarray, shapes (n_movies, k), (n_users, k), (n_users,)
        Movie features, user preferences, user biases.
    cost : float
        J at these parameters.
    """

    epoch: int
    X: np.ndarray
    W: np.ndarray
    b: np.ndarray
    cost: float


@dataclass
class TrainResult:
    """What ``mh.descend`` (and so ``mh.gradient_descent``) returns.

    Attributes
    ----------
    X, W, b : np.ndarray, shapes (n_movies, k), (n_users, k), (n_users,)
        Movie features, user preferences, user biases.
    cost_history : np.ndarray, shape (epochs_run + 1,)
        J before training and after every step kept.
    diverged : bool
        True if J became non-finite or rose above its starting value; training stopped.
    message : str
        A one-line summary, or when it diverged and what to try.
    snapshots : list of Snapshot
        Saved every ``snapshot_every`` epochs if requested (first and last always).
    """

    X: np.ndarray
    W: np.ndarray
    b: np.ndarray
    cost_history: np.ndarray
    diverged: bool = False
    message: str = ""
    snapshots: list[Snapshot] = field(default_factory=list)

    @property
    def epochs_run(self) -> int:
        """Number of gradient steps actually taken."""
        return len(self.cost_history) - 1

    def predict(self) -> np.ndarray:
        """Predicted ratings, shape (n_movies, n_users): ``mh.predict`` of the learned parameters."""
        return self.X @ self.W.T + self.b  # y_hat(i, j) = x(i) . w(j) + b(j), as in mh.predict


class TopNScores(NamedTuple):
    """Precision, recall and NDCG at n of every user with relevant held-out movies
    (what ``mh.top_n_scores`` returns).

    Attributes
    ----------
    users : np.ndarray of int, shape (n_judged,)
        The users judged: those with at least one relevant held-out movie.
    precision, recall, ndcg : np.ndarray, shape (n_judged,)
    hits : np.ndarray of bool, shape (n_users, n)
        ``hits[j, q - 1]``: user j's movie at rank q is relevant.
    """

    users: np.ndarray
    precision: np.ndarray
    recall: np.ndarray
    ndcg: np.ndarray
    hits: np.ndarray
