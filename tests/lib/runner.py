"""Running the matrix's cells: each variant's wheels built once, identical steps run once.

A cell's installs and uninstalls (``Cell.steps()``) run in a venv; cells that
begin with the same steps share them, as pip's own functional tests share a
template venv: the venv after the shared steps is kept and copied (links
stay links) for each cell that goes on from it. What each cell claims still
runs: a pip cell's installs are pip's, and its log carries every command that
built its venv, including the shared ones. The consumer, the probe and the
doctor then run in the cell's own venv.

What a run shares lives in one folder (``Workshop``): the wheels, built once by
whichever process asks first (under a file lock), and in each process the
source trees and the venvs it keeps for the steps its cells share.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import static
from backends import BY_NAME, Backend, failure
from cells import CELL_FIELDS, Cell, Install, Uninstall, distributions, runs
from filelock import FileLock
from harness import (
    DIAGNOSIS,
    DURABLE,
    Log,
    Result,
    Scenario,
    ScenarioVenv,
    children_cpu,
    consumer_imports,
    copy_tree,
    memory_folder,
    new_folder,
    scratch_env,
)
from interpreters import version_of
from timing import Timing, command_kind
from toolchain import WHEELS

# A PEP 517 frontend's one call, without isolation: the backend (argv[1]) builds a wheel into argv[2].
BUILD_WHEEL = "import importlib, sys; print(importlib.import_module(sys.argv[1]).build_wheel(sys.argv[2]))"
# The package both distributions ship; the doctor's winner of it is checked against Python's.
AGENTS = "azurefunctions.agents"


@dataclass
class CellRun:
    """What one scenario gave: its matrix.json record, what the consumer, the probe and the doctor printed, the command log.

    ``consumer`` is ``python sample_project/main.py``, not run after an uninstall
    (it needs both distributions). ``doctor`` is ``python -m
    sample_project.doctor --json``, run in every cell: by default it reports
    every shared name; where one distribution shares nothing, it is asked
    about the packages the consumer imports from. ``probe`` is what
    tests/lib/probe.py reported. ``src`` is the scratch tree the cell
    installed from. The consumer, the doctor and the probe are None (empty)
    after an install or build error. ``static``: what the type checkers and
    jedi see there, for the runs whose workshop asks (static_for), else None.
    """

    record: dict
    consumer: Result | None
    doctor: Result | None
    log: Log
    src: Path | None = None
    probe: dict = field(default_factory=dict)
    # Where the run asked the static tools: ``python`` (subpackage -> what Python did) and ``tools``
    # (tool -> subpackage -> answer, static.observe).
    static: dict | None = None
    static_log: list[str] = field(default_factory=list)  # the tools' commands and answers, for a failure

    @property
    def imported_from(self) -> Path | None:
        """The folder Python imported azurefunctions.agents from (None for a namespace package, or if never imported)."""
        folder = self.probe.get("folder")
        return Path(folder) if folder else None

    @property
    def generators(self) -> dict[str, str | None]:
        """Each installed distribution's WHEEL ``Generator``: the backend that built it."""
        return self.probe.get("generators", {})

    def verdict(self) -> str | None:
        """The first line of the doctor's diagnosis (its verdict), as the failing consumer printed it."""
        output = self.consumer.output if self.consumer else ""
        _, header, report = output.partition(f"\n{DIAGNOSIS}\n")
        return report.splitlines()[0] if header and report else None

    def diagnosis(self) -> dict:
        """The doctor's JSON report: ``status``, ``causes``, ``reports``, ...

        After what Python printed at start-up, if anything (a failing .pth line's error).
        """
        output = self.doctor.output
        return json.loads(output[output.index("{\n") :] if not output.startswith("{") else output)

    def report(self, name: str) -> dict | None:
        """The doctor's report on package ``name``, if it reports that name."""
        return next((report for report in self.diagnosis()["reports"] if report["name"] == name), None)


def record_of(
    cell: Cell,
    outcome: str,
    note: str = "",
    shared_init: str | None = None,
    missing: str | None = None,
    files: list[str] | None = None,
) -> dict:
    """A matrix.json record: the cell's fields, the interpreter it ran on, then what was observed.

    ``missing``: the module an ImportError names; ``files``: the files replaced or
    removed; ``note``: what happened in words (the exception, the backend's error).
    """
    fields = asdict(cell)
    return {
        **{name: fields[name] for name in CELL_FIELDS},
        "python": [cell.python],
        "outcome": outcome,
        "shared_init": shared_init,
        "missing": missing,
        "files": files or [],
        "note": note,
    }


def classify(cell: Cell, report: dict) -> dict:
    """The matrix.json record for what the probe saw."""
    failed = [entry for entry in report["imports"] if "error" in entry]
    changed = {
        state: [c for c in report["changed"] if c["state"] == state] for state in ("missing", "replaced")
    }
    shared_init = report["shared_init"]
    if failed:
        return record_of(cell, "ImportError", failed[0]["error"], shared_init, failed[0]["missing"])
    for state, outcome, what in (
        ("missing", "ok-removed", "removed"),
        ("replaced", "ok-overwritten", "replaced by another distribution's"),
    ):
        if changed[state]:
            files = sorted({entry["file"] for entry in changed[state]})
            return record_of(cell, outcome, _files_note(changed[state], what), shared_init, files=files)
    return record_of(cell, "ok", "", shared_init)


def python_answers(report: dict, imports: list[tuple[str, str]]) -> dict[str, str]:
    """What Python did with each subpackage the consumer imports: ``imports``, the exception it raised,
    or ``uninstalled`` (the probe does not try the distribution a cell uninstalled)."""
    tried = {entry["target"]: entry.get("error", "imports") for entry in report["imports"]}
    return {
        module.rpartition(".")[2]: tried.get(f"{module}.{name}", "uninstalled") for module, name in imports
    }


def _files_note(entries: list[dict], what: str) -> str:
    owners = sorted({entry["distribution"] for entry in entries})
    files = ", ".join(sorted({entry["file"] for entry in entries}))
    return f"{' and '.join(owners)}: {files} {what}"


@dataclass
class State:
    """A venv after some steps: its scenario, and the command that failed on the way, if one did."""

    scenario: Scenario
    failed: tuple[str, str] | None = None  # (outcome, note) of a failed step: build-error or install-error


@dataclass
class Workshop:
    """What the cells of one run share. ``plan``: the cells this process may run, to know which steps recur.

    ``static``: the cells (on no interpreter in particular) whose run on ``static_python`` asks the
    static tools too; None: every cell. An empty set: none.
    """

    folder: Path
    plan: list[Cell] = field(default_factory=list)
    static: frozenset[Cell] | None = frozenset()
    static_python: str = ""

    def __post_init__(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self._trees: dict[tuple, Path] = {}
        self._states: dict[tuple, State] = {}
        self._kept = {_key(cell, cell.steps()[:n]) for cell in self.plan for n in range(len(cell.steps()))}
        self._own = new_folder("process ", self.folder)
        self.static_cpu: list[
            float
        ] = []  # the CPU time of each tree this process asked the static tools about

    # --- what every process shares: the wheels --------------------------------------------------

    def wheels(self, backend: Backend, variant: str, python: str) -> dict[str, Path] | Result:
        """The variant's wheels as ``backend`` builds them on ``python``, or the failed build (its PEP 517 ``build_wheel`` hook)."""
        done = self.folder / "wheels" / backend.name / python / variant
        if not done.is_dir():
            done.parent.mkdir(parents=True, exist_ok=True)
            with FileLock(str(done.parent / f"{variant}.lock")):
                if not done.is_dir():
                    building = done.parent / f"{variant}.building"
                    shutil.rmtree(building, ignore_errors=True)
                    self._build_wheels(backend, variant, python, building)
                    building.rename(done)
        failed = done / "failed.json"
        if failed.exists():
            return Result(**{**json.loads(failed.read_text()), "cwd": Path(done)})
        return {dist: next(done.glob(dist.replace("-", "_") + "-*.whl")) for dist in distributions(variant)}

    def _build_wheels(self, backend: Backend, variant: str, python: str, dest: Path) -> None:
        """Build each distribution's wheel with the backend's own PEP 517 ``build_wheel`` hook, as pip would.

        In a scratch tree of its own: setuptools leaves ``build/`` and ``*.egg-info`` behind,
        which must not reach the trees the cells install from.
        """
        s = self._state((backend.name, python)).scenario
        tree = copy_tree(dest.with_suffix(".tree"), variant)
        backend.configure(tree, variant, distributions(variant), None)
        dest.mkdir()
        for dist in distributions(variant):
            built = s.venv.execute(
                [s.venv.python, "-c", BUILD_WHEEL, backend.build_backend, dest], cwd=tree / dist
            )
            if built.returncode:
                failed = {k: v for k, v in asdict(built).items() if k != "cwd"}
                failed["output"] = built.output.replace(f"{tree}{os.sep}", "")  # as in the checkout
                (dest / "failed.json").write_text(json.dumps(failed))
                return

    # --- what every process shares: what the static tools saw, per installed tree ---------------

    def static_for(self, cell: Cell) -> bool:
        """Whether this cell's run asks the static tools."""
        bare = replace(cell, python="")
        return cell.python == self.static_python and (self.static is None or bare in self.static)

    def static_answers(self, s: Scenario, imports: list[tuple[str, str]]) -> dict:
        """What the static tools see in ``s`` (``answers``, and the ``log`` of their commands): asked once per
        distinct installed tree (tree_fingerprint), whichever process meets it first; every cell with the
        same tree gets that answer."""
        key, legacy = tree_fingerprint(s, imports)
        done = self.folder / "static" / f"{key}.json"
        done.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(str(done.with_suffix(".lock"))):
            if not done.exists():
                roots = {str(s.src): "{src}", str(s.workspace): "{scenario}"}
                work = new_folder("static ", s.workspace)
                seeds = static.SEEDS if legacy else ("0",)
                spent = children_cpu()
                cache = self.folder / "mypy cache"  # one for the run's trees
                answers, log = static.observe(
                    Path(s.venv.python), work, imports, s.targets, roots, seeds, mypy_cache=cache
                )
                cpu = children_cpu() - spent
                self.static_cpu.append(cpu)
                done.write_text(json.dumps({"answers": answers, "log": log, "cpu": cpu}), encoding="utf-8")
        return json.loads(done.read_text(encoding="utf-8"))

    # --- what this process keeps: source trees and venvs ----------------------------------------

    def tree(self, backend: Backend, variant: str, flavour: str | None) -> Path:
        """A scratch copy of the tree: the variant's fix, and pyproject.toml files for ``backend`` (and ``flavour``)."""
        key = (backend.name, variant, flavour)
        if key not in self._trees:
            tree = copy_tree(self._own / "trees" / "-".join(filter(None, key)), variant)
            backend.configure(tree, variant, distributions(variant), flavour)
            self._trees[key] = tree
        return self._trees[key]

    @contextmanager
    def scenario(self, cell: Cell) -> Iterator[State]:
        """The cell's own venv after its steps; removed afterwards unless other cells go on from it."""
        key = _key(cell, cell.steps())
        self._forget_other_groups(key[:4])
        state = self._state(key)
        if key not in self._kept:
            self._states.pop(key, None)
        try:
            yield state
        finally:
            if key not in self._kept:
                shutil.rmtree(state.scenario.workspace, ignore_errors=True)

    def _forget_other_groups(self, group: tuple) -> None:
        """Remove the venvs kept for other groups of cells (all but the backends' fresh venvs).

        A group's cells run one after the other in one process (an xdist group, or one task
        of make matrix), so once another group starts, they are not needed again.
        """
        for key in [key for key in self._states if len(key) > 2 and key[:4] != group]:
            shutil.rmtree(self._states.pop(key).scenario.workspace, ignore_errors=True)

    def _state(self, key: tuple) -> State:
        if key in self._states:
            return self._states[key]
        backend, python = BY_NAME[key[0]], key[1]
        if len(key) == 2:  # the root: a fresh venv of that interpreter, with the backend installed
            state = State(self._scenario(None, python))
            for command in backend.setup_commands(state.scenario):
                if state.scenario.venv.execute(command).returncode:
                    raise RuntimeError(f"setting up {backend.name} failed:\n{state.scenario.log}")
        else:
            _, _, variant, installer, steps = key
            parent = self._state(_parent(key))
            state = State(self._scenario(parent.scenario, python), parent.failed)
            if state.failed is None:
                state.failed = self._run(state.scenario, backend, variant, installer, steps[-1])
        self._states[key] = state
        return state

    def _scenario(self, template: Scenario | None, python: str) -> Scenario:
        """A new workspace: a fresh venv of CPython ``python``, or a copy of ``template``'s venv and --target folders."""
        workspace = new_folder("venv ", self._own)
        log = Log(list(template.log.results) if template else [])
        venv = ScenarioVenv(
            workspace,
            log,
            scratch_env(workspace),
            template=template.venv.virtualenv if template else None,
            python=python,
        )
        targets = []
        for target in template.targets if template else ():
            targets.append(workspace / target.name)
            shutil.copytree(target, targets[-1], symlinks=True)
        return Scenario(workspace, template.src if template else workspace, venv, log, targets)

    def _run(
        self, s: Scenario, backend: Backend, variant: str, installer: str, step: Install | Uninstall
    ) -> tuple[str, str] | None:
        """Run one step in ``s``; its outcome and note if it failed."""
        if isinstance(step, Uninstall):
            s.uninstall(step.distribution, installer)
            return None
        tree = self.tree(backend, variant, backend.flavour(step.mode))
        if step.mode in ("regular", "target"):
            wheels = self.wheels(backend, variant, s.venv.version)
            if isinstance(wheels, Result):
                s.log.results.append(wheels)
                return failure(wheels.output, tree)
            source = wheels[step.distribution]
        else:
            source = tree / step.distribution
        target = s.target_folder(step.distribution) if step.mode == "target" else None
        args = backend.install_args(step.mode, source, target)
        # --find-links: what an editable wheel requires (editables, for the redirecting modes)
        # comes from the pinned wheels, still --no-index.
        command = [*s.installer_command(installer), "--find-links", WHEELS, *args]
        installed = s.venv.execute(command, cwd=tree)
        return failure(installed.output, tree) if installed.returncode else None


# What a static tool can reach in a scenario, besides the interpreter: the distributions' own files in
# site-packages, the .pth files and editable finders there, the --target folders and the source trees.
_REACHABLE = ("azurefunctions", "azure_functions_agent", "__editable__", "_editable_impl_", "editables")
# What differs between trees the tools see alike: who installed them, and bytecode. No tool's executable
# or source names uv's two files (grep, 7 Dec 2026); pyrefly's names direct_url.json, which is therefore
# read, as the data that can lead a tool somewhere (_direct_url): pip and uv write it with keys in
# another order, other spacing, and other hashes of the wheel they read, and the trees of the two
# installers should share an answer.
_VOLATILE = {"RECORD", "INSTALLER", "REQUESTED", "uv_cache.json", "uv_build.json", "__pycache__"}


def _direct_url(data: bytes) -> bytes:
    """What of a direct_url.json a tool could follow: an editable's project folder (its ``url`` and
    ``dir_info``); of a wheel installed from a file, only that it was one (its URL and hashes name the
    wheel the installer read, which no tool opens)."""
    url = json.loads(data)
    kept = (
        {key: url[key] for key in ("url", "dir_info") if key in url}
        if "dir_info" in url
        else {"archive": True}
    )
    return json.dumps(kept, sort_keys=True).encode()


def static_cost(basetemp: Path) -> tuple[int, float]:
    """How many installed trees a session asked the static tools about, and the CPU seconds they took
    (what every worker's Workshop under ``basetemp`` wrote)."""
    spent = [
        json.loads(path.read_text(encoding="utf-8"))["cpu"]
        for path in basetemp.glob("workshop*/static/*.json")
    ]
    return len(spent), sum(spent)


def tree_fingerprint(s: Scenario, imports: list[tuple[str, str]]) -> tuple[str, bool]:
    """A digest of everything the static tools can read in ``s`` (file names and contents, its own paths
    named, not spelled), so that two scenarios with the same tree share the tools' answer; and whether an
    ``__init__`` there extends its ``__path__`` (pkgutil's extend_path, pkg_resources' declare_namespace),
    where jedi's answer depends on a set's order (static.SEEDS)."""
    legacy = False
    digest = hashlib.sha256(repr((s.venv.version, imports)).encode())
    # Each folder as a path and as the file: URL direct_url.json holds (a scratch folder's name has a space).
    named = ((s.src, b"{src}"), (s.workspace, b"{scenario}"))
    roots = [(form.encode(), label) for folder, label in named for form in (str(folder), folder.as_uri())]

    def add(base: Path, label: str, keep=lambda name: True) -> None:
        for folder, dirs, files in os.walk(base):  # links are read, not followed
            dirs[:] = sorted(d for d in dirs if d not in _VOLATILE and (folder != str(base) or keep(d)))
            for name in dirs:  # an empty folder changes what mypy says (import-untyped, not not-found)
                digest.update(f"{label}/{Path(folder, name).relative_to(base).as_posix()}/\0".encode())
            for name in sorted(files + [d for d in dirs if os.path.islink(os.path.join(folder, d))]):
                path = Path(folder, name)
                relative = path.relative_to(base)
                if name in _VOLATILE or not keep(relative.parts[0]):
                    continue
                data = os.readlink(path).encode() if path.is_symlink() else path.read_bytes()
                if name == "direct_url.json":
                    data = _direct_url(data)
                if name == "__init__.py" and (b"extend_path(" in data or b"declare_namespace(" in data):
                    nonlocal legacy
                    legacy = True
                for root, named in roots:
                    data = data.replace(root, named)
                digest.update(f"{label}/{relative.as_posix()}\0".encode() + data + b"\0")

    site = Path(s.venv.site_packages)
    add(site, "site", lambda name: name.startswith(_REACHABLE) or name.endswith(".pth"))
    for number, target in enumerate(s.targets):
        add(target, f"target{number}")
    add(s.src, "src")
    return digest.hexdigest(), legacy


def _key(cell: Cell, steps: tuple) -> tuple:
    root = (cell.backend, cell.python)
    return root if not steps else (*root, cell.variant, cell.installer, steps)


def _parent(key: tuple) -> tuple:
    backend, python, variant, installer, steps = key
    return (backend, python) if len(steps) == 1 else (backend, python, variant, installer, steps[:-1])


def run_cell(cell: Cell, workshop: Workshop) -> CellRun:
    """Run one scenario: its steps (shared where they recur), then the consumer, the probe and the namespace doctor."""
    backend = BY_NAME[cell.backend]
    with workshop.scenario(cell) as state:
        s = state.scenario
        if state.failed:
            record = record_of(cell, *state.failed)
            return CellRun(record, None, None, s.log)
        src = workshop.tree(backend, cell.variant, None)
        s = Scenario(s.workspace, src, s.venv, s.log, s.targets)
        targets = consumer_imports(src)
        consumer = None
        if cell.uninstall:
            # The consumer imports durable first and framework second: keep the survivor's.
            targets = targets[1:] if cell.uninstall == DURABLE else targets[:1]
        else:
            consumer = s.consumer()
        report = s.probe(targets)
        # By default the doctor reports every shared name; one distribution shares none, so
        # there it is asked about the packages the consumer imports from.
        packages = (
            []
            if len(cell.distributions) > 1
            else list(dict.fromkeys(module.rpartition(".")[0] for module, _ in targets))
        )
        doctor = s.doctor("--json", *packages)
        seen, said = None, []
        if workshop.static_for(cell):
            imports = consumer_imports(src)
            asked = workshop.static_answers(s, imports)
            seen = {"python": python_answers(report, imports), "tools": asked["answers"]}
            said = asked["log"]
        return CellRun(classify(cell, report), consumer, doctor, s.log, src, report, seen, said)


def group_of(cell: Cell) -> str:
    """Cells that may share steps: one backend, variant, installer and interpreter. Each group runs in one process."""
    return f"{cell.backend}-{cell.variant}-{cell.installer}-py{cell.python}"


_WORKSHOP: list[Workshop] = []  # this worker process's, kept from one group to the next


def _run_group(args: tuple[list[Cell], Path, tuple[str, ...]]) -> list[tuple[dict, Timing, dict | None]]:
    group, folder, pythons = args
    if not _WORKSHOP:  # its backends' fresh venvs serve every group; every cell asks the static tools
        _WORKSHOP.append(Workshop(folder, runs(pythons), static=None, static_python=static_python(pythons)))
    workshop = _WORKSHOP[0]
    counted: dict[int, Result] = {}  # a shared step's commands count once (kept alive: ids are reused)
    done = []
    for cell in group:
        started = time.monotonic()
        run = run_cell(cell, workshop)
        cpu: dict[str, list[float]] = (
            {"static tools (a tree)": workshop.static_cpu[:]} if workshop.static_cpu else {}
        )
        workshop.static_cpu.clear()
        for result in run.log.results:
            if id(result) not in counted:
                counted[id(result)] = result
                cpu.setdefault(command_kind(result), []).append(result.cpu)
        done.append((run.record, Timing(time.monotonic() - started, cpu), run.static))
    return done


def static_python(pythons: tuple[str, ...]) -> str:
    """The interpreter whose runs ask the static tools: the one running the matrix, if it runs there (else
    none: "")."""
    return version_of() if version_of() in pythons else ""


def run_all(jobs: int, pythons: tuple[str, ...]) -> tuple[list[dict], list[Timing], float, dict]:
    """Run every cell on each of ``pythons``, ``jobs`` groups at a time.

    The records (one per cell and interpreter, in matrix.json's order), their timings, the wall time,
    and what the static tools saw, per cell (by its name: on the interpreter static_python names).
    """
    started = time.monotonic()
    planned = runs(pythons)
    groups: dict[str, list[Cell]] = {}
    for cell in planned:
        groups.setdefault(group_of(cell), []).append(cell)
    with (
        tempfile.TemporaryDirectory(prefix="ns matrix ", dir=memory_folder()) as scratch,
        ProcessPoolExecutor(max_workers=jobs) as pool,
    ):
        tasks = [(group, Path(scratch).resolve(), pythons) for group in groups.values()]
        done = [triple for ran in pool.map(_run_group, tasks) for triple in ran]
    order = {cell.id: n for n, cell in enumerate(planned)}
    done.sort(key=lambda triple: order[Cell.of(triple[0]).on(triple[0]["python"][0]).id])
    seen = {Cell.of(record).name: answers for record, _, answers in done if answers is not None}
    return (
        [record for record, _, _ in done],
        [timing for _, timing, _ in done],
        time.monotonic() - started,
        seen,
    )


def jobs(description: str, argv: list[str] | None) -> int:
    """The ``--jobs`` option of make matrix and make bench: parallel groups of scenarios."""
    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--jobs", type=int, default=os.cpu_count() or 1, help="parallel groups of scenarios (default: cores)"
    )
    options = parser.parse_args(argv)
    if options.jobs < 1:
        parser.error("--jobs takes a whole number of at least 1")
    return options.jobs
