"""The pinned toolchain is the one the scenarios run with, on every interpreter."""

from __future__ import annotations

import os
from importlib import metadata

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
    if python != SUPPORTED[0]:  # the newest setuptools needs 3.10: 3.9 gets the newest that supports it
        assert seeded(python)["setuptools"] == PINS["setuptools"]
    assert (
        bundled_wheel("setuptools", python).name
        == f"setuptools-{seeded(python)['setuptools']}-py3-none-any.whl"
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


@pytest.mark.xdist_group("toolchain")
def test_xdist_keeps_a_group_on_one_worker(request):
    """Tests sharing one costly scenario (xdist_group) are sent to one worker, so it is built once."""
    if "PYTEST_XDIST_WORKER" not in os.environ:
        pytest.skip("only meaningful under pytest-xdist, as `make test` runs it")
    assert request.node.nodeid.endswith("@toolchain")
