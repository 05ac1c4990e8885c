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


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--tier",
        choices=("inner", "full"),
        default="inner",
        help="inner (make test): a fixed sample of the matrix, on this interpreter;"
        " full (make check): every matrix cell on every supported interpreter found",
    )


def _logs(item: pytest.Item) -> list[Log]:
    return item.stash.setdefault(_LOGS, [])


_LOGS = pytest.StashKey[list]()


@pytest.fixture
def make_scenario(request: pytest.FixtureRequest) -> Iterator[MakeScenario]:
    """``make_scenario(variant="as-shipped", env=None, python=None)``: a fresh scenario (a venv of CPython ``python``, default: this one).

    Each is removed when the test ends; if the test fails, its report carries
    the command log of every scenario it made.
    """
    with ExitStack() as stack:

        def make(
            variant: str = "as-shipped", env: Mapping[str, str] | None = None, python: str | None = None
        ) -> Scenario:
            made = stack.enter_context(scenario(variant, env, python))
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
