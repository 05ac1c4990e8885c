"""As shipped, the two distributions break each other: how, and in which install modes.

Each test looks at one run of the matrix (tests/conftest.py): the setuptools
projects as shipped, installed by pip in the modes it names, on the
interpreter running the tests (``make test``) or on each one (``make check``).
"""

from __future__ import annotations

import ast
import os
import re

import pytest
from conftest import FULL
from harness import CONSUMER_OUTPUT, DIAGNOSIS, DURABLE, FRAMEWORK, exception_line, hidden

AS_SHIPPED = {
    "backend": "setuptools",
    "variant": "as-shipped",
    "installer": "pip",
    "uninstall": None,
    "reverse": False,
}


def finder_mappings(site_files: dict[str, str]) -> list[dict[str, str]]:
    """The ``MAPPING`` of each setuptools editable finder module in site-packages, in name order."""
    found = []
    for name, text in sorted(site_files.items()):
        if name.startswith("__editable___") and name.endswith("_finder.py"):
            assignment = re.search(r"^MAPPING\b[^=]*=\s*(\{.*?\})\s*$", text, re.MULTILINE | re.DOTALL)
            found.append(ast.literal_eval(assignment.group(1)))
    return found


@pytest.mark.cells(**AS_SHIPPED, first="editable", second="editable")
def test_editable_installs_hide_the_second_subpackage(cell):
    """With both installed by ``pip install -e``, durable's regular azurefunctions wins and framework's is not found; setuptools' editable finders map the same top-level name twice."""
    _, run = cell
    durable, framework = (run.src / dist / "azurefunctions" / "agents" for dist in (DURABLE, FRAMEWORK))

    assert run.consumer.returncode == 1
    assert exception_line(run.consumer.output) == hidden("framework")
    diagnosis = run.consumer.output.split(DIAGNOSIS)[1]
    # Paths relative to the folder main.py ran in (sample_project/), as the README runs it.
    shown = {
        dist: os.path.relpath(path, run.consumer.cwd)
        for dist, path in ((DURABLE, durable), (FRAMEWORK, framework))
    }
    assert f"\n  takes    {shown[DURABLE]}  regular, {DURABLE} (editable)\n" in diagnosis
    assert f"\n  hides    {shown[FRAMEWORK]}  regular, {FRAMEWORK} (editable)\n" in diagnosis
    assert (run.imported_from, run.probe["shared_init"]) == (durable, DURABLE)
    assert finder_mappings(run.probe["site_files"]) == [
        {"azurefunctions": str(run.src / dist / "azurefunctions")} for dist in (DURABLE, FRAMEWORK)
    ]


@pytest.mark.cells(**AS_SHIPPED, first="regular", second="regular")
def test_regular_installs_import_both_but_silently_overwrite_the_shared_init(cell):
    """A regular ``pip install`` of both merges them into one folder: both import, and the last one's ``__init__.py`` replaced the first's without a word; both RECORDs claim it."""
    _, run = cell
    installs = [result for result in run.log.results if result.cmd[1:4] == ["-m", "pip", "install"]]

    assert (run.consumer.returncode, run.consumer.output) == (0, CONSUMER_OUTPUT)
    assert run.probe["shared_init"] == FRAMEWORK
    assert installs[-1].output.splitlines()[-1] == f"Successfully installed {FRAMEWORK}-0.1.0"
    assert "warning" not in installs[-1].output.lower()
    claimed_by = sorted(
        dist for dist, files in run.probe["records"].items() if "azurefunctions/agents/__init__.py" in files
    )
    assert claimed_by == [DURABLE, FRAMEWORK]


@FULL  # make test covers --target with the fix (the sample's pep420 target+regular), not this collision
@pytest.mark.cells(**AS_SHIPPED, first="target", second="target")
def test_target_folders_on_pythonpath_hide_the_second_subpackage(cell):
    """Installed with ``pip install --target`` into two folders on PYTHONPATH (Azure Functions' ``.python_packages``), the first folder's regular package hides the second's subpackage."""
    _, run = cell

    assert run.consumer.returncode == 1
    assert exception_line(run.consumer.output) == hidden("framework")
    assert run.imported_from.parent.parent.name == f"target {DURABLE}"


@FULL  # make test covers a mixed collision with flit-core (the sample), not these setuptools cells
@pytest.mark.cells(**AS_SHIPPED, first="regular", second="editable")
@pytest.mark.cells(**AS_SHIPPED, first="editable", second="regular")
def test_mixed_installs_hide_the_editable_subpackage(cell):
    """With one regular and one editable install, the regular copy in site-packages wins whichever came first, and the editable distribution's subpackage is hidden."""
    _, run = cell
    editable = "durable" if run.record["first"] == "editable" else "framework"

    assert run.consumer.returncode == 1
    assert exception_line(run.consumer.output) == hidden(editable)
    assert run.imported_from.name == "agents"
    assert run.imported_from.parent.parent.name == "site-packages"
