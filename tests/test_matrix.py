"""The compatibility matrix: every scenario in tests/matrix.json turns out as recorded, today.

A run is one cell of the matrix on one interpreter. Which runs a session
re-observes is its tier (``--tier``; the ``cell`` fixture in tests/conftest.py):
``make test`` runs the cells of ``cells.SAMPLE`` on the interpreter running
the tests; ``make check`` runs every cell on every supported interpreter its
backend's pins support, and one that is not on this machine is a skip that
names it. A run that cannot build or install where the record says it did is
a failure, never a skip.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import static
from backends import BACKENDS
from cells import MERGED, OUTCOMES, SAMPLE, SHORT, VARIANTS, Cell, Install, cells, pythons_of
from conftest import FULL
from harness import (
    CONSUMER_OUTPUT,
    DISTRIBUTIONS,
    DURABLE,
    ROOT,
    Result,
    apply_fix,
    consumer_imports,
    copy_tree,
    exception_line,
    install_args,
    uv_binary,
)
from interpreters import SUPPORTED, version_of
from runner import AGENTS, CellRun
from tables import (
    PDM_FALLBACK,
    SECTIONS,
    by_python,
    legend,
    load,
    merge,
    readme_section,
    recorded_run,
    symbol,
    toolchain_versions,
    why_lines,
)
from timing import Timing, bench_report, command_kind
from toolchain import BACKEND_REQUIREMENTS, WHEELS, closure, pins, pip_relays_backend_warnings

MATRIX = load()
RECORDS = MATRIX["cells"]


# What the doctor's JSON report gives as ``causes`` for each outcome a cell has.
CAUSES = {
    "ok": [],
    "ok-overwritten": ["overwritten"],
    "ok-removed": ["removed"],
    "ImportError": ["hidden-portion"],
}


def replaced_path_files(run: CellRun) -> list[str]:
    """The ``.pth`` files the probe found replaced by another distribution's copy (flit-core's editables share one name)."""
    return [
        entry["file"]
        for entry in run.probe.get("changed", [])
        if entry["state"] == "replaced" and entry["file"].endswith(".pth")
    ]


def failed_at_start_up(run: CellRun) -> bool:
    """Whether Python printed a .pth line's failure at start-up, before the consumer's own output."""
    return "Error processing line" in (run.consumer.output if run.consumer else "")


def owners(portion: dict) -> set[str]:
    """The distributions the doctor says own a portion (its ``owner``: ``NAME`` or ``NAME (editable)``, comma-separated)."""
    return {owner.removesuffix(" (editable)") for owner in (portion["owner"] or "").split(", ") if owner}


def test_matrix_cell_turns_out_as_recorded(cell):
    """Re-run in a fresh venv, the scenario gives the recorded outcome, ``__init__.py`` in effect and note."""
    recorded, run = cell
    assert run.record == recorded


@pytest.mark.cells(built=True, static=True)
def test_matrix_cell_static_tools_see_as_recorded(cell):
    """What mypy, basedpyright, ty, pyrefly, zuban (both modes) and jedi say of each subpackage the consumer imports in the cell's venv (its revealed type, or the tool's own message), and what Python does with it, are what tests/matrix.json records, jedi's answer under each hash seed included."""
    recorded, run = cell
    recorded_static = MATRIX.get("static", {}).get("cells", {}).get(Cell.of(recorded).name)
    assert run.static == recorded_static, "\n".join([json.dumps(run.static, indent=1), *run.static_log])


@pytest.mark.cells(built=True, both=True)
def test_matrix_cell_consumer_prints_both_results_or_the_recorded_exception(cell):
    """The consumer prints both results, or the recorded exception followed by the doctor's verdict: collision, or broken where a .pth line failed at start-up."""
    recorded, run = cell
    if recorded["outcome"] == "ImportError":
        shown = exception_line(run.consumer.output)
        assert (run.consumer.returncode, shown) == (1, recorded["note"])
        # A .pth line that failed at start-up (Python printed it) is "broken"; everything else a collision.
        expected = "broken" if failed_at_start_up(run) else "collision"
        assert (run.verdict() or "").startswith(f"{expected}: ")
    else:
        assert (run.consumer.returncode, run.consumer.output) == (0, CONSUMER_OUTPUT)


@pytest.mark.cells(built=True)
def test_matrix_cell_doctor_exits_0_exactly_when_ok_and_names_the_cause(cell):
    """``python -m sample_project.doctor --json`` exits 0 where the cell's outcome is ok, and otherwise 1 with the outcome's one cause: hidden-portion, overwritten or removed.

    An ImportError has two other causes the doctor must name: an editable install's
    ``.pth`` file replaced by the other's (flit-core names both ``azurefunctions.pth``),
    which takes the first project's folder off ``sys.path``; and ``.pth`` lines that
    failed at start-up (uv does not install the editables package that pdm-backend's
    redirecting editables need).
    """
    _, run = cell
    outcome = run.record["outcome"]
    status = 0 if outcome == "ok" else 1
    assert run.doctor.returncode == status
    diagnosis = run.diagnosis()
    causes = CAUSES[outcome]
    # What the oracles saw decides the cause: Python's own start-up error, the probe's RECORD check.
    if outcome == "ImportError" and failed_at_start_up(run):
        causes = ["failed-pth"]
        assert {entry["module"] for entry in diagnosis["failed_pth"]} == {
            f"_editable_impl_{dist.replace('-', '_')}" for dist in Cell.of(run.record).distributions
        }
        assert all(entry["lacks"] == ["editables"] for entry in diagnosis["failed_pth"])
    elif outcome == "ImportError" and replaced_path_files(run):
        # The first project's .pth is gone, and its folder with it: no portion of it is left to hide.
        causes = ["overwritten"]
    assert (diagnosis["status"], diagnosis["causes"]) == (status, causes)


@pytest.mark.cells(built=True)
def test_matrix_cell_doctor_names_the_folder_python_imports(cell):
    """The doctor's winner of azurefunctions.agents is the folder Python imported it from, a portion the distribution that shipped its ``__init__.py`` (the probe's shared_init) owns; with no shipped ``__init__.py`` in effect, no regular package."""
    _, run = cell
    shipped_by = run.record["shared_init"]
    report = run.report(AGENTS)
    if report is None:
        # By default the doctor reports shared names only. Nothing is shared where no
        # __init__.py is in effect, or where one project's folder has left sys.path
        # (its .pth file replaced, which the doctor names instead).
        explained = replaced_path_files(run) or failed_at_start_up(run)
        assert shipped_by is None or explained, f"the doctor does not report {AGENTS}"
        return
    winner = Path(report["winner"]) if report["winner"] else None
    assert winner == run.imported_from
    if shipped_by is None:
        assert report["resolved"] != "regular"
    else:
        owned = {Path(portion["folder"]): owners(portion) for portion in report["portions"]}
        assert shipped_by in owned.get(winner, set())


# The Generator line each backend writes into a wheel's WHEEL file (observed), for its version.
GENERATORS = {
    "setuptools": "setuptools ({})",
    "hatchling": "hatchling {}",
    "flit-core": "flit {}",
    "pdm-backend": "pdm-backend ({})",
    "poetry-core": "poetry-core {}",
    "uv-build": "uv {}",
}


@pytest.mark.cells(built=True)
def test_matrix_cell_was_built_by_its_backend(cell):
    """Every distribution installed in the scenario was built by the scenario's backend, at the pinned version (the ``Generator`` of its ``WHEEL`` file).

    Except one thing observed: uv builds a uv_build project itself, with the uv_build
    compiled into uv, when the project's ``requires`` admits uv's own version, so
    editable installs run by uv report uv's version, not the pinned uv-build's.
    """
    recorded, run = cell
    versions = toolchain_versions()
    cell_ = Cell.of(recorded)
    expected = {}
    python = run.record["python"][0]
    for step in cell_.steps():
        if isinstance(step, Install):
            backend = cell_.backend
            version = (
                versions["pythons"][python]["setuptools"] if backend == "setuptools" else versions[backend]
            )
            if cell_.backend == "uv-build" and cell_.installer == "uv" and step.mode.startswith("editable"):
                version = versions["uv"]
            expected[step.distribution] = GENERATORS[cell_.backend].format(version)
    if cell_.uninstall:
        del expected[cell_.uninstall]
    assert run.generators == expected


def test_matrix_json_holds_every_run_once():
    """tests/matrix.json has records of every scenario the matrix defines, in its order, in our vocabulary, observed with today's pinned toolchain: on each interpreter the scenario's backend supports exactly once, one record per different observation."""
    assert list(dict.fromkeys(Cell.of(record) for record in RECORDS)) == cells()
    for scenario in cells():
        mine = [record for record in RECORDS if Cell.of(record) == scenario]
        pythons = [python for record in mine for python in record["python"]]
        assert sorted(pythons, key=SUPPORTED.index) == list(pythons_of(scenario.backend)), scenario.name
        observations = [{k: v for k, v in record.items() if k != "python"} for record in mine]
        assert all(observations.count(o) == 1 for o in observations), scenario.name
    assert {record["outcome"] for record in RECORDS} <= set(OUTCOMES)
    assert {record["backend"] for record in RECORDS} == {backend.name for backend in BACKENDS}
    assert MATRIX["observed_with"] == toolchain_versions()


def test_the_sample_covers_every_backend_variant_installer_and_mode():
    """The cells `make test` re-observes (cells.SAMPLE) include every backend, variant, installer, install mode, lifecycle step (an uninstall, the reverse order) and recorded outcome of the matrix at least once."""

    def facets(chosen: list[Cell]) -> set[tuple[str, str]]:
        found = set()
        for cell in chosen:
            record = recorded_run(RECORDS, cell.on(version_of())) or {}
            found |= {("backend", cell.backend), ("variant", cell.variant), ("installer", cell.installer)}
            found |= {("mode", mode) for mode in (cell.first, cell.second) if mode}
            found |= {("uninstall", str(bool(cell.uninstall))), ("reverse", str(cell.reverse))}
            found.add(("outcome", record.get("outcome", "unrecorded")))
        return found

    assert set(SAMPLE) <= set(cells())
    assert facets(list(SAMPLE)) == facets(cells())


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


@pytest.mark.parametrize("section", SECTIONS)
def test_generated_readme_sections_are_up_to_date(section):
    """Each generated README section (the summary table and its versions, the backends' verdicts, the matrix's legend, recipes and grids, the sample, where each claim is tested, the doctor's causes) is exactly what tests/matrix.json, the tests and the doctor render to (run `make docs` if not)."""
    readme, render = SECTIONS[section]
    assert readme_section(section) == render(MATRIX), f"{readme.relative_to(ROOT)} is stale: run make docs"


@pytest.mark.parametrize("variant", [v for v in VARIANTS if v != "as-shipped"])
def test_variant_patch_applies_cleanly_to_the_current_tree(variant):
    """Each solution is a patch in tests/fixes/ that applies to the tree as it is now."""
    check = apply_fix(variant, ROOT, check=True)
    assert (check.returncode, check.stderr) == (0, "")


def test_bench_sorts_each_command_by_installer_verb_and_mode():
    """``make matrix``'s cost report tells pip from uv, editable from --target from wheel installs, a backend's set-up, and the consumer, the probe, the doctor and ``python -c`` apart."""
    py, uv = "/v/bin/python", "/t/bin/uv"
    commands = {
        "pip install --editable": [py, "-m", "pip", "install", "--no-index", "--editable", "/src/d"],
        "pip install --target": [py, "-m", "pip", "install", "--target", "/t d", "/w/d.whl"],
        "pip install WHEEL": [py, "-m", "pip", "install", "--no-index", "/w/d.whl"],
        "pip uninstall": [py, "-m", "pip", "uninstall", "--yes", "d"],
        "uv install --editable": [
            uv,
            "pip",
            "install",
            "--python",
            py,
            "--no-build-isolation",
            "--editable",
            "/d",
        ],
        "backend set-up": [
            uv,
            "pip",
            "install",
            "--python",
            py,
            "--offline",
            "--no-index",
            "hatchling==1.33.0",
        ],
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

    assert report[0] == "2 runs in 4.0 s wall with 2 workers: 2.00 s of wall time per run"
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
        f"no less than {3.5 / cores:.0f} s of wall time, nor their commands less than {4.5 / cores:.0f} s."
    )


def test_legend_has_a_line_only_for_what_the_grids_show():
    """The legend under the grids explains only outcomes that some scenario shows, with what was observed: here one ok and one ImportError, so no ⚠️ or ⛔ line, and no explanation of the removed files."""
    base = {
        "backend": "setuptools",
        "variant": "as-shipped",
        "installer": "pip",
        "uninstall": None,
        "reverse": False,
        "python": ["3.11", "3.12"],
        "files": [],
    }
    records = [
        {
            **base,
            "first": "regular",
            "second": "regular",
            "outcome": "ok",
            "shared_init": None,
            "missing": None,
            "note": "",
        },
        {
            **base,
            "first": "editable",
            "second": "editable",
            "outcome": "ImportError",
            "shared_init": "azure-functions-agent-durable",
            "missing": "azurefunctions.agents.framework",
            "note": "ModuleNotFoundError: No module named 'azurefunctions.agents.framework'",
        },
    ]
    lines = legend(records, MATRIX["observed_with"]) + why_lines(records, MATRIX["observed_with"])
    bullets = [line for line in lines if line.startswith("- ")]
    assert [line.split()[1] for line in bullets] == ["✅", "❌", "❌"]
    assert "`ModuleNotFoundError: No module named 'azurefunctions.agents.framework'`" in bullets[1]
    assert bullets[2].startswith("- ❌ as shipped: the first regular `azurefunctions` Python finds wins")
    assert not any("⚠️" in line or "⛔" in line for line in lines)


@pytest.mark.cells(backend="pdm-backend", variant="pep420", first="editable-editables")
def test_pdm_editables_mode_falls_back_to_a_path_entry_for_namespace_packages(cell):
    """pdm-backend's editables mode, asked for a PEP 420 layout, writes a path .pth line instead of the redirector, so the doctor finds both portions through path entries; pip shows the backend's warning where it relays a backend's warnings (pip 26.3, not 26.0.1 on 3.9; uv shows a build's output only when it fails)."""
    recorded, run = cell
    relays = recorded["installer"] == "pip" and pip_relays_backend_warnings(run.record["python"][0])
    assert (PDM_FALLBACK in str(run.log)) == relays
    portions = run.report(AGENTS)["portions"]
    assert len(portions) == 2
    assert all(portion["via"].startswith("path entry ") for portion in portions)


# What the consumer prints after the doctor's verdict, for each cause of an ImportError (text, not JSON;
# its line breaks and indents made single spaces).
FIXES = {
    "overwritten": "help: two editable installs wrote the same .pth file (flit-core names it after the module)",
    "failed-pth": "help: install editables (_editable_impl_azure_functions_agent_",
}
# A hidden portion's fix depends on where its __init__ came from: an editable install records its
# project folder (PEP 610's direct_url.json), so the fix edits the project; the matrix installs
# regular and --target copies from wheels, which record none, so for those the doctor can only
# offer the labelled stopgap of deleting the installed copies.
PEP420_IN_PROJECT = "PEP 420 namespace packages: delete their __init__ in each project that ships one"
STOPGAP = "help (stopgap): no project folder is recorded for"


def hidden_portion_fixes(record: dict) -> list[str]:
    """The help the consumer prints for a hidden portion, from the cell's install modes."""
    modes = [mode for mode in (record["first"], record["second"]) if mode is not None]
    expected = []
    if any(mode.startswith("editable") for mode in modes):
        expected.append(PEP420_IN_PROJECT)
    if any(mode in ("regular", "target") for mode in modes):
        expected.append(STOPGAP)
    return expected


@pytest.mark.cells(outcome="ImportError")
def test_matrix_cell_consumer_prints_the_doctor_s_fix_for_its_cause(cell):
    """After an ImportError the consumer prints the doctor's fix for each cause the doctor found: PEP 420 in the project for a hidden portion an editable install ships, the labelled stopgap for one a wheel installed (no project folder recorded), one editable install for a replaced .pth file, the missing package for a .pth line that failed at start-up."""
    recorded, run = cell
    causes = run.diagnosis()["causes"]
    assert causes
    printed = " ".join(run.consumer.output.split())
    for cause in causes:
        expected = hidden_portion_fixes(recorded) if cause == "hidden-portion" else [FIXES[cause]]
        assert expected
        for text in expected:
            assert text in printed


def test_interpreters_that_disagree_are_named_in_the_grid_and_kept_apart_in_matrix_json():
    """make matrix merges one record per run into one record per observation, keeping what it recorded for an interpreter it did not run; a grid cell then shows one symbol where every interpreter agrees, and names the interpreters where they do not."""
    cell = SAMPLE[0]
    fields = {name: getattr(cell, name) for name in ("backend", "variant", "installer", "first", "second")}
    fields.update(uninstall=None, reverse=False)
    ok = {"outcome": "ok", "shared_init": None, "missing": None, "files": [], "note": ""}
    hidden = {
        **ok,
        "outcome": "ImportError",
        "missing": "azurefunctions.agents.framework",
        "note": "ModuleNotFoundError: No module named 'azurefunctions.agents.framework'",
    }
    observed = [
        {**fields, "python": [python], **(hidden if python == "3.12" else ok)} for python in SUPPORTED[1:]
    ]
    recorded = [{**fields, "python": list(SUPPORTED), **ok}]

    merged = [r for r in merge(observed, recorded, SUPPORTED[1:]) if Cell.of(r) == cell]

    assert [(r["python"], r["outcome"]) for r in merged] == [
        (["3.9", "3.10", "3.11", "3.13"], "ok"),
        (["3.12"], "ImportError"),
    ]

    def one(records: list[dict]) -> str:
        return symbol(records[0])

    assert (
        by_python(merged, one)
        == "3.9\N{EN DASH}3.11, 3.13: ✅<br>3.12: ❌ no `azurefunctions.agents.framework`"
    )
    assert by_python(merged[:1], one) == "✅"


# The static tools that check types (jedi, an editor's engine, asks the venv's own import system).
CHECKERS = tuple(tool for tool in static.TOOLS if tool != "jedi")


@pytest.mark.cells(built=True, static=True)
def test_matrix_cell_doctor_says_what_editors_see(cell):
    """Where the doctor notes that only an import hook leads to a distribution, no type checker resolves that distribution's subpackage, and where Python imports a subpackage no type checker resolves, the doctor notes the hook that serves it; it notes that checkers merge a regular package's folders exactly where one of them says all is well for a subpackage Python cannot import."""
    _, run = cell
    findings = run.diagnosis()["findings"]
    tools, python = run.static["tools"], run.static["python"]
    hooked = {f["subject"] for f in findings if f["cause"] == "import-hook"}

    def serves(dist: str, subpackage: str) -> bool:
        return dist == MERGED or SHORT.get(dist) == subpackage

    for subpackage, answer in python.items():
        seen = {checker: tools[checker][subpackage]["outcome"] for checker in CHECKERS}
        if any(serves(dist, subpackage) for dist in hooked):
            assert "resolved" not in seen.values(), (subpackage, seen)
        elif answer == "imports":  # the converse: no note, so some checker resolves what Python imports
            assert "resolved" in seen.values(), (subpackage, seen, findings)
    falsely_clear = [
        (checker, subpackage)
        for checker in CHECKERS
        for subpackage, answer in python.items()
        if tools[checker][subpackage]["outcome"] == "resolved" and answer not in ("imports", "uninstalled")
    ]
    merged = any(f["cause"] == "merged-by-checkers" for f in findings)
    assert merged == bool(falsely_clear), (falsely_clear, findings)


@FULL  # a venv and a failing build per backend: make check only
@pytest.mark.parametrize("backend", [b for b in BACKENDS if b.without_isolation[0]], ids=lambda b: b.name)
def test_an_editable_build_without_isolation_needs_what_its_recipe_says(make_scenario, backend):
    """Without pip's build isolation, hatchling's editable build needs ``editables`` installed, and uv-build's backend its binary on PATH (an active venv): where that is missing, ``pip install --no-build-isolation -e`` stops with the error its recipe quotes."""
    s = make_scenario()
    python = s.venv.version
    pinned = pins(BACKEND_REQUIREMENTS, python)
    alone = [f"{name}=={pinned[name]}" for name in closure([backend.name], python)]  # no build_requires
    install = [uv_binary(), "pip", "install", "--python", s.venv.python, "--offline", "--no-index"]
    assert s.venv.execute([*install, "--find-links", WHEELS, *alone]).returncode == 0, s.log
    backend.configure(s.src, "as-shipped", DISTRIBUTIONS, None)
    # hatchling: the venv lacks editables; uv-build: the venv's bin/ is not on PATH.
    path = {"PATH": os.defpath} if backend.name == "uv-build" else {}
    pip = [
        s.venv.python,
        "-m",
        "pip",
        "install",
        "--no-index",
        "--no-build-isolation",
        "-e",
        s.project(DURABLE),
    ]
    built = s.venv.execute(pip, extra_env=path)

    _, error = backend.without_isolation
    assert built.returncode != 0
    assert error in built.output, built.output


@FULL  # two editable installs in two venvs: make check only
@pytest.mark.parametrize("installer", ["pip", "uv"])
def test_the_editable_mode_setting_may_come_before_or_after_the_project(make_scenario, installer):
    """``--config-settings editable_mode=strict`` before ``-e DIR`` installs what it does after it (the matrix's order): the same .pth line, to a link tree, with pip and with uv."""
    installed = []
    for order in ("after", "before"):
        s = make_scenario()
        args = install_args("editable-strict", s.project(DURABLE))
        if order == "before":
            args = [*args[2:], *args[:2]]  # --config-settings editable_mode=strict --editable DIR
        assert s.venv.execute([*s.installer_command(installer), *args], cwd=s.src).returncode == 0, s.log
        pth = [p for p in s.venv.site_packages.glob("*.pth") if "azure_functions_agent_durable" in p.name]
        installed.append([p.read_text().replace(str(s.workspace), "{scenario}") for p in pth])
    assert installed[0] == installed[1]
    assert len(installed[0]) == 1
    assert "__editable__." in installed[0][0]
