"""The CPython interpreters the differential test runs on, found on this machine, and the pkg_resources it offers them."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from harness import ROOT, hermetic_env

# Every CPython the doctor supports.
INTERPRETERS = ("3.9", "3.10", "3.11", "3.12", "3.13")
# setuptools dropped pkg_resources; the differential test takes it from this release's wheel.
PKG_RESOURCES_PIN = ROOT / "tests" / "requirements-pkg_resources.txt"


def _candidates(version: str) -> list[Path]:
    """``python3.X`` in pyenv's versions (its shims need pyenv to know them), then on PATH."""
    pyenv = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv")
    found = sorted(pyenv.glob(f"versions/{version}.*/bin/python{version}"), reverse=True)
    on_path = shutil.which(f"python{version}")
    if sys.version_info[:2] == tuple(map(int, version.split("."))):
        found.append(Path(sys.executable))
    return [*found, *([Path(on_path)] if on_path else [])]


def find_interpreter(version: str) -> Path | None:
    """A working CPython ``version`` (for example "3.12"), or None."""
    for candidate in _candidates(version):
        try:
            done = subprocess.run(
                [
                    str(candidate),
                    "-S",
                    "-c",
                    "import sys, platform; print(platform.python_implementation(), *sys.version_info[:2])",
                ],
                capture_output=True,
                text=True,
                timeout=30,
                env=hermetic_env(),
            )
        except (OSError, subprocess.TimeoutExpired):
            continue
        if done.returncode == 0 and done.stdout.split() == ["CPython", *version.split(".")]:
            return candidate
    return None


def pkg_resources_wheel() -> Path:
    """The pinned setuptools wheel that still has pkg_resources, downloaded by ``make`` into the tool venv."""
    version = re.search(r"^setuptools==([\w.]+)", PKG_RESOURCES_PIN.read_text(), re.MULTILINE).group(1)
    wheel = Path(sys.prefix, "wheels", f"setuptools-{version}-py3-none-any.whl")
    if not wheel.is_file():
        raise FileNotFoundError(f"{wheel} is missing: run 'make' again (its set-up step downloads it)")
    return wheel
