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


def test_environment_yml_and_pyproject_agree():
    pip_deps = dict(_split(r) for r in _pyproject()["project"]["dependencies"])
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
    assert conda_deps == pip_deps, "environment.yml and pyproject.toml [project] dependencies differ"
    assert pip_section == ["-e ."], "environment.yml must install the project itself (pip: -e .)"


def test_binder_settings():
    env = _conda_env()
    assert env["channels"] == ["conda-forge"]
    assert "python=3.12" in env["dependencies"]


def test_test_tools_stay_out_of_runtime_requirements():
    runtime = {_split(r)[0] for r in _pyproject()["project"]["dependencies"]}
    assert not runtime & TEST_ONLY
    test_extra = {_split(r)[0] for r in _pyproject()["project"]["optional-dependencies"]["test"]}
    assert {"pytest", "nbval", "ruff"} <= test_extra


def test_design_card_packages_are_required():
    runtime = {_split(r)[0] for r in _pyproject()["project"]["dependencies"]}
    assert {"numpy", "matplotlib", "jupyterlab", "ipywidgets"} <= runtime
