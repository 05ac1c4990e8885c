"""The compatibility matrix: every scenario in tests/matrix.json turns out as recorded, today."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import attach_log
from harness import CONSUMER_OUTPUT, ROOT, Result, apply_fix, consumer_imports, copy_tree, exception_line
from matrix import (
    AGENTS,
    OUTCOMES,
    VARIANTS,
    Cell,
    CellRun,
    Timing,
    Wheelhouse,
    bench_report,
    cells,
    command_kind,
    load,
    readme_section,
    render,
    run_cell,
)

RECORDS = load()


def cell_of(record: dict) -> Cell:
    return Cell(record["variant"], record["installer"], record["first"], record["second"], record["then"])


@pytest.fixture(scope="session")
def wheels(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Wheelhouse:
    """Every variant's wheels, built once per run on first use and shared by the xdist workers."""
    if worker_id == "master":
        return Wheelhouse(tmp_path_factory.mktemp("wheels"))
    return Wheelhouse(tmp_path_factory.getbasetemp().parent / "wheels")


def _cell_param(record: dict):
    cell = cell_of(record)
    return pytest.param(record, id=cell.id, marks=pytest.mark.xdist_group(cell.id))


@pytest.fixture(scope="session", params=[_cell_param(record) for record in RECORDS])
def cell_run(request: pytest.FixtureRequest, wheels: Wheelhouse) -> tuple[dict, CellRun]:
    """One scenario, run once in a fresh venv for all its tests (an xdist group: one worker): its record in matrix.json, and what it gave."""
    return request.param, run_cell(cell_of(request.param), wheels)


@pytest.fixture
def cell(cell_run: tuple[dict, CellRun], request: pytest.FixtureRequest) -> tuple[dict, CellRun]:
    """``cell_run``, with its command log shown if the test fails."""
    attach_log(request, cell_run[1].log)
    return cell_run


# What the doctor's JSON report gives as ``causes`` for each outcome a cell has.
CAUSES = {
    "ok": [],
    "ok-overwritten": ["overwritten"],
    "ok-removed": ["removed"],
    "ImportError": ["hidden-portion"],
}


def owners(portion: dict) -> set[str]:
    """The distributions the doctor says own a portion (its ``owner``: ``NAME`` or ``NAME (editable)``, comma-separated)."""
    return {owner.removesuffix(" (editable)") for owner in (portion["owner"] or "").split(", ") if owner}


def test_matrix_cell_turns_out_as_recorded(cell):
    """Re-run in a fresh venv, the scenario gives the recorded outcome, ``__init__.py`` in effect and note."""
    recorded, run = cell
    assert run.record == recorded


def test_matrix_cell_consumer_prints_both_results_or_the_recorded_exception(cell):
    """The consumer prints both results, or the recorded exception followed by the doctor's collision verdict."""
    recorded, run = cell
    if cell_of(recorded).uninstalled:
        pytest.skip("the consumer needs both distributions")
    if recorded["outcome"] == "ImportError":
        shown = exception_line(run.consumer.output)
        assert (run.consumer.returncode, shown) == (1, recorded["note"])
        assert (run.verdict() or "").startswith("VERDICT: collision")
    else:
        assert (run.consumer.returncode, run.consumer.output) == (0, CONSUMER_OUTPUT)


def test_matrix_cell_doctor_exits_0_exactly_when_ok_and_names_the_cause(cell):
    """``python -m sample_project.doctor --json`` exits 0 where the cell's outcome is ok, and otherwise 1 with the outcome's one cause: hidden-portion, overwritten or removed."""
    _, run = cell
    outcome = run.record["outcome"]
    status = 0 if outcome == "ok" else 1
    assert run.doctor.returncode == status
    diagnosis = run.diagnosis()
    assert (diagnosis["status"], diagnosis["causes"]) == (status, CAUSES[outcome])


def test_matrix_cell_doctor_names_the_folder_python_imports(cell):
    """The doctor's winner of azurefunctions.agents is the folder Python imported it from, a portion the distribution that shipped its ``__init__.py`` (the probe's shared_init) owns; with no shipped ``__init__.py`` in effect, no regular package."""
    _, run = cell
    shipped_by = run.record["shared_init"]
    assert run.imported.shipped_by == shipped_by  # Python imported the package the probe saw
    report = run.report(AGENTS)
    if shipped_by is None and report is None:
        return  # by default the doctor reports shared names only, and nothing is shared here
    assert report is not None, f"the doctor does not report {AGENTS}"
    winner = Path(report["winner"]) if report["winner"] else None
    assert winner == run.imported.folder
    if shipped_by is None:
        assert report["resolved"] != "regular"
    else:
        owned = {Path(portion["folder"]): owners(portion) for portion in report["portions"]}
        assert shipped_by in owned.get(winner, set())


def test_matrix_json_holds_every_scenario_once():
    """tests/matrix.json has exactly one record per scenario the matrix defines, in its order, in our vocabulary."""
    assert [cell_of(record) for record in RECORDS] == cells()
    assert {record["outcome"] for record in RECORDS} <= set(OUTCOMES)
    assert len(RECORDS) > 100


@pytest.mark.parametrize(
    ("variant", "expected"),
    [
        (
            "as-shipped",
            [
                ("azurefunctions.agents.durable", "start_durable_task"),
                ("azurefunctions.agents.framework", "start_agent"),
            ],
        ),
        (
            "separate-namespaces",
            [
                ("azurefunctions_durable.agents.durable", "start_durable_task"),
                ("azurefunctions_framework.agents.framework", "start_agent"),
            ],
        ),
    ],
)
def test_the_probe_tries_exactly_the_consumers_imports(variant, expected, tmp_path):
    """The matrix probes the imports sample_project/main.py makes, as each variant patches them, and nothing else."""
    assert consumer_imports(copy_tree(tmp_path / "tree", variant)) == expected


def test_readme_matrix_is_rendered_from_matrix_json():
    """The README's matrix section is exactly what tests/matrix.json renders to (run `make matrix` if not)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme_section(readme) == render(RECORDS)


@pytest.mark.parametrize("variant", [v for v in VARIANTS if v != "as-shipped"])
def test_variant_patch_applies_cleanly_to_the_current_tree(variant):
    """Each solution is a patch in tests/fixes/ that applies to the tree as it is now."""
    check = apply_fix(variant, ROOT, check=True)
    assert (check.returncode, check.stderr) == (0, "")


def test_bench_sorts_each_command_by_installer_verb_and_mode():
    """``make bench`` tells pip from uv, editable from --target from wheel installs, and the consumer, the probe, the doctor and ``python -c`` apart."""
    py, uv = "/v/bin/python", "/t/bin/uv"
    commands = {
        "pip install --editable": [py, "-m", "pip", "install", "--no-index", "--editable", "/src/d"],
        "pip install --target": [py, "-m", "pip", "install", "--target", "/t d", "/w/d.whl"],
        "pip install WHEEL": [py, "-m", "pip", "install", "--no-index", "/w/d.whl"],
        "pip uninstall": [py, "-m", "pip", "uninstall", "--yes", "d"],
        "uv install --editable": [uv, "pip", "install", "--python", py, "--editable", "/src/d"],
        "uv uninstall": [uv, "pip", "uninstall", "--python", py, "d"],
        "probe": [py, "/ws/probe.py", "[]"],
        "doctor": [py, "-m", "sample_project.doctor", "--json"],
        "python -c": [py, "-c", "import sys", "[]"],
        "consumer": [py, "sample_project/main.py"],
    }
    assert {kind: command_kind(Result(cmd, ROOT, 0, "")) for kind, cmd in commands.items()} == {
        kind: kind for kind in commands
    }


def test_bench_report_gives_the_floor_the_commands_set():
    """The report divides the CPU time the installers took by the cores: no run can be faster than that."""
    records = [{"installer": "pip"}, {"installer": "uv"}]
    timings = [
        Timing(3.0, {"pip install --editable": [2.0, 1.0], "probe": [0.5]}),
        Timing(1.0, {"uv install WHEEL": [0.25, 0.25], "probe": [0.5]}),
    ]
    report = bench_report(records, timings, wall=4.0, jobs=2).splitlines()

    assert report[0] == "2 scenarios in 4.0 s wall with 2 workers: 2.00 s of wall time per scenario"
    assert report[1:3] == [
        "  pip cells: 1, 3.00 s of wall time each",
        "  uv cells: 1, 1.00 s of wall time each",
    ]
    assert report[4].split() == ["pip", "install", "--editable", "2", "runs", "3.0", "s", "1.50", "s", "each"]
    assert report[-2].split() == ["every", "command", "6", "runs", "4.5", "s"]
    cores = os.cpu_count() or 1
    assert report[-1].startswith(
        f"The pip and uv commands alone take 4 s of CPU: on this machine's {cores} cores"
    )
    assert report[-1].endswith(
        f"less than {3.5 / cores:.0f} s of wall time, nor their commands less than {4.5 / cores:.0f} s."
    )
