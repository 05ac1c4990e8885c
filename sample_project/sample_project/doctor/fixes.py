"""The help: for each cause of a problem, what to do and the commands to paste, in order.

A fix is made in the project the files come from (an editable install's, or
the folder a regular install was built from, as direct_url.json records it)
and ends with reinstalling it. Where no project folder is recorded (a wheel
from an index), a change to the installed copies is a labelled stopgap, with
the ``--accept`` that ends the loop of reinstalling it.
"""

from __future__ import annotations

import os
import shlex
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from .causes import Cause
from .display import pasted, said
from .entries import init_file
from .environment import Environment, Portion, Report
from .files import in_zip_archive
from .files import key as _key
from .inits import defines
from .installed import Distribution
from .legacy import OLD_PKG_RESOURCES
from .specs import Kind

if TYPE_CHECKING:
    from .diagnosis import Diagnosis


@dataclass
class Fix:
    """What to do about some findings: why, then commands to paste, in order. A stopgap changes installed
    copies, not the project they come from: the next reinstall undoes it."""

    causes: list[Cause]
    text: str
    commands: list[str] = field(default_factory=list)
    stopgap: bool = False


def _installer(dist: Distribution) -> str:
    """The start of an install command for ``dist``'s environment, by the tool that installed it."""
    python = pasted(sys.executable)
    if dist.installer == "uv":
        return f"uv pip install --python {python} --reinstall"
    return f"{python} -m pip install"


def reinstall(dist: Distribution) -> str:
    """The command that installs ``dist`` again, from where it came: its project (editable or a local folder),
    else its index; in its --target folder if it was installed there."""
    command = _installer(dist)
    if dist.editable_project is not None:
        return f"{command} -e {pasted(dist.editable_project)}"
    if dist.installer != "uv":
        command += " --force-reinstall"
    command += " --no-deps"
    if dist.target is not None:
        command += f" --target {pasted(dist.target)}" + (" --upgrade" if dist.installer != "uv" else "")
    return f"{command} {pasted(dist.source) if dist.source is not None else shlex.quote(dist.name)}"


def _in_source(dist: Distribution, installed: str) -> str | None:
    """Where the file ``installed`` (an installed copy of ``dist``'s) is in the project it was built from."""
    real = os.path.realpath(installed)
    if dist.editable_project is not None:
        project = os.path.realpath(dist.editable_project)
        return real if real.startswith(project + os.sep) else None
    if dist.source is None:
        return None
    entry = dist.files.get(_key(Path(installed)))
    if entry is None:
        return None
    for root in ("", "src"):
        candidate = os.path.join(dist.source, root, *entry.relative.split("/"))
        if os.path.isfile(candidate):
            return candidate
    return None


def pep420_fix(env: Environment, levels: list[Report], cause: Cause, command: str) -> list[Fix]:
    """Make each shared level a PEP 420 namespace package: delete its ``__init__`` in every project that
    ships one, then reinstall those projects; for a copy no project on this machine holds, a stopgap."""
    files = env.files
    edits: dict[str, list[str]] = {}  # project file -> names it defines
    stopgap: dict[str, set[str]] = {}  # installed file -> the distributions that install it
    dists: dict[str, Distribution] = {}
    redirected: set[str] = set()  # projects installed through the editables redirector
    for report in levels:
        for portion in report.portions:
            init = init_file(files, portion.folder) if portion.kind.runs_init else None
            if init is None:
                continue
            owners = env.owners(Path(init))
            if portion.via.startswith("editables redirector "):
                redirected |= {dist.name for dist in owners}
            if not owners:  # a folder put on the path by hand: the file is the source
                edits[init] = defines(files.read_bytes(init), init)
            for dist in owners:
                source = _in_source(dist, init)
                if source is not None:
                    edits[source] = defines(files.read_bytes(source), source)
                    dists[dist.name] = dist
                else:
                    stopgap.setdefault(init, set()).add(dist.name)
    names = ", ".join(r.name for r in levels)
    fixes = []
    # setuptools builds a regular install's wheel from build/lib, which keeps deleted files (the stale
    # build trap): that folder goes before the reinstall.
    builds = [
        d.source / "build"
        for d in dists.values()
        if d.source is not None and files.is_dir(d.source / "build" / "lib")
    ]
    if edits:
        defined = sorted({name for names_ in edits.values() for name in names_})
        keep = f" (they also define {', '.join(defined)}: move what is still needed into a module first)"
        # editables maps a package by its __init__ and refuses a folder without one (EditableException).
        first = (
            f"first switch {', '.join(sorted(redirected))} to its default editable mode in pyproject.toml"
            " (hatchling's dev-mode-exact and pdm-backend's editables install through the editables"
            " redirector, which refuses a package without __init__); then "
            if redirected
            else ""
        )
        fixes.append(
            Fix(
                [cause],
                f"{first}make {names} PEP 420 namespace packages: delete their __init__ in each project that"
                f" ships one{keep if defined else ''}, then reinstall each project",
                [f"rm -- {pasted(file)}" for file in edits]
                + [f"rm -r -- {pasted(build)}" for build in builds]
                + [reinstall(d) for d in dists.values()],
            )
        )
    if stopgap:
        recorded_for = ", ".join(sorted(set().union(*stopgap.values())))
        fixes.append(
            Fix(
                [cause],
                f"no project folder is recorded for {recorded_for} (installed from an index or a wheel): ask the"
                " maintainers to ship PEP 420 namespace packages. Until then, delete the installed copies,"
                " and accept that they are missing: the next reinstall brings them back",
                [f"rm -- {pasted(file)}" for file in stopgap]
                + [command + "".join(f" --accept removed:{pasted(file)}" for file in stopgap)],
                stopgap=True,
            )
        )
    return fixes


# --- one planner per cause ------------------------------------------------------------------------


def _hidden_portion(d: Diagnosis, env: Environment, command: str) -> list[Fix]:
    fixes: list[Fix] = []
    # A module an import hook maps, hidden by a package of that name: no __init__ to delete helps.
    modules = [r for r in d.hidden if r.module_hidden and not empty_takers(env, r)]
    for report in modules:
        for module in report.hiding:
            owners = env.owners(Path(module.folder))
            package = (
                f"the editable finder of {' and '.join(report.placeholders)} lists as a namespace package"
                if report.placeholders
                else "the folders Python takes make a package"
            )
            text = (
                f"{said(module.folder)} is a module named {report.name}, which {package}: a name is one or"
                f" the other, so rename the module in its project, or uninstall"
                f" {', '.join(o.name for o in owners) or 'it'}"
            )
            fixes.append(Fix([Cause.HIDDEN_PORTION], text, _remove(module, owners)))
    hidden = [r for r in d.hidden if not r.module_wins and not empty_takers(env, r) and r not in modules]
    if hidden:
        # Every shared level below a colliding one too: fixing the top alone leaves the next one colliding.
        below = [
            env.report(name)
            for name in env.shared_names()
            if name not in {r.name for r in d.reports} and any(name.startswith(r.name + ".") for r in hidden)
        ]
        levels = [r for r in d.reports if r in hidden or any(r.name.startswith(h.name + ".") for h in hidden)]
        planned = pep420_fix(env, levels + [r for r in below if r.portions], Cause.HIDDEN_PORTION, command)
        if any(r.skipped_inits for r in hidden):  # it also makes the skipped __init__ run (or go)
            for fix in planned:
                fix.causes.append(Cause.SKIPPED_INIT)
        fixes += planned
    for report in d.hidden:
        if report.module_wins:
            module = next(p for p in report.portions if _key(p.folder) == _key(report.winner or ""))
            owners = env.owners(Path(module.folder))
            commands = _remove(module, owners)
            what = (
                f"uninstall {', '.join(o.name for o in owners)}, which installed it"
                if owners
                else "delete it"
            )
            text = (
                f"a module, {said(module.folder)}, takes the name {report.name}, and no change to an"
                f" __init__ helps: {what}"
            )
            fixes.append(Fix([Cause.HIDDEN_PORTION], text, commands))
    return fixes


def _remove(module: Portion, owners: list[Distribution]) -> list[str]:
    """The command that takes a module away: uninstall the distributions that installed it, else delete it."""
    if owners:
        return [f"{pasted(sys.executable)} -m pip uninstall {' '.join(shlex.quote(o.name) for o in owners)}"]
    return [f"rm -- {pasted(module.folder)}"]


def empty_takers(env: Environment, report: Report) -> list[Portion]:
    """The folders that take ``report``'s name ahead of an import hook, if they are what an uninstall left
    behind (no file in them, bytecode caches aside, and on disk, not in an archive): deleting them loses
    nothing, and Python then asks the hook. Else none: also where another editable install's placeholder
    entry (setuptools' namespace path hook) is in the name's ``__path__``, which deleting them leaves."""
    takers = report.takers
    hooked = report.hiding + report.skipped_inits
    placeholder = any(os.path.basename(p) in env.placeholders for p in env.resolve(report.name).path or [])
    if (
        placeholder
        or report.resolved != Kind.NAMESPACE
        or not takers
        or not hooked
        or not all(p.kind == Kind.EMPTY and not in_zip_archive(p.folder) for p in takers)
        or not all(p.by_hook for p in hooked)
    ):
        return []
    return takers


def _skipped_init(d: Diagnosis, env: Environment, command: str) -> list[Fix]:
    """Folders that take a name ahead of an editable install's import hook. Left behind by an uninstall:
    delete them, whether they hide a folder or skip an __init__ (the PEP 420 rewrite would do too for
    setuptools' finder, not for the editables redirector, which needs the __init__). Holding files: make
    the level PEP 420, so the skipped folder is one more portion (a hidden one's help says so already)."""
    fixes: list[Fix] = []
    deleted: list[str] = []  # a name's folders go with its parent's (reports come top level first)
    for report in d.reports:
        empty = empty_takers(env, report)
        takers = [p for p in empty if not _key(p.folder).startswith(tuple(deleted))]
        causes = [Cause.HIDDEN_PORTION] * report.collision + [Cause.SKIPPED_INIT] * bool(report.skipped_inits)
        deleted += [_key(p.folder) + os.sep for p in takers]
        if empty and not takers:
            continue  # deleting a parent's folder deletes these
        if takers and causes:
            one = len(takers) == 1
            text = (
                f"delete {' and '.join(said(p.folder) for p in takers)}, which {'holds' if one else 'hold'}"
                f" no file (an uninstall left {'it' if one else 'them'} behind): then Python asks the"
                f" editable install that provides {report.name}"
            )
            fixes.append(Fix(causes, text, [f"rm -r -- {pasted(p.folder)}" for p in takers]))
        elif report.skipped_inits and not report.collision:
            fixes += pep420_fix(env, [report], Cause.SKIPPED_INIT, command)
    return fixes


def _overwritten(d: Diagnosis, env: Environment, command: str) -> list[Fix]:
    fixes: list[Fix] = []
    hidden = [r for r in d.hidden if not r.module_wins]
    inits = [e for e in d.overwritten if os.path.basename(e["file"]).startswith("__init__.") and not hidden]
    if inits:
        folders = [e["relative"].rpartition("/")[0] for e in inits]
        names = [f.replace("/", ".") for f in folders if f and all(p.isidentifier() for p in f.split("/"))]
        levels = [env.report(name) for name in dict.fromkeys(names)]
        fixes += pep420_fix(env, levels, Cause.OVERWRITTEN, command)
    pth = [e for e in d.overwritten if e["file"].endswith(".pth")]
    if pth:
        # flit-core names an editable install's .pth after the module, not the distribution.
        text = (
            "two editable installs wrote the same .pth file (flit-core names it after the module): install"
            " all but one of them without -e, or build them with a backend whose .pth names carry the"
            " distribution's name"
        )
        fixes.append(Fix([Cause.OVERWRITTEN], text))
    other = [e for e in d.overwritten if e not in inits and e not in pth]
    if other and not hidden:
        owners = {e["distribution"] for e in other}
        text = "stop shipping the same file in two distributions (PEP 420: no shared __init__), then reinstall them"
        fixes.append(
            Fix(
                [Cause.OVERWRITTEN],
                text,
                [reinstall(dist) for dist in env.distributions if dist.name in owners],
            )
        )
    return fixes


def _broken_init(d: Diagnosis, env: Environment, command: str) -> list[Fix]:
    fixes: list[Fix] = []
    for report in d.broken:
        init = next(
            (p.folder for p in report.portions if _key(p.folder) == _key(report.winner or "")),
            report.winner or report.name,
        )
        if report.reason == OLD_PKG_RESOURCES:
            text = (
                f"{said(init)}'s __init__ imports pkg_resources, and this setuptools' fails on Python 3.12"
                " and later: upgrade setuptools (66.1 to 80 still ship pkg_resources), or better, make the"
                " level a PEP 420 namespace package"
            )
            upgrade = f"{pasted(sys.executable)} -m pip install 'setuptools>=66.1,<81'"
            fixes.append(Fix([Cause.BROKEN_INIT], text, [upgrade]))
        elif "pkg_resources" in report.reason:
            text = (
                f"{said(init)}'s __init__ needs pkg_resources, which setuptools 81 and"
                " later no longer ship: make the level a PEP 420 namespace package"
            )
            fixes += pep420_fix(env, [report], Cause.BROKEN_INIT, command) or [Fix([Cause.BROKEN_INIT], text)]
        else:
            fixes.append(Fix([Cause.BROKEN_INIT], f"repair {said(init)}'s __init__ ({report.reason})"))
    return fixes


def _removed(d: Diagnosis, env: Environment, command: str) -> list[Fix]:
    removed = list(dict.fromkeys(e["distribution"] for e in d.removed))
    if not removed:
        return []
    shared_init = [e for e in d.removed if os.path.basename(e["file"]).startswith("__init__.")]
    text = "reinstall to restore the missing files"
    if shared_init:
        text += (
            " (if another distribution shipped the same __init__, its uninstall took it: making that level a"
            " PEP 420 namespace package keeps it from recurring; if it was deleted on purpose, as a stopgap"
            " for a collision, accept it instead: --accept removed:PATH)"
        )
    return [
        Fix([Cause.REMOVED], text, [reinstall(dist) for dist in env.distributions if dist.name in removed])
    ]


def _failed_pth(d: Diagnosis, env: Environment, command: str) -> list[Fix]:
    fixes: list[Fix] = []
    python = pasted(sys.executable)
    for entry in d.failed_pth:
        if entry["lacks"]:
            # uv resolves pdm-backend projects from their static [project] dependencies (uv issue 2130),
            # so it never installs the editables package the backend adds to editables-mode wheels.
            lacks = " ".join(shlex.quote(name) for name in entry["lacks"])
            text = (
                f"install {', '.join(entry['lacks'])} ({entry['module']} imports it), or reinstall the project"
                " in an editable mode that needs nothing at run time"
            )
            fixes.append(Fix([Cause.FAILED_PTH], text, [f"{python} -m pip install {lacks}"]))
        else:
            text = f"see why {entry['module']} fails, then reinstall its project"
            fixes.append(
                Fix([Cause.FAILED_PTH], text, [f"{python} -c {shlex.quote('import ' + entry['module'])}"])
            )
    return fixes


def _unlisted_zip_folder(d: Diagnosis, env: Environment, command: str) -> list[Fix]:
    return [
        Fix(
            [Cause.UNLISTED_ZIP_FOLDER],
            f"rebuild {said(entry['archive'])} with an entry for each folder (python -m zipfile -c, zip -r),"
            f" or make {entry['name'].replace('.', '/')}/ a regular package there (an __init__.py)",
        )
        for entry in d.unimportable
    ]


def _stale_build(d: Diagnosis, env: Environment, command: str) -> list[Fix]:
    fixes: list[Fix] = []
    for source, name in dict.fromkeys((e["source"], e["distribution"]) for e in d.stale_builds):
        dists = [dist for dist in env.distributions if dist.name == name]
        fixes.append(
            Fix(
                [Cause.STALE_BUILD],
                f"delete the stale build/ folder of {name}'s project, then reinstall it",
                [f"rm -r -- {pasted(Path(source, 'build'))}", *map(reinstall, dists)],
            )
        )
    return fixes


def _stale_finder(d: Diagnosis, env: Environment, command: str) -> list[Fix]:
    fixes: list[Fix] = []
    for entry in d.stale_finders:
        dists = [dist for dist in env.distributions if dist.name == entry["distribution"]]
        fixes.append(
            Fix(
                [Cause.STALE_FINDER],
                f"reinstall {entry['distribution'] or said(entry['finder'])}, so its editable finder maps what"
                " its project holds now",
                [reinstall(dist) for dist in dists],
            )
        )
    return fixes


def _import_hook(d: Diagnosis, env: Environment, command: str) -> list[Fix]:
    if not d.hooks:
        return []
    changes, commands = zip(*(entry.avoid() for entry in d.hooks))
    text = "for type checkers and editors, reinstall without the import hook"
    if any(entry.backend == "setuptools" for entry in d.hooks):
        text += (
            " (setuptools' strict editable mode: a link tree that a path entry leads to; a file added to the"
            " project later needs a reinstall)"
        )
    todo = [change for change in changes if change]
    text += f": {'; '.join(todo)}, then reinstall" if todo else ""
    return [Fix([Cause.IMPORT_HOOK], text, [c for c in commands if c])]


# The planners, in the order the report prints their help. A cause not here has no help of its
# own: unreachable's is its cause's (a stale finder, a broken parent); cannot-tell and notes need none.
PLANNERS: dict[Cause, Callable[[Diagnosis, Environment, str], list[Fix]]] = {
    Cause.SKIPPED_INIT: _skipped_init,  # first: it also helps the hidden folders behind empty ones
    Cause.HIDDEN_PORTION: _hidden_portion,
    Cause.OVERWRITTEN: _overwritten,
    Cause.BROKEN_INIT: _broken_init,
    Cause.REMOVED: _removed,
    Cause.FAILED_PTH: _failed_pth,
    Cause.UNLISTED_ZIP_FOLDER: _unlisted_zip_folder,
    Cause.STALE_BUILD: _stale_build,
    Cause.STALE_FINDER: _stale_finder,
    Cause.IMPORT_HOOK: _import_hook,
}


def plan_fixes(d: Diagnosis, env: Environment, command: str) -> list[Fix]:
    """The fixes, as text and commands, for every problem the diagnosis found (accepted or not);
    ``command`` runs the doctor (a stopgap's help ends with it and the ``--accept`` it needs)."""
    return [fix for planner in PLANNERS.values() for fix in planner(d, env, command)]
