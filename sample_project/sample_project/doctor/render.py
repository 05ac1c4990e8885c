"""The report as people read it (verdict, evidence, help), as data (``--json``), and the legend of
every word it uses (``--help``). Rendering reads the diagnosis only: no file is read here (paths are
compared by their real path, which asks the file system nothing but where links lead)."""

from __future__ import annotations

import sys
from dataclasses import asdict

from .causes import Cause, Verdict
from .diagnosis import Diagnosis, Finding
from .display import shown, unbroken, wrap
from .environment import Portion, Report
from .files import key as _key
from .specs import Kind, Word
from .version import SCHEMA, VERSION


class Role(Word):
    """A folder's role in the search for its name."""

    TAKES = "takes"
    SEARCHES = "searches"
    HIDES = "hides"
    BYPASSES = "bypasses"
    SHADOWED = "shadowed"
    SKIPS = "skips"
    UNKNOWN = "?"

    @property
    def means(self) -> str:
        return {
            Role.TAKES: "the folder (or module) Python imports the name from",
            Role.SEARCHES: "a folder in the package's __path__: what it holds imports",
            Role.HIDES: "a folder of the name Python never searches: what only it holds cannot be imported",
            Role.BYPASSES: "a folder whose __init__ Python never runs, though what it holds still imports"
            " (through an editable install's import hook)",
            Role.SHADOWED: "a module the package of the same name hides (harmless)",
            Role.SKIPS: "an empty folder of the name Python never searches (harmless)",
            Role.UNKNOWN: "the doctor cannot tell",
        }[self]


def role_of(report: Report, portion: Portion) -> Role:
    """A folder's role in the search for its name."""
    if report.cannot_tell:
        return Role.UNKNOWN
    if portion in report.shadowed:
        return Role.SHADOWED
    if portion in report.left_empty:
        return Role.SKIPS
    if portion in report.bypassed:
        return Role.BYPASSES
    if portion in report.hidden:
        return Role.HIDES
    if report.winner and _key(portion.folder) == _key(report.winner) and report.resolved != Kind.NAMESPACE:
        return Role.TAKES
    return Role.SEARCHES


def state_of(report: Report, accepted: bool = False) -> tuple[str, str]:
    """A name's state: ok, or what is wrong in a word and why (the report's line for it; the picture's box).
    ``accepted``: every collision finding of the name is one --accept names."""
    collision = "collision (accepted)" if accepted else "collision"
    if report.cannot_tell:
        return "cannot tell", report.reason
    if report.module_wins:
        return collision, "a module takes the name"
    if report.module_hidden:
        return (
            collision,
            "Python imports it as a namespace package and never asks the import hook of its module",
        )
    if report.collision:
        return collision, f"Python takes 1 of {len(report.portions)} folders"
    if report.skipped_inits:
        count = len(report.skipped_inits)
        return collision, f"Python never runs the __init__ of {_folders(count)} of {len(report.portions)}"
    if report.broken:
        return "broken", f"its __init__ fails ({report.reason})"
    if report.unreachable:
        return "not found", report.reason
    return "ok", ""


def accepted_names(d: Diagnosis) -> set[str]:
    """The names each of whose collision findings --accept names (and that have one)."""
    collisions = [f for f in d.findings() if f.cause.verdict == Verdict.COLLISION]
    return {f.subject for f in collisions} - {f.subject for f in collisions if not f.accepted}


def render_name(report: Report, verbose: bool = False, accepted: bool = False) -> list[str]:
    """The evidence for one name: a line for it, then a line per folder (its role, kind and owner)."""
    word, why = state_of(report, accepted)
    out = wrap(f"{report.name}: {word}: {why}") if why else [f"{report.name}: {word}"]
    if word == "ok" and not verbose:
        count = len(report.portions)
        if report.resolved in (Kind.BUILTIN, Kind.FROZEN):
            return [f"{report.name}: ok, inside the interpreter"]
        if report.resolved == Kind.MODULE:
            return [f"{report.name}: ok, a module: {shown(report.winner or '')}"]
        empty = len(report.left_empty)
        if empty:
            searched, ones = count - empty, "ones" if empty != 1 else "one"
            return [f"{report.name}: ok, {_folders(searched)} searched, {empty} empty {ones} skipped"]
        return [f"{report.name}: ok, {_folders(count)}, all searched"]
    for portion in report.portions:
        owner = portion.owner or "no distribution"
        out.append(f"  {role_of(report, portion):<8} {shown(portion.folder)}  {portion.kind}, {owner}")
        if verbose:
            out.append(f"           via {portion.via}")
    if verbose:
        out.append(f"  why: {report.reason}")
    return out


def _folders(count: int) -> str:
    return f"{count} folder{'s' if count != 1 else ''}"


def verdict_line(d: Diagnosis, problems: list[Finding]) -> tuple[str, Finding | None]:
    """The verdict in a sentence (what cannot be imported, and why), and the problem it tells of."""
    verdict = d.verdict
    if verdict == Verdict.HEALTHY:
        if not d.reports:
            return "healthy: no package name is provided by more than one folder or distribution", None
        return "healthy: every folder of every shared name is searched", None
    first = next(f for f in problems if f.cause.verdict == verdict)
    if first.cause != Cause.HIDDEN_PORTION:
        return f"{verdict}: {first.text}", first
    hidden = [r for r in d.hidden if r.name in {f.subject for f in problems}]
    lost = list(dict.fromkeys(name for r in hidden for name in d.lost.get(r.name, [])))
    what = f"{', '.join(lost)} cannot be imported: " if lost else ""
    names = ", ".join(r.name for r in hidden)
    why = f"a regular package (an __init__) makes one folder the whole of {names} and hides the others"
    if all(r.resolved == Kind.NAMESPACE for r in hidden):
        why = f"Python imports {names} as a namespace package of other folders and never searches the hidden ones"
    if all(r.module_hidden for r in hidden):
        why = f"Python imports {names} as a namespace package and never asks the import hook of the module"
    if all(r.module_wins for r in hidden):
        why = f"a module takes the name {names}, so no folder of it is searched"
    return f"{verdict}: {what}{why}", first


def headline(d: Diagnosis, problems: list[Finding]) -> list[str]:
    """The verdict, first: what cannot be imported, and why; then how many findings of other causes."""
    sentence, first = verdict_line(d, problems)
    lines = wrap(sentence)
    others = [f for f in problems if f is not first and f.cause != getattr(first, "cause", None)]
    for cause in dict.fromkeys(f.cause for f in others):
        count = sum(f.cause == cause for f in others)
        lines += wrap(f"  and {count} {cause} finding{'s' if count > 1 else ''} ({cause.verdict})")
    return lines


# Causes whose evidence is a name's own lines (render_name), not a line of their own.
_SHOWN_BY_NAME = (Cause.HIDDEN_PORTION, Cause.BROKEN_INIT, Cause.UNREACHABLE, Cause.CANNOT_TELL)


def _notes(findings: list[Finding]) -> list[str]:
    """The open notes; notes of one cause that say the same of different subjects are said once, of all."""
    subjects: dict[tuple[Cause, str], list[str]] = {}
    for f in findings:
        if not f.cause.note or f.accepted:
            continue
        prefix = f"{f.subject}: "
        if f.subject and f.text.startswith(prefix):
            subjects.setdefault((f.cause, f.text[len(prefix) :]), []).append(f.subject)
        else:
            subjects.setdefault((f.cause, f.text), [])
    return [f"{', '.join(names)}: {text}" if names else text for (_, text), names in subjects.items()]


def render(d: Diagnosis, verbose: bool = False, quiet: bool = False) -> str:
    """The report: the verdict; the evidence (each name, each finding); notes; then help: what to paste."""
    findings = d.findings()
    problems = d.open_problems()
    out = headline(d, problems)
    if quiet:
        return "\n".join(out)
    _, first = verdict_line(d, problems)
    accepted = accepted_names(d)
    evidence = [line for r in d.reports for line in render_name(r, verbose, r.name in accepted)]
    evidence += [
        line
        for f in problems
        if (f.cause not in _SHOWN_BY_NAME or f.subject == "")
        and not (f is first and f.cause == Cause.SKIPPED_INIT)  # the verdict line says it already
        for line in wrap(f"{f.cause}: {f.text}")
    ]
    evidence += [line for f in findings if f.accepted for line in wrap(f"accepted: {f.cause}: {f.text}")]
    evidence += [line for note in _notes(findings) for line in wrap(f"note: {note}")]
    if evidence:
        out += ["", *evidence]
    for fix in d.open_fixes():
        out += ["", *wrap(("help (stopgap): " if fix.stopgap else "help: ") + fix.text)]
        out += [f"    {command}" for command in fix.commands]  # indented deeper than wrapped prose
    return "\n".join(out)


def payload(d: Diagnosis, path: list[str], left_out: str | None) -> dict:
    """The report as data (``--json``): the keys sample_project/README.md's "The JSON report" documents."""
    return {
        "schema": SCHEMA,
        "doctor": VERSION,
        "python": sys.executable,
        "status": d.status,
        "verdict": d.verdict,
        "collision": d.verdict == Verdict.COLLISION,
        "causes": d.causes(),
        "findings": [_unbroken(asdict(finding)) for finding in d.findings()],
        "fixes": [_unbroken(asdict(fix)) for fix in d.open_fixes()],
        "reports": [asdict(report) for report in d.reports],
        "changed": d.changed,
        "overwritten": d.overwritten,
        "removed": d.removed,
        "modified": d.modified,
        "deleted": d.deleted,
        "stale_builds": d.stale_builds,
        "stale_finders": d.stale_finders,
        "shared_files": d.shared_files,
        "distribution_problems": d.record_problems,
        "unreadable": d.unreadable,
        "cannot_model": d.cannot_model,
        "failed_pth": d.failed_pth,
        "unlisted_zip_folders": d.unlisted_zip_folders,
        "import_path": path,
        "left_out": left_out,
    }


def _unbroken(entry: dict) -> dict:
    """A finding or fix as data: its text with plain spaces."""
    return {**entry, "text": unbroken(entry["text"])}


def _entry(word: str, text: str, width: int = 17) -> list[str]:
    """A legend entry: the word, then its meaning wrapped within 100 columns under itself."""
    return wrap(f"  {word:<{width - 2}}{text}", " " * width)


def legend() -> str:
    """What every word of the report means: --help prints it."""
    lines = ["verdicts (the report's first word; exit status 2: a usage error):"]
    lines += [line for v in Verdict for line in _entry(v.value, f"exit {v.status}: {v.means}")]
    lines += ["roles of a folder:"] + [line for role in Role for line in _entry(role.value, role.means)]
    lines += ["kinds of a folder:"] + [
        line for kind in Kind if kind.means for line in _entry(kind.value, kind.means)
    ]
    lines += ["owners of a folder (after its kind), and how each was installed:"]
    owners = (
        (
            "NAME",
            "the distribution whose RECORD lists the folder's files: a copy pip or uv installed (into"
            " site-packages, or a --target folder)",
        ),
        ("NAME (editable)", "an editable install of the project NAME (its direct_url.json says so)"),
        ("no distribution", "no RECORD lists the folder: a folder on PYTHONPATH, or files copied by hand"),
    )
    lines += [line for word, means in owners for line in _entry(word, means, 20)]
    lines += [
        "causes (--accept CAUSE[:GLOB] names them; notes never fail a run), each with its help in short:"
    ]
    for c in Cause:
        lines += _entry(c.value, f"{c.verdict or 'note'}: {c.means}", 23)
        lines += _entry("", f"help: {c.fix}", 23)
    lines += ["help: lines are commands to paste, in order; help (stopgap): changes installed copies only"]
    return "\n".join(lines)
