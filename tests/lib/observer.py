"""What Python does with a layout: import every leaf, then look at what each shared name became.

Run by tests/lib/oracle.py in a process of its own (a program of the venv, started as a user's is),
``VENV/bin/python -W ignore tests/lib/observer.py`` with the layout's plan on standard input, or called
in the oracle's own process. It imports as little as it can before the layout's names: its start-up is
paid for every layout the doctor runs apart from.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import json
import os
import sys

# The doctor's exit status 2 for names nothing on the path provides, and Python's view of a
# layout none of whose distributions site put on the path (their .pth files skipped).
NOT_PROVIDED = "not provided"


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
            # A package's folder; a module's file.
            "winner": (os.path.dirname(file) if path is not None else file) if file else None,
            "path": None if path is None else list(path),
        }
    # A leaf whose .pth line site skipped is not installed: no namespace problem keeps it out.
    root = plan["root"]
    entries = {os.path.normpath(entry) for entry in sys.path if isinstance(entry, str)}
    skipped = [
        leaf
        for leaf, folder in plan.get("via_pth", {}).items()
        if os.path.normpath(os.path.join(root, folder)) not in entries
    ]
    installed = [value for leaf, value in leaves.items() if leaf not in skipped]
    skipped_inits = never_ran(plan["shared"])
    verdict = "healthy" if all(value is True for value in installed) and not skipped_inits else "collision"
    if leaves and not installed:
        verdict = NOT_PROVIDED
    return {
        "names": names,
        "leaves": leaves,
        "verdict": verdict,
        "skipped": skipped,
        "never_ran": skipped_inits,
    }


def never_ran(names: list[str]) -> list[str]:
    """Shared names Python imported as a namespace package (no ``__file__``) for which a finder after
    PathFinder on ``sys.meta_path`` (an editable install's) offers a package with an ``__init__``: PathFinder
    took the name first, so that ``__init__`` never ran and what it binds cannot be imported from the
    name. Asked of the finders themselves, after the imports."""
    found = []
    for name in names:
        module = sys.modules.get(name)
        if module is None or getattr(module, "__file__", None) or getattr(module, "__path__", None) is None:
            continue
        parent, _, _ = name.rpartition(".")
        if parent and parent not in sys.modules:
            continue
        path = list(sys.modules[parent].__path__) if parent else None
        for finder in sys.meta_path:
            if finder is importlib.machinery.PathFinder or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path)
            if spec is not None and spec.loader is not None and spec.submodule_search_locations is not None:
                found.append(name)
                break
    return found


if __name__ == "__main__":
    print(json.dumps(observe(json.loads(sys.stdin.read()))))
