"""The oracle for the doctor: what CPython really imports, layout after layout.

Run by tests/test_doctor_agrees_with_python.py with the Python of a real venv
(made by ``python -m venv``, virtualenv or uv, on each interpreter found; with
setuptools 80 installed in it, or none), standard library only, Python 3.9+:

    VENV/bin/python -E -B tests/lib/oracle.py DOCTOR DOCTOR_PYZ WORKDIR [import-pkg_resources]

DOCTOR is the doctor's package folder (loaded here, and copied for ``python -m``),
DOCTOR_PYZ the single file ``make doctor`` builds (copied, and run as a script).

Full site processing, as every program of that venv has: its creator's and its
setuptools' .pth files have run, their finders are on sys.meta_path. With
``import-pkg_resources``, pkg_resources is imported before the first layout,
as a program that uses it would have done; otherwise it is importable (the venv
has setuptools 80) or absent.

Reads one layout plan a line (JSON, made by tests/lib/layouts.py), and answers one
JSON line a plan: ``doctor`` is what the namespace doctor predicts, ``python``
is what importing does. A plan's ``launch`` says how the doctor is started:

- ``in-process``: called in this process, the layout's site folder added the
  way site adds site-packages (``site.addsitedir``: its .pth files run). Each
  layout has a top-level name of its own; the import state it adds (sys.path,
  sys.meta_path, sys.path_hooks, sys.modules, sys.path_importer_cache) is
  undone before the next one.
- ``module`` / ``script``: the layout's site files are written into the venv's
  own site-packages, and two new processes start up as a user's do: the doctor,
  copied into a project folder, as ``python -m doctor --json NAMES`` from that
  folder or as ``python PROJECT/doctor.pyz --json --all-files`` (every shared
  name it finds itself, every installed file checked); and a program that
  imports every leaf (observer.py). What the layout added to
  site-packages is removed again.

With ORACLE_DEBUG set (the test passes it through), each layout's doctor report
goes to standard error, to read along with a failing example.
"""

from __future__ import annotations

import base64
import compileall
import functools
import hashlib
import importlib
import importlib.machinery
import importlib.util
import json
import os
import py_compile
import shutil
import site
import subprocess
import sys
import sysconfig
import tempfile
import traceback
import warnings
import zipfile

from observer import NOT_PROVIDED, observe

OBSERVER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "observer.py")


def _write(path: str, entry: dict, root: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as file:
        file.write(entry["text"].replace("{root}", root))
    if entry.get("compile"):  # sourceless: the legacy __init__.pyc beside where the source was
        py_compile.compile(path, cfile=path + "c", doraise=True)
        os.remove(path)


def record_row(relative: str, data: bytes) -> str:
    """A RECORD row for a file of these bytes: its path, its sha256 as pip writes it, its size."""
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{relative},sha256={digest},{len(data)}"


def _wheel(folder: str, name: str, files: list[dict], root: str) -> tuple[str, dict[str, bytes]]:
    """A wheel of ``files`` (a pure one, version 1.0, RECORD with hashes), and the bytes of each file in it."""
    dist = name.replace("-", "_")
    staging = os.path.join(folder, f"{dist} files")
    contents: dict[str, bytes] = {}
    for entry in files:
        path = os.path.join(staging, entry["path"])
        _write(path, entry, root)
        relative = entry["path"] + ("c" if entry.get("compile") else "")
        with open(os.path.join(staging, relative), "rb") as file:
            contents[relative] = file.read()
    shutil.rmtree(staging)
    info = f"{dist}-1.0.dist-info"
    contents[f"{info}/METADATA"] = f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n".encode()
    contents[f"{info}/WHEEL"] = (
        b"Wheel-Version: 1.0\nGenerator: oracle\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    )
    rows = [record_row(relative, data) for relative, data in contents.items()]
    wheel = os.path.join(folder, f"{dist}-1.0-py3-none-any.whl")
    with zipfile.ZipFile(wheel, "w") as opened:
        for relative, data in contents.items():
            opened.writestr(relative, data)
        opened.writestr(f"{info}/RECORD", "\n".join([*rows, f"{info}/RECORD,,"]) + "\n")
    return wheel, {k: v for k, v in contents.items() if ".dist-info/" not in k}


class Pip:
    """pip itself, the release virtualenv seeds this interpreter's venvs with (ORACLE_PIP: the wheel,
    unpacked), as ``python -m pip`` in this venv runs it: imported once, in a process of this venv's
    Python that forks a child for each command. A fresh pip costs 1 to 3 s to start on a 2-core
    machine; a child of one that has imported what pip needs, 0.2 s."""

    def __init__(self) -> None:
        self.process: subprocess.Popen | None = None

    def __call__(self, *args: str) -> None:
        if self.process is None:
            # Without -B: the first process compiles pip's modules into its folder, the others load them.
            cmd = [sys.executable, os.path.abspath(__file__), "--pip", os.environ["ORACLE_PIP"]]
            self.process = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.process.stdin.write(json.dumps(args) + "\n")
        self.process.stdin.flush()
        answer = json.loads(self.process.stdout.readline())
        if answer["status"]:
            raise RuntimeError(f"pip {' '.join(args)} exited {answer['status']}:\n{answer['output']}")

    def close(self) -> None:
        if self.process is not None:
            self.process.stdin.close()
            self.process.wait(timeout=60)
            self.process.stdout.close()


def serve_pip(folder: str) -> None:
    """The process behind Pip: runs pip's own main() on each line's arguments, in a forked child."""
    sys.path.insert(0, folder)
    from pip._internal.cli.main import main as pip
    from pip._internal.commands import create_command

    for command in ("install", "uninstall"):  # imports what each needs, once, before any fork
        create_command(command)
    for line in sys.stdin:
        with tempfile.TemporaryFile() as output:
            child = os.fork()
            if child == 0:
                os.dup2(output.fileno(), 1)
                os.dup2(output.fileno(), 2)
                status = 70
                try:
                    status = pip(json.loads(line)) or 0
                finally:
                    sys.stdout.flush()
                    sys.stderr.flush()
                    os._exit(status)
            _, status = os.waitpid(child, 0)
            output.seek(0)
            said = output.read().decode(errors="replace")
        print(json.dumps({"status": os.waitstatus_to_exitcode(status), "output": said}), flush=True)


PIP = Pip()


def install_wheels(root: str, plan: dict, site_packages: str) -> tuple[list[str], list[str]]:
    """pip or uv installs the plan's wheels in order, then does to each what it says (leave, delete or edit
    its leaf module, uninstall it, with the installer that installed it). Returns the causes the installed
    files now show against what each wheel shipped (not from the doctor), and the leaves uninstalled.

    The files are looked at, not predicted: an uninstall takes more than its own RECORD's shared files
    (pip also removes the legacy ``x.pyc`` beside each ``x.py`` it removes, another wheel's sourceless
    ``__init__.pyc`` included; measured with pip 26.0.1 and 26.3)."""
    folder = os.path.join(root, "wheels")
    os.makedirs(folder, exist_ok=True)
    uv = [os.environ["ORACLE_UV"], "pip"]
    uv_options = ["--python", sys.executable, "--offline", "--no-config"]
    # As a user types them but for isolation (no configuration, no PIP_* variables) and quiet.
    pip_options = ["--isolated", "--disable-pip-version-check", "--quiet"]
    shipped: dict[str, dict[str, bytes]] = {}
    for spec in plan.get("wheels", []):
        wheel, shipped[spec["name"]] = _wheel(folder, spec["name"], spec["files"], root)
        if spec["installer"] == "pip":
            PIP("install", *pip_options, "--root-user-action=ignore", "--no-index", "--no-deps", wheel)
        else:
            _run([*uv, "install", *uv_options, "--no-index", "--no-deps", "--no-cache", wheel])
    uninstalled = []
    for spec in plan.get("wheels", []):
        leaf = next(entry["path"] for entry in spec["files"] if entry["path"].endswith("/mod.py"))
        path = os.path.join(site_packages, leaf)
        if spec["after"] == "deleted":
            os.remove(path)
        elif spec["after"] == "modified":
            with open(path, "a", encoding="utf-8") as file:
                file.write("# edited after install\n")
        elif spec["after"] == "uninstalled":
            if spec["installer"] == "pip":
                PIP("uninstall", *pip_options, "--yes", spec["name"])
            else:
                _run([*uv, "uninstall", *uv_options, spec["name"]])
            uninstalled.append(os.path.dirname(leaf).replace("/", "."))
    causes = set()
    remaining = [shipped[spec["name"]] for spec in plan.get("wheels", []) if spec["after"] != "uninstalled"]
    for files in remaining:
        for relative, data in files.items():
            path = os.path.join(site_packages, *relative.split("/"))
            if not os.path.isfile(path):
                causes.add("removed")
                continue
            with open(path, "rb") as file:
                now = file.read()
            if now != data:  # another wheel's copy of it, or an edit no wheel ships
                # A copy the doctor can tell: one an installed distribution's RECORD lists.
                shipped_by_another = any(now == other.get(relative) for other in remaining)
                causes.add("overwritten" if shipped_by_another else "modified")
    return sorted(causes), uninstalled


def _run(cmd: list[str]) -> None:
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"{cmd} failed:\n{done.stdout}{done.stderr}")


def materialize(root: str, plan: dict, site_folder: str | None = None) -> None:
    """Write the plan's files in order (a later file replaces an earlier one: two distributions merging), its zip archives, then its links.

    ``site_folder``: where the plan's ``site/`` files go (default: ``root/site``).
    """

    def where(relative: str) -> str:
        if site_folder is not None and relative.split("/")[0] == plan["site"]:
            return os.path.join(site_folder, *relative.split("/")[1:])
        return os.path.join(root, relative)

    for entry in plan["files"]:
        _write(where(entry["path"]), entry, root)
    for archive in plan.get("zips", []):
        staging = os.path.join(root, archive["path"] + ".files")
        for entry in archive["files"]:
            _write(os.path.join(staging, entry["path"]), entry, root)
        with zipfile.ZipFile(os.path.join(root, archive["path"]), "w") as opened:
            for folder, _, names in sorted(os.walk(staging)):
                relative = os.path.relpath(folder, staging).replace(os.sep, "/")
                if archive["folders"] and relative != ".":
                    opened.writestr(relative + "/", b"")  # a directory entry, as `zip -r` writes
                for name in sorted(names):
                    opened.write(
                        os.path.join(folder, name), os.path.relpath(os.path.join(folder, name), staging)
                    )
        shutil.rmtree(staging)
    for folder in plan.get("folders", []):
        os.makedirs(where(folder), exist_ok=True)
    for link in plan.get("links", []):
        path = os.path.join(root, link["path"])
        os.makedirs(os.path.dirname(path), exist_ok=True)
        os.symlink(os.path.join(root, link["target"]), path)


def predict(doctor, plan: dict) -> dict:
    """The doctor's view, before anything of the layout is imported."""
    env = doctor.Environment()
    names = {}
    for name in plan["shared"]:
        found = env.resolve(name)
        names[name] = {"kind": found.kind, "winner": found.winner, "path": found.path, "why": found.why}
    leaves = {}
    for leaf in plan["leaves"]:
        found = env.resolve(leaf)
        leaves[leaf] = "unknown" if found.kind == "unknown" else found.imported
    try:
        diagnosis = doctor.examine(plan["shared"], check_files=False)
    except doctor.UsageError as error:  # exit 2: right only where nothing of the layout is installed
        return {"names": names, "leaves": leaves, "verdict": NOT_PROVIDED, "report": str(error)}
    if os.environ.get("ORACLE_DEBUG"):
        print(doctor.render.render(diagnosis), file=sys.stderr)
    # The exit status `python -m sample_project.doctor NAMES` gives, but for
    # installed-file checks: layouts have no RECORD, and the base interpreter's
    # files are not the layout's.
    status = diagnosis.status
    verdict = {0: "healthy", 1: "collision", 3: "unknown"}[status]
    return {"names": names, "leaves": leaves, "verdict": verdict, "report": doctor.render.render(diagnosis)}


def run(doctor, pyz: str, workdir: str, plan: dict) -> dict:
    root = os.path.join(workdir, plan["top"])
    plan = {**plan, "root": root}
    if plan["launch"] != "in-process":
        return run_apart(doctor, pyz, root, plan)
    materialize(root, plan)
    saved_path, saved_meta, saved_hooks = sys.path[:], sys.meta_path[:], sys.path_hooks[:]
    saved_cache, saved_modules = set(sys.path_importer_cache), set(sys.modules)
    try:
        # PYTHONPATH folders come before site-packages, after the script's folder.
        sys.path[1:1] = [os.path.join(root, folder) for folder in plan["pythonpath"]]
        site.addsitedir(os.path.join(root, plan["site"]))  # processes its .pth files, in name order
        importlib.invalidate_caches()
        return {"doctor": predict(doctor, plan), "python": observe(plan)}
    finally:
        sys.path[:], sys.meta_path[:], sys.path_hooks[:] = saved_path, saved_meta, saved_hooks
        for key in set(sys.path_importer_cache) - saved_cache:
            del sys.path_importer_cache[key]
        for key in set(sys.modules) - saved_modules:
            del sys.modules[key]
        importlib.invalidate_caches()
        shutil.rmtree(root, ignore_errors=True)


@functools.cache
def compiled_doctor(doctor, workdir: str) -> str:
    """The doctor package, copied once and byte-compiled by this Python: each copy of it the doctor
    runs from loads its bytecode (the copies keep the sources' modification times) instead of
    compiling it again, 40 ms per run (PYTHONDONTWRITEBYTECODE keeps the copies from writing any)."""
    folder = os.path.join(workdir, "compiled doctor", "doctor")
    shutil.copytree(os.path.dirname(doctor.__file__), folder, ignore=shutil.ignore_patterns("__pycache__"))
    if not compileall.compile_dir(folder, quiet=1):
        raise RuntimeError(f"the doctor does not compile with {sys.executable}")
    return folder


def run_apart(doctor, pyz: str, root: str, plan: dict) -> dict:
    """The doctor and a program in processes of their own, the layout's site files in the venv's site-packages."""
    site_packages = sysconfig.get_paths()["purelib"]
    before = set(os.listdir(site_packages))
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # nothing of the layout stays in site-packages
    if plan["pythonpath"]:
        env["PYTHONPATH"] = os.pathsep.join(os.path.join(root, entry) for entry in plan["pythonpath"])
    project = os.path.join(root, "project")
    try:
        materialize(root, plan, site_packages)
        expected, uninstalled = install_wheels(root, plan, site_packages)
        os.makedirs(project)
        names = plan["shared"]
        if plan["launch"] == "module":
            shutil.copytree(compiled_doctor(doctor, os.path.dirname(root)), os.path.join(project, "doctor"))
            cmd, cwd = [sys.executable, "-m", "doctor", "--json", *names], project
        else:  # as a CI gate runs a copied doctor: no names (it finds the shared ones), every file checked
            shutil.copy(pyz, os.path.join(project, "doctor.pyz"))
            cmd, cwd = [sys.executable, os.path.join(project, "doctor.pyz"), "--json", "--all-files"], root
        ran = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
        if ran.returncode == 2 and "import path provides" in ran.stderr:
            payload = {"reports": [], "causes": []}  # nothing provides the names: a usage error
        elif ran.returncode not in (0, 1, 3):
            raise RuntimeError(f"{cmd} exited {ran.returncode}:\n{ran.stdout}{ran.stderr}")
        else:
            payload = json.loads(ran.stdout)
        reports = {report["name"]: report for report in payload["reports"]}
        missing = {"resolved": "missing", "winner": None, "searched": None, "reason": ran.stderr.strip()}
        if plan["launch"] == "module":
            reports = {name: reports.get(name, missing) for name in names}
        said = {
            name: {
                "kind": reports[name]["resolved"],
                "winner": reports[name]["winner"],
                # A module has no __path__ (the report's list is empty).
                "path": None if reports[name]["resolved"] == "module" else reports[name]["searched"],
                "why": reports[name]["reason"],
            }
            for name in names
            if name in reports  # a name it found no second source for is not in a report of every shared one
        }
        looked = subprocess.run(
            [sys.executable, "-W", "ignore", OBSERVER],
            input=json.dumps(plan),
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
        )
        if looked.returncode:
            raise RuntimeError(f"the observing program failed:\n{looked.stdout}{looked.stderr}")
        python = json.loads(looked.stdout)
        # What the installed files show is part of what the doctor must report: a replaced or a
        # deleted file is a problem even where every leaf still imports.
        python["causes"] = expected
        # An uninstalled distribution's leaf is not installed: no problem keeps it out.
        installed = [
            value
            for leaf, value in python["leaves"].items()
            if leaf.rpartition(".")[0] not in uninstalled and leaf not in python["skipped"]
        ]
        problems = {"overwritten", "removed"} & set(expected)
        python["verdict"] = "collision" if problems or not all(v is True for v in installed) else "healthy"
        if python["never_ran"]:  # an __init__ Python skipped: what it binds cannot be imported
            python["verdict"] = "collision"
        if python["leaves"] and not installed and not problems:
            # Nothing installed: asked by name, nothing provides it (exit 2), unless the folders an
            # uninstall left behind still make the names importable (empty namespace packages);
            # asked for every shared name, there is none (exit 0).
            provided = any(python["names"][name].get("imported") for name in names)
            python["verdict"] = NOT_PROVIDED if plan["launch"] == "module" and not provided else "healthy"
        elif plan["launch"] == "script" and len(installed) < 2 and not problems:
            # One distribution left: asked for every shared name, the doctor has none to report,
            # whatever that one's own __init__ does; what it says of that one is not compared.
            python["verdict"] = None
        # The doctor's report leaves out setuptools' placeholder entries of __path__.
        for name in names:
            if python["names"][name].get("path"):
                python["names"][name]["path"] = [
                    entry for entry in python["names"][name]["path"] if not entry.endswith(".__path_hook__")
                ]
        verdict = {0: "healthy", 1: "collision", 2: NOT_PROVIDED, 3: "unknown"}[ran.returncode]
        if os.environ.get("ORACLE_DEBUG"):
            print(ran.stdout, file=sys.stderr)
        report = "\n".join(f"{n}: {r['resolved']}: {r['reason']}" for n, r in reports.items())
        # What the files show, problems and notes alike (a modified file is a note).
        found = {finding["cause"] for finding in payload.get("findings", [])}
        causes = sorted(found & {"overwritten", "modified", "removed"})
        return {
            "doctor": {
                "names": said,
                "leaves": None,
                "verdict": verdict,
                "report": report,
                "causes": causes,
                "findings": sorted(found),  # every cause, problems and notes
            },
            "python": python,
        }
    finally:
        # pip's uninstall of a distribution that owns every file in site-packages (a file of its own
        # at the top, in a venv made without pip) takes site-packages itself: found by make fuzz.
        os.makedirs(site_packages, exist_ok=True)
        for name in set(os.listdir(site_packages)) - before:
            path = os.path.join(site_packages, name)
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path)
            else:
                os.remove(path)
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    warnings.simplefilter("ignore")  # pkg_resources and declare_namespace warn on every use
    if sys.argv[1] == "--pip":
        serve_pip(sys.argv[2])
        return
    package, pyz, workdir = sys.argv[1:4]
    if sys.argv[4:] == ["import-pkg_resources"]:
        import pkg_resources  # noqa: F401
    init = os.path.join(package, "__init__.py")
    spec = importlib.util.spec_from_file_location(
        "namespace_doctor", init, submodule_search_locations=[package]
    )
    doctor = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = doctor
    spec.loader.exec_module(doctor)
    print(json.dumps({"ready": sys.version_info[:2]}), flush=True)
    for line in sys.stdin:
        try:
            answer = run(doctor, pyz, workdir, json.loads(line))
        except Exception:
            answer = {"error": traceback.format_exc()}
        print(json.dumps(answer), flush=True)
    PIP.close()


if __name__ == "__main__":
    main()
