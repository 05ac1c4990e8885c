"""Each cause the doctor knows, in a real environment made to show it, read as text and as JSON.

For each: its line in the report, its finding in the JSON (cause and subject),
the verdict and exit status it gives, and the JSON keys its details are under
(the doctor's table of causes, ``--help``'s legend, says which).

One case a cause, laid out as installers lay files out (``--target`` folders with
a dist-info and RECORD, zip archives, a ``.pth`` file in the venv's own
site-packages), in a fresh venv, then ``python -m sample_project.doctor`` and
``--json`` from the sample_project folder. The three causes that need a real
setuptools build are asserted, as text and JSON, by the tests ``ELSEWHERE`` names.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from harness import DURABLE, FRAMEWORK, ROOT, Scenario, flat, load_doctor
from trees import PKGUTIL, install_tree, pep420_portion, pkgutil_top_with_regular_sub, zip_tree

DECLARE = "__import__('pkg_resources').declare_namespace(__name__)\n"


@dataclass
class Case:
    """An environment showing one cause: the PYTHONPATH folders, what the report must say, and about what."""

    path: list[Path]
    line: str  # in the report, its line breaks and runs of spaces as one space (it wraps prose); * any text
    subject: str  # the JSON finding's subject: a dotted name or a file
    verdict: str  # the run's verdict (a note leaves it healthy)
    args: tuple[str, ...] = ()
    stderr: str = ""  # what Python itself printed at start-up, before the doctor ran


def hidden_portion(tmp: Path, s: Scenario) -> Case:
    """A regular ns/sub/ first on the path hides the PEP 420 portion of ns.sub after it."""
    first, second = pkgutil_top_with_regular_sub(tmp / "first"), pep420_portion(tmp / "second")
    return Case([first, second], "ns.sub: collision: Python takes 1 of 2 folders", "ns.sub", "collision")


def overwritten(tmp: Path, s: Scenario) -> Case:
    """Two distributions install different ns/__init__.py files into one folder: the second replaced the first's."""
    folder = tmp / "site"
    install_tree(folder, "shape-first", {"ns/__init__.py": "FIRST = 1\n", "ns/first.py": ""})
    install_tree(folder, "shape-second", {"ns/__init__.py": "SECOND = 2\n", "ns/second.py": ""})
    init = folder / "ns" / "__init__.py"
    line = f"overwritten: {init}: installed by shape-first, silently replaced by shape-second's copy"
    return Case([folder], line, str(init), "collision")


def broken_init(tmp: Path, s: Scenario) -> Case:
    """declare_namespace with no pkg_resources (setuptools 81 and later ship none): the __init__ fails."""
    first = install_tree(tmp / "first", "shape-g1", {"gns/__init__.py": DECLARE, "gns/one.py": ""})
    second = install_tree(tmp / "second", "shape-g2", {"gns/__init__.py": DECLARE, "gns/two.py": ""})
    line = "gns: broken: its __init__ fails (ModuleNotFoundError: No module named 'pkg_resources')"
    return Case([first, second], line, "gns", "broken")


def failed_pth(tmp: Path, s: Scenario) -> Case:
    """A .pth line in site-packages imports a module whose own import fails: site goes on without it."""
    (s.venv.site_packages / "shape_hook.py").write_text("import shape_not_installed\n")
    pth = s.venv.site_packages / "shape-hook.pth"
    pth.write_text("import shape_hook\n")
    # The venv is two levels up from the sample_project folder: the report shows its path relative.
    line = (
        "failed-pth: ../../venv/lib/python3.*/site-packages/shape-hook.pth: its line `import shape_hook` failed"
        " at start-up (shape_hook did not import: shape_not_installed is not installed); Python printed why"
        " before anything else"
    )
    return Case([], line, str(pth), "broken", stderr=f"Error processing line 1 of {pth}:")


def removed(tmp: Path, s: Scenario) -> Case:
    """A file RECORD lists is gone from its folder, which is still there."""
    folder = install_tree(tmp / "site", "shape-alone", {"ns/__init__.py": "", "ns/mine.py": ""})
    (folder / "ns" / "mine.py").unlink()
    gone = folder / "ns" / "mine.py"
    line = f"removed: {gone}: installed by shape-alone, now missing: deleted by hand, or by uninstalling"
    return Case([folder], line, str(gone), "broken")


def unlisted_zip_folder(tmp: Path, s: Scenario) -> Case:
    """A zip archive holds ns/sub/z.py with no directory entries: zipimport sees no ns/ there."""
    archive = zip_tree(tmp / "deps.zip", {"ns/sub/z.py": ""}, folders=False)
    other = pep420_portion(tmp / "other")
    line = f"unlisted-zip-folder: {archive} holds ns under ns/ but no entry for that folder"
    return Case([archive, other], line, "ns", "broken", ("ns.sub",))


def unreachable(tmp: Path, s: Scenario) -> Case:
    """gns.sub is in two folders, but its parent gns fails to import: nothing imports gns.sub."""
    files = {"gns/__init__.py": DECLARE, "gns/sub/one.py": ""}
    first = install_tree(tmp / "first", "shape-g1", files)
    second = install_tree(tmp / "second", "shape-g2", {**files, "gns/sub/one.py": "", "gns/sub/two.py": ""})
    line = "gns.sub: not found: its parent gns does not import: ModuleNotFoundError: No module named 'pkg_resources'"
    return Case([first, second], line, "gns.sub", "broken")


def cannot_tell(tmp: Path, s: Scenario) -> Case:
    """An __init__ that changes __path__ in its own way: no static reading follows it."""
    odd = install_tree(tmp / "odd", "shape-odd", {"ns/__init__.py": "__path__.append('x')\n"})
    other = pep420_portion(tmp / "other")
    init = odd / "ns" / "__init__.py"
    line = f"ns: cannot tell: {init} builds __path__ in a way the doctor does not model (__path__)"
    return Case([odd, other], line, "ns", "cannot-tell")


def modified(tmp: Path, s: Scenario) -> Case:
    """A file edited in place, no other distribution involved (a patched CA bundle), with --all-files."""
    folder = install_tree(
        tmp / "site", "shape-certifi", {"certifi/__init__.py": "", "certifi/cacert.pem": "A\n"}
    )
    bundle = folder / "certifi" / "cacert.pem"
    bundle.write_text("A\nB, added by the user\n")
    line = f"note: {bundle}: installed by shape-certifi, changed since, and no installed distribution ships"
    return Case([folder], line, str(bundle), "healthy", ("--all-files",))


def deleted(tmp: Path, s: Scenario) -> Case:
    """A distribution's whole folder deleted (an image trimmed after install)."""
    folder = install_tree(tmp / "site", "shape-trim", {"trim/__init__.py": "", "trim/tests/test_x.py": ""})
    gone = folder / "trim" / "tests" / "test_x.py"
    gone.unlink()
    gone.parent.rmdir()
    line = f"note: {gone}: installed by shape-trim, deleted since, with its folder or outside the packages"
    return Case([folder], line, str(gone), "healthy")


def shared_file(tmp: Path, s: Scenario) -> Case:
    """Two distributions ship the same pkgutil-style ns/__init__.py into one folder, as they must."""
    folder = tmp / "site"
    install_tree(folder, "shape-a", {"ns/__init__.py": PKGUTIL, "ns/a.py": ""})
    install_tree(folder, "shape-b", {"ns/__init__.py": PKGUTIL, "ns/b.py": ""})
    init = folder / "ns" / "__init__.py"
    line = f"note: {init} is claimed by shape-a and shape-b: uninstalling either removes it for both"
    return Case([folder], line, str(init), "healthy")


def shadowed_module(tmp: Path, s: Scenario) -> Case:
    """ns.sub is a regular package in one folder and a module ns/sub.py in another: the package wins."""
    package = install_tree(tmp / "package", "shape-package", {"ns/sub/__init__.py": "", "ns/sub/x.py": ""})
    module = install_tree(tmp / "module", "shape-module", {"ns/sub.py": ""})
    stray = module / "ns" / "sub.py"
    line = (
        f"note: {stray} (owner: shape-module) is a module named ns.sub, shadowed by the package Python imports"
        f" ({package / 'ns' / 'sub'}): it cannot be imported, and it hides nothing of the package"
    )
    return Case([package, module], line, str(stray), "healthy")


def import_hook(tmp: Path, s: Scenario) -> Case:
    """durable installed editable (setuptools' default mode: its editable finder), framework's project
    folder on PYTHONPATH: only the finder leads to durable's folders, which static tools do not follow."""
    assert s.install(DURABLE, "editable").returncode == 0
    line = (
        f"note: {DURABLE}: reached only through setuptools' editable finder, which type checkers (mypy,"
        " basedpyright, ty, pyrefly, zuban) do not follow; Python and jedi do"
    )
    return Case([s.project(FRAMEWORK)], line, DURABLE, "collision")


def merged_by_checkers(tmp: Path, s: Scenario) -> Case:
    """A regular ns/ first on the path hides a later regular ns/ (as both wheels of the demo ship it):
    basedpyright searches on into the second, where Python stops at the first."""
    first = install_tree(
        tmp / "first", "shape-first", {"ns/__init__.py": "", "ns/sub/__init__.py": "", "ns/sub/a.py": ""}
    )
    second = install_tree(tmp / "second", "shape-second", {"ns/__init__.py": "", "ns/sub/b.py": ""})
    line = (
        f"note: ns: basedpyright (and mypy, where py.typed marks the packages) search on into {second / 'ns'},"
        " which Python hides, so an editor shows no error for what only that folder holds"
    )
    return Case([first, second], line, "ns", "collision")


def empty_folder(tmp: Path, s: Scenario) -> Case:
    """A regular ns/ first; later on the path an ns/ an uninstall left behind: empty folders and a __pycache__."""
    first = install_tree(tmp / "first", "shape-first", {"ns/__init__.py": "", "ns/a.py": ""})
    left = tmp / "left behind"
    (left / "ns" / "sub" / "__pycache__").mkdir(parents=True)
    line = (
        f"note: {left / 'ns'} holds no file (an uninstall leaves its folders behind): Python skips it for ns,"
        " and it hides nothing"
    )
    return Case([first, left], line, str(left / "ns"), "healthy")


def unseen_zip_folder(tmp: Path, s: Scenario) -> Case:
    """An archive holds other/x.py with no directory entries, and the doctor is asked about ns alone."""
    archive = zip_tree(tmp / "deps.zip", {"other/x.py": ""}, folders=False)
    first, second = (
        pep420_portion(tmp / "first", "shape-a", "a"),
        pep420_portion(tmp / "second", "shape-b", "b"),
    )
    line = f"note: {archive} holds files under other/ but no entry for that folder"
    return Case([archive, first, second], line, "other", "healthy", ("ns",))


def unreadable(tmp: Path, s: Scenario) -> Case:
    """A distribution whose RECORD has a row of four fields: its files cannot be checked."""
    folder = install_tree(tmp / "site", "shape-broken", {"solo/__init__.py": ""}, record="a,b,c,d\n")
    line = "note: shape-broken: its RECORD cannot be read (ValueError: a row of 4 fields"
    return Case([folder], line, "shape-broken", "healthy")


CASES: dict[str, Callable[[Path, Scenario], Case]] = {
    "hidden-portion": hidden_portion,
    "overwritten": overwritten,
    "broken-init": broken_init,
    "failed-pth": failed_pth,
    "removed": removed,
    "unlisted-zip-folder": unlisted_zip_folder,
    "unreachable": unreachable,
    "cannot-tell": cannot_tell,
    "modified": modified,
    "deleted": deleted,
    "shared-file": shared_file,
    "shadowed-module": shadowed_module,
    "empty-folder": empty_folder,
    "import-hook": import_hook,
    "merged-by-checkers": merged_by_checkers,
    "unseen-zip-folder": unseen_zip_folder,
    "unreadable": unreadable,
}
# The causes that need a real setuptools build, each asserted as text and JSON by this test.
ELSEWHERE = {
    "stale-build": "test_a_stale_build_folder_puts_the_deleted_init_back_and_the_doctor_names_it",
    "stale-finder": "test_the_demo_s_help_pasted_in_two_steps_passes_a_stale_install_and_ends_healthy",
    "skipped-init": "test_what_takes_a_name_ahead_of_an_editable_finder_and_its_help",
}
STATUS = {"healthy": 0, "collision": 1, "broken": 1, "stale": 1, "missing": 1, "cannot-tell": 3}
# The causes that are notes: reported, never a cause of the verdict (the JSON's ``causes``).
NOTES = {
    "modified",
    "deleted",
    "shared-file",
    "shadowed-module",
    "empty-folder",
    "import-hook",
    "merged-by-checkers",
    "unseen-zip-folder",
    "unreadable",
}


@pytest.mark.parametrize("cause", list(CASES))
def test_each_cause_reads_as_text_and_as_json(make_scenario, tmp_path, cause):
    """The environment made to show CAUSE: the report has its line, the JSON its finding (that cause, that subject) and its details under the keys the doctor's table of causes names, and both give the verdict and exit status the cause gives."""
    s = make_scenario()
    case = CASES[cause](tmp_path, s)
    s.targets.extend(case.path)
    text = s.doctor(*case.args)
    as_json = s.doctor("--json", *case.args).output
    # What site printed at start-up about a failing .pth line comes first, on stderr.
    data = json.loads(as_json[as_json.index("{\n") :])

    assert re.search(re.escape(case.line).replace(r"\*", ".*"), flat(text.output)), text.output
    assert text.output.startswith(case.stderr), text.output
    assert [f["subject"] for f in data["findings"] if f["cause"] == cause] == [case.subject], data["findings"]
    assert (text.returncode, data["status"], data["verdict"]) == (STATUS[case.verdict],) * 2 + (case.verdict,)
    # The report's first line is the verdict (after what Python printed at start-up, if anything), and
    # its lines keep within 100 columns but for the paths in them.
    first = re.search(rf"^({'|'.join(STATUS)}): ", text.output, re.M)
    assert first, text.output
    assert first.group(1) == case.verdict, text.output
    report = text.output[first.start() :]
    assert [line for line in report.splitlines() if len(re.sub(r"\S*/\S*", "", line)) > 100] == []
    assert (cause in data["causes"]) == (cause not in NOTES)
    assert any(data[key] for key in load_doctor().Cause(cause).fields), data


def test_every_cause_has_a_test_of_its_text_and_json():
    """Every cause in the doctor's table has an environment that shows it, read as text and as JSON: in this module, or, for the three that need a real setuptools build, in the test (of test_pep420_fix.py or test_doctor.py) that reads it both ways."""
    causes = load_doctor().Cause
    assert sorted([*CASES, *ELSEWHERE]) == sorted(cause.value for cause in causes)
    assert {cause.value for cause in causes if cause.note} == NOTES
    tests = {
        name: body
        for module in (ROOT / "tests").glob("test_*.py")
        for name, body in re.findall(
            r"^def (test_\w+)\(.*?\n(.*?)(?=^def |^@|\Z)", module.read_text(), re.M | re.S
        )
    }
    for cause, test in ELSEWHERE.items():
        assert '"--json"' in tests[test], test
        assert f'"{cause}"' in tests[test], test
