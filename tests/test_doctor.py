"""The namespace doctor: static, right about Python's import rules, and clear on bad input."""

from __future__ import annotations

import importlib.machinery
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from backends import BY_NAME
from conftest import FULL
from harness import (
    CONSUMER,
    CONSUMER_OUTPUT,
    DIAGNOSIS,
    DOCTOR,
    DOCTOR_README,
    flat,
    help_commands,
    here,
    hermetic_env,
    load_doctor,
)
from interpreters import find_interpreter, missing_reason
from trees import PKGUTIL, install_tree, pep420_portion, pkgutil_top_with_regular_sub, zip_tree


def row(role: str, folder: Path | str, kind: str, owner: str) -> str:
    """A line of a name's evidence: the folder's role (takes, searches, hides), the folder, its kind and owner."""
    return f"  {role:<8} {folder}  {kind}, {owner}\n"


def doctor(make_scenario, path: list[Path], *args: str):
    """Run ``python -m sample_project.doctor ARGS`` in a fresh venv with ``path`` on PYTHONPATH."""
    s = make_scenario()
    s.targets.extend(path)
    return s, s.doctor(*args)


@pytest.mark.parametrize("pkgutil_first", [True, False], ids=["pkgutil-folder-first", "pep420-folder-first"])
def test_pkgutil_top_with_a_regular_subpackage_hides_a_pep420_portion(make_scenario, tmp_path, pkgutil_first):
    """A regular ns/sub/__init__.py in one PYTHONPATH folder hides another folder's PEP 420 portion of ns.sub, in either order; the doctor names the winner, its owner and the file to delete, and Python agrees."""
    pkgutil_side = pkgutil_top_with_regular_sub(tmp_path / "pkgutil side")
    pep420_side = pep420_portion(tmp_path / "pep420 side")
    path = [pkgutil_side, pep420_side] if pkgutil_first else [pep420_side, pkgutil_side]
    s, report = doctor(make_scenario, path)
    python = s.venv.execute([s.venv.python, "-c", "import ns.sub.x\nimport ns.sub.y"], extra_env=s.path_env())

    assert report.returncode == 1
    assert report.output.startswith("collision: ns.sub.y cannot be imported: ")
    assert "\nns.sub: collision: Python takes 1 of 2 folders\n" in report.output
    assert row("takes", pkgutil_side / "ns" / "sub", "regular", "shape-pkgutil") in report.output
    assert row("hides", pep420_side / "ns" / "sub", "namespace", "shape-pep420") in report.output
    # ns itself is fine (extend_path reaches the other folder): only ns/sub/__init__.py must go; no
    # project folder is recorded for shape-pkgutil, so deleting the installed copy is a stopgap.
    fix = pkgutil_side / "ns" / "sub" / "__init__.py"
    assert "\nns: ok, 2 folders, all searched\n" in report.output
    assert "\nhelp (stopgap): no project folder is recorded for shape-pkgutil " in report.output
    assert f"\n    rm -- {shlex.quote(str(fix))}\n" in report.output
    # A regular package anywhere on the path wins over namespace portions found before it.
    verbose = s.doctor("--verbose")
    assert f"  why: a pkgutil-style package, found by the path entry {pkgutil_side}:" in verbose.output
    assert python.returncode == 1
    assert python.output.splitlines()[-1] == "ModuleNotFoundError: No module named 'ns.sub.y'"

    fix.unlink()  # do what the doctor says: then Python imports both, and the doctor agrees
    assert s.venv.execute(python.cmd, extra_env=s.path_env()).returncode == 0
    after = s.doctor()
    assert "ns.sub: ok" in after.output
    # It still exits 1, rightly: the deleted file is one shape-pkgutil's RECORD lists ...
    assert f"removed: {fix}: installed by shape-pkgutil, now missing" in flat(after.output)
    assert after.returncode == 1
    # ... unless accepted, as the stopgap says.
    accepted = s.doctor("--accept", f"removed:{fix}")
    assert accepted.returncode == 0, accepted.output
    assert f"accepted: removed: {fix}: installed by shape-pkgutil, now missing" in flat(accepted.output)


def test_a_namespace_shared_by_two_pep420_distributions_is_healthy(make_scenario, tmp_path):
    """Two PEP 420 distributions sharing ns.sub: every portion searched, exit 0, and Python imports both."""
    first = pep420_portion(tmp_path / "first", "shape-a", "a")
    second = pep420_portion(tmp_path / "second", "shape-b", "b")
    s, report = doctor(make_scenario, [first, second])
    python = s.venv.execute([s.venv.python, "-c", "import ns.sub.a, ns.sub.b"], extra_env=s.path_env())

    assert (report.returncode, python.returncode) == (0, 0)
    assert "ns.sub: ok, 2 folders, all searched\n" in report.output
    assert report.output.splitlines()[0] == "healthy: every folder of every shared name is searched"


def test_json_report_carries_the_same_verdict(make_scenario, tmp_path):
    """``--json`` prints the report for tools: the collision flag, and for the name asked and its shared ancestors, the winner and hidden portions."""
    pkgutil_side = pkgutil_top_with_regular_sub(tmp_path / "pkgutil side")
    pep420_side = pep420_portion(tmp_path / "pep420 side")
    _, report = doctor(make_scenario, [pkgutil_side, pep420_side], "--json", "ns.sub")

    payload = json.loads(report.output)
    assert (report.returncode, payload["collision"]) == (1, True)
    # ns.sub is searched only through ns, which two folders provide: ns is reported too.
    top, sub = payload["reports"]
    assert (top["name"], top["hidden"]) == ("ns", [])
    assert (sub["name"], sub["winner"]) == ("ns.sub", str(pkgutil_side / "ns" / "sub"))
    assert [portion["folder"] for portion in sub["hidden"]] == [str(pep420_side / "ns" / "sub")]


def test_the_doctor_never_imports_what_it_inspects(make_scenario, tmp_path):
    """A package whose __init__.py raises on import is reported like any other: the doctor only reads files."""
    raising = install_tree(
        tmp_path / "raising", "shape-raising", {"boom/__init__.py": "raise RuntimeError('imported!')\n"}
    )
    portion = install_tree(tmp_path / "portion", "shape-portion", {"boom/part.py": ""})
    _, report = doctor(make_scenario, [raising, portion])

    assert report.returncode == 1
    assert "\nboom: collision: Python takes 1 of 2 folders\n" in report.output
    assert "imported!" not in report.output
    assert "Traceback" not in report.output


def test_files_two_distributions_claim_are_named(make_scenario, tmp_path):
    """Identical pkgutil-style files that two distributions install into one folder: healthy, but each shared file is named, since uninstalling either distribution removes it for both."""
    folder = tmp_path / "site"
    files = {"ns/__init__.py": PKGUTIL}
    install_tree(folder, "shape-one", {**files, "ns/one.py": ""})
    install_tree(folder, "shape-two", {**files, "ns/two.py": ""})
    _, report = doctor(make_scenario, [folder])

    assert report.returncode == 0
    shared = folder / "ns" / "__init__.py"
    assert (
        f"note: {shared} is claimed by shape-one and shape-two: uninstalling either removes it for both"
        in flat(report.output)
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["no.such.package"], "nothing on this interpreter's import path provides no.such.package"),
        (["1bad..name"], "not a dotted package name: 1bad..name"),
    ],
    ids=["not-installed", "not-a-name"],
)
def test_bad_names_are_a_usage_error(make_scenario, args, message):
    """A name nothing provides, or that is not a dotted name: one clear line, no traceback, exit 2."""
    _, report = doctor(make_scenario, [], *args)

    assert report.returncode == 2
    assert report.output.splitlines()[-1] == f"python -m sample_project.doctor: error: {message}"
    assert "Traceback" not in report.output


@pytest.mark.parametrize(
    ("record", "problem"),
    [
        (None, "it has no RECORD, so its files cannot be checked"),
        ("ns/sub/y.py,sha256=abc,1,surplus,fields\n", "its RECORD cannot be read"),
    ],
    ids=["missing-record", "corrupt-record"],
)
def test_a_missing_or_corrupt_record_is_noted_not_fatal(make_scenario, tmp_path, record, problem):
    """A distribution whose RECORD is missing or corrupt gets a note; the rest of the report still holds."""
    pkgutil_side = pkgutil_top_with_regular_sub(tmp_path / "pkgutil side")
    broken = install_tree(tmp_path / "broken", "shape-broken", {"ns/sub/y.py": ""}, record=record)
    _, report = doctor(make_scenario, [pkgutil_side, broken])

    assert report.returncode == 1
    assert "\nns.sub: collision: Python takes 1 of 2 folders\n" in report.output
    assert f"note: shape-broken: {problem}" in report.output
    assert "Traceback" not in report.output


def test_an_unreadable_folder_is_noted_not_fatal(tmp_path, monkeypatch, capsys):
    """A path folder that cannot be read (PermissionError) is named in a note; the others are still diagnosed.

    Run in-process: as root nothing is unreadable, so reading that folder is made to fail as it would for a user.
    """
    doctor_module = load_doctor()
    first = pep420_portion(tmp_path / "first", "shape-a", "a")
    second = pep420_portion(tmp_path / "second", "shape-b", "b")
    locked = tmp_path / "locked"
    (locked / "ns").mkdir(parents=True)
    real_stat, real_iterdir = Path.stat, Path.iterdir

    def refuse(path: Path) -> None:
        if str(path).startswith(str(locked)):
            raise PermissionError(13, os.strerror(13), str(path))

    monkeypatch.setattr(Path, "stat", lambda self, **kw: refuse(self) or real_stat(self, **kw))
    monkeypatch.setattr(Path, "iterdir", lambda self: refuse(self) or real_iterdir(self))
    monkeypatch.setattr(sys, "path", [str(first), str(locked), str(second)])
    # pytest's own import hooks are not part of the environment under test.
    machinery = importlib.machinery
    standard = (machinery.BuiltinImporter, machinery.FrozenImporter, machinery.PathFinder)
    monkeypatch.setattr(sys, "meta_path", [finder for finder in sys.meta_path if finder in standard])
    hooks = [h for h in sys.path_hooks if "zipimport" in repr(h) or "FileFinder" in repr(h)]
    monkeypatch.setattr(sys, "path_hooks", hooks)

    status = doctor_module.main(["ns.sub"])

    out = capsys.readouterr().out
    assert status == 0
    assert "ns.sub: ok" in out
    assert f"note: cannot read {locked}" in out
    assert "Permission denied" in out


def test_a_file_changed_after_install_is_a_note_not_a_collision(make_scenario, tmp_path):
    """A file edited in place (a patched CA bundle, as certifi's often is), with no other distribution involved: with ``--all-files`` a note, exit 0, and the JSON names the cause; by default the doctor does not read it at all (it cannot decide an import)."""
    folder = install_tree(
        tmp_path / "site", "shape-certifi", {"certifi/__init__.py": "", "certifi/cacert.pem": "A\n"}
    )
    bundle = folder / "certifi" / "cacert.pem"
    bundle.write_text("A\nB, added by the user\n")
    s, report = doctor(make_scenario, [folder], "--all-files")
    as_json = json.loads(s.doctor("--json", "--all-files").output)
    default = json.loads(s.doctor("--json").output)

    assert report.returncode == 0
    assert (
        f"note: {bundle}: installed by shape-certifi, changed since, and no installed distribution ships this content:"
        " a local modification, not a collision"
    ) in flat(report.output)
    assert report.output.splitlines()[0] == (
        "healthy: no package name is provided by more than one folder or distribution"
    )
    # A note is no cause: the JSON's causes fail a run; its findings say what was found.
    assert (as_json["status"], as_json["verdict"], as_json["causes"]) == (0, "healthy", [])
    assert [(f["cause"], f["subject"]) for f in as_json["findings"]] == [("modified", str(bundle))]
    assert [entry["file"] for entry in as_json["modified"]] == [str(bundle)]
    assert (default["status"], default["causes"], default["modified"]) == (0, [], [])


@pytest.mark.parametrize("gone", ["ns/mine.py", "ns/__init__.py"])
def test_a_file_gone_from_its_folder_is_broken_and_says_to_reinstall(make_scenario, tmp_path, gone):
    """A file its RECORD lists, gone from a folder that is still there: deleted by hand, or by the uninstall of another distribution that shipped it too, and nothing left tells which (that one's RECORD went with it). Not a collision: broken, exit 1, both readings named, and the fix reinstalls the distribution; for an ``__init__.py``, a note on PEP 420. What Python does: the module is gone; without its ``__init__.py``, ``ns`` still imports, as a namespace package."""
    folder = install_tree(tmp_path / "site", "shape-alone", {"ns/__init__.py": "", "ns/mine.py": ""})
    (folder / gone).unlink()
    s, report = doctor(make_scenario, [folder])
    python = s.venv.execute(
        [s.venv.python, "-c", "import ns.mine; print(ns.__file__)"], extra_env=s.path_env()
    )
    as_json = json.loads(s.doctor("--json").output)

    expected = "ModuleNotFoundError: No module named 'ns.mine'" if gone == "ns/mine.py" else "None"
    assert python.output.splitlines()[-1] == expected
    assert report.returncode == 1
    missing = (
        f"{folder / gone}: installed by shape-alone, now missing: deleted by hand, or by uninstalling another"
        " distribution that shipped it too (nothing left tells which)"
    )
    assert flat(report.output).startswith(f"broken: {missing}")
    assert f"removed: {missing}" in flat(report.output)
    lines = report.output.splitlines()
    help_line = next(i for i, line in enumerate(lines) if line.startswith("help: reinstall to restore"))
    command = next(line for line in lines[help_line + 1 :] if line.startswith("    ../"))
    python = shlex.quote(here(s, s.venv.python))
    assert command == (
        f"    {python} -m pip install --force-reinstall --no-deps --target {shlex.quote(str(folder))} --upgrade"
        " shape-alone"
    )
    assert ("PEP 420" in report.output) == (gone == "ns/__init__.py")
    assert (as_json["status"], as_json["verdict"], as_json["causes"]) == (1, "broken", ["removed"])


def test_a_distribution_overwriting_another_s_file_is_a_collision(make_scenario, tmp_path):
    """Two distributions ship different ``ns/__init__.py`` into one folder: the second's copy silently replaced the first's; exit 1 and the fix says to stop shipping it twice."""
    folder = tmp_path / "site"
    install_tree(folder, "shape-first", {"ns/__init__.py": "FIRST = 1\n", "ns/first.py": ""})
    install_tree(folder, "shape-second", {"ns/__init__.py": "SECOND = 2\n", "ns/second.py": ""})
    s, report = doctor(make_scenario, [folder])

    assert report.returncode == 1
    replaced = (
        f"{folder / 'ns' / '__init__.py'}: installed by shape-first, silently replaced by shape-second's copy"
    )
    assert flat(report.output).startswith(f"collision: {replaced} ")
    # No project folder is recorded for either: making ns PEP 420 is for their maintainers.
    assert "help (stopgap): no project folder is recorded for shape-first, shape-second" in flat(
        report.output
    )
    assert json.loads(s.doctor("--json").output)["causes"] == ["overwritten"]


def test_distributions_sharing_one_folder_are_listed_as_healthy(make_scenario, tmp_path):
    """azure-core and azure-storage-blob share ``azure/`` (PEP 420) in one folder: the default report lists that namespace with both owners, healthy."""
    folder = tmp_path / "site"
    install_tree(folder, "azure-core", {"azure/core/__init__.py": ""})
    install_tree(folder, "azure-storage-blob", {"azure/storage/blob/__init__.py": ""})
    s, report = doctor(make_scenario, [folder])

    assert report.returncode == 0
    assert report.output.startswith("healthy: every folder of every shared name is searched\n\nazure: ok,")
    verbose = s.doctor("--verbose")
    assert row("searches", folder / "azure", "namespace", "azure-core, azure-storage-blob") in verbose.output
    assert "  why: a namespace package (PEP 420): every portion is searched\n" in verbose.output


@pytest.mark.parametrize(
    ("name", "says"),
    [
        (
            "sys",
            "  why: a built-in module, compiled into the interpreter\n",
        ),
        ("json.decoder", "  why: a module, not a package, found by the path entry "),
    ],
    ids=["built-in", "module"],
)
def test_a_module_or_a_builtin_gets_an_accurate_message(make_scenario, name, says):
    """A plain module or a built-in named on the command line: what it is, exit 0, no usage error."""
    s, report = doctor(make_scenario, [], name)

    assert report.returncode == 0
    assert f"\n{name}: ok, " in report.output
    assert says in s.doctor("--verbose", name).output


def test_a_hidden_folder_whose_init_cannot_be_read_is_a_collision_not_a_crash(make_scenario, tmp_path):
    """A regular ``ns/`` first on the path hides a later ``ns/`` whose ``__init__`` changes ``__path__`` its own way: Python imports the first, the doctor says collision and lists the hidden folder as one it cannot read (kind unknown), with no traceback."""
    first = install_tree(tmp_path / "first", "shape-first", {"ns/__init__.py": "", "ns/a.py": ""})
    odd = install_tree(
        tmp_path / "odd", "shape-odd", {"ns/__init__.py": "__path__.append('x')\n", "ns/b.py": ""}
    )
    s, report = doctor(make_scenario, [first, odd], "ns")
    python = s.venv.execute([s.venv.python, "-c", "import ns.b"], extra_env=s.path_env())

    assert python.output.splitlines()[-1] == "ModuleNotFoundError: No module named 'ns.b'"
    assert report.returncode == 1, report.output
    assert "Traceback" not in report.output
    assert report.output.startswith("collision: ns.b cannot be imported: ")
    assert row("hides", odd / "ns", "unknown", "shape-odd") in report.output


def test_an_init_that_builds_its_path_otherwise_is_cannot_tell(make_scenario, tmp_path):
    """An ``__init__.py`` that changes ``__path__`` in its own way: the doctor says it cannot tell, names the file, and exits 3."""
    odd = install_tree(tmp_path / "odd", "shape-odd", {"ns/__init__.py": "__path__.append('/elsewhere')\n"})
    other = pep420_portion(tmp_path / "other")
    _, report = doctor(make_scenario, [odd, other])

    assert report.returncode == 3
    assert report.output.startswith("cannot-tell: the doctor cannot tell what Python imports for ns\n")
    assert (
        f"ns: cannot tell: {odd / 'ns' / '__init__.py'} builds __path__ in a way the doctor does not model"
        " (__path__)" in flat(report.output)
    )


def hook_folder(tmp_path: Path, install: str) -> Path:
    """A PYTHONPATH folder whose sitecustomize runs ``install`` at start-up, with ``Redirect`` a finder the doctor does not know."""
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(
        "import sys\n\nclass Redirect:\n    @classmethod\n    def find_spec(cls, name, path=None, target=None):\n"
        f"        return None\n\n{install}\n"
    )
    return hook


def test_an_unknown_import_hook_is_cannot_tell(make_scenario, tmp_path):
    """A meta path finder the doctor does not know (installed at start-up by sitecustomize): exit 3, naming it."""
    hook = hook_folder(tmp_path, "sys.meta_path.insert(0, Redirect())")
    first = pep420_portion(tmp_path / "first", "shape-a", "a")
    second = pep420_portion(tmp_path / "second", "shape-b", "b")
    _, report = doctor(make_scenario, [hook, first, second])

    assert report.returncode == 3
    assert "an import hook the doctor does not model" in flat(report.output)
    assert "<sitecustomize.Redirect object at" in flat(report.output)


def test_virtualenv_s_own_finder_in_a_python_3_9_venv_is_modelled(make_scenario, tmp_path):
    """A venv virtualenv makes for CPython 3.9 (as tox, nox, hatch and poetry do) puts virtualenv's ``_Finder`` first on sys.meta_path; it answers only for distutils.dist and setuptools.dist, so the doctor still gives its verdict (here the collision, exit 1), not "cannot tell"."""
    if find_interpreter("3.9") is None:
        pytest.skip(missing_reason("3.9"))
    s = make_scenario(python="3.9")
    assert "_Finder()" in (s.venv.site_packages / "_virtualenv.py").read_text()
    s.targets.extend(
        [pkgutil_top_with_regular_sub(tmp_path / "pkgutil side"), pep420_portion(tmp_path / "pep420 side")]
    )
    report = s.doctor()

    assert report.returncode == 1, report.output
    assert "\nns.sub: collision: Python takes 1 of 2 folders\n" in report.output


def test_help_explains_every_word_of_the_report(make_scenario):
    """``--help`` explains every verdict with its exit status, every role and kind of a folder, and every cause."""
    _, report = doctor(make_scenario, [], "--help")
    words = [line.split()[0] for line in report.output.splitlines() if line.startswith("  ") and line.split()]

    assert report.returncode == 0
    assert "exit status 2: a usage error" in report.output
    for verdict, status in (
        ("healthy", 0),
        ("collision", 1),
        ("broken", 1),
        ("stale", 1),
        ("missing", 1),
        ("cannot-tell", 3),
    ):
        assert any(line.split()[:3] == [verdict, "exit", f"{status}:"] for line in report.output.splitlines())
    for word in (
        "takes",
        "searches",
        "hides",
        "shadowed",
        "skips",
        "regular",
        "pkgutil",
        "pkg_resources",
        "namespace",
        "empty",
        "module",
        "unknown",
        "broken",
    ):
        assert word in words
    for cause in (
        "hidden-portion",
        "overwritten",
        "broken-init",
        "failed-pth",
        "removed",
        "unlisted-zip-folder",
    ):
        assert cause in words
    for cause in (
        "stale-build",
        "stale-finder",
        "unreachable",
        "cannot-tell",
        "modified",
        "deleted",
        "shared-file",
        "shadowed-module",
        "empty-folder",
        "unseen-zip-folder",
        "unreadable",
    ):
        assert cause in words


def test_the_picture_draws_the_search_and_keeps_any_path_intact(make_scenario, tmp_path):
    """``--format mermaid`` on a collision: a box per name with its state, a thick arrow to the folder Python takes and a dashed one to the folder it hides, each folder with its kind and owner, the verdict as its title; a path's ``#``, quotes and angle brackets become entities, so Mermaid reads them as text."""
    odd = tmp_path / 'a "b" #1; <c>'
    first = pkgutil_top_with_regular_sub(odd)
    second = pep420_portion(tmp_path / "second")
    _, picture = doctor(make_scenario, [first, second], "--format", "mermaid")
    lines = picture.output.splitlines()
    entities = {"#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;"}
    escaped = "".join(entities.get(char, char) for char in str(first / "ns" / "sub"))

    assert picture.returncode == 1
    assert lines[0:2] == [
        "---",
        'title: "collision: ns.sub.y cannot be imported: a regular package (an __init__)'
        ' makes one folder the whole of ns.sub and hides the others"',
    ]
    assert lines[2:4] == ["---", "flowchart LR"]
    assert '  n0(["import ns<br/>ok"])' in lines
    assert '  n1(["import ns.sub<br/>collision"])' in lines
    assert f'  n1_1["{escaped}<br/>regular · shape-pkgutil"]' in lines
    assert '  n1 ==>|"1. takes"| n1_1' in lines
    assert '  n1 -.->|"2. hides"| n1_2' in lines
    assert "  class n1_2 hides" in lines


def test_the_installed_doctor_runs_from_any_folder(make_scenario, tmp_path):
    """sample_project installed as a wheel (not from its folder) carries the whole doctor package: ``python -m sample_project.doctor`` runs from an unrelated folder, every module of it there."""
    s = make_scenario()
    assert s.install(CONSUMER, "regular").returncode == 0, s.log
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    modules = sorted(path.stem for path in DOCTOR.glob("*.py") if path.stem != "__main__")  # it runs
    check = (
        "import importlib, sys; [importlib.import_module('sample_project.doctor.' + m) for m in sys.argv[1:]]"
    )
    imported = s.venv.execute([s.venv.python, "-c", check, *modules], cwd=elsewhere)
    version = s.venv.execute([s.venv.python, "-m", "sample_project.doctor", "--version"], cwd=elsewhere)

    assert imported.returncode == 0, imported.output
    assert version.output.startswith("python -m sample_project.doctor 2.3 (JSON schema 3)")


def test_the_doctor_runs_as_a_single_file_copied_anywhere(make_scenario, tmp_path, doctor_pyz):
    """``python doctor.pyz`` (what ``make doctor`` builds) from a copy in an unrelated folder gives the same report as ``python -m sample_project.doctor``."""
    first = pep420_portion(tmp_path / "first", "shape-a", "a")
    second = pkgutil_top_with_regular_sub(tmp_path / "second")
    s, report = doctor(make_scenario, [first, second])
    copy = tmp_path / "elsewhere" / "doctor.pyz"
    copy.parent.mkdir()
    shutil.copy2(doctor_pyz, copy)
    # From the same folder, so that both show the same paths relative to it.
    alone = s.venv.execute([s.venv.python, copy], cwd=s.project(CONSUMER), extra_env=s.path_env())

    def report_of(output: str) -> tuple[str, str]:
        """The output but for its last note, and that note (in one line): the one naming the doctor's own
        start-up entry, which differs, as does the command that runs the doctor (in a stopgap's help)."""
        body, note = output.split("note: diagnosed the import path of ")
        return body.replace(f" {copy} --accept", " -m sample_project.doctor --accept"), flat(note)

    assert alone.returncode == report.returncode == 1
    assert report_of(alone.output)[0] == report_of(report.output)[0]
    assert report_of(alone.output)[1].endswith(f", without the doctor's own archive {copy}")
    own = f", without the doctor's own start-up folder {s.project(CONSUMER)}"
    assert report_of(report.output)[1].endswith(own)
    assert f" {copy} --accept" in alone.output


@pytest.mark.parametrize(
    ("files", "folders", "status", "imports"),
    [
        ({"ns/__init__.py": "", "ns/sub/__init__.py": "", "ns/sub/z.py": ""}, True, 1, False),
        ({"ns/sub/z.py": ""}, True, 0, True),
        ({"ns/sub/z.py": ""}, False, 1, False),
        ({"ns/__init__.py": PKGUTIL, "ns/sub/__init__.py": PKGUTIL, "ns/sub/z.py": ""}, True, 0, True),
    ],
    ids=["regular-in-the-zip", "pep420-in-the-zip", "pep420-no-folder-entries", "pkgutil-in-the-zip"],
)
def test_a_zip_archive_on_the_path_is_followed_as_zipimport_does(
    make_scenario, tmp_path, files, folders, status, imports
):
    """A zip archive on the path (an egg, a zipapp's dependencies) is read as zipimport reads it: a package (``__init__``) or a module wins, and a folder is a namespace portion only where the archive has a directory entry for it (else its files cannot be imported: broken, with the fix). The doctor's exit status and Python's imports agree."""
    archive = zip_tree(tmp_path / "deps.zip", files, folders)
    other = pep420_portion(tmp_path / "other")
    s, report = doctor(make_scenario, [archive, other], "ns.sub")
    python = s.venv.execute([s.venv.python, "-c", "import ns.sub.y, ns.sub.z"], extra_env=s.path_env())

    assert (report.returncode, python.returncode == 0) == (status, imports), report.output + python.output
    if not folders:
        assert python.output.splitlines()[-1] == "ModuleNotFoundError: No module named 'ns.sub.z'"
        said = (
            f"{archive} holds ns under ns/ but no entry for that folder: zipimport finds no namespace"
            " portion there, so what is below it cannot be imported"
        )
        assert flat(report.output).startswith(f"broken: {said} ")
        assert f"unlisted-zip-folder: {said} " in flat(report.output)
        assert (
            f"help: rebuild {archive} with an entry for each folder (python -m zipfile -c, zip -r), or make"
            " ns/ a regular package there (an __init__.py)"
        ) in flat(report.output)
    elif status == 1:
        assert row("takes", archive / "ns", "regular", "no distribution") in report.output
        assert row("hides", tmp_path / "other" / "ns", "namespace", "shape-pep420") in report.output


def test_a_zip_archive_s_data_folder_without_an_entry_is_no_problem(make_scenario, tmp_path):
    """A folder of templates (or a ``__pycache__``) in an archive without directory entries holds nothing to import: Python imports every package and reads the template as a resource, and the doctor, exit 0, says nothing of it."""
    files = {
        "ns/__init__.py": PKGUTIL,
        "ns/a/__init__.py": "",
        "ns/a/templates/page.html": "<p>hello</p>\n",
        "ns/a/__pycache__/stale.cpython-311.pyc": "",
    }
    archive = zip_tree(tmp_path / "deps.zip", files, folders=False)
    other = install_tree(tmp_path / "other", "shape-b", {"ns/__init__.py": PKGUTIL, "ns/b/__init__.py": ""})
    s, report = doctor(make_scenario, [archive, other])
    code = "import importlib.resources as r, ns.a, ns.b; print(r.files('ns.a').joinpath('templates/page.html').read_text().strip())"
    python = s.venv.execute([s.venv.python, "-c", code], extra_env=s.path_env())

    assert python.output.splitlines()[-1] == "<p>hello</p>"
    assert report.returncode == 0, report.output
    assert "templates" not in report.output
    assert "__pycache__" not in report.output
    assert report.output.splitlines()[0] == "healthy: every folder of every shared name is searched"


GOOGLE_STYLE = (
    "try:\n    import pkg_resources\n    pkg_resources.declare_namespace(__name__)\n"
    "except ImportError:\n    import pkgutil\n    __path__ = pkgutil.extend_path(__path__, __name__)\n"
)


def test_the_google_cloud_fallback_form_is_understood(make_scenario, tmp_path):
    """``import pkg_resources`` inside the ``try`` and ``import pkgutil`` in the fallback (google-cloud's form): with no pkg_resources, extend_path runs, Python imports both, and the doctor says healthy."""
    first = install_tree(tmp_path / "first", "shape-g1", {"gns/__init__.py": GOOGLE_STYLE, "gns/one.py": ""})
    second = install_tree(
        tmp_path / "second", "shape-g2", {"gns/__init__.py": GOOGLE_STYLE, "gns/two.py": ""}
    )
    s, report = doctor(make_scenario, [first, second])
    python = s.venv.execute([s.venv.python, "-c", "import gns.one, gns.two"], extra_env=s.path_env())

    assert (python.returncode, report.returncode) == (0, 0)
    assert "its pkgutil fallback runs extend_path" in s.doctor("--verbose").output


def old_setuptools_wheel() -> Path | None:
    """A setuptools older than 66.1, as ensurepip bundles it with CPython 3.9 to 3.11 (58.1.0, 65.5.0)."""
    for version in ("3.11", "3.10", "3.9"):
        python = find_interpreter(version)
        if python is not None:
            probe = [str(python), "-c", "import ensurepip, os; print(os.path.dirname(ensurepip.__file__))"]
            bundled = Path(subprocess.run(probe, capture_output=True, text=True).stdout.strip(), "_bundled")
            found = sorted(bundled.glob("setuptools-*.whl"))
            if found:
                return found[0]
    return None


@pytest.mark.parametrize("fallback", [True, False], ids=["google-fallback", "declare_namespace"])
def test_an_old_setuptools_pkg_resources_fails_on_python_3_12(tmp_path, fallback, doctor_pyz):
    """Python 3.12 removed pkgutil.ImpImporter, which the pkg_resources of setuptools before 66.1 needs: importing it raises AttributeError, which google's ``except ImportError`` fallback does not catch. Python's import fails, and the doctor says BROKEN with that error and a fix that names the upgrade, not a healthy fallback."""
    python = next((find_interpreter(v) for v in ("3.12", "3.13") if find_interpreter(v)), None)
    wheel = old_setuptools_wheel()
    if python is None or wheel is None:
        pytest.skip("needs CPython 3.12 or 3.13, and the setuptools ensurepip bundles with 3.9 to 3.11")
    venv = tmp_path / "venv"
    subprocess.run([str(python), "-m", "venv", "--without-pip", str(venv)], check=True, env=hermetic_env())
    site = next((venv / "lib").glob("python3.*/site-packages"))
    with zipfile.ZipFile(wheel) as archive:  # importable, as a seeded venv has it
        archive.extractall(site)
    init = GOOGLE_STYLE if fallback else "__import__('pkg_resources').declare_namespace(__name__)\n"
    first = install_tree(tmp_path / "first", "shape-g1", {"gns/__init__.py": init, "gns/one.py": ""})
    second = install_tree(tmp_path / "second", "shape-g2", {"gns/__init__.py": init, "gns/two.py": ""})
    env = {**hermetic_env(), "PYTHONPATH": os.pathsep.join([str(first), str(second)])}
    copy = shutil.copy(doctor_pyz, tmp_path / "doctor.pyz")
    report = subprocess.run(
        [str(venv / "bin" / "python"), copy, "gns"], capture_output=True, text=True, env=env, cwd=tmp_path
    )
    imported = subprocess.run(
        [str(venv / "bin" / "python"), "-W", "ignore", "-c", "import gns.one, gns.two"],
        capture_output=True,
        text=True,
        env=env,
    )

    error = "AttributeError: module 'pkgutil' has no attribute 'ImpImporter'"
    assert imported.stderr.splitlines()[-1].startswith(error), imported.stderr
    assert report.returncode == 1, report.stdout + report.stderr
    assert report.stdout.startswith("broken: the __init__ of gns fails, so nothing below it imports\n")
    assert (
        f"gns: broken: its __init__ fails ({error}, raised by importing the pkg_resources of a setuptools"
        " older than 66.1" in flat(report.stdout)
    )
    assert "upgrade setuptools (66.1 to 80 still ship pkg_resources)" in flat(report.stdout)
    assert "\n    venv/bin/python -m pip install 'setuptools>=66.1,<81'\n" in report.stdout


def test_an_editable_finder_of_an_unknown_setuptools_version_is_cannot_tell(make_scenario):
    """A setuptools editable finder whose code is not the template the doctor mirrors: for the names it may serve, cannot tell (exit 3)."""
    s = make_scenario()
    finder = "__editable___old_1_0_finder"
    package = s.workspace / "old project" / "oldpkg"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (s.venv.site_packages / f"{finder}.py").write_text(
        f"import sys\nMAPPING = {{'oldpkg': {str(package)!r}}}\nNAMESPACES = {{}}\n\n"
        "class _EditableFinder:\n    @classmethod\n    def find_spec(cls, fullname, path=None, target=None):\n"
        "        for pkg, pkg_path in reversed(list(MAPPING.items())):\n            pass\n        return None\n\n"
        "def install():\n    sys.meta_path.append(_EditableFinder)\n"
    )
    (s.venv.site_packages / "__editable__.old-1.0.pth").write_text(f"import {finder}; {finder}.install()\n")
    report = s.doctor("oldpkg")

    assert report.returncode == 3
    assert report.output.startswith("cannot-tell: the doctor cannot tell what Python imports for oldpkg\n")
    assert f"{finder}.py is a setuptools editable finder of a version the doctor does not model" in flat(
        report.output
    )


def test_a_missing_script_or_folder_is_a_note_not_a_removal(make_scenario, tmp_path):
    """A RECORD file outside the packages (``../bin/tool``) or a whole package folder gone: a note, exit 0, not "reinstall"."""
    folder = install_tree(tmp_path / "site", "shape-tools", {"tools/__init__.py": "", "tools/cli.py": ""})
    record = next(folder.glob("*.dist-info")) / "RECORD"
    record.write_text(record.read_text() + "../bin/tool,sha256=abc,3\n")
    shutil.rmtree(folder / "tools")
    _, report = doctor(make_scenario, [folder])

    assert report.returncode == 0
    assert "deleted since, with its folder or outside the packages" in flat(report.output)
    assert "help:" not in report.output


def test_an_unknown_hook_means_no_confident_healthy(make_scenario, tmp_path):
    """With an import hook it does not model, the doctor never says healthy: what the hook serves is in no report, so exit 3."""
    hook = hook_folder(tmp_path, "sys.meta_path.append(Redirect)")
    _, report = doctor(make_scenario, [hook])

    assert report.returncode == 3
    assert report.output.startswith("cannot-tell: the doctor cannot model this interpreter's import system: ")
    assert "import hooks it does not model (<class 'sitecustomize.Redirect'>)" in flat(report.output)


def redirector_folder(tmp_path: Path, finder: str, start_up: str) -> Path:
    """A PYTHONPATH folder with an ``editables/redirector.py`` holding ``finder``, and a sitecustomize running ``start_up``."""
    hook = tmp_path / "redirector"
    (hook / "editables").mkdir(parents=True)
    (hook / "editables" / "__init__.py").write_text("")
    (hook / "editables" / "redirector.py").write_text(finder)
    (hook / "sitecustomize.py").write_text(start_up)
    return hook


def editables_redirector() -> str:
    """editables' own redirector.py, from the pinned wheel in the tool venv."""
    wheel = next(Path(sys.prefix, "wheels").glob("editables-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        return archive.read("editables/redirector.py").decode()


def test_an_editables_redirector_of_unknown_code_is_cannot_tell(make_scenario, tmp_path):
    """A RedirectingFinder in editables.redirector whose find_spec is not the one the doctor mirrors: exit 3, naming the file."""
    finder = "class RedirectingFinder:\n    @classmethod\n    def find_spec(cls, name, path=None, target=None):\n        return None\n"
    start_up = "import sys\nfrom editables.redirector import RedirectingFinder\nsys.meta_path.append(RedirectingFinder)\n"
    hook = redirector_folder(tmp_path, finder, start_up)
    _, report = doctor(make_scenario, [hook])

    assert report.returncode == 3
    assert (
        f"{hook / 'editables' / 'redirector.py'} is an editables redirector the doctor does not model"
        in flat(report.output)
    )


def test_an_editables_redirector_map_no_bootstrap_explains_is_cannot_tell(make_scenario, tmp_path):
    """editables' real redirector, given a map by something other than an ``_editable_impl_*`` module: the doctor cannot tell what else maps names, so exit 3."""
    start_up = (
        "from editables.redirector import RedirectingFinder as F\n"
        "F.install()\n"
        f"F.map_module('elsewhere', {str(tmp_path / 'elsewhere' / '__init__.py')!r})\n"
    )
    hook = redirector_folder(tmp_path, editables_redirector(), start_up)
    _, report = doctor(make_scenario, [hook])

    assert report.returncode == 3
    assert "the editables redirector maps names its bootstrap modules do not explain" in flat(report.output)


def test_an_editables_redirector_hides_the_project_mapped_first(make_scenario, tmp_path):
    """Two ``_editable_impl_*`` modules map the same top-level name: Python imports the one mapped last, and the doctor calls the other a hidden portion of a collision."""
    first = pkgutil_top_with_regular_sub(tmp_path / "first")
    second = pep420_portion(tmp_path / "second")
    hook = redirector_folder(
        tmp_path,
        editables_redirector(),
        "import _editable_impl_first, _editable_impl_second\n",
    )
    for name, project in (("first", first), ("second", second)):
        (hook / f"_editable_impl_{name}.py").write_text(
            "from editables.redirector import RedirectingFinder as F\nF.install()\n"
            f"F.map_module('ns', {str(project / 'ns' / '__init__.py')!r})\n"
        )
    (second / "ns" / "__init__.py").write_text("")  # a regular package, mapped last
    s, report = doctor(make_scenario, [hook])
    python = s.venv.execute([s.venv.python, "-c", "import ns; print(ns.__file__)"], extra_env=s.path_env())

    assert python.output.strip().endswith(str(second / "ns" / "__init__.py"))
    assert report.returncode == 1
    assert row("hides", first / "ns", "pkgutil", "no distribution") in report.output
    assert (
        "found by the editables redirector (mapped by _editable_impl_second)" in s.doctor("--verbose").output
    )


@pytest.mark.parametrize(
    ("init", "status", "says"),
    [
        ("\ufeff" + PKGUTIL, 0, "\nns: ok, 2 folders, all searched\n"),
        (
            "__path__ = pkgutil.extend_path(__path__, __name__)\n",
            1,
            "NameError: name 'pkgutil' is not defined",
        ),
        ("def cached(function):\n    return vars()\n\n" + PKGUTIL, 0, "\nns: ok, 2 folders, all searched\n"),
        (
            '__spec__.submodule_search_locations.append("/elsewhere")\n',
            3,
            "(__spec__, submodule_search_locations)",
        ),
        ("import sys\n\nsys.modules[__name__] = sys\n", 3, "(sys.modules)"),
    ],
    ids=["utf-8-bom", "pkgutil-never-imported", "vars-in-a-function", "spec-locations", "replaces-itself"],
)
def test_an_init_is_read_as_python_runs_it(make_scenario, tmp_path, init, status, says):
    """Each distribution's ``ns/__init__.py`` is read as Python runs it: a UTF-8 BOM is fine, the pkgutil idiom with pkgutil never imported raises NameError, ``vars()`` in a function is that function's locals; ``__spec__``'s locations or ``sys.modules`` are changed in a way it does not follow, which is cannot tell. Where the doctor gives a verdict, Python's imports agree."""
    first = install_tree(tmp_path / "first", "shape-a", {"ns/__init__.py": init, "ns/a.py": ""})
    second = install_tree(tmp_path / "second", "shape-b", {"ns/__init__.py": init, "ns/b.py": ""})
    s, report = doctor(make_scenario, [first, second])
    python = s.venv.execute([s.venv.python, "-c", "import ns.a, ns.b"], extra_env=s.path_env())

    assert (report.returncode, says in report.output) == (status, True), report.output
    if status == 0:
        assert python.returncode == 0, python.output
    if status == 1:
        # 3.12 and later add a hint: "Did you forget to import 'pkgutil'?"
        assert python.output.splitlines()[-1].startswith(says)
        assert report.output.startswith("broken: the __init__ of ns fails, so nothing below it imports\n")


@pytest.mark.parametrize(
    ("name", "text"), [(".hidden.pth", "import {module}\n"), ("bom.pth", "\ufeffimport {module}\n")]
)
def test_a_pth_file_counts_where_site_reads_it(make_scenario, tier_python, name, text):
    """site runs an ``import`` line of a .pth file whose name starts with a dot on Python 3.9 to 3.12 but skips the file from 3.13 on, and decodes a .pth file's UTF-8 BOM from 3.13 on only (before, the BOM makes the first line no ``import`` line): the doctor names the failed line exactly where Python printed the failure at start-up."""
    if find_interpreter(tier_python) is None:
        pytest.skip(missing_reason(tier_python))
    s = make_scenario(python=tier_python)
    module = "no_module_by_this_name"
    (s.venv.site_packages / name).write_text(text.format(module=module), encoding="utf-8")
    started = s.python("pass")
    report = s.doctor("--json", "sample_project")
    diagnosis = json.loads(report.output[report.output.index("{\n") :])

    failed = f"Error processing line 1 of {s.venv.site_packages / name}" in started.output
    assert [entry["module"] for entry in diagnosis["failed_pth"]] == ([module] if failed else [])
    assert report.returncode == (1 if failed else 0), report.output


@pytest.mark.parametrize("where", ["package-folder-first", "module-folder-first", "one-folder"])
def test_a_module_beside_a_namespace_wins_and_its_fix_deletes_it(make_scenario, tmp_path, where):
    """A stray ``ns.py`` (a leftover, like enum34's ``enum``) wins over PEP 420 portions of ``ns`` whichever folder comes first (PathFinder keeps looking past namespace portions), or in the folder of one (FileFinder takes the module over a folder without __init__): nothing below ns imports, and the fix is to delete that module, not an ``__init__.py``."""
    if where == "one-folder":  # two distributions installed into one folder: found asked about nothing
        package = install_tree(tmp_path / "site", "shape-package", {"ns/sub/y.py": ""})
        module = install_tree(tmp_path / "site", "shape-stray", {"ns.py": "VALUE = 'a module'\n"})
        s, report = doctor(make_scenario, [package])
    else:
        package = pep420_portion(tmp_path / "package side")
        module = install_tree(tmp_path / "module side", "shape-stray", {"ns.py": "VALUE = 'a module'\n"})
        s, report = doctor(
            make_scenario, [package, module][:: 1 if where == "package-folder-first" else -1], "ns"
        )
    python = s.venv.execute([s.venv.python, "-c", "import ns.sub.y"], extra_env=s.path_env())

    assert (
        python.output.splitlines()[-1]
        == "ModuleNotFoundError: No module named 'ns.sub'; 'ns' is not a package"
    )
    assert report.returncode == 1, report.output
    assert report.output.startswith(
        "collision: ns cannot be imported: a module takes the name ns, so no folder of it is searched\n"
    )
    assert (
        f"help: a module, {module / 'ns.py'}, takes the name ns, and no change to an __init__ helps:"
        " uninstall shape-stray, which installed it "
    ) in flat(report.output)
    python_path = shlex.quote(here(s, s.venv.python))
    assert f"\n    {python_path} -m pip uninstall shape-stray\n" in report.output


def test_a_module_a_package_shadows_is_a_note_not_a_collision(make_scenario, tmp_path):
    """``ns/sub.py`` in one portion of the namespace ``ns`` and a regular ``ns/sub/`` package in an earlier one: the package wins, every leaf imports, and the doctor notes the shadowed module instead of calling a collision."""
    package = install_tree(
        tmp_path / "package side", "shape-package", {"ns/sub/__init__.py": "", "ns/sub/x.py": ""}
    )
    module = install_tree(tmp_path / "module side", "shape-module", {"ns/sub.py": "VALUE = 'a module'\n"})
    s, report = doctor(make_scenario, [package, module], "ns.sub")
    python = s.venv.execute([s.venv.python, "-c", "import ns.sub.x"], extra_env=s.path_env())

    assert python.returncode == 0, python.output
    assert report.returncode == 0, report.output
    assert (
        f"note: {module / 'ns' / 'sub.py'} (owner: shape-module) is a module named ns.sub, shadowed"
        in flat(report.output)
    )
    assert report.output.startswith("healthy: ")


def test_the_doctor_diagnoses_without_its_own_start_up_folder_unless_asked(
    make_scenario, tmp_path, doctor_pyz
):
    """A copy of doctor.pyz inside a project whose folder holds a stray regular ``ns/`` gives the verdict every program of the environment gets (healthy: the folder is on nobody's path but a script's there), says which entry it left out, and with ``--from`` gives the verdict of a program started from that folder (the stray ``ns`` hides the portions); Python agrees with both."""
    first = pep420_portion(tmp_path / "first", "shape-a", "a")
    second = pep420_portion(tmp_path / "second", "shape-b", "b")
    s, _ = doctor(make_scenario, [first, second])
    project = tmp_path / "project"
    (project / "ns").mkdir(parents=True)
    (project / "ns" / "__init__.py").write_text("")
    shutil.copy2(doctor_pyz, project / "doctor.pyz")
    (project / "app.py").write_text("import ns.sub.a, ns.sub.b\n")

    alone = s.venv.execute([s.venv.python, "doctor.pyz"], cwd=project, extra_env=s.path_env())
    started = s.venv.execute(
        [s.venv.python, "doctor.pyz", "--from", project], cwd=project, extra_env=s.path_env()
    )
    elsewhere = s.venv.execute([s.venv.python, "-c", "import ns.sub.a, ns.sub.b"], extra_env=s.path_env())
    app = s.venv.execute([s.venv.python, "app.py"], cwd=project, extra_env=s.path_env())

    assert (alone.returncode, elsewhere.returncode) == (0, 0), alone.output
    assert flat(alone.output).endswith(", without the doctor's own archive doctor.pyz")
    assert (started.returncode, app.returncode) == (1, 1), started.output
    assert f", as a program started from {project} sees it" in flat(started.output)
    # Shown relative to the current folder (the project).
    assert row("hides", Path("..", "first", "ns"), "namespace", "shape-a") in started.output
    assert app.output.splitlines()[-1] == "ModuleNotFoundError: No module named 'ns.sub'"


def test_a_portion_only_a_pkg_file_leads_to_is_listed(make_scenario, tmp_path):
    """``extend_path`` also reads ``ns.pkg`` files, whose lines add folders to ``ns.__path__`` that no path entry leads to: a regular ``ns/sub/`` found earlier hides the ``ns/sub/`` of such a folder, and the doctor lists it as hidden, as Python's failing import says."""
    extra = pep420_portion(tmp_path / "reached by ns.pkg", "shape-extra", "y")
    first = install_tree(
        tmp_path / "first",
        "shape-first",
        {
            "ns/__init__.py": PKGUTIL,
            "ns/sub/__init__.py": "",
            "ns/sub/x.py": "",
            "ns.pkg": f"{extra / 'ns'}\n",
        },
    )
    s, report = doctor(make_scenario, [first])
    python = s.venv.execute([s.venv.python, "-c", "import ns.sub.x, ns.sub.y"], extra_env=s.path_env())

    assert python.output.splitlines()[-1] == "ModuleNotFoundError: No module named 'ns.sub.y'"
    assert report.returncode == 1, report.output
    assert row("hides", extra / "ns" / "sub", "namespace", "no distribution") in report.output
    assert (
        f"{row('hides', extra / 'ns' / 'sub', 'namespace', 'no distribution')}           via ns.__path__\n"
        in s.doctor("--verbose").output
    )


# --- A report people act on ---------------------------------------------------------------------


@FULL  # make test pastes the README's editable+editable help (test_pep420_fix.py), in two steps
@pytest.mark.parametrize("modes", [("regular", "regular"), ("regular", "editable")], ids="+".join)
def test_pasting_the_help_lines_of_the_demo_s_collision_ends_healthy(make_scenario, modes):
    """The demo's two distributions installed as people install them, with pip, in a checkout whose path has spaces (both editable: test_the_demo_s_help_pasted_in_two_steps_passes_a_stale_install_and_ends_healthy): the report main.py prints after the ImportError and the command's give the same verdict, and pasting every help: command, as printed, in the folder it ran in, makes the consumer print both results and the doctor say healthy, with no help and no note left for editors (no second round, no loop)."""
    s = make_scenario()
    assert " " in str(s.workspace)
    assert s.install_both(*modes) == [0, 0]
    consumer, command = s.consumer(), s.doctor()
    if consumer.returncode:  # main.py diagnoses after its ImportError; both installed regular, it imports
        in_main = consumer.output.split(f"\n{DIAGNOSIS}\n")[1]
        assert in_main.splitlines()[0] == command.output.splitlines()[0]
    assert command.returncode == 1
    assert command.output.startswith("collision: ")

    pasted = s.follow_help(command)
    assert pasted, command.output
    assert [r.returncode for r in pasted] == [0] * len(pasted), s.log
    assert s.consumer().output == CONSUMER_OUTPUT
    after = s.doctor()
    assert (after.returncode, after.output.splitlines()[0]) == (
        0,
        "healthy: every folder of every shared name is searched",
    ), after.output
    # Nothing left to act on, for Python or for editors: no help, and no note but where the doctor looked.
    left = [line for line in after.output.splitlines() if line.startswith(("help", "note:"))]
    assert [line.split(" of ")[0] for line in left] == ["note: diagnosed the import path"], after.output


def test_quiet_prints_the_verdict_line_only_and_version_names_the_schema(make_scenario, tmp_path):
    """For CI: ``--quiet`` prints the verdict line alone (same exit status), ``--version`` the doctor's version and its JSON schema."""
    first = pep420_portion(tmp_path / "first", "shape-a", "a")
    second = pkgutil_top_with_regular_sub(tmp_path / "second")
    s, report = doctor(make_scenario, [first, second])
    quiet = s.doctor("--quiet")
    version = s.doctor("--version")

    assert (quiet.returncode, quiet.output) == (1, report.output.split("\n\n")[0] + "\n")
    assert version.returncode == 0
    assert version.output.startswith("python -m sample_project.doctor 2.3 (JSON schema 3)")


def documented_json() -> dict[str, str]:
    """The README's table of the doctor's JSON keys: key -> what it holds."""
    text = DOCTOR_README.read_text(encoding="utf-8")
    table = text[text.index("| key | what it holds |") :].split("\n\n")[0]
    keys = {}
    for row in table.splitlines()[2:]:
        names, what = row.strip("|").split(" | ", 1)
        keys.update(dict.fromkeys(re.findall(r"`(\w+)`", names), what))
    return keys


def test_the_json_report_is_the_documented_schema(make_scenario, tmp_path):
    """``--json`` on a collision with a stopgap, a removed file and an accepted one, and on a healthy environment: the keys are the README's, the verdict, every cause and every fix are spelled as it documents, and the fix commands are the help lines the text report prints."""
    documented = documented_json()
    verdicts = re.findall(r"`(\w[\w-]*)`", documented["verdict"])
    first = pep420_portion(tmp_path / "first", "shape-a", "a")
    second = pkgutil_top_with_regular_sub(tmp_path / "second")
    s, report = doctor(make_scenario, [first, second])
    collision = json.loads(s.doctor("--json").output)
    (second / "ns" / "sub" / "__init__.py").unlink()  # the stopgap it prints
    removed = json.loads(s.doctor("--json").output)
    accepted = json.loads(s.doctor("--json", "--accept", "removed").output)
    legend = s.doctor("--help").output

    for payload, verdict in ((collision, "collision"), (removed, "broken"), (accepted, "healthy")):
        assert sorted(payload) == sorted(documented)
        assert (payload["schema"], payload["verdict"], payload["status"]) == (
            3,
            verdict,
            1 if verdict != "healthy" else 0,
        )
        assert payload["verdict"] in verdicts
        for finding in payload["findings"]:
            assert sorted(finding) == ["accepted", "cause", "subject", "text"]
            assert f"\n  {finding['cause']} " in legend
        for fix in payload["fixes"]:
            assert sorted(fix) == ["causes", "commands", "stopgap", "text"]
    assert collision["causes"] == ["hidden-portion"]
    for name in collision["reports"]:  # each key of a name's report and of its folders is documented
        for key in [*name, *(key for portion in name["portions"] for key in portion)]:
            assert f"`{key}`" in documented["reports"], key
    assert [fix["commands"] for fix in collision["fixes"]] == [help_commands(report.output)]
    assert removed["causes"] == ["removed"]
    assert (accepted["causes"], accepted["fixes"]) == ([], [])
    assert [(f["cause"], f["accepted"]) for f in accepted["findings"] if f["cause"] == "removed"] == [
        ("removed", True)
    ]


# Two setuptools projects installed editable. shape-hooked's finder maps hk, solo, hn.sub (hn is a
# namespace it only names) and pn, each with an __init__ that binds VALUE, lone, a module (py-modules)
# only the finder offers, and pm.c. shape-placeholder lists pn.b alone: its finder's NAMESPACES has pn
# with no folder, which its placeholder path entry serves; and it ships pm, a module, which
# shape-hooked's placeholder entry makes a namespace package.
HOOKED = {
    "shape-hooked": {
        "pyproject.toml": (
            '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n\n'
            '[project]\nname = "shape-hooked"\nversion = "1.0"\n\n'
            '[tool.setuptools]\npackages = ["hk", "hk.sub", "solo", "hn.sub", "pn", "pm.c"]\n'
            'py-modules = ["lone"]\n'
        ),
        "hk/__init__.py": "VALUE = 1\n",
        "hk/other.py": "",
        "hk/mod.py": "VALUE = 1\n",
        "hk/sub/__init__.py": "",
        "hk/sub/leaf.py": "",
        "solo/__init__.py": "VALUE = 1\n",
        "hn/sub/__init__.py": "VALUE = 1\n",
        "hn/sub/leaf.py": "",
        "pn/__init__.py": "VALUE = 1\n",
        "pn/values.py": "VALUE = 1\n",
        "lone.py": "VALUE = 1\n",
        "pm/c/__init__.py": "",
    },
    "shape-placeholder": {
        "pyproject.toml": (
            '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n\n'
            '[project]\nname = "shape-placeholder"\nversion = "1.0"\n\n'
            '[tool.setuptools]\npackages = ["pn.b"]\npy-modules = ["pm"]\n'
        ),
        "pn/b/__init__.py": "",
        "pm.py": "VALUE = 1\n",
    },
}
IMPORTS = [
    *("hk.other", "hk.mod.VALUE", "hk.sub.leaf", "hk.VALUE", "solo.VALUE", "hn.sub.leaf", "hn.sub.VALUE"),
    *("pn.values", "pn.b", "pn.VALUE", "lone.VALUE", "pm.c", "pm.VALUE"),
]
# Each as a user writes it: import the module, or from the package import VALUE.
TRY_IMPORTS = """
import sys
for name in sys.argv[1:]:
    package, _, last = name.rpartition(".")
    try:
        exec(f"from {package} import VALUE" if last == "VALUE" else f"import {name}")
        print(name, "ok")
    except Exception as error:
        print(name, type(error).__name__)
"""


def test_what_takes_a_name_ahead_of_an_editable_finder_and_its_help(make_scenario):
    """Folders an uninstall left in site-packages (a __pycache__ only), and another editable install's placeholder path entry, take names before setuptools' editable finder is asked: PathFinder makes each a namespace package, so each __init__ the finder maps never runs (what it binds cannot be imported) and a module only the finder offers is never found, while the finder still serves the immediate children of a mapped name. The doctor names what is lost and only that, says skipped-init for each skipped __init__, as text and as JSON, finds hn.sub below a name only the finder's namespace list names, and its help deletes the empty folders and makes pn PEP 420: pasted, everything imports and the doctor is healthy (pn, lone and pm were false healthy verdicts before doctor 2.3; pm's help uninstalls one of the two)."""
    s = make_scenario()
    for name, files in HOOKED.items():
        for relative, text in files.items():
            (s.project(name) / relative).parent.mkdir(parents=True, exist_ok=True)
            (s.project(name) / relative).write_text(text)
        assert s.install(name, "editable").returncode == 0, s.log
    project = s.project("shape-hooked")
    for folder in ("hk/sub", "hk/mod", "solo", "hn/sub", "lone"):
        (s.venv.site_packages / folder / "__pycache__").mkdir(parents=True)
    before = s.venv.execute([str(s.venv.python), "-c", TRY_IMPORTS, *IMPORTS]).output.splitlines()
    assert before == [
        "hk.other ok",
        "hk.mod.VALUE ImportError",  # hk.mod is the leftover folder, an empty namespace package
        "hk.sub.leaf ModuleNotFoundError",
        "hk.VALUE ImportError",
        "solo.VALUE ImportError",
        "hn.sub.leaf ok",
        "hn.sub.VALUE ImportError",
        "pn.values ok",
        "pn.b ok",
        "pn.VALUE ImportError",
        "lone.VALUE ImportError",  # lone is the leftover folder too
        "pm.c ok",
        "pm.VALUE ImportError",  # pm is shape-hooked's placeholder's namespace package
    ]

    # For type checkers the hook is a note of its own (import-hook), with a reinstall as help: accepted.
    report, as_json = s.doctor("--accept", "import-hook"), json.loads(s.doctor("--json").output)
    text = flat(report.output)
    assert text.startswith(
        "collision: hk.mod, hk.sub.leaf, lone, pm cannot be imported: Python imports hk, hk.mod, hk.sub, lone,"
        " pm as a namespace package of other folders and never searches the hidden ones"
    ), report.output
    site = here(s, s.venv.site_packages)
    for name, init, still in (
        ("hk", "hk/__init__.py", ""),
        ("solo", "solo/__init__.py", ", though what is below it still imports, through its import hook"),
        ("hn.sub", "hn/sub/__init__.py", ", though what is below it still imports, through its import hook"),
    ):
        folder = os.path.join(site, *name.split("."))
        assert (
            f"skipped-init: {name}: Python imports it as a namespace package of {folder} (no file in it: an"
            f" uninstall left it), so {here(s, project / init)} never runs (VALUE cannot be imported from"
            f" {name}){still}"
        ) in text or name == "hk", report.output
    pn_init = here(s, project / "pn" / "__init__.py")
    assert (
        "skipped-init: pn: Python imports it as a namespace package of no folder, only the placeholder path"
        " entry of the editable finder of shape-placeholder (editable), which lists pn as a namespace"
        f" package, so {pn_init} never runs (VALUE cannot be imported from pn), though what is below it still"
        " imports, through its import hook"
    ) in text, report.output
    lone = os.path.join(site, "lone")
    assert (
        "lone: collision: Python imports it as a namespace package and never asks the import hook of its"
        f" module searches {lone} empty, no distribution hides {here(s, project / 'lone.py')} module,"
        " shape-hooked (editable)"
    ) in text, report.output
    pm = here(s, s.project("shape-placeholder") / "pm.py")
    uninstall = f"{shlex.quote(here(s, s.venv.python))} -m pip uninstall shape-placeholder"
    assert (
        f"help: {pm} is a module named pm, which the editable finder of shape-hooked (editable) lists as a"
        " namespace package: a name is one or the other, so rename the module in its project, or uninstall"
        f" shape-placeholder {uninstall}"
    ) in text, report.output
    assert sorted(f["subject"] for f in as_json["findings"] if f["cause"] == "skipped-init") == [
        "hk",
        "hk.sub",
        "hn.sub",
        "pn",
        "solo",
    ]
    assert as_json["causes"] == ["hidden-portion", "skipped-init"]
    removals = [os.path.join(site, *folder.split("/")) for folder in ("hk", "hn/sub", "lone")]
    pasted = [
        *(f"rm -r -- {shlex.quote(folder)}" for folder in removals),
        f"rm -- {shlex.quote(pn_init)}",
        f"{shlex.quote(here(s, s.venv.python))} -m pip install -e {shlex.quote(here(s, project))}",
        f"rm -r -- {shlex.quote(os.path.join(site, 'solo'))}",
    ]
    assert help_commands(report.output) == [*pasted, uninstall]
    # Accepted, a name's own line says so: the verdict no longer counts it.
    accepted = s.doctor("--accept", "skipped-init:pn", "--accept", "import-hook").output
    assert "\npn: collision (accepted): Python never runs the __init__ of 1 folder of 1\n" in accepted, (
        accepted
    )
    assert "\nsolo: collision: Python never runs the __init__ of 1 folder of 2\n" in accepted, accepted

    # The help says to move what pn's __init__ defines into a module first: pn.values has VALUE already.
    # pip uninstall asks to proceed: the user answers yes (--yes).
    assert [r.returncode for r in s.follow_help(report, pasted)] == [0] * len(pasted), s.log
    assert s.uninstall("shape-placeholder").returncode == 0, s.log
    after = [*(name for name in IMPORTS if not name.startswith(("pn.", "pm."))), "pn.values.VALUE", "pm.c"]
    done = s.venv.execute([str(s.venv.python), "-c", TRY_IMPORTS, *after]).output.splitlines()
    assert done == [f"{name} ok" for name in after]
    healthy = s.doctor()
    assert (healthy.returncode, healthy.output.splitlines()[0]) == (
        0,
        "healthy: no package name is provided by more than one folder or distribution",
    ), healthy.output


# hatchling's dev-mode-exact installs through the editables redirector: shape-exact maps pn, a regular
# package; shape-placeholder (setuptools) lists pn.b alone, so its placeholder entry takes pn first.
EXACT = {
    "shape-exact": {
        "pyproject.toml": (
            '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n\n'
            '[project]\nname = "shape-exact"\nversion = "1.0"\n\n'
            "[tool.hatch.build]\ndev-mode-exact = true\n\n"
            '[tool.hatch.build.targets.wheel]\npackages = ["pn"]\n'
        ),
        "pn/__init__.py": "VALUE = 1\n",
        "pn/values.py": "VALUE = 1\n",
    },
    "shape-placeholder": HOOKED["shape-placeholder"],
}


@FULL  # make test shows a placeholder entry taking a name ahead of setuptools' finder (test above)
def test_a_pep420_help_for_the_editables_redirector_says_to_leave_it_first(make_scenario):
    """Where the __init__ Python never runs is installed through the editables redirector (hatchling's dev-mode-exact), which refuses a package without __init__, the PEP 420 help first says to switch that project to its default editable mode; done as it says, its commands end healthy."""
    s = make_scenario()
    for command in BY_NAME["hatchling"].setup_commands(s):
        assert s.venv.execute(command).returncode == 0, s.log
    for name, files in EXACT.items():
        for relative, text in files.items():
            (s.project(name) / relative).parent.mkdir(parents=True, exist_ok=True)
            (s.project(name) / relative).write_text(text)
        assert s.install(name, "editable").returncode == 0, s.log
    before = s.venv.execute([str(s.venv.python), "-c", TRY_IMPORTS, "pn.values", "pn.b", "pn.VALUE"])
    assert before.output.splitlines() == ["pn.values ModuleNotFoundError", "pn.b ok", "pn.VALUE ImportError"]

    report = s.doctor("--accept", "import-hook")
    assert report.output.startswith("collision: pn.values cannot be imported"), report.output
    assert (
        "help: first switch shape-exact to its default editable mode in pyproject.toml (hatchling's"
        " dev-mode-exact and pdm-backend's editables install through the editables redirector, which"
        " refuses a package without __init__); then make pn PEP 420"
    ) in flat(report.output), report.output
    pyproject = s.project("shape-exact") / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("dev-mode-exact = true\n", ""))
    assert [r.returncode for r in s.follow_help(report)] == [0, 0], s.log
    after = s.venv.execute([str(s.venv.python), "-c", TRY_IMPORTS, "pn.values.VALUE", "pn.b"])
    assert after.output.splitlines() == ["pn.values.VALUE ok", "pn.b ok"]
    healthy = s.doctor("--accept", "import-hook")
    assert (healthy.returncode, healthy.output.splitlines()[0]) == (
        0,
        "healthy: no package name is provided by more than one folder or distribution",
    ), healthy.output


def test_a_reader_that_stops_early_gets_the_verdict_s_status_and_no_traceback(doctor_pyz, tmp_path):
    """``doctor | head -1`` or ``| grep -q``: the reader may be gone before the report is written; the doctor then exits with the verdict's own status and says nothing on stderr (no BrokenPipeError traceback)."""
    command = [sys.executable, str(doctor_pyz)]
    whole = subprocess.run(command, capture_output=True, text=True, env=hermetic_env(), cwd=tmp_path)
    read, write = os.pipe()
    os.close(read)  # the reader is gone before anything is written
    try:
        cut = subprocess.run(
            command, stdout=write, stderr=subprocess.PIPE, text=True, env=hermetic_env(), cwd=tmp_path
        )
    finally:
        os.close(write)
    assert whole.stdout.startswith(
        ("healthy: ", "collision: ", "broken: ", "stale: ", "missing: ", "cannot-tell: ")
    )
    assert (cut.returncode, cut.stderr) == (whole.returncode, "")


def test_a_folder_whose_cache_holds_more_than_bytecode_is_not_empty(tmp_path):
    """What the help deletes whole (``rm -r`` of a folder an uninstall left) holds nothing but folders and bytecode caches: a ``.pyc`` in a ``__pycache__`` leaves the folder empty, any other file there does not."""
    cache = tmp_path / "ns" / "sub" / "__pycache__"
    cache.mkdir(parents=True)
    (cache / "mod.cpython-311.pyc").write_bytes(b"")
    files = load_doctor().files.Files()
    assert not files.holds_files(tmp_path / "ns")
    (cache / "notes.txt").write_text("not bytecode\n")
    assert load_doctor().files.Files().holds_files(tmp_path / "ns")
