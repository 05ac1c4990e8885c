"""The oracle for the doctor: what CPython really imports, layout after layout, in one process.

Run by tests/test_doctor_agrees_with_python.py under each interpreter found
(standard library only, Python 3.9+):

    python -S -E tests/lib/oracle.py DOCTOR WORKDIR [PKG_RESOURCES_FOLDER]

``-S``: no site-packages of the interpreter itself, so nothing but the layout
provides anything. With PKG_RESOURCES_FOLDER (an unpacked setuptools wheel that
still ships pkg_resources), pkg_resources is importable, and imported before
the first layout, as a program that uses it would have done.

Reads one layout plan a line (JSON, made by tests/lib/layouts.py), and answers one
JSON line a plan: ``doctor`` is what the namespace doctor predicts, ``python``
is what importing does. Each layout has a top-level name of its own; the import
state it adds (sys.path, sys.meta_path, sys.path_hooks, sys.modules,
sys.path_importer_cache) is undone before the next one.

With ORACLE_DEBUG set (the test passes it through), each layout's doctor report
goes to standard error, to read along with a failing example.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import py_compile
import shutil
import site
import sys
import traceback
import warnings


def materialize(root: str, plan: dict) -> None:
    """Write the plan's files in order (a later file replaces an earlier one: two distributions merging), then its links."""
    for entry in plan["files"]:
        path = os.path.join(root, entry["path"])
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as file:
            file.write(entry["text"].replace("{root}", root))
        if entry.get("compile"):  # sourceless: the legacy __init__.pyc beside where the source was
            py_compile.compile(path, cfile=path + "c", doraise=True)
            os.remove(path)
    for folder in plan.get("folders", []):
        os.makedirs(os.path.join(root, folder), exist_ok=True)
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
    diagnosis = doctor.examine(plan["shared"], check_files=False)
    if os.environ.get("ORACLE_DEBUG"):
        print(doctor.render(diagnosis), file=sys.stderr)
    # The exit status `python -m sample_project.doctor NAMES` gives, but for
    # installed-file checks: layouts have no RECORD, and the base interpreter's
    # files are not the layout's.
    status = diagnosis.status
    verdict = {0: "healthy", 1: "collision", 3: "unknown"}[status]
    return {"names": names, "leaves": leaves, "verdict": verdict, "report": doctor.render(diagnosis)}


def observe(plan: dict) -> dict:
    """What Python does: import every leaf, then look at what each shared name became."""
    leaves = {}
    for leaf in plan["leaves"]:
        try:
            importlib.import_module(leaf)
            leaves[leaf] = True
        except Exception as error:  # what a user would see
            leaves[leaf] = f"{type(error).__name__}: {error}"
    names = {}
    for name in plan["shared"]:
        module = sys.modules.get(name)
        if module is None:
            names[name] = {"imported": False}
            continue
        file = getattr(module, "__file__", None)
        path = getattr(module, "__path__", None)
        names[name] = {
            "imported": True,
            "winner": os.path.dirname(file) if file else None,
            "path": None if path is None else list(path),
        }
    verdict = "healthy" if all(value is True for value in leaves.values()) else "collision"
    return {"names": names, "leaves": leaves, "verdict": verdict}


def run(doctor, workdir: str, plan: dict) -> dict:
    root = os.path.join(workdir, plan["top"])
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


def main() -> None:
    doctor_file, workdir = sys.argv[1], sys.argv[2]
    warnings.simplefilter("ignore")  # pkg_resources and declare_namespace warn on every use
    if len(sys.argv) > 3:
        sys.path.append(sys.argv[3])
        import pkg_resources  # noqa: F401
    spec = importlib.util.spec_from_file_location("namespace_doctor", doctor_file)
    doctor = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = doctor
    spec.loader.exec_module(doctor)
    print(json.dumps({"ready": sys.version_info[:2]}), flush=True)
    for line in sys.stdin:
        try:
            answer = run(doctor, workdir, json.loads(line))
        except Exception:
            answer = {"error": traceback.format_exc()}
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
