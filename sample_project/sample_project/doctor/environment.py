"""Who provides a package name and who owns it: every folder that offers the name (whether Python
searches it or not), the distribution that installed each, and what importing the name hides.

``Environment`` joins the import system (imports.py) and, apart from it, the
installed distributions (installed.py); ``Report`` is one name's evidence.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from . import audit
from .entries import all_suffixes, file_finder_find_spec, loader_suffixes, zip_find_spec
from .files import Files, in_zip_archive
from .files import key as _key
from .finders import unmodelled
from .imports import ImportSystem
from .inits import init_effect
from .installed import Distribution, installed_distributions, owner_of
from .legacy import pkg_lines
from .specs import CannotTell, Kind, Resolution


@dataclass
class Portion:
    """A folder (or module file) that provides a package name."""

    folder: str
    kind: Kind  # regular, pkgutil, pkg_resources, namespace (PEP 420), module, unknown, broken
    via: str
    owner: str | None = None
    # Reached through an import hook on sys.meta_path (an editable install's), not a path entry.
    by_hook: bool = False
    # A module the hook offers as what its project ships (setuptools' py-modules, a module of a package
    # its finder maps, an editables map_module of a module), not a stray file beside a folder of its name.
    mapped: bool = False


@dataclass
class Report:
    """One package name: every folder that provides it, what Python imports, and what that hides."""

    name: str
    portions: list[Portion]
    resolved: Kind  # Resolution.kind
    winner: str | None
    searched: list[str]  # the __path__ Python ends up with (setuptools' placeholders left out)
    hidden: list[Portion]
    reason: str
    finder: str = ""
    # Hidden folders with an __init__, where Python imports the name as a namespace package of other
    # folders: that __init__ never runs (PathFinder took the name before an import hook was asked).
    skipped_inits: list[Portion] = field(default_factory=list)
    # Those of them below which nothing is lost: setuptools' editable finder still serves each child.
    bypassed: list[Portion] = field(default_factory=list)
    # The owners of setuptools' placeholder path entries in the name's __path__ (an editable finder
    # that lists the name in NAMESPACES): PathFinder takes the name through them as well.
    placeholders: list[str] = field(default_factory=list)

    @property
    def takers(self) -> list[Portion]:
        """The folders (or module) Python imports the name from: the winner, or its ``__path__``."""
        return [p for p in self.portions if p not in self.hidden]

    @property
    def shadowed(self) -> list[Portion]:
        """Modules a package hides. A module is no portion of a package (FileFinder prefers the package in
        one folder, PathFinder the first folder's): every portion of the package is still searched. Not
        a module an import hook maps by its name: PathFinder took the name before the hook was asked, and
        that module, what its project ships, cannot be imported."""
        if self.resolved == Kind.MODULE:
            return []
        return [p for p in self.hidden if p.kind == Kind.MODULE and not p.mapped]

    @property
    def left_empty(self) -> list[Portion]:
        """Folders Python skips that hold no file (an uninstall left them behind): they hide nothing."""
        return [p for p in self.hidden if p.kind == Kind.EMPTY]

    @property
    def hiding(self) -> list[Portion]:
        """Hidden folders that keep something from being imported: not a shadowed module, an empty folder,
        or a folder whose children still import from it."""
        harmless = self.shadowed + self.left_empty + self.bypassed
        return [portion for portion in self.hidden if portion not in harmless]

    @property
    def collision(self) -> bool:
        """A hidden folder keeps something from being imported (a module takes the name, or a folder's
        files are never searched); a skipped ``__init__`` alone is not this but ``skipped_inits``."""
        return bool(self.hiding)

    @property
    def module_hidden(self) -> bool:
        """What keeps something from being imported is modules alone: a package took their name (PathFinder
        made it a namespace package before the import hook that maps them was asked)."""
        return (
            self.collision
            and self.resolved == Kind.NAMESPACE
            and all(p.kind == Kind.MODULE for p in self.hiding)
        )

    @property
    def module_wins(self) -> bool:
        """A module file takes the name, so none of the package's portions is searched."""
        return self.resolved == Kind.MODULE and self.collision

    @property
    def cannot_tell(self) -> bool:
        """The doctor cannot tell what importing the name gives (``reason`` says what it could not model)."""
        return self.resolved == Kind.UNKNOWN

    @property
    def broken(self) -> bool:
        """Found, but its __init__ raises: nothing below it imports."""
        return self.resolved == Kind.BROKEN

    @property
    def unreachable(self) -> bool:
        """Folders provide it, yet Python finds nothing (a stale editable finder, a parent that does not import)."""
        return self.resolved == Kind.MISSING and bool(self.portions)


def portion_kind(files: Files, folder: Path) -> tuple[Kind, str] | None:
    """(kind, the folder or module file) that ``folder``'s parent offers for its name, by FileFinder's rules (zipimporter's in an archive)."""
    parent = str(folder.parent)
    try:
        if files.is_dir(parent) or not in_zip_archive(parent):
            spec = file_finder_find_spec(files, parent, folder.name)
        else:
            spec = zip_find_spec(files, parent, folder.name)
    except CannotTell:
        return Kind.UNKNOWN, str(folder)
    if spec is None:
        return None
    if spec.loader is None:
        return (Kind.NAMESPACE if files.holds_files(folder) else Kind.EMPTY), str(folder)
    if spec.locations is None:
        return Kind.MODULE, spec.origin or str(folder)
    try:
        return init_effect(files, spec.origin or "", spec.loader).kind, str(folder)
    except CannotTell:
        return Kind.UNKNOWN, str(folder)


class Environment:
    """The import system (ImportSystem) and, apart from it, the installed distributions and their files."""

    def __init__(self, path: list[str] | None = None, files: Files | None = None) -> None:
        self.files = files or Files()
        self.path = list(sys.path if path is None else path)
        # Why this interpreter's import system cannot be modelled (an unknown hook), or None.
        self.cannot_model: str | None
        try:
            self.imports: ImportSystem | None = ImportSystem(self.files, self.path)
            self.cannot_model = unmodelled()
        except CannotTell as error:
            self.imports, self.cannot_model = None, str(error)
        self.finders = list(self.imports.editables.values()) if self.imports else []
        self.redirections = self.imports.redirections if self.imports else []
        self.placeholders = {f.placeholder for f in self.finders if f.placeholder}
        self._distributions: list[Distribution] | None = None
        self._claims: dict[str, list[Distribution]] | None = None

    @property
    def distributions(self) -> list[Distribution]:
        if self._distributions is None:
            self._distributions = installed_distributions(self.path)
        return self._distributions

    def claims(self) -> dict[str, list[Distribution]]:
        """Each installed file (with a hash in some RECORD) and the distributions whose RECORD lists it."""
        if self._claims is None:
            self._claims = audit.claims(self.distributions)
        return self._claims

    def resolve(self, name: str) -> Resolution:
        if self.imports is None:
            return Resolution(name, Kind.UNKNOWN, None, None, self.cannot_model or "")
        return self.imports.resolve(name)

    def portions(self, name: str) -> list[Portion]:
        """Every folder that provides ``name``, whether Python searches it or not."""
        parts = name.split(".")
        seen: dict[str, Portion] = {}

        def add(folder: Path, via: str, by_hook: bool = False, mapped: bool = False) -> None:
            found = portion_kind(self.files, folder)
            if found is None:
                return
            if found[0] == Kind.MODULE:
                # FileFinder takes the module over a folder without __init__ beside it: that
                # folder's files are a namespace portion no path entry leads to.
                beside = self.files.folder_or_zip_folder(folder)
                module = Portion(found[1], Kind.MODULE, via, by_hook=by_hook, mapped=mapped and not beside)
                seen.setdefault(_key(found[1]), module)
                if beside and _key(folder) not in seen:
                    seen[_key(folder)] = Portion(str(folder), Kind.NAMESPACE, via, by_hook=by_hook)
            elif _key(folder) not in seen:
                seen[_key(folder)] = Portion(found[1], found[0], via, by_hook=by_hook)

        for entry in self.path:
            if entry in self.placeholders or not isinstance(entry, str):
                continue
            add(Path(entry or os.curdir, *parts), f"path entry {entry or os.curdir}")
        for finder in self.finders:
            for key, folder in finder.mapping.items():
                if name == key or name.startswith(key + "."):
                    below = name[len(key) :].split(".")[1:]
                    via = f"editable finder {finder.module}"
                    add(Path(folder, *below), via, by_hook=True, mapped=True)
            for folder in finder.namespaces.get(name, []):
                add(Path(folder), f"editable finder {finder.module}", by_hook=True)
        for redirection in self.redirections:
            if name == redirection.name or name.startswith(redirection.name + "."):
                below = name[len(redirection.name) :].split(".")[1:]
                via = f"editables redirector {redirection.module}"
                add(Path(redirection.folder, *below), via, by_hook=True, mapped=not below)
        # The folders a NAME.pkg file lists where extend_path would read it: portions whether
        # or not a pkgutil-style __init__ reads them (a regular one never does).
        parent, _, last = name.rpartition(".")
        for entry in (self.resolve(parent).path or []) if parent else self.path:
            if isinstance(entry, str) and entry not in self.placeholders:
                for line in pkg_lines(self.files, entry, name):
                    add(Path(line), f"{os.path.join(entry, name + '.pkg')}")
        # A child is searched in its parent's __path__, which may hold folders no path entry
        # leads to (a .pkg file extend_path read, a finder's namespace folders).
        if parent:
            for folder in self.resolve(parent).path or []:
                if folder not in self.placeholders:
                    add(Path(folder, last), f"{parent}.__path__")
            if not self.resolve(parent).imported:  # what would be searched, had the parent imported
                for portion in self.portions(parent):
                    if portion.kind != Kind.MODULE:
                        add(Path(portion.folder, last), f"a portion of {parent}")
        resolution = self.resolve(name)
        for folder in resolution.path or []:
            if folder not in self.placeholders:
                add(Path(folder), f"{name}.__path__")
        return list(seen.values())

    def owners(self, folder: Path) -> list[Distribution]:
        """The distributions that install ``folder`` (files inside it) or the module file itself."""
        key = _key(folder)
        found = []
        for dist in self.distributions:
            project = dist.editable_project
            if (project is not None and (key + os.sep).startswith(_key(project) + os.sep)) or any(
                path.startswith(key + os.sep) or path == key for path in dist.files
            ):
                found.append(dist)
        return sorted(found, key=lambda dist: dist.name)

    def owner(self, folder: Path) -> str | None:
        return ", ".join(dist.describe() for dist in self.owners(folder)) or None

    def report(self, name: str) -> Report:
        resolution = self.resolve(name)
        portions = self.portions(name)
        for portion in portions:  # owners only for what is reported: it reads every RECORD
            portion.owner = self.owner(Path(portion.folder))
        # Without setuptools' placeholder entries, as they are or made absolute (a relative entry
        # joined to the current folder, as Python 3.9's path handling leaves it).
        searched = [p for p in resolution.path or [] if os.path.basename(p) not in self.placeholders]
        reachable = {_key(p) for p in searched}
        if resolution.winner:
            reachable.add(_key(resolution.winner))
        # Hidden: what Python skips because something else won. When nothing is imported,
        # nothing hides anything: the name is unreachable (Report.unreachable).
        hidden = [p for p in portions if _key(p.folder) not in reachable] if resolution.imported else []
        # A namespace package's __path__ holds every folder of the name without an __init__ that
        # PathFinder finds: a hidden one with an __init__ comes from an import hook PathFinder beat.
        namespace = resolution.kind == Kind.NAMESPACE
        skipped = [p for p in hidden if p.kind.has_init and p.by_hook] if namespace else []
        kept = [p.folder for p in portions if p not in hidden and p.kind != Kind.MODULE]
        return Report(
            name,
            portions,
            resolution.kind,
            resolution.winner,
            searched,
            hidden,
            resolution.why,
            resolution.finder,
            skipped,
            [p for p in skipped if not self._lost(name, [p.folder], kept)],
            self._placeholder_owners(resolution.path or []),
        )

    def _placeholder_owners(self, path: list[str]) -> list[str]:
        """Who added each setuptools placeholder entry of a ``__path__``: the editable install whose finder it is."""
        owners = []
        for finder in self.finders:
            if finder.placeholder and any(os.path.basename(p) == finder.placeholder for p in path):
                dist = owner_of(self.distributions, finder.file)
                owners.append(dist.describe() if dist else finder.module)
        return owners

    def shared_names(self) -> list[str]:
        """Every package name that more than one folder provides (top level first, then inside those)."""
        shared: list[str] = []
        pending = self._top_level_names()
        while pending:
            name = pending.pop(0)
            portions = self.portions(name)
            # A name setuptools' editable finder maps below this one: where PathFinder takes this name
            # as a namespace package of one folder, the finder's child rule may still lead there.
            mapped = {
                f"{name}.{key[len(name) + 1 :].split('.')[0]}"
                for finder in self.finders
                for key in finder.mapping
                if key.startswith(name + ".")
            }
            several = len(portions) > 1 or self._taken_elsewhere(name, portions)
            if not several and not mapped:
                continue
            if several:
                shared.append(name)
            children = set(mapped)
            for portion in portions:
                if portion.kind != Kind.MODULE:
                    folder = Path(portion.folder)
                    children |= {
                        f"{name}.{c.name}" for c in self.files.children(folder) if self.files.package_like(c)
                    }
            pending = sorted(children) + pending
        return shared

    def _taken_elsewhere(self, name: str, portions: list[Portion]) -> bool:
        """One folder provides ``name``, yet Python imports it from none: through a setuptools placeholder
        entry (another editable install lists the name as a namespace), so that folder is a second source."""
        resolution = self.resolve(name)
        path = resolution.path or []
        if len(portions) != 1 or resolution.kind != Kind.NAMESPACE:
            return False
        through = any(os.path.basename(p) in self.placeholders for p in path)
        return through and _key(portions[0].folder) not in {_key(p) for p in path}

    def shared_by_distributions(self) -> list[str]:
        """Package names whose one folder holds files of more than one distribution (azure-core and azure-storage-blob share azure/)."""
        owners: dict[str, set[str]] = {}
        names_of: dict[str, list[str]] = {}  # a RECORD folder -> the package names it and its parents spell
        for dist in self.distributions:
            for folder in dist.folders:
                if folder not in names_of:
                    parts = folder.split("/") if folder else []
                    names_of[folder] = []
                    for depth in range(1, len(parts) + 1):
                        if not (parts[depth - 1].isidentifier() and not parts[depth - 1].startswith("__")):
                            break
                        names_of[folder].append(".".join(parts[:depth]))
                for name in names_of[folder]:
                    owners.setdefault(name, set()).add(dist.name)
        return sorted(name for name, dists in owners.items() if len(dists) > 1)

    def _top_level_names(self) -> list[str]:
        """Top-level package names that two or more sources offer: only those can be shared.

        A cheap count from folder listings, before any ``__init__`` is read: a
        name counts once per path entry that holds it as a folder, a module
        file or a ``.pkg`` file (which ``extend_path`` reads), and once per
        editable finder that maps it. A name only one source offers has one
        portion at most, since every ``__path__`` rule the doctor models draws
        on these same sources.
        """
        suffixes = [suffix for suffix, _ in loader_suffixes()] + [".pkg"]
        sources: dict[str, int] = {}
        packages = set()
        folders: dict[str, list[str]] = {}  # a name -> the path entries that list it bare (a folder, maybe)
        for entry in self.path:
            if entry in self.placeholders or not isinstance(entry, str):
                continue
            if self.files.is_dir(Path(entry or os.curdir)):
                listing = self.files.listdir(entry or os.curdir)
            elif in_zip_archive(entry):
                listing = frozenset(self.files.zip_listing(entry))
                packages |= {c for c in listing if c.isidentifier() and not c.startswith("__")}
            else:
                continue
            offered = {c for c in listing if c.isidentifier()}
            modules = {c[: -len(s)] for c in listing for s in suffixes[:-1] if c.endswith(s)}
            for name in offered | modules | {c[: -len(".pkg")] for c in listing if c.endswith(".pkg")}:
                sources[name] = sources.get(name, 0) + 1
            for name in offered & modules:  # a folder and a module of one name: FileFinder takes one
                sources[name] += 1
            for name in {c[: -len(".pkg")] for c in listing if c.endswith(".pkg") and c[:-4].isidentifier()}:
                sources[name] = sources.get(name, 0) + 1  # its lines may name more folders (extend_path)
                packages.add(name)  # a name only .pkg lines provide is a package no entry leads to
            for name in listing & offered:
                folders.setdefault(name, []).append(entry or os.curdir)
        for finder in self.finders:
            mapped = {key.split(".")[0] for key in [*finder.mapping, *finder.namespaces]}
            for name in mapped:
                sources[name] = sources.get(name, 0) + 1
            packages |= mapped
        for redirection in self.redirections:
            sources[redirection.name] = sources.get(redirection.name, 0) + 1
            packages.add(redirection.name)
        shared = [name for name, count in sources.items() if count > 1]
        # Which of those a folder offers as a package, asked of the file system for those alone.
        packages |= {
            name
            for name in shared
            if any(self.files.package_like(Path(entry, name)) for entry in folders.get(name, ()))
        }
        return sorted(name for name in shared if name in packages)

    def lost_names(self, report: Report) -> list[str]:
        """What cannot be imported because of ``report``'s hidden folders: the names they hold, a few
        levels down, that no folder Python searches holds."""
        if report.module_wins or any(p.kind == Kind.MODULE for p in report.hiding):
            return [report.name]  # the module is all the name had
        kept = [p.folder for p in report.takers if p.kind != Kind.MODULE]
        return self._lost(report.name, [p.folder for p in report.hiding if p.kind != Kind.MODULE], kept)

    def _lost(self, name: str, hidden: list[str], kept: list[str], depth: int = 1) -> list[str]:
        """The names below ``name`` the ``hidden`` folders hold that no ``kept`` folder does, and that do not
        import from a hidden folder anyway: setuptools' editable finder serves a mapped name's immediate
        children from its folder when PathFinder finds none first (``_EditableFinder.find_spec``)."""
        found = []
        have = set().union(*map(self._module_names, kept))
        inside = tuple(_key(folder) + os.sep for folder in hidden)
        for child in sorted(set().union(*map(self._module_names, hidden))):
            if child not in have:
                served = self.resolve(f"{name}.{child}")
                where = [served.winner] if served.winner else served.path or []
                if not (served.imported and any(_key(f).startswith(inside) for f in where)):
                    found.append(f"{name}.{child}")
            else:
                below = [os.path.join(f, child) for f in hidden if self.files.is_dir(os.path.join(f, child))]
                if not below and self.resolve(f"{name}.{child}").kind == Kind.NAMESPACE:
                    # A module only a hidden folder offers, where a kept folder has a folder of that
                    # name: PathFinder makes it an empty namespace package instead (a leftover folder).
                    found.append(f"{name}.{child}")
                elif depth < 3:
                    found += self._lost(
                        f"{name}.{child}", below, [os.path.join(f, child) for f in kept], depth + 1
                    )
        return found

    def _module_names(self, folder: str) -> set[str]:
        """The names a folder offers below its package: subfolders and modules (zip folders too)."""
        names = set()
        suffixes = [suffix for suffix, _ in all_suffixes()]
        for child in self.files.children(Path(folder)):
            if child.name == "__pycache__":
                continue
            stem = next((child.name[: -len(s)] for s in suffixes if child.name.endswith(s)), None)
            name = stem if stem is not None else child.name if "." not in child.name else None
            if name and name.isidentifier() and name != "__init__":
                names.add(name)
        return names
