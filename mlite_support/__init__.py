"""Support code of MovieLens-Lite: what makes the series work, not what it teaches.

The math lives in ``mlite_helpers.py``; this package holds the rest, one concern per
module. Notebooks never import it directly: ``mh.<name>`` finds each name here.

=============  ==========================================================================
module         what it holds
=============  ==========================================================================
validate       argument checks and their messages (name, problem, fix)
movielens      the MovieLens download, SHA-256 verification, cache and loader
plots          palette, style, text tables, ax-in/ax-out plots
explorers      the slider explorers; every slider's values as constants at the top
exercises      the exercise checkers and their typical mistakes
versions       the library-version report of the setup cells
spark          the local Spark session of notebook 07 and its install hint
results        the containers the taught functions return (TrainResult, ...)
selection      the grid search of notebook 06 (select_settings)
=============  ==========================================================================
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

#: Which support module provides each ``mh.<name>`` that mlite_helpers.py does not define.
SUPPORT: dict[str, str] = {
    name: module
    for module, names in {
        "movielens": "DATA_DIR DataError MovieLens MOVIELENS_SHA256 MOVIELENS_URL "
        "fetch_movielens load_movielens to_dense",
        "selection": "Selection SettingResult select_settings",
        "plots": "PALETTE set_style ratings_table predictions_table plot_cost_history plot_feature_space "
        "plot_ratings_heatmap plot_movie_predictions plot_training_summary plot_factors plot_rmse_bars "
        "plot_validation_curves plot_top_n_bars top_n_table",
        "explorers": "Explorer optimizer_explorer training_explorer factor_explorer movielens_explorer "
        "new_user_explorer top_n_explorer",
        "exercises": "check_cost check_gradients check_step check_rotation check_sparse_cost "
        "check_precision_at_k check_ndcg_at_k check_user_step",
        "versions": "MIN_VERSIONS report_versions",
        "spark": "SPARK_INSTALL SPARK_LOG spark_missing start_spark ratings_frame spark_factors",
    }.items()
    for name in names.split()
}


def lazy_names(
    module: str, namespace: dict[str, Any]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """A module's ``__getattr__`` and ``__dir__`` that add the :data:`SUPPORT` names, each
    imported from its support module on first use (so importing the helpers stays light).

    Parameters
    ----------
    module : str
        The name of the module that uses them, for the error message.
    namespace : dict
        That module's ``globals()``.

    Returns
    -------
    __getattr__, __dir__ : callable
    """

    def getattr_(name: str) -> Any:
        if name in SUPPORT:
            return getattr(importlib.import_module(f"mlite_support.{SUPPORT[name]}"), name)
        raise AttributeError(f"module {module!r} has no attribute {name!r}")

    def dir_() -> list[str]:
        return sorted(set(namespace) | set(SUPPORT))

    return getattr_, dir_
