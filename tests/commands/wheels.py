"""Download the pinned wheels the scenarios install from, for every supported interpreter (``make`` runs this once).

python tests/commands/wheels.py FOLDER

The build backends and what they need (tests/requirements-backends.txt; a pin
with a marker, such as ``tomli ; python_version < "3.11"``, only where it
holds) and the setuptools that still has pkg_resources. pip evaluates markers
for the interpreter it runs on, whatever ``--python-version`` says, so the
markers are evaluated here, for each interpreter, and pip is given the pins
that hold there. ``--ignore-requires-python``: a backend that does not support
an interpreter is downloaded anyway, so its metadata can say so
(toolchain.unsupported); the scenarios then leave that interpreter out.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "lib"))  # tests/lib

from interpreters import SUPPORTED
from toolchain import downloads


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    folder = argv[0]
    for python in SUPPORTED:
        command = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--disable-pip-version-check",
            "--no-deps",
            "--only-binary=:all:",
            "--ignore-requires-python",
            "--python-version",
            python,
            "--dest",
            folder,
            *downloads(python),
        ]
        if subprocess.run(command).returncode:
            print(f"wheels.py: downloading the pinned wheels for Python {python} failed", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
