"""Runs inside a scenario's venv (standard library only): what would a user see?

Argument: a JSON list of ``[module, function]`` imports to try, in order. Prints
one JSON object:

- ``imports``: for each, the value the function returned, or the exception
  text (``ModuleNotFoundError: No module named ...``) and the module it names;
- ``shared_init``: the ``SHIPPED_BY`` of the ``azurefunctions.agents`` module
  Python ended up with (null for a namespace package, or if never imported);
- ``folder``: the folder Python imported ``azurefunctions.agents`` from (null
  for a namespace package, or if never imported);
- ``changed``: every file of an installed ``azure-functions-agent*``
  distribution that is no longer what its ``RECORD`` says: ``replaced``
  (another distribution's content) or ``missing`` (removed by uninstalling
  another). This is how a silent overwrite is observed, not guessed;
- ``generators``: for each installed ``azure-functions-agent*`` distribution,
  the ``Generator`` its ``WHEEL`` file names: the backend that built it;
- ``records``: for each of them, the files its ``RECORD`` lists (so two
  distributions claiming one file are seen);
- ``site_files``: the text of each ``.pth`` file and ``__editable__*`` module
  in site-packages: the editable hooks the installs wrote.

The namespace doctor checks RECORD hashes too; this probe keeps its own
lines on purpose: it is the oracle the doctor's verdict is tested against in
every matrix cell, so it must not share the doctor's code. It reads each
RECORD itself: since Python 3.12, ``Distribution.files`` leaves out the files
that no longer exist, which are exactly the ones an uninstall of another
distribution removed.
"""

import base64
import csv
import hashlib
import importlib
import io
import json
import os
import sys
import sysconfig
from importlib import metadata


def try_imports(targets):
    results = []
    for module, function in targets:
        try:
            value = getattr(importlib.import_module(module), function)()
            results.append({"target": f"{module}.{function}", "returned": value})
        except ImportError as error:
            results.append(
                {
                    "target": f"{module}.{function}",
                    "error": f"{type(error).__name__}: {error}",
                    "missing": error.name,  # the module Python could not find
                }
            )
    return results


def record_rows(dist):
    """Each row of the distribution's RECORD, read here: (path, hash as RECORD gives it, ``sha256=...`` or empty)."""
    for row in csv.reader(io.StringIO(dist.read_text("RECORD") or "")):
        if row:
            yield row[0], row[1] if len(row) > 1 else ""


def changed_files():
    changed = []
    seen = set()
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        if not name.startswith("azure-functions-agent") or name in seen:
            continue
        seen.add(name)
        for file, recorded in record_rows(dist):
            if not recorded.startswith("sha256=") or file.split("/")[0] == "..":
                continue  # RECORD itself, and what lies outside site-packages (scripts)
            recorded = recorded[len("sha256=") :]
            try:
                with open(dist.locate_file(file), "rb") as installed:
                    digest = hashlib.sha256(installed.read()).digest()
            except FileNotFoundError:
                changed.append({"distribution": name, "file": file, "state": "missing"})
                continue
            if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != recorded:
                changed.append({"distribution": name, "file": file, "state": "replaced"})
    return sorted(changed, key=lambda entry: (entry["distribution"], entry["file"]))


def records():
    found = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        if name.startswith("azure-functions-agent") and name not in found:
            found[name] = sorted(file for file, _ in record_rows(dist))
    return found


def site_files():
    site = sysconfig.get_paths()["purelib"]
    found = {}
    for name in sorted(os.listdir(site)):
        if name.endswith(".pth") or (name.startswith("__editable__") and name.endswith(".py")):
            with open(os.path.join(site, name), encoding="utf-8") as file:
                found[name] = file.read()
    return found


def generators():
    found = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        if name.startswith("azure-functions-agent") and name not in found:
            wheel = dist.read_text("WHEEL") or ""
            found[name] = next(
                (line[11:] for line in wheel.splitlines() if line.startswith("Generator: ")), None
            )
    return found


def main():
    imports = try_imports(json.loads(sys.argv[1]))
    agents = sys.modules.get("azurefunctions.agents")
    file = getattr(agents, "__file__", None)
    report = {
        "imports": imports,
        "shared_init": getattr(agents, "SHIPPED_BY", None),
        "folder": file and os.path.dirname(file),
        "changed": changed_files(),
        "generators": generators(),
        "records": records(),
        "site_files": site_files(),
    }
    print(json.dumps(report, sort_keys=True))


main()
