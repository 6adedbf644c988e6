"""The code is ruff-clean, and every public helper has type hints and a numpydoc docstring."""

from __future__ import annotations

import importlib
import inspect
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import mlite_helpers as mh

ROOT = Path(__file__).resolve().parents[1]


def _ruff() -> list[str]:
    exe = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if exe is None:
        pytest.skip("ruff is not installed: pip install -e '.[test]'")
    return [exe]


def test_ruff_check():
    result = subprocess.run([*_ruff(), "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format():
    result = subprocess.run([*_ruff(), "format", "--check", "."], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


SUPPORT_MODULES = [
    importlib.import_module(f"mlite_support.{name}")
    for name in sorted(set(mh.SUPPORT.values()) | {"results"})
]
PUBLIC = [
    obj
    for module in [mh, importlib.import_module("mlite_support.validate"), *SUPPORT_MODULES]
    for name, obj in vars(module).items()
    if not name.startswith("_")
    and (inspect.isfunction(obj) or inspect.isclass(obj))
    and obj.__module__ == module.__name__
]


@pytest.mark.parametrize("obj", PUBLIC, ids=lambda o: o.__name__)
def test_public_helpers_are_documented(obj):
    doc = inspect.getdoc(obj)
    assert doc and len(doc.splitlines()) >= 1, f"{obj.__name__} needs a docstring"
    if inspect.isfunction(obj):
        sig = inspect.signature(obj)
        assert sig.return_annotation is not inspect.Signature.empty, f"{obj.__name__}: return type hint"
        for name, param in sig.parameters.items():
            assert param.annotation is not inspect.Parameter.empty, f"{obj.__name__}({name}): type hint"
        if sig.parameters:
            assert "Parameters\n----------" in doc, f"{obj.__name__}: numpydoc Parameters section"
        if sig.return_annotation not in (None, "None"):
            assert "Returns\n-------" in doc, f"{obj.__name__}: numpydoc Returns section"


def test_import_has_no_side_effects():
    code = (
        "import sys, numpy as np; state = np.random.get_state()[1].copy(); "
        "import mlite_helpers; "
        "assert (np.random.get_state()[1] == state).all(); "
        "assert 'matplotlib.pyplot' not in sys.modules, 'importing the helpers must not import pyplot'; "
        "assert 'ipywidgets' not in sys.modules; "
        "assert 'mlite_support.explorers' not in sys.modules, 'support code loads on first use'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
