"""The pinned toolchain is the one the scenarios run with, on every interpreter."""

from __future__ import annotations

import os
import re
import zipfile
from importlib import metadata
from pathlib import Path

import pytest
from interpreters import SUPPORTED, TOOL, find_interpreter, missing_reason, version_of
from packaging.specifiers import SpecifierSet
from toolchain import bundled_wheel, pins, seeded

PINS = pins()


def test_test_venvs_are_seeded_with_pip_and_setuptools_on_every_interpreter(make_scenario, tier_python):
    """Every test venv, on every interpreter (3.12 and later too, where virtualenv seeds no setuptools unless asked), has the pip and setuptools virtualenv bundles for it: the pinned setuptools where it supports the interpreter."""
    python = tier_python
    if find_interpreter(python) is None:
        pytest.skip(missing_reason(python))
    s = make_scenario(python=python)
    seed = s.python(
        "import sys; from importlib.metadata import version;"
        " print(version('pip'), version('setuptools'), *sys.version_info[:2])"
    )
    assert seed.output.split() == [*seeded(python).values(), *python.split(".")]
    if seeded(python)["setuptools"] != PINS["setuptools"]:
        # Only where the pinned setuptools (and the pip bundled beside it) do not support the interpreter.
        for name in ("pip", "setuptools"):
            newest = bundled_wheel(name, version_of())
            with zipfile.ZipFile(newest) as wheel:
                metadata_ = next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
                needs = re.search(r"^Requires-Python: (.+)$", wheel.read(metadata_).decode(), re.MULTILINE)
            assert not SpecifierSet(needs.group(1)).contains(f"{python}.0"), (
                f"{newest.name} supports {python}"
            )


def test_every_pinned_tool_installs_on_every_tool_python():
    """Each distribution the tool venv holds (the pinned toolchain and what it pulled in) declares support for every interpreter of interpreters.TOOL, and the oldest supported interpreter is not among them for a reason: a pin that needs a newer one."""
    needs = {
        dist.metadata["Name"]: dist.metadata.get("Requires-Python") or ""
        for dist in metadata.distributions()
        if dist.metadata["Name"].lower().replace("_", "-") in PINS
    }
    assert set(map(str.lower, needs)) >= {"pytest", "hypothesis", "virtualenv"}
    refused = {
        (name, python)
        for name, spec in needs.items()
        for python in TOOL
        if spec and not SpecifierSet(spec).contains(f"{python}.0")
    }
    assert refused == set()
    below = SUPPORTED[SUPPORTED.index(TOOL[0]) - 1]
    assert any(spec and not SpecifierSet(spec).contains(f"{below}.0") for spec in needs.values()), (
        f"every pin supports {below}: add it to interpreters.TOOL"
    )
    assert version_of() in TOOL


GROUP_CHECK = "xdist group check"


@pytest.fixture
def group_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A file every worker of this session can see: the session's base temporary folder's parent."""
    if "PYTEST_XDIST_WORKER" not in os.environ:
        pytest.skip("only meaningful under pytest-xdist, as `make test` runs it")
    return tmp_path_factory.getbasetemp().parent / GROUP_CHECK


@pytest.mark.xdist_group("toolchain")
def test_xdist_sends_a_group_to_one_worker_first_test(group_file):
    """The first of two tests in one xdist_group leaves its worker's name for the second (collected after it)."""
    group_file.write_text(os.environ["PYTEST_XDIST_WORKER"])


@pytest.mark.xdist_group("toolchain")
def test_xdist_sends_a_group_to_one_worker_second_test(group_file):
    """Tests sharing one costly scenario (xdist_group) run on one worker, in order, so it is built once: the first test of the group ran before this one, on this worker (pytest-xdist issue 1386 broke that silently)."""
    assert group_file.read_text() == os.environ["PYTEST_XDIST_WORKER"]
