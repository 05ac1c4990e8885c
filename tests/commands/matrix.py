"""The compatibility matrix: every variant, install pair and installer, each in a fresh venv.

``tests/matrix.json`` is the one source of truth: test_matrix.py re-runs every
cell and compares, and the README's matrix section is rendered from it.

    python tests/matrix.py --update   # make matrix: re-run every cell, rewrite matrix.json and the README
    python tests/matrix.py --bench    # make bench: re-run every cell, print the cost, write nothing
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

from filelock import FileLock
from harness import (
    DURABLE,
    FRAMEWORK,
    README,
    ROOT,
    Log,
    Result,
    Scenario,
    bundled_wheel,
    consumer_imports,
    copy_tree,
    pins,
    scenario,
)

MATRIX = ROOT / "tests" / "matrix.json"
MERGED = "azure-functions-agents"
VARIANTS = ("as-shipped", "pep420", "separate-namespaces", "merged", "pkgutil")
MODES = ("regular", "editable", "editable-strict", "editable-compat", "target")
PAIRS = (
    *((mode, mode) for mode in MODES),
    ("regular", "editable"),
    ("editable", "regular"),
    ("regular", "target"),
    ("target", "regular"),
)
INSTALLERS = ("pip", "uv")
REVERSE = "reverse install order"
LIFECYCLE = (f"uninstall {DURABLE}", f"uninstall {FRAMEWORK}", REVERSE)
OUTCOMES = ("ok", "ok-overwritten", "ok-removed", "ImportError", "install-error")
START, END = "<!-- matrix:start -->", "<!-- matrix:end -->"
# The package both distributions ship; the doctor's winner of it is checked against Python's.
AGENTS = "azurefunctions.agents"
# Run in a cell's venv: the consumer's imports (argv[1]), as the probe makes them, then the folder
# Python imported package argv[2] from (null for a namespace package, or if never imported) and its
# SHIPPED_BY. The probe reports only the SHIPPED_BY (shared_init); this also gives the folder.
IMPORTED_FROM = """\
import importlib, json, os, sys
for module, _ in json.loads(sys.argv[1]):
    try:
        importlib.import_module(module)
    except ImportError:
        pass
package = sys.modules.get(sys.argv[2])
file = getattr(package, "__file__", None)
print(json.dumps({"folder": file and os.path.dirname(file), "shipped_by": getattr(package, "SHIPPED_BY", None)}))
"""


@dataclass(frozen=True)
class Cell:
    """One scenario: a variant, an installer, durable's and framework's install modes, and what follows."""

    variant: str
    installer: str
    first: str
    second: str | None  # None for merged: one distribution
    then: str | None = None

    @property
    def uninstalled(self) -> str | None:
        """The distribution this scenario uninstalls after installing both, if it is a lifecycle uninstall row."""
        prefix = "uninstall "
        return self.then.removeprefix(prefix) if self.then and self.then.startswith(prefix) else None

    @property
    def id(self) -> str:
        pair = self.first if self.second is None else f"{self.first}+{self.second}"
        then = "" if self.then is None else "-" + self.then.replace(" ", "-")
        return f"{self.variant}-{self.installer}-{pair}{then}"


def distributions(variant: str) -> tuple[str, ...]:
    return (MERGED,) if variant == "merged" else (DURABLE, FRAMEWORK)


def cells() -> list[Cell]:
    """Every scenario, in the order matrix.json and the README list them."""
    found = []
    for variant in VARIANTS:
        for installer in INSTALLERS:
            if variant == "merged":
                found += [Cell(variant, installer, mode, None) for mode in MODES]
                continue
            found += [Cell(variant, installer, first, second) for first, second in PAIRS]
            found += [Cell(variant, installer, "regular", "regular", then) for then in LIFECYCLE]
    return found


class Wheelhouse:
    """Each variant's wheels, built once per run on first use, shared by every process.

    ``wheelhouse[variant][distribution]`` is a wheel file. The first process to
    ask for a variant builds its wheels (``pip wheel``, the pinned setuptools)
    under a lock, into a temporary folder renamed into place when complete; the
    others wait for it, or find it done. Built on first use, so the first
    matrix cells start after one variant's build, not all five.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def __getitem__(self, variant: str) -> dict[str, Path]:
        done = self.folder / variant
        if not done.is_dir():
            self.folder.mkdir(parents=True, exist_ok=True)
            with FileLock(str(self.folder / f"{variant}.lock")):
                if not done.is_dir():
                    building = self.folder / f"{variant}.building"
                    build_wheels(variant, building)
                    building.rename(done)
        return {dist: next(done.glob(dist.replace("-", "_") + "-*.whl")) for dist in distributions(variant)}


def build_wheels(variant: str, dest: Path) -> None:
    """``pip wheel`` the variant's distributions into ``dest``, from a scratch copy with the variant's fix."""
    with scenario() as s:
        tree = copy_tree(s.workspace / variant, variant)
        projects = [tree / dist for dist in distributions(variant)]
        pip_wheel = [s.venv.python, "-m", "pip", "wheel", "--no-deps", "--no-index", "--no-build-isolation"]
        if s.venv.execute([*pip_wheel, "-w", dest, *projects]).returncode:
            raise RuntimeError(f"building the {variant} wheels failed:\n{s.log}")


def classify(cell: Cell, report: dict) -> dict:
    """The matrix.json record for what the probe saw."""
    errors = [entry["error"] for entry in report["imports"] if "error" in entry]
    changed = {
        state: [c for c in report["changed"] if c["state"] == state] for state in ("missing", "replaced")
    }
    if errors:
        outcome, note = "ImportError", errors[0]
    elif changed["missing"]:
        outcome, note = "ok-removed", _files_note(changed["missing"], "removed")
    elif changed["replaced"]:
        outcome, note = (
            "ok-overwritten",
            _files_note(changed["replaced"], "replaced by another distribution's"),
        )
    else:
        outcome, note = "ok", ""
    return {**asdict(cell), "outcome": outcome, "shared_init": report["shared_init"], "note": note}


def _files_note(entries: list[dict], what: str) -> str:
    owners = sorted({entry["distribution"] for entry in entries})
    files = ", ".join(sorted({entry["file"] for entry in entries}))
    return f"{' and '.join(owners)}: {files} {what}"


@dataclass(frozen=True)
class Imported:
    """Where Python imported a package from in a cell, and the distribution its ``__init__.py`` names."""

    folder: Path | None  # None for a namespace package, or if never imported
    shipped_by: str | None  # its SHIPPED_BY, as the probe's shared_init


@dataclass
class CellRun:
    """What one scenario gave: its matrix.json record, what the consumer and the doctor printed, the command log.

    ``consumer`` is ``python sample_project/main.py``, not run after an uninstall
    (it needs both distributions). ``doctor`` is ``python -m
    sample_project.doctor --json``, run in every cell: by default it reports
    every shared name; where one distribution shares nothing, it is asked
    about the packages the consumer imports from. ``imported`` is where
    Python imported azurefunctions.agents from. All three are None after an
    install error.
    """

    record: dict
    consumer: Result | None
    doctor: Result | None
    imported: Imported | None
    log: Log

    def verdict(self) -> str | None:
        """The ``VERDICT:`` line of the doctor's diagnosis, as the failing consumer printed it."""
        lines = reversed(self.consumer.output.splitlines()) if self.consumer else ()
        return next((line for line in lines if line.startswith("VERDICT: ")), None)

    def diagnosis(self) -> dict:
        """The doctor's JSON report: ``status``, ``causes``, ``reports``, ..."""
        return json.loads(self.doctor.output)

    def report(self, name: str) -> dict | None:
        """The doctor's report on package ``name``, if it reports that name."""
        return next((report for report in self.diagnosis()["reports"] if report["name"] == name), None)


def imported_from(s: Scenario, targets: list[tuple[str, str]], package: str) -> Imported:
    """Ask the cell's Python, after the consumer's imports ``targets``, where it imported ``package`` from."""
    cmd = [s.venv.python, "-c", IMPORTED_FROM, json.dumps(targets), package]
    result = s.venv.execute(cmd, extra_env=s.path_env())
    if result.returncode:
        raise RuntimeError(f"asking Python where it imported {package} from failed:\n{result}")
    seen = json.loads(result.output)
    return Imported(Path(seen["folder"]) if seen["folder"] else None, seen["shipped_by"])


def run_cell(cell: Cell, wheels: Wheelhouse) -> CellRun:
    """Run one scenario in a fresh venv: install, run the consumer, probe, and ask Python and the namespace doctor."""
    with scenario(cell.variant) as s:
        dists = distributions(cell.variant)
        modes = (cell.first,) if cell.second is None else (cell.first, cell.second)
        order = list(zip(dists, modes))
        if cell.then == REVERSE:
            order.reverse()
        for dist, mode in order:
            installed = s.install(dist, mode, cell.installer, wheels[cell.variant][dist])
            if installed.returncode:
                last = installed.output.strip().splitlines()[-1:] or [""]
                record = {**asdict(cell), "outcome": "install-error", "shared_init": None, "note": last[0]}
                return CellRun(record, None, None, None, s.log)
        targets = consumer_imports(s.src)
        consumer = None
        if cell.uninstalled:
            s.uninstall(cell.uninstalled, cell.installer)
            # The consumer imports durable first and framework second: keep the survivor's.
            targets = targets[1:] if cell.uninstalled == DURABLE else targets[:1]
        else:
            consumer = s.consumer()
        record = classify(cell, s.probe(targets))
        imported = imported_from(s, targets, AGENTS)
        # By default the doctor reports every shared name; one distribution shares none, so
        # there it is asked about the packages the consumer imports from.
        packages = (
            [] if len(dists) > 1 else list(dict.fromkeys(module.rpartition(".")[0] for module, _ in targets))
        )
        doctor = s.doctor("--json", *packages)
        return CellRun(record, consumer, doctor, imported, s.log)


def load() -> list[dict]:
    return json.loads(MATRIX.read_text(encoding="utf-8"))


# --- rendering the README section ---------------------------------------------------------------

SHORT = {DURABLE: "durable", FRAMEWORK: "framework", MERGED: "merged"}


def symbol(record: dict) -> str:
    outcome, note = record["outcome"], record["note"]
    if outcome == "ok":
        return "✅"
    if outcome == "ok-overwritten":
        return f"⚠️ overwritten: {SHORT.get(record['shared_init'], 'a')} `__init__.py` in effect"
    if outcome == "ok-removed":
        return "⚠️ survivor's `__init__.py` removed"
    if outcome == "ImportError":
        missing = re.search(r"No module named '([^']+)'", note)
        return f"❌ no `{missing.group(1)}`" if missing else f"❌ {note}"
    return f"⛔ {outcome}: {note}"


def row_label(record: dict) -> str:
    if record["second"] is None:
        return record["first"]
    if record["then"] == REVERSE:
        return "regular, framework installed first"
    if record["then"]:
        return f"regular, then {record['then'].replace(DURABLE, 'durable').replace(FRAMEWORK, 'framework')}"
    return f"{record['first']}, {record['second']}"


def versions() -> str:
    pinned = pins()
    pip = bundled_wheel("pip").name.split("-")[1]
    return (
        f"pip {pip} and setuptools {pinned['setuptools']} (as virtualenv {pinned['virtualenv']} seeds them), "
        f"uv {pinned['uv']}"
    )


MEANINGS = (
    "What the failures mean:",
    "",
    "- ❌ as shipped: the first regular `azurefunctions` Python finds wins, and its `__path__` is that one"
    " folder. Editable finders (default mode), link trees (strict) and project folders on `sys.path`"
    " (compat) each offer a complete regular package, as do `--target` folders; a regular install in"
    " `site-packages` is found before the editable finder is asked, and a `PYTHONPATH` folder before"
    " `site-packages`.",
    "- ❌ pkgutil: `extend_path` only scans `sys.path` folders. setuptools' default editable mode adds no"
    " folder to `sys.path` (an import finder maps the name instead), so the other portion is never found;"
    " strict and compat modes add folders, and work.",
    "- ⚠️ overwritten: both wheels hold `azurefunctions/__init__.py` and `azurefunctions/agents/__init__.py`;"
    " the second install replaces the first's files without a warning, whichever installer runs it.",
    "- ⚠️ removed: uninstalling a distribution deletes every file its `RECORD` lists, including the"
    " `__init__.py` files the survivor installed too. The survivor still imports only because its folders"
    " then fall back to namespace packages; whatever its `__init__.py` defined is gone.",
)


def render(records: list[dict]) -> str:
    """The README's matrix section (between the markers) for these records."""
    lines = [
        START,
        f"Observed with {versions()}: {len(records)} scenarios, each in a fresh venv"
        " (`make matrix` re-runs them and rewrites this section and `tests/matrix.json`).",
        "",
        "Key: ✅ the consumer imports both, and every installed file is the one its distribution shipped."
        " ⚠️ it imports, but a file one distribution installed was silently replaced by the other's copy"
        " (overwritten; the table says whose `azurefunctions/agents/__init__.py` Python uses) or deleted"
        " when the other was uninstalled (removed). ❌ `ImportError`: the module the consumer could not"
        " import, although it is installed.",
        "",
    ]
    for variant in VARIANTS:
        rows: dict[str, dict[str, str]] = {}
        for record in records:
            if record["variant"] == variant:
                rows.setdefault(row_label(record), {})[record["installer"]] = symbol(record)
        header = "install mode" if variant == "merged" else "durable, framework"
        lines += [f"**{variant}**", "", f"| {header} | pip | uv |", "| --- | --- | --- |"]
        lines += [f"| {label} | {cells_['pip']} | {cells_['uv']} |" for label, cells_ in rows.items()]
        lines.append("")
    lines += [*MEANINGS, "", END]
    return "\n".join(lines)


def readme_section(text: str) -> str:
    start, end = text.find(START), text.find(END)
    if start < 0 or end < start:
        raise LookupError(f"README.md has no {START} ... {END} section to hold the matrix")
    return text[start : end + len(END)]


def write(records: list[dict]) -> None:
    MATRIX.write_text(json.dumps(records, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    text = README.read_text(encoding="utf-8")
    README.write_text(text.replace(readme_section(text), render(records)), encoding="utf-8")


# --- make matrix / make bench -------------------------------------------------------------------


def command_kind(result: Result) -> str:
    """What a scenario's command was, for ``make bench``: ``pip install --editable``, ``consumer``, ``probe``, ``doctor``, ``python -c``, ..."""
    cmd = result.cmd
    if Path(cmd[0]).name == "uv":
        installer, verb = "uv", cmd[2]
    elif cmd[1:3] == ["-m", "pip"]:
        installer, verb = "pip", cmd[3]
    else:
        if "sample_project.doctor" in cmd:
            return "doctor"
        if cmd[1] == "-c":
            return "python -c"
        script = Path(cmd[1])
        return "consumer" if script.name == "main.py" else script.stem
    mode = next((option for option in ("--editable", "--target") if option in cmd), "")
    return " ".join(filter(None, (installer, verb, mode or ("WHEEL" if verb == "install" else ""))))


@dataclass
class Timing:
    """What one scenario cost: its wall time, and the CPU time of each kind of command it ran."""

    seconds: float
    cpu: dict[str, list[float]]


def _run(args: tuple[Cell, Wheelhouse]) -> tuple[dict, Timing]:
    started = time.monotonic()
    run = run_cell(*args)
    cpu: dict[str, list[float]] = {}
    for result in run.log.results:
        cpu.setdefault(command_kind(result), []).append(result.cpu)
    return run.record, Timing(time.monotonic() - started, cpu)


def run_all(jobs: int) -> tuple[list[dict], list[Timing], float]:
    import tempfile

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="ns wheels ") as scratch:
        wheels = Wheelhouse(Path(scratch))
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            results = list(pool.map(_run, [(cell, wheels) for cell in cells()]))
    return [record for record, _ in results], [timing for _, timing in results], time.monotonic() - started


def bench_report(records: list[dict], timings: list[Timing], wall: float, jobs: int) -> str:
    """``make bench``'s report: wall time per scenario, and where the CPU time goes."""
    lines = [
        f"{len(records)} scenarios in {wall:.1f} s wall with {jobs} workers:"
        f" {wall / len(records):.2f} s of wall time per scenario",
    ]
    for installer in INSTALLERS:
        spent = [t.seconds for record, t in zip(records, timings) if record["installer"] == installer]
        lines.append(f"  {installer} cells: {len(spent)}, {sum(spent) / len(spent):.2f} s of wall time each")
    kinds: dict[str, list[float]] = {}
    for timing in timings:
        for kind, cpu in timing.cpu.items():
            kinds.setdefault(kind, []).extend(cpu)
    lines.append("CPU time (user + system, subprocesses included) of the commands the scenarios ran:")
    for kind, cpu in sorted(kinds.items(), key=lambda item: -sum(item[1])):
        lines.append(f"  {kind:<26} {len(cpu):4} runs {sum(cpu):7.1f} s  {sum(cpu) / len(cpu):5.2f} s each")
    total = sum(map(sum, kinds.values()))
    installs = sum(sum(cpu) for kind, cpu in kinds.items() if kind.startswith(INSTALLERS))
    cores = os.cpu_count() or 1
    lines += [
        f"  {'every command':<26} {sum(map(len, kinds.values())):4} runs {total:7.1f} s",
        f"The pip and uv commands alone take {installs:.0f} s of CPU: on this machine's {cores} cores,"
        f" no run of these scenarios takes less than {installs / cores:.0f} s of wall time, nor their"
        f" commands less than {total / cores:.0f} s.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument(
        "--update", action="store_true", help="rewrite tests/matrix.json and the README section"
    )
    action.add_argument("--bench", action="store_true", help="print the cost of a full run; write nothing")
    parser.add_argument(
        "--jobs", type=int, default=os.cpu_count() or 1, help="parallel scenarios (default: cores)"
    )
    options = parser.parse_args(argv)
    if options.jobs < 1:
        parser.error("--jobs takes a whole number of at least 1")
    try:
        if options.update:
            readme_section(README.read_text(encoding="utf-8"))  # fail before a two-minute run, not after
        records, timings, wall = run_all(options.jobs)
        if options.update:
            write(records)
    except (LookupError, RuntimeError) as error:  # no README markers; a wheel that would not build
        print(f"{Path(sys.argv[0]).name}: {error}", file=sys.stderr)
        return 1
    if options.update:
        print(f"wrote {MATRIX.relative_to(ROOT)} and the README's matrix section: {len(records)} scenarios")
    print(bench_report(records, timings, wall, options.jobs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
