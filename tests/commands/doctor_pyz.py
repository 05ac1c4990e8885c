"""``make doctor``: the namespace doctor as one file that runs anywhere, ``python doctor.pyz``.

A zipapp (``python -m zipapp``'s format, built with its module): the package
sample_project/sample_project/doctor/ as ``namespace_doctor`` (a name no
environment is likely to hold), and a ``__main__.py`` that runs it as the
program, so that its own start-up entry (the archive) is left out of the import
path it diagnoses. Standard library only: it needs no tool venv, and any
Python 3.9+ runs the result.
"""

from __future__ import annotations

import py_compile
import shutil
import sys
import tempfile
import zipapp
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "sample_project" / "sample_project" / "doctor"
DEFAULT = Path(__file__).resolve().parents[2] / "sample_project" / "dist" / "doctor.pyz"
MAIN = '''\
"""The namespace doctor, as one file: python doctor.pyz [--json | --format mermaid] [NAME ...]."""

import os
import sys

from namespace_doctor.cli import main
from namespace_doctor.display import pasted

archive = os.path.dirname(os.path.abspath(__file__))
sys.exit(main(prog=f"python {os.path.basename(archive)}", command=f"{pasted(sys.executable)} {pasted(archive)}"))
'''


def build(target: Path = DEFAULT) -> Path:
    """Write the zipapp to ``target`` (its folder made if need be) and return its path."""
    with tempfile.TemporaryDirectory() as staging:
        shutil.copytree(
            PACKAGE, Path(staging, "namespace_doctor"), ignore=shutil.ignore_patterns("__pycache__")
        )
        # Bytecode beside each module, for the Python that builds it: zipimport cannot write any, so
        # without it every run compiles the doctor again (40 ms). Another Python finds the wrong magic
        # number in it and reads the source instead; checked against the source's hash, it is never stale.
        # A traceback names the module inside the archive, not the staging folder (gone by then).
        for module in Path(staging, "namespace_doctor").glob("*.py"):
            py_compile.compile(
                str(module),
                cfile=f"{module}c",
                dfile=f"{target.name}/namespace_doctor/{module.name}",
                doraise=True,
                invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH,
            )
        Path(staging, "__main__.py").write_text(MAIN, encoding="utf-8")
        target.parent.mkdir(parents=True, exist_ok=True)
        zipapp.create_archive(staging, target, interpreter="/usr/bin/env python3")
    return target


if __name__ == "__main__":
    built = build(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT)
    print(f"built {built}: run it with python3 {built}")
