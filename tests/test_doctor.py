"""The namespace doctor: static, right about Python's import rules, and clear on bad input."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import sys
from pathlib import Path

import pytest
from harness import load_doctor

PKGUTIL = '__path__ = __import__("pkgutil").extend_path(__path__, __name__)\n'


def install_tree(folder: Path, name: str, files: dict[str, str], record: str | None = "") -> Path:
    """Lay out a distribution in ``folder`` as ``pip install --target`` does: its files and a dist-info with RECORD.

    ``record=None`` leaves RECORD out; any other string replaces the computed RECORD's text when not empty.
    """
    rows = []
    for relative, text in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
        rows.append(f"{relative},sha256={digest},{len(text.encode())}")
    info = folder / f"{name.replace('-', '_')}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    if record is not None:
        (info / "RECORD").write_text(record or "\n".join([*rows, f"{info.name}/RECORD,,"]) + "\n")
    return folder


def pkgutil_top_with_regular_sub(folder: Path) -> Path:
    """ns/ pkgutil-style, ns/sub/ a regular package: a common real-world shape."""
    files = {"ns/__init__.py": PKGUTIL, "ns/sub/__init__.py": "", "ns/sub/x.py": "VALUE = 'x'\n"}
    return install_tree(folder, "shape-pkgutil", files)


def pep420_portion(folder: Path, name: str = "shape-pep420", module: str = "y") -> Path:
    """ns/sub/MODULE.py with no __init__.py anywhere: a PEP 420 portion of ns and ns.sub."""
    return install_tree(folder, name, {f"ns/sub/{module}.py": f"VALUE = '{module}'\n"})


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
    assert "ns.sub: COLLISION" in report.output
    assert f"[hidden] {pep420_side / 'ns' / 'sub'}\n" in report.output
    assert f"Python imports {pkgutil_side / 'ns' / 'sub'}: " in report.output
    assert "owner: shape-pkgutil" in report.output
    # ns itself is fine (extend_path reaches the other folder): only ns/sub/__init__.py must go.
    fix = pkgutil_side / "ns" / "sub" / "__init__.py"
    assert f"in shape-pkgutil: delete {fix}\n" in report.output
    # A regular package anywhere on the path wins over namespace portions found before it.
    assert (
        f"Python imports {pkgutil_side / 'ns'}: a pkgutil-style package, found by sys.path entry {pkgutil_side}:"
        in report.output
    )
    assert python.returncode == 1
    assert python.output.splitlines()[-1] == "ModuleNotFoundError: No module named 'ns.sub.y'"

    fix.unlink()  # do what the doctor says: then Python imports both, and the doctor agrees
    assert s.venv.execute(python.cmd, extra_env=s.path_env()).returncode == 0
    after = s.doctor()
    assert "ns.sub: ok" in after.output
    # It still exits 1, rightly: the deleted file is one shape-pkgutil's RECORD lists.
    assert f"{fix}: installed by shape-pkgutil, now missing" in after.output


def test_a_namespace_shared_by_two_pep420_distributions_is_healthy(make_scenario, tmp_path):
    """Two PEP 420 distributions sharing ns.sub: every portion searched, exit 0, and Python imports both."""
    first = pep420_portion(tmp_path / "first", "shape-a", "a")
    second = pep420_portion(tmp_path / "second", "shape-b", "b")
    s, report = doctor(make_scenario, [first, second])
    python = s.venv.execute([s.venv.python, "-c", "import ns.sub.a, ns.sub.b"], extra_env=s.path_env())

    assert (report.returncode, python.returncode) == (0, 0)
    assert "ns.sub: ok" in report.output
    assert report.output.splitlines()[-1] == "VERDICT: healthy: every portion is searched."


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
    assert "boom: COLLISION" in report.output
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
        in report.output
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
    assert "ns.sub: COLLISION" in report.output
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
    # pytest's own import hook is not part of the environment under test.
    monkeypatch.setattr(
        sys, "meta_path", [m for m in sys.meta_path if type(m).__module__ != "_pytest.assertion.rewrite"]
    )

    status = doctor_module.main(["ns.sub"])

    out = capsys.readouterr().out
    assert status == 0
    assert "ns.sub: ok" in out
    assert f"note: cannot read {locked}" in out
    assert "Permission denied" in out
