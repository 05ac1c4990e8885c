"""The diagnosis: every finding of one run (problems and notes, each with its cause), the verdict and
exit status they give, and ``examine``, which makes one."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from fnmatch import fnmatch
from functools import cached_property
from pathlib import Path

from . import audit
from .causes import Cause, Verdict
from .display import UNBROKEN_SPACE, said
from .editors import HookOnly, Merged, hook_only, merged_by_checkers
from .entries import init_file, unlisted_zip_folders
from .environment import Environment, Portion, Report
from .files import in_zip_archive
from .files import key as _key
from .fixes import Fix, plan_fixes
from .inits import defines
from .specs import Kind
from .startup import failed_path_lines


class UsageError(Exception):
    """A NAME that is not a dotted package name, or that nothing provides."""


@dataclass
class Finding:
    """One problem or note: its cause, what it is about (a dotted name or a file: what --accept matches), in words."""

    cause: Cause
    subject: str
    text: str
    accepted: bool = False


def accepts(pattern: str, finding: Finding) -> bool:
    """``CAUSE`` or ``CAUSE:GLOB``: GLOB matches the finding's name or file; a path (no wildcard) matches the
    file itself, relative to the current folder or absolute, and a glob matches a file by its end too."""
    cause, _, glob = pattern.partition(":")
    if cause != finding.cause:
        return False
    subject = finding.subject
    if not glob or subject == glob:
        return True
    literal = os.path.isabs(subject) and os.sep in glob and not any(char in glob for char in "*?[")
    if literal and _key(os.path.expanduser(glob)) == _key(subject):
        return True
    return fnmatch(subject, glob) or fnmatch(subject, "*" + os.sep + glob.lstrip(os.sep))


@dataclass
class Diagnosis:
    """Everything the doctor found, by cause; ``status`` is the exit status it deserves."""

    reports: list[Report]
    changed: list[dict]  # installed files that are not what their RECORD says (audit.changed_files)
    stale_builds: list[dict]
    stale_finders: list[dict]
    shared_files: list[dict]
    record_problems: dict[str, str]  # distribution -> why its RECORD cannot be read
    unreadable: dict[str, str]
    cannot_model: str | None  # why the import system itself cannot be modelled
    failed_pth: list[dict] = field(default_factory=list)  # .pth import lines that failed at start-up
    unlisted_zip_folders: list[dict] = field(default_factory=list)  # zip folders zipimport cannot see
    accepting: tuple[str, ...] = ()  # --accept patterns: CAUSE or CAUSE:GLOB
    fixes: list[Fix] = field(default_factory=list)  # planned once the findings are known
    lost: dict[str, list[str]] = field(default_factory=dict)  # a colliding name -> what cannot be imported
    hooks: list[HookOnly] = field(default_factory=list)  # distributions only an import hook leads to
    merged: list[Merged] = field(default_factory=list)  # hidden folders basedpyright searches anyway
    # A folder whose __init__ Python skips (by its key) -> that __init__ and the names it binds.
    binds: dict[str, tuple[str, list[str]]] = field(default_factory=dict)

    # --- what was found, by cause --------------------------------------------------------------

    @property
    def hidden(self) -> list[Report]:
        return [r for r in self.reports if r.collision]

    @cached_property
    def unimportable(self) -> list[dict]:
        """Zip folders without an entry of their own, under (or above) a reported name: part of it cannot be
        imported, unless that very folder is in its name's ``__path__`` (pkg_resources' declare_namespace
        adds ``archive/ns`` whatever zipimport would have found there)."""
        names = [r.name for r in self.reports]
        searched = {
            r.name: {_key(folder) for folder in r.searched} | ({_key(r.winner)} if r.winner else set())
            for r in self.reports
        }
        return [
            entry
            for entry in self.unlisted_zip_folders
            if any(
                name == entry["name"]
                or name.startswith(entry["name"] + ".")
                or entry["name"].startswith(name + ".")
                for name in names
            )
            and _key(os.path.join(entry["archive"], *entry["folder"].split("/")))
            not in searched.get(entry["name"], set())
        ]

    @property
    def broken(self) -> list[Report]:
        return [r for r in self.reports if r.broken]

    @property
    def unreachable(self) -> list[Report]:
        return [r for r in self.reports if r.unreachable]

    @cached_property
    def overwritten(self) -> list[dict]:
        """Replaced by another distribution's copy; not the files a stale build/ put back (that is their cause)."""
        stale = {_key(entry["file"]) for entry in self.stale_builds}
        return [
            c
            for c in self.changed
            if c["state"] == "replaced" and c.get("by") and _key(c["file"]) not in stale
        ]

    @property
    def modified(self) -> list[dict]:
        return [c for c in self.changed if c["state"] == "replaced" and not c.get("by")]

    @property
    def removed(self) -> list[dict]:
        return [c for c in self.changed if c["state"] == "missing"]

    @property
    def deleted(self) -> list[dict]:
        return [c for c in self.changed if c["state"] == "deleted"]

    @property
    def cannot_tell(self) -> list[Report]:
        return [r for r in self.reports if r.cannot_tell]

    # --- findings, verdict ---------------------------------------------------------------------

    def findings(self) -> list[Finding]:
        """Every problem and note, one per name or file, each marked accepted if an --accept pattern matches."""
        return self._findings

    @cached_property
    def _findings(self) -> list[Finding]:
        """findings(), worked out once: the verdict, the status, the causes, the fixes and the report all
        read them (each finding's path is made relative, and matched against every --accept pattern)."""
        found = [*self._problems(), *self._notes()]
        for finding in found:
            finding.accepted = any(accepts(pattern, finding) for pattern in self.accepting)
        return found

    def _problems(self) -> list[Finding]:
        found = []
        for r in self.hidden:
            if r.module_wins:
                text = (
                    f"a module, {said(r.winner or '')}, takes the name {r.name}: no folder of it is searched"
                )
            else:
                hidden = ", ".join(said(p.folder) for p in r.hiding)
                takes = f"takes {said(r.winner)}" if r.winner else f"imports it as {self._namespace_of(r)}"
                text = f"{r.name}: Python {takes} and hides {hidden}"
            found.append(Finding(Cause.HIDDEN_PORTION, r.name, text))
        for r in self.reports:
            for p in r.skipped_inits:
                found.append(Finding(Cause.SKIPPED_INIT, r.name, self._skipped_text(r, p)))
        found += [
            Finding(Cause.BROKEN_INIT, r.name, f"the __init__ of {r.name} fails, so nothing below it imports")
            for r in self.broken
        ]
        found += [
            Finding(Cause.UNREACHABLE, r.name, f"nothing imports {r.name}, though folders provide it")
            for r in self.unreachable
        ]
        for e in self.failed_pth:
            lacks = f": {', '.join(e['lacks'])} is not installed" if e["lacks"] else ""
            line = e["line"].replace(" ", UNBROKEN_SPACE)
            text = (
                f"{said(e['file'])}: its line `{line}` failed at start-up ({e['module']} did not"
                f" import{lacks}); Python printed why before anything else"
            )
            found.append(Finding(Cause.FAILED_PTH, e["file"], text))
        for e in self.overwritten:
            by = " and ".join(e["by"])
            text = f"{said(e['file'])}: installed by {e['distribution']}, silently replaced by {by}'s copy"
            if e["file"].endswith(".pth"):
                text += (
                    f"; a .pth file puts folders on sys.path: only {by}'s are there now, so what"
                    f" {e['distribution']}'s added (an editable install's project folder) is not importable"
                )
            found.append(Finding(Cause.OVERWRITTEN, e["file"], text))
        found += [
            Finding(
                Cause.REMOVED,
                e["file"],
                f"{said(e['file'])}: installed by {e['distribution']}, now missing: deleted by hand, or by"
                " uninstalling another distribution that shipped it too (nothing left tells which)",
            )
            for e in self.removed
        ]
        found += [
            Finding(
                Cause.UNLISTED_ZIP_FOLDER,
                e["name"],
                f"{said(e['archive'])} holds {e['name']} under {e['folder']}/ but no entry for that folder:"
                " zipimport finds no namespace portion there, so what is below it cannot be imported",
            )
            for e in self.unimportable
        ]
        found += [
            Finding(
                Cause.STALE_BUILD,
                e["file"],
                f"{said(e['file'])}: installed by {e['distribution']} from {said(e['source'])}, which no longer"
                f" has it: setuptools put it back from the stale {said(Path(e['source'], 'build'))}",
            )
            for e in self.stale_builds
        ]
        found += [
            Finding(
                Cause.STALE_FINDER,
                e["finder"],
                f"{said(e['finder'])}: the editable finder of {e['distribution'] or '?'} is stale: {problem}",
            )
            for e in self.stale_finders
            for problem in map(_finder_problem, e["problems"])
        ]
        found += [
            Finding(Cause.CANNOT_TELL, r.name, f"the doctor cannot tell what Python imports for {r.name}")
            for r in self.cannot_tell
        ]
        if self.cannot_model:
            text = f"the doctor cannot model this interpreter's import system: {self.cannot_model}"
            found.append(Finding(Cause.CANNOT_TELL, "", text))
        return found

    @staticmethod
    def _namespace_of(r: Report) -> str:
        """The folders a namespace package's name is made of, in words (an empty one said to be so), and
        setuptools' placeholder path entries among them (an editable finder that lists the name)."""
        parts = [
            said(q.folder) + (" (no file in it: an uninstall left it)" if q.kind == Kind.EMPTY else "")
            for q in r.takers
            if q.kind != Kind.MODULE
        ]
        parts += [f"the placeholder path entry of the editable finder of {owner}" for owner in r.placeholders]
        if parts and len(parts) == len(r.placeholders):  # no folder: only placeholders take it
            return (
                f"a namespace package of no folder, only {' and '.join(parts)}, which lists {r.name} as a"
                " namespace package"
            )
        return f"a namespace package of {' and '.join(parts)}"

    def _skipped_text(self, r: Report, p: Portion) -> str:
        init, binds = self.binds.get(_key(p.folder), (p.folder, []))
        lost = f" ({', '.join(binds)} cannot be imported from {r.name})" if binds else ""
        still = ", though what is below it still imports, through its import hook" if p in r.bypassed else ""
        return (
            f"{r.name}: Python imports it as {self._namespace_of(r)}, so {said(init)} never runs{lost}{still}"
        )

    def _notes(self) -> list[Finding]:
        unimportable = self.unimportable
        return [
            *(
                Finding(
                    Cause.MODIFIED,
                    e["file"],
                    f"{said(e['file'])}: installed by {e['distribution']}, changed since, and no installed"
                    " distribution ships this content: a local modification, not a collision",
                )
                for e in self.modified
            ),
            *(
                Finding(
                    Cause.DELETED,
                    e["file"],
                    f"{said(e['file'])}: installed by {e['distribution']}, deleted since, with its folder or"
                    " outside the packages (a trimmed image, a script): not a namespace problem",
                )
                for e in self.deleted
            ),
            *(
                Finding(
                    Cause.SHARED_FILE,
                    e["file"],
                    f"{said(e['file'])} is claimed by {' and '.join(e['distributions'])}: uninstalling either"
                    " removes it for both",
                )
                for e in self.shared_files
            ),
            *(
                Finding(
                    Cause.SHADOWED_MODULE,
                    p.folder,
                    f"{said(p.folder)} (owner: {p.owner or 'none found'}) is a module named {r.name}, shadowed"
                    f" by the package Python imports ({said(r.winner) if r.winner else 'a namespace package'}):"
                    " it cannot be imported, and it hides nothing of the package",
                )
                for r in self.reports
                for p in r.shadowed
            ),
            *(
                Finding(
                    Cause.EMPTY_FOLDER,
                    p.folder,
                    f"{said(p.folder)} holds no file (an uninstall leaves its folders behind): Python skips it"
                    f" for {r.name}, and it hides nothing",
                )
                for r in self.reports
                for p in r.left_empty
            ),
            *(
                Finding(
                    Cause.IMPORT_HOOK,
                    h.distribution.name,
                    f"{h.distribution.name}: reached only through {h.hook}, which type checkers (mypy,"
                    " basedpyright, ty, pyrefly, zuban) do not follow; Python and jedi do",
                )
                for h in self.hooks
            ),
            *(
                Finding(
                    Cause.MERGED_BY_CHECKERS,
                    m.report.name,
                    f"{m.report.name}: basedpyright (and mypy, where py.typed marks the packages) search on"
                    f" into {said(m.folder)}, which Python hides, so an editor shows no error for what only"
                    " that folder holds",
                )
                for m in self.merged
            ),
            *(
                Finding(
                    Cause.UNSEEN_ZIP_FOLDER,
                    e["name"],
                    f"{said(e['archive'])} holds files under {e['folder']}/ but no entry for that folder:"
                    " zipimport finds no namespace portion there, so they cannot be imported",
                )
                for e in self.unlisted_zip_folders
                if e not in unimportable
            ),
            *(
                Finding(Cause.UNREADABLE, name, f"{name}: {problem}")
                for name, problem in self.record_problems.items()
            ),
            *(
                Finding(
                    Cause.UNREADABLE,
                    folder,
                    f"cannot read {said(folder)} ({reason}): what it holds is not in this report",
                )
                for folder, reason in sorted(self.unreadable.items())
            ),
        ]

    def open_problems(self) -> list[Finding]:
        """The problems not accepted: what decides the verdict."""
        return [f for f in self.findings() if not f.accepted and not f.cause.note]

    @property
    def verdict(self) -> Verdict:
        """The worst verdict an open (not accepted) problem gives; else healthy."""
        given = {f.cause.verdict for f in self.open_problems()}
        return next((v for v in Verdict if v in given), Verdict.HEALTHY)

    @property
    def status(self) -> int:
        return self.verdict.status

    def causes(self) -> list[Cause]:
        """The causes of the open problems, one spelling each (no notes)."""
        return list(dict.fromkeys(f.cause for f in self.open_problems()))

    def open_fixes(self) -> list[Fix]:
        """The fixes of what is still open (problems, and notes with a help of their own): none for what
        was accepted."""
        open_causes = {f.cause for f in self.findings() if not f.accepted}
        return [fix for fix in self.fixes if open_causes & set(fix.causes)]


def _finder_problem(problem: dict) -> str:
    """A stale editable finder's problem with one name, in words."""
    folder = said(problem["folder"])
    return {
        "gone": f"{problem['name']}: {folder} no longer exists",
        "no-init": f"{problem['name']}: recorded as a regular package, but {folder} has no __init__.py now",
        "init": f"{problem['name']}: recorded as a namespace, but {folder} has an __init__.py now",
    }[problem["now"]]


# --- a run ---------------------------------------------------------------------------------------


def with_shared_ancestors(env: Environment, names: list[str]) -> list[str]:
    """``names``, each preceded by its ancestors that more than one folder provides.

    A package is searched only through its parent's __path__: when a shared
    parent is a regular package, fixing the child alone fixes nothing.
    """
    expanded: list[str] = []
    for name in names:
        parts = name.split(".")
        ancestors = [".".join(parts[:i]) for i in range(1, len(parts))]
        expanded += [a for a in ancestors if len(env.portions(a)) > 1] + [name]
    return list(dict.fromkeys(expanded))


def examine(
    names: list[str] | None = None,
    path: list[str] | None = None,
    check_files: bool = True,
    all_files: bool = False,
    accepting: tuple[str, ...] = (),
    command: str = "",
) -> Diagnosis:
    """Resolve ``names`` (default: every shared one) on ``path`` (default: sys.path) and, with
    ``check_files``, check the installed files; ``command`` runs the doctor again (for a stopgap's help)."""
    bad = [name for name in names or () if not all(part.isidentifier() for part in name.split("."))]
    if bad:
        raise UsageError(f"not a dotted package name: {', '.join(bad)}")
    env = Environment(path)
    files = env.files
    zipped = unlisted_zip_folders(files, env.path)
    if names:
        inspected = with_shared_ancestors(env, names)
    else:
        # Every shared name, and every name a zip archive holds modules under that zipimport cannot see.
        found = env.shared_names() + env.shared_by_distributions() + [entry["name"] for entry in zipped]
        inspected = list(dict.fromkeys(found))
    for name in inspected:
        # Importing a pkg_resources-style child declares its parent a namespace too and
        # extends the parent's __path__: report each name as it is once all are imported.
        env.resolve(name)
    reports = [env.report(name) for name in inspected]
    # A name nothing provides is a usage error, unless a reported parent explains why (it does not
    # import), or a zip archive holds it in a folder zipimport cannot see.
    explained = {r.name for r in reports if r.portions} | {entry["name"] for entry in zipped}
    # Folders in archives that a reported package's __path__ holds: what below them zipimport cannot see.
    inside = {
        folder: r.name
        for r in reports
        for folder in r.searched
        if folder not in env.path and in_zip_archive(folder) and not files.is_dir(folder)
    }
    zipped += [entry for entry in unlisted_zip_folders(files, [], inside) if entry not in zipped]
    missing = [
        r.name
        for r in reports
        if not r.portions
        and r.resolved == Kind.MISSING
        and not any(r.name == name or r.name.startswith(name + ".") for name in explained)
    ]
    if missing:
        raise UsageError(f"nothing on this interpreter's import path provides {', '.join(missing)}")
    if check_files:
        shared = tuple({_key(p.folder) for r in reports for p in r.portions})
        changed = audit.changed_files(files, env.distributions, env.claims(), all_files, shared)
        stale_builds = audit.stale_builds(files, env.distributions)
        stale_finders = audit.stale_finders(files, env.finders, env.distributions)
        shared_files = audit.shared_files(env.claims())
        record_problems = {d.name: d.problem for d in env.distributions if d.problem}
    else:
        changed, stale_builds, stale_finders, shared_files, record_problems = [], [], [], [], {}
    failed = failed_path_lines(files)
    d = Diagnosis(
        reports,
        changed,
        stale_builds,
        stale_finders,
        shared_files,
        record_problems,
        dict(sorted(files.unreadable.items())),
        env.cannot_model,
        failed,
        zipped,
        accepting=accepting,
    )
    d.lost = {r.name: env.lost_names(r) for r in d.hidden}
    for r in reports:
        for p in r.skipped_inits:
            init = init_file(files, p.folder)
            if init is not None:
                d.binds[_key(p.folder)] = (init, defines(files.read_bytes(init), init))
    d.hooks = hook_only(env)
    d.merged = merged_by_checkers(env, reports)
    d.fixes = plan_fixes(d, env, command)
    return d
