"""environment.yml (Binder, conda) and pyproject.toml (pip) ask for the same packages."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
TEST_ONLY = {"pytest", "playwright", "scikit-surprise", "ruff", "nbval", "pyyaml", "jupyter-repo2docker"}


def _split(requirement: str) -> tuple[str, str]:
    match = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*?)\s*$", requirement)
    assert match, requirement
    return match.group(1).lower().replace("_", "-"), match.group(2).replace(" ", "")


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _conda_env() -> dict:
    return yaml.safe_load((ROOT / "environment.yml").read_text())


#: In environment.yml only: the Java that notebook 07's Spark runs on (no pip package).
CONDA_ONLY = {"openjdk": "=17"}


def test_environment_yml_and_pyproject_agree():
    """Binder gets the runtime packages plus the Spark extra (and Java), so notebook 07 runs whole."""
    project = _pyproject()["project"]
    pip_deps = dict(_split(r) for r in project["dependencies"] + project["optional-dependencies"]["spark"])
    pip_deps.update(CONDA_ONLY)
    env = _conda_env()
    conda_deps = {}
    pip_section = []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip_section = dep["pip"]
            continue
        name, spec = _split(dep)
        if name not in {"python", "pip"}:
            conda_deps[name] = spec
    assert conda_deps == pip_deps, "environment.yml and pyproject.toml (dependencies + spark extra) differ"
    assert pip_section == ["-e ."], "environment.yml must install the project itself (pip: -e .)"


def test_binder_settings():
    env = _conda_env()
    assert env["channels"] == ["conda-forge"]
    assert "python=3.12" in env["dependencies"]


def test_test_tools_stay_out_of_runtime_requirements():
    runtime = {_split(r)[0] for r in _pyproject()["project"]["dependencies"]}
    assert not runtime & TEST_ONLY
    assert "pyspark" not in runtime, "pyspark is the optional `spark` extra"
    test_extra = {_split(r)[0] for r in _pyproject()["project"]["optional-dependencies"]["test"]}
    assert {"pytest", "nbval", "ruff"} <= test_extra


def test_design_card_packages_are_required():
    runtime = {_split(r)[0] for r in _pyproject()["project"]["dependencies"]}
    assert {"numpy", "matplotlib", "jupyterlab", "ipywidgets"} <= runtime


def _floors() -> dict[str, str]:
    floors = {}
    for requirement in _pyproject()["project"]["dependencies"]:
        name, spec = _split(requirement)
        match = re.search(r">=([0-9.]+)", spec)
        assert match, f"{requirement}: every runtime package needs a floor (>=), tested in .ci/run"
        floors[name] = match.group(1)
    return floors


def test_min_versions_are_the_pyproject_floors():
    from mlite_support.versions import MIN_VERSIONS

    floors = _floors()
    assert {name: floors[name] for name in MIN_VERSIONS} == MIN_VERSIONS
    assert {"numpy", "scipy", "matplotlib", "ipywidgets", "pooch", "jupyterlab"} <= set(floors)


def test_floors_are_built_for_numpy_2():
    """numpy 2 needs scipy >= 1.13 and matplotlib >= 3.8.4 (earlier wheels require numpy < 2)."""
    floors = {name: tuple(int(x) for x in v.split(".")) for name, v in _floors().items()}
    assert floors["numpy"] >= (2, 0)
    assert floors["scipy"] >= (1, 13) and floors["matplotlib"] >= (3, 8, 4)


def test_report_versions_compares_three_parts(monkeypatch, capsys):
    from mlite_support import versions

    found = {
        "numpy": "2.0.0rc1",
        "scipy": "1.13.0",
        "matplotlib": "3.8.3",
        "ipywidgets": "8.1.0",
        "pooch": "1.8.0",
    }
    monkeypatch.setattr(versions, "version", found.__getitem__)
    versions.report_versions()
    out = capsys.readouterr().out
    assert "matplotlib 3.8.3 is older than the 3.8.4" in out and out.count("older") == 1


def test_pre_commit_runs_ruff_and_the_index_check():
    hooks = [
        hook
        for repo in yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())["repos"]
        for hook in repo["hooks"]
    ]
    entries = " ".join(hook["entry"] for hook in hooks)
    assert "ruff check" in entries and "ruff format --check" in entries
    assert "scripts/notebook_index.py --check" in entries
