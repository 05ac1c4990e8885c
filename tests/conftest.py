"""Fixtures: a factory of scenarios (scratch copy + fresh venv), the matrix's runs shared by every test that asks, logs on failure."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path

import pytest
from cells import CELL_FIELDS, SAMPLE, STATIC_SAMPLE, Cell, runs
from doctor_pyz import build
from harness import Log, Scenario, scenario
from hypothesis import HealthCheck, settings
from interpreters import SUPPORTED, find_interpreter, missing_reason, version_of
from runner import CellRun, Workshop, group_of, run_cell, static_cost
from tables import load, recorded_run

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
FULL = (
    pytest.mark.full
)  # a test only the full tier (make check) runs: the inner loop covers its claim another way


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


def tier_pythons(config: pytest.Config) -> list[str]:
    """The interpreters a tier tries what is tried per interpreter: make test the one running it, make check every supported one."""
    return list(SUPPORTED) if config.getoption("tier") == "full" else [version_of()]


# Every test function pytest collected, before any was deselected (-k, the tier): (module file, name).
COLLECTED = pytest.StashKey[set]()


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The inner loop (``--tier inner``, make test) leaves out the tests marked ``full``; what was collected is kept."""
    config.stash[COLLECTED] = {
        (item.path.name, getattr(item, "originalname", item.name)) for item in items if item.path is not None
    }
    if config.getoption("tier") != "full":
        full = [item for item in items if item.get_closest_marker("full")]
        if full:
            config.hook.pytest_deselected(items=full)
            items[:] = [item for item in items if not item.get_closest_marker("full")]
    items.sort(key=_weight, reverse=True)  # stable: the rest keep their order


# The inner loop's longest work, in seconds on 2 cores (make test --durations=0, 7 December 2026): handed
# out first (--dist loadgroup sends work in this order), so no worker ends the run alone on a long one.
_LONGEST = {
    "test_the_doctor_predicts_what_python_imports": 24,
    "readme": 17,  # the README walkthrough's xdist group: its set-up, then its tests
    "test_the_demo_s_help_pasted_in_two_steps_passes_a_stale_install_and_ends_healthy": 8,
    "test_pasting_the_help_lines_of_the_demo_s_collision_ends_healthy": 7,
    "test_a_stale_build_folder_puts_the_deleted_init_back_and_the_doctor_names_it": 6,
    "test_every_pair_of_dimensions_is_generated": 6,
    "test_make_demo_shows_the_collision_then_the_fix": 5,
    "test_what_takes_a_name_ahead_of_an_editable_finder_and_its_help": 4,
}


def _weight(item: pytest.Item) -> float:
    group = item.get_closest_marker("xdist_group")
    if group and group.args[0].startswith("readme"):
        return _LONGEST["readme"]
    return _LONGEST.get(getattr(item, "originalname", item.name), 0)


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


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    """What the static tools cost this session: the "what editors see" columns' share of a tier's time."""
    if hasattr(config, "workerinput"):
        return
    trees, cpu = static_cost(config._tmp_path_factory.getbasetemp())  # type: ignore[attr-defined]
    if trees:
        terminalreporter.write_line(
            f"static tools: asked about {trees} installed trees, {cpu:.1f} s CPU ({cpu / trees:.2f} s each)"
        )


# --- the matrix's runs ---------------------------------------------------------------------------
#
# A run is one cell of the matrix on one interpreter. Which runs a session re-observes is its
# tier: `make test` (inner) the cells of cells.SAMPLE on the interpreter running the tests;
# `make check` (full) every cell on every supported interpreter its backend's pins support (one
# not on this machine is a skip that names it). Every test that takes ``cell`` (test_matrix.py,
# test_collision.py) runs once for each run of the tier that its ``@pytest.mark.cells`` selects,
# and each run is made once per worker, for all of them.

RECORDS = load()["cells"]
FAILED_BUILDS = ("build-error", "install-error")


def tier_runs(tier: str) -> list[Cell]:
    """The runs a tier re-observes, grouped so that the cells sharing steps run one after the other."""
    chosen = [cell.on(version_of()) for cell in SAMPLE] if tier == "inner" else runs()
    groups: dict[str, list[Cell]] = {}
    for cell in chosen:
        groups.setdefault(group_of(cell), []).append(cell)
    return [cell for group in groups.values() for cell in group]


def static_cells(tier: str) -> frozenset[Cell] | None:
    """The cells whose run on the interpreter running the tests asks the static tools: the inner loop's
    fixed sample (cells.STATIC_SAMPLE); in the full tier, every cell (None)."""
    return STATIC_SAMPLE if tier == "inner" else None


def _applies(cell: Cell, wanted: dict, tier: str) -> bool:
    """Whether a test marked ``@pytest.mark.cells(**wanted)`` applies to ``cell``.

    ``built``: the record says its distributions were installed (not a build or install
    error); ``both``: both distributions are still installed (no uninstall); ``static``: its
    run asks the static tools (on the interpreter running the tests: every cell in the full
    tier, the inner loop's STATIC_SAMPLE); a cell's own field (``first``, ``reverse``, ...):
    the cell's; any other key: its record's.
    """
    record = recorded_run(RECORDS, cell) or {}
    for key, value in wanted.items():
        if key == "built":
            actual = record.get("outcome") not in FAILED_BUILDS
        elif key == "both":
            actual = cell.uninstall is None
        elif key == "static":
            statics = static_cells(tier)
            actual = cell.python == version_of() and (statics is None or replace(cell, python="") in statics)
        elif key in CELL_FIELDS:
            actual = getattr(cell, key)
        else:
            actual = record.get(key)
        if actual != value:
            return False
    return True


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Each test that takes ``cell`` runs once for every run of the session's tier that one of its ``cells`` marks selects (no mark: every run); one that takes ``tier_python``, once for each of the tier's interpreters."""
    if "tier_python" in metafunc.fixturenames:
        pythons = tier_pythons(metafunc.config)
        metafunc.parametrize("tier_python", pythons, ids=[f"py{p}" for p in pythons], scope="module")
    if "cell_run" not in metafunc.fixturenames:
        return
    wanted = [marker.kwargs for marker in metafunc.definition.iter_markers("cells")] or [{}]
    chosen = [
        cell
        for cell in tier_runs(metafunc.config.getoption("tier"))
        if any(_applies(cell, w, metafunc.config.getoption("tier")) for w in wanted)
    ]
    metafunc.parametrize(
        "cell_run",
        [pytest.param(cell, id=cell.id, marks=pytest.mark.xdist_group(group_of(cell))) for cell in chosen],
        indirect=True,
    )


@pytest.fixture(scope="session")
def workshop(tmp_path_factory: pytest.TempPathFactory, worker_id: str, pytestconfig) -> Workshop:
    """What the runs share: wheels built once per session (by the first xdist worker to ask), the static
    tools' answers per installed tree, and each worker's venvs after shared steps."""
    tier = pytestconfig.getoption("tier")
    plan = tier_runs(tier)
    if worker_id == "master":
        folder = tmp_path_factory.mktemp("workshop").resolve()
    else:
        folder = tmp_path_factory.getbasetemp().parent.resolve() / "workshop"
    return Workshop(folder, plan, static=static_cells(tier), static_python=version_of())


@pytest.fixture(scope="session")
def doctor_pyz(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The single file ``make doctor`` builds, as people copy it: built once per worker."""
    return build(tmp_path_factory.mktemp("doctor") / "doctor.pyz")


_RUNS: dict[str, CellRun] = {}  # this worker's runs, each made once for all the tests that ask for it


@pytest.fixture
def cell_run(request: pytest.FixtureRequest, workshop: Workshop) -> tuple[dict, CellRun]:
    """One run, made once for all its tests: its record in matrix.json, and what it gave.

    Its group (backend, variant, installer, interpreter) is one xdist group, so the steps its cells share run once, on one worker.
    """
    cell: Cell = request.param
    if find_interpreter(cell.python) is None:
        pytest.skip(missing_reason(cell.python))
    recorded = recorded_run(RECORDS, cell)
    if recorded is None:
        pytest.fail(f"tests/matrix.json has no record of {cell.id}: run `make matrix`")
    if cell.id not in _RUNS:
        _RUNS[cell.id] = run_cell(cell, workshop)
    return recorded, _RUNS[cell.id]


@pytest.fixture
def cell(cell_run: tuple[dict, CellRun], request: pytest.FixtureRequest) -> tuple[dict, CellRun]:
    """``cell_run``, with its command log shown if the test fails; a run the record says built must have built."""
    attach_log(request, cell_run[1].log)
    recorded, run = cell_run
    if run.record["outcome"] in FAILED_BUILDS and recorded["outcome"] not in FAILED_BUILDS:
        pytest.fail(f"the scenario could not {run.record['outcome'].split('-')[0]}: {run.record['note']}")
    return cell_run
