"""Differential test: on generated layouts, the doctor predicts what CPython really imports.

For each layout (tests/lib/layouts.py), tests/lib/oracle.py asks the doctor first and
then imports every leaf, in the same process of the interpreter under test. They
must agree on every leaf (importable or not), on each shared name's winner and
the ``__path__`` Python ends up with, and on the verdict. "The doctor cannot
tell" counts as a disagreement: everything in this space is modelled.

Profiles (tests/conftest.py): ``default`` in ``make test``; ``deep``
(``make fuzz``) tries at least 10,000 layouts per interpreter.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import zipfile
from itertools import count
from pathlib import Path

import pytest
from harness import CONSUMER, ROOT, hermetic_env, memory_folder, new_folder
from hypothesis import example, given
from hypothesis import strategies as st
from interpreters import find_interpreter, missing_reason
from layouts import DIST_NAMES, KINDS, PLACEMENTS, Dist, Layout, plan
from toolchain import pkg_resources_wheel

DOCTOR = ROOT / CONSUMER / CONSUMER / "doctor.py"
ORACLE = ROOT / "tests" / "lib" / "oracle.py"


class Oracle:
    """One interpreter's tests/lib/oracle.py process per pkg_resources setting, started on first use."""

    def __init__(self, python: Path, workdir: Path, pkg_resources: Path) -> None:
        self.python, self.workdir, self.pkg_resources = python, workdir, pkg_resources
        self.processes: dict[bool, subprocess.Popen] = {}
        self.tops = count()

    def _process(self, with_pkg_resources: bool) -> subprocess.Popen:
        if with_pkg_resources not in self.processes:
            folder = self.workdir / ("with pkg_resources" if with_pkg_resources else "without pkg_resources")
            folder.mkdir()
            # -S: no site-packages of its own; -E: no PYTHON* variables; -B: no bytecode in the checkout.
            cmd = [str(self.python), "-S", "-E", "-B", str(ORACLE), str(DOCTOR), str(folder)]
            if with_pkg_resources:
                cmd.append(str(self.pkg_resources))
            process = subprocess.Popen(
                cmd,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                env={**hermetic_env(), "ORACLE_DEBUG": os.environ.get("ORACLE_DEBUG", "")},
                cwd=folder,
            )
            ready = process.stdout.readline()
            if not ready.startswith('{"ready"'):
                raise RuntimeError(f"{cmd} did not start: {ready}")
            self.processes[with_pkg_resources] = process
        return self.processes[with_pkg_resources]

    def ask(self, layout: Layout) -> tuple[dict, dict]:
        """(the plan, what the doctor said and what Python did) for ``layout``."""
        laid = plan(layout, f"ns{next(self.tops)}")
        process = self._process(layout.pkg_resources)
        process.stdin.write(json.dumps(laid) + "\n")
        process.stdin.flush()
        answer = json.loads(process.stdout.readline())
        if "error" in answer:
            raise RuntimeError(f"the oracle failed on {layout}:\n{answer['error']}")
        return laid, answer

    def close(self) -> None:
        for process in self.processes.values():
            process.stdin.close()
            process.wait(timeout=60)
            process.stdout.close()


def scratch_folder(tmp_path_factory, name: str) -> Path:
    """A folder for layouts: in memory (/dev/shm) where there is one, as each layout is written and removed again."""
    memory = memory_folder()
    return new_folder(f"{name} ", memory) if memory else tmp_path_factory.mktemp(name).resolve()


@pytest.fixture(scope="module")
def oracle(tier_python, tmp_path_factory):
    """The oracle of one interpreter: make test's own, or (make check) each supported one."""
    python = find_interpreter(tier_python)
    if python is None:
        pytest.skip(missing_reason(tier_python))
    workdir = scratch_folder(tmp_path_factory, f"oracle {tier_python}")
    unpacked = workdir / "setuptools with pkg_resources"
    with zipfile.ZipFile(pkg_resources_wheel()) as wheel:
        wheel.extractall(unpacked)
    made = Oracle(python, workdir, unpacked)
    try:
        yield made
    finally:
        made.close()
        shutil.rmtree(workdir, ignore_errors=True)


def disagreements(laid: dict, answer: dict) -> list[str]:
    """Where the doctor's prediction and Python's imports differ, in words."""
    doctor, python = answer["doctor"], answer["python"]
    found = []
    for leaf, outcome in python["leaves"].items():
        if doctor["leaves"][leaf] != (outcome is True):
            found.append(f"{leaf}: doctor says importable={doctor['leaves'][leaf]}, Python: {outcome}")
    for name in laid["shared"]:
        said, did = doctor["names"][name], python["names"][name]
        if said["kind"] == "unknown":
            found.append(f"{name}: the doctor cannot tell: {said['why']}")
        elif did["imported"] != (said["kind"] not in ("missing", "broken")):
            found.append(
                f"{name}: doctor says {said['kind']} ({said['why']}), Python imported={did['imported']}"
            )
        elif did["imported"] and (said["winner"], said["path"]) != (did["winner"], did["path"]):
            found.append(
                f"{name}: doctor says {said['winner']} with __path__ {said['path']} ({said['why']});"
                f" Python: {did['winner']} with __path__ {did['path']}"
            )
    if doctor["verdict"] != python["verdict"]:
        found.append(f"verdict: doctor says {doctor['verdict']}, Python's imports say {python['verdict']}")
    return found


def dist(name: str, top: str, sub: str, placement: str) -> Dist:
    return Dist(name, (top, sub), placement)


@st.composite
def layouts(draw) -> Layout:
    """2 or 3 distributions, each level of each any kind, each placed any way, in any order."""
    names = draw(st.permutations(DIST_NAMES))[: draw(st.integers(2, 3))]
    dists = []
    for name in names:
        placement = draw(st.sampled_from(PLACEMENTS))
        # A legacy nspkg install declares TOP a namespace: its __init__ is pkg_resources-style.
        top_kinds = [k for k in KINDS if k.startswith("pkg_resources")] if placement == "nspkg" else KINDS
        dists.append(Dist(name, (draw(st.sampled_from(top_kinds)), draw(st.sampled_from(KINDS))), placement))
    return Layout(tuple(dists), draw(st.booleans()))


# The four wrong verdicts that started this (issue 8), first; then every counterexample found since.
REGRESSIONS = [
    # False COLLISION: both editable (setuptools' finder), PEP 420 top, pkgutil-style sub.
    Layout((dist("da", "pep420", "pkgutil", "editable"), dist("db", "pep420", "pkgutil", "editable"))),
    # False COLLISION: pkgutil ns/ and ns/sub/ in site-packages; an editable with PEP 420 ns/, regular ns/sub/.
    Layout((dist("da", "pkgutil", "pkgutil", "site"), dist("db", "pep420", "regular", "editable"))),
    # False healthy: a regular __init__.py that only mentions extend_path hides the other portion.
    Layout((dist("da", "mentions", "pep420", "target"), dist("db", "pep420", "pep420", "target"))),
    # False healthy: a sourceless __init__.pyc is a regular package to Python.
    Layout((dist("da", "sourceless", "pep420", "target"), dist("db", "pep420", "pep420", "target"))),
    # Found by this test: declare_namespace without pkg_resources (setuptools 81+) and no
    # fallback: the __init__ raises, nothing below imports, one folder is no excuse for "healthy".
    Layout((dist("db", "regular", "pkg_resources", "site"), dist("dc", "regular", "pkg_resources", "site"))),
    # Found by this test: a pkg_resources-style child declares its parent a namespace too, adding
    # db's TOP to da's regular TOP: reported as it is after the child's import, not before.
    Layout(
        (
            dist("da", "regular", "pkg_resources", "editable-strict"),
            dist("db", "pkg_resources", "pkg_resources", "editable-strict"),
        ),
        pkg_resources=True,
    ),
    # Found by `make fuzz` (CPython 3.12, the 8,900th layout): a legacy nspkg line imports TOP and
    # TOP.sub at start-up, so TOP.sub's declare_namespace never runs and TOP keeps its __path__.
    Layout(
        (
            dist("da", "regular", "pkg_resources", "site"),
            dist("db", "pkg_resources", "pkg_resources", "nspkg"),
            dist("dc", "regular", "pep420", "target"),
        ),
        pkg_resources=True,
    ),
]


def with_examples(test):
    for layout in REGRESSIONS:
        test = example(layout=layout)(test)
    return test


@given(layout=layouts())
@with_examples
def test_the_doctor_predicts_what_python_imports(oracle, layout):
    """For every generated layout, the doctor's winner, ``__path__``, importable leaves and verdict are what CPython does."""
    laid, answer = oracle.ask(layout)
    assert disagreements(laid, answer) == [], f"layout: {layout}\n{json.dumps(answer, indent=1)}"


@pytest.mark.parametrize("layout", REGRESSIONS[:2], ids=["editable-pkgutil-sub", "finder-children"])
def test_what_used_to_be_a_false_collision_imports_and_is_healthy(oracle, layout):
    """The first two wrong verdicts of issue 8: Python imports every leaf, and the doctor says healthy."""
    laid, answer = oracle.ask(layout)
    assert set(answer["python"]["leaves"].values()) == {True}
    report = answer["doctor"]["report"]
    assert report.startswith(f"{laid['top']}: ok\n")
    assert f"\n{laid['top']}.sub: ok\n" in report
    assert report.splitlines()[-1] == "VERDICT: healthy: every portion is searched."


@pytest.mark.parametrize("layout", REGRESSIONS[2:4], ids=["mentions-extend_path", "sourceless-init"])
def test_what_used_to_be_a_false_healthy_hides_a_leaf_and_is_a_collision(oracle, layout):
    """The other two: a regular package in disguise hides db's leaf; the doctor says collision."""
    laid, answer = oracle.ask(layout)
    top = laid["top"]
    assert (
        answer["python"]["leaves"][f"{top}.sub.leaf_db"]
        == f"ModuleNotFoundError: No module named '{top}.sub.leaf_db'"
    )
    report = answer["doctor"]["report"]
    assert report.startswith(f"{top}: COLLISION\n")
    assert f"VERDICT: collision: a package hides other portions of {top}, {top}.sub.\n" in report
    winner = answer["doctor"]["names"][top]["winner"]
    assert f"  in no installed distribution: delete {winner}/__init__" in report


def test_declare_namespace_without_pkg_resources_is_broken_with_its_fix(oracle):
    """Without pkg_resources (setuptools 81+), a declare_namespace ``__init__`` with no fallback fails: the doctor says BROKEN and to make the level PEP 420."""
    laid, answer = oracle.ask(REGRESSIONS[4])
    sub = f"{laid['top']}.sub"
    assert set(answer["python"]["leaves"].values()) == {
        "ModuleNotFoundError: No module named 'pkg_resources'"
    }
    report = answer["doctor"]["report"]
    assert f"\n{sub}: BROKEN\n" in report
    assert f"VERDICT: broken: the __init__ of {sub} fails, so nothing below it imports." in report
    assert "__init__.py needs pkg_resources, which setuptools 81 and later no longer ship" in report


def test_every_placement_and_kind_is_generated():
    """The strategy reaches every kind at both levels, every placement, and both pkg_resources settings."""
    seen: set[tuple[str, str]] = set()

    @given(layout=layouts())
    def collect(layout):
        seen.add(("pkg_resources", str(layout.pkg_resources)))
        for d in layout.dists:
            seen.update({("placement", d.placement), ("top", d.levels[0]), ("sub", d.levels[1])})

    collect()
    expected = (
        {("placement", p) for p in PLACEMENTS} | {("top", k) for k in KINDS} | {("sub", k) for k in KINDS}
    )
    assert expected | {("pkg_resources", "True"), ("pkg_resources", "False")} <= seen, os.linesep.join(
        map(str, sorted(expected - seen))
    )
