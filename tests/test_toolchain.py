"""The pinned toolchain is the one the scenarios run with."""

from __future__ import annotations

import os

import pytest
from harness import bundled_wheel, pins

PINS = pins()


def test_test_venvs_are_seeded_with_the_pinned_setuptools(make_scenario):
    """Every test venv builds with the setuptools that tests/requirements.txt pins (virtualenv's bundled wheel)."""
    s = make_scenario()
    seeded = s.python("import setuptools; print(setuptools.__version__)")
    assert seeded.output == f"{PINS['setuptools']}\n"
    assert bundled_wheel("setuptools").name == f"setuptools-{PINS['setuptools']}-py3-none-any.whl"


@pytest.mark.xdist_group("toolchain")
def test_xdist_keeps_a_group_on_one_worker(request):
    """Tests sharing one costly scenario (xdist_group) are sent to one worker, so it is built once."""
    if "PYTEST_XDIST_WORKER" not in os.environ:
        pytest.skip("only meaningful under pytest-xdist, as `make test` runs it")
    assert request.node.nodeid.endswith("@toolchain")
