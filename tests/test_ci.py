"""Every supported Python: the one list of interpreters, and the CI runs that read it."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from harness import README, ROOT, run_make
from interpreters import SUPPORTED, TOOL, find_interpreter, missing_reason

INTERPRETERS = ROOT / "tests" / "lib" / "interpreters.py"
WORKFLOW = ROOT / ".github" / "workflows" / "tests.yml"
CI_RUN = ROOT / ".ci" / "run"


def interpreters(*args: str, python: str = sys.executable) -> subprocess.CompletedProcess[str]:
    return subprocess.run([python, INTERPRETERS, *args], capture_output=True, text=True, cwd=ROOT)


def test_the_lists_of_interpreters_come_from_one_place():
    """``interpreters.py list`` prints the tool Pythons and the supported interpreters, as lines or JSON."""
    assert interpreters("list", "tool").stdout.split() == list(TOOL)
    assert json.loads(interpreters("list", "supported", "--json").stdout) == list(SUPPORTED)
    assert set(TOOL) <= set(SUPPORTED)
    requires = re.search(
        r'requires-python = ">=([\d.]+)"', (ROOT / "sample_project" / "pyproject.toml").read_text()
    )
    assert requires.group(1) == SUPPORTED[0], (
        "the oldest supported interpreter is the projects' requires-python"
    )


@pytest.mark.parametrize("version", [v for v in SUPPORTED if v not in TOOL])
def test_an_interpreter_that_cannot_run_the_toolchain_is_refused_with_its_reason(version):
    """``make`` with a ``python3`` older than the toolchain needs stops before creating anything, says which Pythons it needs and how to name one, and exits 2."""
    python = find_interpreter(version)
    if python is None:
        pytest.skip(missing_reason(version))
    done = run_make("test", python)

    assert done.returncode == 2
    assert done.stderr.startswith(
        f"make: the test toolchain needs CPython {', '.join(TOOL[:-1])} or {TOOL[-1]}, and {python} is CPython {version}."
    )
    assert (
        f"; name one this machine has, for example: make test PYTHON={find_interpreter(TOOL[-1])}\n"
        in done.stderr
    )
    assert "Traceback" not in done.stderr
    assert not (ROOT / ".venv" / version).exists()


def test_the_github_workflow_reads_the_same_lists_as_ci():
    """The workflow's inner loop runs ``make test`` for every tool Python, on Linux and macOS, and its full tier ``make check`` with every supported interpreter, both lists read from interpreters.py; .ci/run runs the same targets for the same list."""
    workflow = WORKFLOW.read_text(encoding="utf-8")
    assert "python3 tests/lib/interpreters.py list tool --json" in workflow
    assert "python3 tests/lib/interpreters.py list supported" in workflow
    assert "python: ${{ fromJSON(needs.pythons.outputs.tool) }}" in workflow
    assert "os: [ubuntu-24.04, macos-15]" in workflow
    assert "python-version: ${{ needs.pythons.outputs.supported }}" in workflow
    assert 'make test PYTHON="$TOOL_PYTHON"' in workflow
    assert "run: make lint check\n" in workflow
    assert workflow.count("run: .ci/check-clean\n") == 2, "both jobs check the checkout as .ci/run does"
    assert SUPPORTED[-1] == TOOL[-1], (
        "the newest supported interpreter, setup-python's python3, runs the toolchain"
    )
    assert not re.search(r"\b3\.(9|1[0-9])\b", workflow), "no interpreter typed by hand"
    run = CI_RUN.read_text(encoding="utf-8")
    assert "$(python3 tests/lib/interpreters.py list tool)" in run
    assert 'make test PYTHON="$python"' in run
    assert "\nmake check\n.ci/check-clean\n" in run
    assert "\nmake lint\n" in run


def test_the_readme_names_the_interpreters_interpreters_py_lists():
    """The README states the tool Pythons and the supported interpreters as tests/lib/interpreters.py lists them."""
    readme = README.read_text(encoding="utf-8")
    assert readme.count(f"CPython {', '.join(TOOL[:-1])} or {TOOL[-1]}") >= 2  # Quick start, Testing
    assert f"CPython {SUPPORTED[0]} to {SUPPORTED[-1]}" in readme
