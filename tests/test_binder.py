"""Binder builds environment.yml as it is: checked offline with repo2docker (no Docker needed)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_repo2docker_uses_environment_yml_with_python_312():
    exe = shutil.which("repo2docker", path=str(Path(sys.executable).parent)) or shutil.which("repo2docker")
    if exe is None:
        pytest.skip("repo2docker is not installed: pip install -e '.[test]'")
    result = subprocess.run(
        [exe, "--no-build", "--no-run", "--debug", "."], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    out = result.stdout + result.stderr
    assert result.returncode == 0, out[-2000:]
    assert "Building conda environment for python=3.12" in out
    assert '--file "environment.yml"' in out
    # the project itself (pip: -e .) needs the repository: the environment is built after it is copied
    assert out.index("COPY --chown=0:0 src/") < out.index('--file "environment.yml"')
    assert not (ROOT / "requirements.txt").exists(), "Binder would ignore it next to environment.yml"
    assert not (ROOT / "binder").exists(), "a binder/ folder would hide the root configuration"
