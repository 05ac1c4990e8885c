"""Which CPython interpreters this project runs on, and where to find them (standard library only).

Two lists, the only ones: the Makefile, ``.ci/run``, the GitHub workflow and
the tests all read them from here.

- ``SUPPORTED``: every CPython the three projects support (their
  ``requires-python``), and so every one the compatibility matrix and the
  doctor's differential test observe.
- ``TOOL``: the ones that can run the test toolchain itself, the ``python3``
  that ``make`` uses: its pins need 3.11 or newer (Hypothesis 6.170 and
  pytest 9.1 say so in their ``Requires-Python``; test_toolchain.py checks it).

As a command (``python3 tests/lib/interpreters.py ...``):

    check-tool            exit 0 if this Python can run the toolchain, else say why and exit 2
    list tool|supported   the versions, one a line (--json: a JSON list)
    find VERSION          the path of a working CPython VERSION, or say where it looked and exit 1
"""

from __future__ import annotations

import json
import os
import platform
import shlex
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path

SUPPORTED = ("3.9", "3.10", "3.11", "3.12", "3.13")
TOOL = ("3.11", "3.12", "3.13")


def version_of(python_version: tuple[int, ...] = sys.version_info[:2]) -> str:
    return ".".join(map(str, python_version[:2]))


def span(versions: list[str] | tuple[str, ...]) -> str:
    """The versions in SUPPORTED's order, each run of consecutive ones joined by an en dash: ``3.9`` to ``3.11``, then ``3.13``."""
    runs: list[list[str]] = []
    for index, version in enumerate(SUPPORTED):
        if version not in versions:
            continue
        if runs and SUPPORTED.index(runs[-1][-1]) == index - 1:
            runs[-1].append(version)
        else:
            runs.append([version])
    return ", ".join(run[0] if len(run) == 1 else f"{run[0]}\N{EN DASH}{run[-1]}" for run in runs)


def _candidates(version: str) -> list[Path]:
    """``pythonX.Y`` in pyenv's versions (its shims need pyenv to know them), this interpreter, then on PATH."""
    pyenv = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv")
    found = sorted(pyenv.glob(f"versions/{version}.*/bin/python{version}"), reverse=True)
    if version_of() == version:
        found.append(Path(sys.executable))
    on_path = shutil.which(f"python{version}")
    return [*found, *([Path(on_path)] if on_path else [])]


@cache
def find_interpreter(version: str) -> Path | None:
    """A working CPython ``version`` (for example "3.12"), or None."""
    # No PYTHON* variable of the caller's may change what the candidate is.
    env = {name: value for name, value in os.environ.items() if not name.startswith("PYTHON")}
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
                env=env,
            )
        except (OSError, subprocess.TimeoutExpired):
            continue
        if done.returncode == 0 and done.stdout.split() == ["CPython", *version.split(".")]:
            return candidate
    return None


def missing_reason(version: str) -> str:
    return (
        f"no CPython {version} on this machine (looked in pyenv's versions and for python{version} on PATH)"
    )


def check_tool() -> str | None:
    """Why this interpreter cannot run the test toolchain, or None if it can."""
    here = version_of()
    if platform.python_implementation() == "CPython" and here in TOOL:
        return None
    found = [path for path in map(find_interpreter, TOOL) if path]
    hint = (
        f"name one this machine has, for example: make test PYTHON={shlex.quote(str(found[-1]))}"
        if found
        else "none is on this machine (looked in pyenv's versions and on PATH): install one"
    )
    return (
        f"the test toolchain needs CPython {', '.join(TOOL[:-1])} or {TOOL[-1]}, and {sys.executable}"
        f" is {platform.python_implementation()} {platform.python_version()}; {hint}"
    )


def main(argv: list[str]) -> int:
    if argv == ["check-tool"]:
        problem = check_tool()
        if problem:
            print(f"make: {problem}", file=sys.stderr)
            return 2
        return 0
    if (
        len(argv) in (2, 3)
        and argv[0] == "list"
        and argv[1] in ("tool", "supported")
        and argv[2:] in ([], ["--json"])
    ):
        versions = list(TOOL if argv[1] == "tool" else SUPPORTED)
        print(json.dumps(versions) if argv[2:] else "\n".join(versions))
        return 0
    if len(argv) == 2 and argv[0] == "find" and argv[1] in SUPPORTED:
        found = find_interpreter(argv[1])
        if found is None:
            print(missing_reason(argv[1]), file=sys.stderr)
            return 1
        print(found)
        return 0
    print(__doc__.split("As a command")[1].strip(), file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
