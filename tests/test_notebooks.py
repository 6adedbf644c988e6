"""The notebooks' structure, their taught code against the helpers, and the generated index.

`pytest --nbval` (in `make test`) re-runs every notebook and compares its outputs; these
tests check what nbval does not: that every cell was executed in order in a fresh kernel,
that the templates are there, that widget cells are marked, and that the functions the
notebooks teach agree with `mlite_helpers`.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import random_problem

import mlite_helpers as mh

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
#: The template a new notebook starts from (CONTRIBUTING.md): it must pass the same checks.
TEMPLATE = ROOT / "notebooks" / "_template.ipynb"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def source(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def code_cells(nb: dict) -> list[dict]:
    return [c for c in nb["cells"] if c["cell_type"] == "code" and source(c).strip()]


def test_the_series_is_there():
    names = [p.name for p in NOTEBOOKS]
    assert names[:4] == [
        "01_cost_function.ipynb",
        "02_gradients.ipynb",
        "03_training.ipynb",
        "04_visualization.ipynb",
    ]
    for name in names:
        assert re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", name), name


@pytest.mark.parametrize("path", [*NOTEBOOKS, TEMPLATE], ids=lambda p: p.name)
def test_executed_in_order_without_errors(path):
    nb = load(path)
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    cells = code_cells(nb)
    counts = [c["execution_count"] for c in cells]
    assert counts == list(range(1, len(cells) + 1)), "restart the kernel, run all, save (or `make nbrun`)"
    for cell in cells:
        for out in cell["outputs"]:
            assert out["output_type"] != "error", f"stored error in: {source(cell)[:60]}"
            text = json.dumps(out)
            assert not re.search(r"/(root|tmp|work|home)/", text), "an output shows a local path"
            assert "image/svg+xml" not in out.get("data", {}), "figures must be PNG (SVG embeds a timestamp)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_widget_cells_are_marked_and_follow_a_static_figure(path):
    nb = load(path)
    cells = code_cells(nb)
    widget_cells = [
        i for i, c in enumerate(cells) if any(WIDGET_MIME in o.get("data", {}) for o in c["outputs"])
    ]
    for i in widget_cells:
        cell = cells[i]
        assert "nbval-ignore-output" in cell["metadata"].get("tags", []), source(cell)
        assert "_explorer(" in source(cell) and len(source(cell).strip().splitlines()) == 1, (
            "one line per widget"
        )
        before = [o for c in cells[:i] for o in c["outputs"]]
        assert any("image/png" in o.get("data", {}) for o in before), "put a static figure before the widget"
    if path.name[:2] in {"01", "03", "04", "06"}:
        assert widget_cells, f"{path.name} should have its slider explorer"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_figures_carry_no_version_metadata(path):
    import base64

    for cell in code_cells(load(path)):
        for out in cell["outputs"]:
            png = out.get("data", {}).get("image/png")
            if png:
                assert b"Matplotlib version" not in base64.b64decode(png)


@pytest.mark.parametrize("path", [*NOTEBOOKS, TEMPLATE], ids=lambda p: p.name)
def test_opening_and_closing_templates(path):
    nb = load(path)
    first = source(nb["cells"][0])
    number = "NN" if path == TEMPLATE else path.name[:2]
    assert re.match(rf"# {number} · \S", first), "title '# NN · Title'"
    assert "**After this notebook you will be able to**" in first
    assert re.search(r"\*\*Estimated time:\*\* \d+ minutes", first)
    setup = source(code_cells(nb)[0])
    assert "import mlite_helpers as mh" in setup and "np.random.default_rng(" in setup
    assert "import *" not in "".join(source(c) for c in code_cells(nb))
    markdown = [source(c) for c in nb["cells"] if c["cell_type"] == "markdown"]
    for heading in ("## Summary", "### Notation", "## Exercises"):
        assert any(m.startswith(heading) or f"\n{heading}" in m for m in markdown), heading
    assert sum(1 for c in code_cells(nb) if "default_rng(" in source(c) and "rng =" in source(c)) == 1
    assert "<details>" in "".join(markdown), "hints and solutions in <details> blocks"
    assert any(re.search(r"mh\.check_\w+\(my_\w+\)", source(c)) for c in code_cells(nb)), (
        "an exercise with a checker"
    )


def test_setup_cell_is_the_same_everywhere():
    setups = {path.name: source(code_cells(load(path))[0]) for path in [*NOTEBOOKS, TEMPLATE]}
    first = setups[NOTEBOOKS[0].name]
    assert "import mlite_helpers as mh" in first and 'sys.path.insert(0, "..")' not in first
    for name, setup in setups.items():
        assert setup == first, f"{name}: copy the setup cell of {NOTEBOOKS[0].name}"


#: Runs the setup cell's import with the installed package hidden (no `pip install -e .`).
HIDE_INSTALL = """
import sys
from pathlib import Path
sys.meta_path = [f for f in sys.meta_path if "editable" not in getattr(f, "__module__", "")]
sys.path = [p for p in sys.path if p and not (Path(p) / "mlite_helpers.py").is_file()]
sys.path_importer_cache.clear()
try:
    import mlite_helpers
except ModuleNotFoundError:
    pass
else:
    raise SystemExit("could not hide the installed package: " + mlite_helpers.__file__)
"""


@pytest.mark.parametrize("start", ["notebooks", "notebooks/some/deeper/folder", "."])
def test_setup_cell_finds_the_helpers_without_installation(tmp_path, start):
    """Started anywhere inside the repository, the setup cell imports the repository's module."""
    setup = source(code_cells(load(NOTEBOOKS[0]))[0])
    importing = setup.split("mh.report_versions()")[0]  # the imports only
    folder = ROOT / start
    made = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    try:
        code = HIDE_INSTALL + importing + "\nprint(mh.__file__)\n"
        result = subprocess.run(
            [sys.executable, "-c", code],
            cwd=folder,
            capture_output=True,
            text=True,
            env={**os.environ, "MPLBACKEND": "Agg"},
        )
    finally:
        if made:
            for sub in [folder, *folder.parents]:
                if sub == ROOT / "notebooks":
                    break
                sub.rmdir()
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip()) == ROOT / "mlite_helpers.py"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_navigation_links_point_to_existing_notebooks(path):
    nb = load(path)
    navs = [source(c) for c in nb["cells"] if "navigation" in c["metadata"].get("tags", [])]
    assert navs, "a navigation cell (tag 'navigation')"
    for text in navs:
        for target in re.findall(r"\]\(([^)#]+)", text):
            assert (path.parent / target).resolve().exists(), target


def test_notebook_index_is_current():
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "notebook_index.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def taught_functions() -> dict[str, object]:
    """Execute every cell tagged 'taught' (function definitions only) and collect the functions."""
    namespace: dict[str, object] = {"np": np, "mh": mh}
    for path in NOTEBOOKS:
        for cell in code_cells(load(path)):
            if "taught" not in cell["metadata"].get("tags", []):
                continue
            tree = ast.parse(source(cell))
            defs = ast.Module(body=[n for n in tree.body if isinstance(n, ast.FunctionDef)], type_ignores=[])
            exec(compile(defs, str(path), "exec"), namespace)
    return namespace


TAUGHT = taught_functions()


@pytest.mark.parametrize(("name", "reference"), [("cost_loops", mh.cost), ("cost_vectorized", mh.cost)])
def test_taught_costs_agree_with_helpers(rng, name, reference):
    for shape in [(5, 4, 2), (9, 7, 3), (1, 1, 1)]:
        X, W, b, Y, R = random_problem(rng, *shape)
        for lambda_ in (0.0, 1.3):
            assert TAUGHT[name](X, W, b, Y, R, lambda_) == pytest.approx(
                reference(X, W, b, Y, R, lambda_), rel=1e-12
            )


@pytest.mark.parametrize("name", ["gradients_loops", "gradients_vectorized"])
def test_taught_gradients_agree_with_helpers(rng, name):
    for shape in [(5, 4, 2), (9, 7, 3)]:
        X, W, b, Y, R = random_problem(rng, *shape)
        for taught, helper in zip(TAUGHT[name](X, W, b, Y, R, 0.8), mh.gradients(X, W, b, Y, R, 0.8)):
            np.testing.assert_allclose(taught, helper, rtol=1e-12, atol=1e-12)


def test_taught_training_agrees_with_helper():
    toy = mh.load_toy()
    X, W, b, history = TAUGHT["train"](toy.Y, toy.R, 2, 0.03, 0.3, 300, np.random.default_rng(5))
    res = mh.gradient_descent(toy.Y, toy.R, 2, 0.03, 0.3, 300, np.random.default_rng(5))
    np.testing.assert_allclose(X, res.X)
    np.testing.assert_allclose(W, res.W)
    np.testing.assert_allclose(b, res.b)
    np.testing.assert_allclose(history, res.cost_history)


def test_taught_alignment_is_a_rotation():
    toy = mh.load_toy()
    res = mh.gradient_descent(toy.Y, toy.R, 2, 0.03, 0.3, 500, np.random.default_rng(5))
    X_al, W_al = TAUGHT["align_to"](res.X, res.W, 0)
    np.testing.assert_allclose(X_al @ W_al.T, res.X @ res.W.T, atol=1e-12)
    assert abs(X_al[0, 1]) < 1e-12 and X_al[0, 0] > 0


def test_binder_column_only_with_a_repository(monkeypatch):
    sys.path.insert(0, str(ROOT / "scripts"))
    import notebook_index

    infos = [{"file": "01_x.ipynb", "title": "01 · X", "minutes": "5", "learn": "y"}]
    monkeypatch.setattr(notebook_index, "BINDER_REPO", "")
    assert "Binder" not in notebook_index.table(infos)
    monkeypatch.setattr(notebook_index, "BINDER_REPO", "owner/repo")
    lines = notebook_index.table(infos).splitlines()
    assert "mybinder.org/v2/gh/owner/repo/HEAD?urlpath=lab/tree/notebooks/01_x.ipynb" in lines[2]
    assert lines[0].count("|") == lines[1].count("|") == lines[2].count("|") == 5, "no empty column"


def test_taught_als_half_step_agrees_with_helper(rng):
    """The movie half-step is taught as a loop (the user half-step is the exercise)."""
    assert "user_step_loops" not in TAUGHT, "the exercise's answer must not be shown in a taught cell"
    for shape in [(5, 4, 2), (9, 7, 3)]:
        X, W, b, Y, R = random_problem(rng, *shape, density=0.8)
        movies, users = np.nonzero(R == 1)
        data = mh.Ratings(users, movies, Y[movies, users])
        np.testing.assert_allclose(
            TAUGHT["movie_step_loops"](W, b, Y, R, 0.8),
            mh.als_movie_step(W, b, data, shape[0], 0.8),
            rtol=1e-9,
            atol=1e-12,
        )
