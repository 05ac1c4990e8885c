"""Fixtures: a factory of scenarios (scratch copy + fresh venv), logs on failure."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack

import pytest
from harness import Log, Scenario, scenario
from hypothesis import HealthCheck, settings

# The doctor's differential test: a fixed, quick sample in `make test`; `make fuzz`
# (HYPOTHESIS_PROFILE=deep) tries 10,000 random layouts per interpreter. No example
# database: nothing is written into the checkout, and every counterexample found
# becomes an explicit @example instead.
settings.register_profile(
    "default",
    max_examples=40,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "deep", parent=settings.get_profile("default"), max_examples=10_000, derandomize=False
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or "default")

MakeScenario = Callable[..., Scenario]


def _logs(item: pytest.Item) -> list[Log]:
    return item.stash.setdefault(_LOGS, [])


_LOGS = pytest.StashKey[list]()


@pytest.fixture
def make_scenario(request: pytest.FixtureRequest) -> Iterator[MakeScenario]:
    """``make_scenario(variant="as-shipped", env=None)``: a fresh scenario.

    Each is removed when the test ends; if the test fails, its report carries
    the command log of every scenario it made.
    """
    with ExitStack() as stack:

        def make(variant: str = "as-shipped", env: Mapping[str, str] | None = None) -> Scenario:
            made = stack.enter_context(scenario(variant, env))
            _logs(request.node).append(made.log)
            return made

        yield make


def attach_log(request: pytest.FixtureRequest, log: Log) -> None:
    """Have a shared (module-scoped) scenario's log shown if this test fails."""
    _logs(request.node).append(log)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    report = yield
    if report.failed:
        for number, log in enumerate(_logs(item), 1):
            report.sections.append((f"scenario {number}: command log", str(log)))
    return report


def _weight(item: pytest.Item) -> float:
    """How long an item's xdist group keeps a worker busy, roughly: the README walkthrough, then matrix groups of pip, then of uv."""
    marker = item.get_closest_marker("xdist_group")
    group = marker.args[0] if marker else ""
    if group == "readme":
        return 1000.0
    if group.endswith("-pip"):
        return 100.0 + (50 if group.startswith("setuptools-") else 0)
    if group.endswith("-uv"):
        return 10.0 + (5 if group.startswith("setuptools-") else 0)
    return 0.0


@pytest.hookimpl(trylast=True)  # after pytest's own reordering by fixture parameters
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Longest work first (--dist loadgroup hands out groups in this order), so no worker ends the run alone on a long group."""
    items.sort(key=_weight, reverse=True)  # stable: same-weight items keep their order
