"""The verdicts and the causes: one table, from which the report, the exit status, ``--accept``,
``--help``'s legend, the JSON and the README's cause table all take their words."""

from __future__ import annotations

from .specs import Word


class Verdict(Word):
    """A run's verdict, worst first: a run's is the first any open (not accepted) finding gives."""

    COLLISION = "collision"
    BROKEN = "broken"
    STALE = "stale"
    MISSING = "missing"
    CANNOT_TELL = "cannot-tell"
    HEALTHY = "healthy"

    @property
    def status(self) -> int:
        """The exit status (2 is a usage error, no verdict)."""
        return {Verdict.HEALTHY: 0, Verdict.CANNOT_TELL: 3}.get(self, 1)

    @property
    def means(self) -> str:
        return _VERDICT_MEANS[self]


_VERDICT_MEANS = {
    Verdict.HEALTHY: "every folder of every shared name is searched; notes may follow",
    Verdict.COLLISION: "distributions break each other: a hidden folder, an overwritten file",
    Verdict.BROKEN: "something fails to import: an __init__, a .pth line, a missing file",
    Verdict.STALE: "an install out of date with its project: a build/ folder, an editable finder",
    Verdict.MISSING: "folders provide a name, yet Python finds nothing",
    Verdict.CANNOT_TELL: "something the doctor does not model decides; named in the report",
}


class Cause(Word):
    """One kind of finding: its one spelling (the report, JSON, --accept, the legend), the verdict it
    gives (None: a note, which never fails a run), the JSON keys that hold its details, what it means,
    and the help the report prints for it."""

    verdict: Verdict | None
    fields: tuple[str, ...]
    means: str
    fix: str

    def __new__(cls, key: str, verdict: Verdict | None, fields: str, means: str, fix: str) -> Cause:
        member = str.__new__(cls, key)
        member._value_ = key
        member.verdict, member.fields, member.means, member.fix = verdict, tuple(fields.split()), means, fix
        return member

    HIDDEN_PORTION = (
        "hidden-portion",
        Verdict.COLLISION,
        "reports",
        "a folder of a shared name that Python never searches: another folder's __init__ made that one"
        " the whole package, other folders made it a namespace package before an import hook was asked,"
        " or a module took the name",
        "make the shared levels PEP 420 namespace packages in the projects (delete each __init__, then"
        " reinstall); folders an uninstall left ahead of an editable install: delete them; a module that"
        " takes the name: uninstall its distribution or delete it",
    )
    SKIPPED_INIT = (
        "skipped-init",
        Verdict.COLLISION,
        "reports",
        "an __init__ Python never runs: other folders (often an empty one an uninstall left), or another"
        " editable install's placeholder path entry, made the name a namespace package before the editable"
        " install's import hook that provides it was asked",
        "delete the folders that took the name if they hold no file; else make the level PEP 420 in the"
        " projects",
    )
    OVERWRITTEN = (
        "overwritten",
        Verdict.COLLISION,
        "overwritten",
        "an installed file replaced by another distribution's copy of it",
        "make the shared levels PEP 420 in the projects; an editable install's .pth file: install all but"
        " one without -e",
    )
    BROKEN_INIT = (
        "broken-init",
        Verdict.BROKEN,
        "reports",
        "an __init__ that fails, so nothing below it imports",
        "make that level PEP 420 (or upgrade the setuptools whose pkg_resources it needs)",
    )
    FAILED_PTH = (
        "failed-pth",
        Verdict.BROKEN,
        "failed_pth",
        "a .pth line that failed at start-up, so what it sets up is missing",
        "install what it lacks; or see why the module fails, then reinstall its project",
    )
    REMOVED = (
        "removed",
        Verdict.BROKEN,
        "removed",
        "an installed file missing from its folder",
        "reinstall its distribution (or accept the deletion if it was a stopgap)",
    )
    UNLISTED_ZIP_FOLDER = (
        "unlisted-zip-folder",
        Verdict.BROKEN,
        "unlisted_zip_folders",
        "a folder in a zip archive without an entry of its own: zipimport cannot see what is below it",
        "rebuild the archive with an entry for each folder, or make that folder a regular package",
    )
    STALE_BUILD = (
        "stale-build",
        Verdict.STALE,
        "stale_builds",
        "an installed file setuptools put back from a stale build/ folder",
        "delete that build/ folder, then reinstall",
    )
    STALE_FINDER = (
        "stale-finder",
        Verdict.STALE,
        "stale_finders",
        "an editable finder whose folders no longer provide its names",
        "reinstall the project editable",
    )
    UNREACHABLE = (
        "unreachable",
        Verdict.MISSING,
        "reports",
        "a name that folders provide, yet Python finds nothing",
        "none of its own: the help of the cause that makes it so (a stale finder, a broken parent)",
    )
    CANNOT_TELL = (
        "cannot-tell",
        Verdict.CANNOT_TELL,
        "reports cannot_model",
        "something the doctor does not model decides (an import hook, an __init__ that builds its"
        " __path__ itself, an archive it cannot read)",
        "none: the report names what it could not model",
    )
    MODIFIED = (
        "modified",
        None,
        "modified",
        "an installed file changed since, that no distribution ships: a local edit",
        "none needed",
    )
    DELETED = (
        "deleted",
        None,
        "deleted",
        "an installed file deleted with its folder, or outside the packages",
        "none needed",
    )
    SHARED_FILE = (
        "shared-file",
        None,
        "shared_files",
        "a file two distributions claim: uninstalling either removes it for both",
        "none needed",
    )
    SHADOWED_MODULE = (
        "shadowed-module",
        None,
        "reports",
        "a module the package of the same name hides: harmless, unreachable",
        "none needed",
    )
    EMPTY_FOLDER = (
        "empty-folder",
        None,
        "reports",
        "a folder of a shared name with no file in it (an uninstall leaves its folders behind): Python"
        " skips it, and it hides nothing",
        "none needed",
    )
    IMPORT_HOOK = (
        "import-hook",
        None,
        "findings",
        "an editable install that only an import hook puts on the path (setuptools' editable finder, the"
        " editables redirector): Python and jedi follow it, type checkers cannot",
        "reinstall it without the hook (setuptools: editable_mode=strict; hatchling: no dev-mode-exact;"
        " pdm-backend: no editables backend)",
    )
    MERGED_BY_CHECKERS = (
        "merged-by-checkers",
        None,
        "reports",
        "a regular package that hides a folder below another regular package: basedpyright (and mypy,"
        " given py.typed) search on into it, so an editor shows no error where Python's import fails",
        "the fix of the collision itself (PEP 420 at every shared level)",
    )
    UNSEEN_ZIP_FOLDER = (
        "unseen-zip-folder",
        None,
        "unlisted_zip_folders",
        "a folder in a zip archive without an entry of its own, under a name no report needs: its files"
        " cannot be imported",
        "none needed",
    )
    UNREADABLE = (
        "unreadable",
        None,
        "unreadable distribution_problems",
        "a folder or distribution the doctor cannot read",
        "none: what it holds is not in the report",
    )

    @property
    def note(self) -> bool:
        """A note: reported, never failing a run."""
        return self.verdict is None
