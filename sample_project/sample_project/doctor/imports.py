"""The running interpreter's import system, followed without importing anything it inspects.

``ImportSystem.resolve(name)`` is ``import name`` (importlib._bootstrap._find_and_load):
the parent first, then each sys.meta_path finder in turn (finders.py: a model per
finder), PathFinder's walk over the entries of sys.path or the parent's
``__path__`` (importlib/_bootstrap_external.py), then what the package's
``__init__`` does to its ``__path__`` (inits.py, legacy.py).
"""

from __future__ import annotations

import os
import sys

from . import legacy
from .editables import EditableFinder, Redirection, read_editable_finders, read_redirections
from .entries import EntryFinder, NoEntry, UnknownEntry
from .files import Files
from .finders import PATH_HOOKS, meta_path_model, path_hook_model
from .inits import init_effect
from .specs import CannotTell, Kind, Loader, Resolution, Spec


class ImportSystem:
    """sys.meta_path, sys.path_hooks and sys.path_importer_cache as they are, sys.modules as the doctor
    would fill it: each step mirrors CPython's, setuptools' or editables' and cites it."""

    def __init__(self, files: Files, path: list[str] | None = None) -> None:
        self.files = files
        self.path = list(sys.path if path is None else path)
        self.editables: dict[str, EditableFinder] = read_editable_finders(files)
        self.redirections: list[Redirection] = read_redirections(files)
        self.modules: dict[str, Resolution] = {}  # sys.modules, for what the doctor resolved
        self.failed: dict[str, Resolution] = {}
        self.declared: set[str] = set()  # pkg_resources._namespace_packages

    # --- finding a spec ----------------------------------------------------------------------------

    def find_spec(self, name: str, path: list[str] | None) -> Spec | None:
        """importlib._bootstrap._find_spec: ask each sys.meta_path finder in turn."""
        for finder in sys.meta_path:
            model = meta_path_model(finder)
            if model is None:
                raise CannotTell(f"sys.meta_path has {finder!r}, an import hook the doctor does not model")
            spec = model.find_spec(self, finder, name, path)
            if spec is not None:
                return spec
        return None

    def path_finder_find_spec(self, name: str, path: list[str]) -> Spec | None:
        """PathFinder._get_spec and find_spec: the first entry with a loader wins; namespace portions pile up."""
        namespace_path: list[str] = []
        for entry in path:
            if not isinstance(entry, str):
                continue
            # _path_importer_cache: '' is the current folder
            spec = self.entry_finder(entry or os.getcwd()).find_spec(name)
            if spec is None:
                continue
            if spec.loader is not None:
                return spec
            namespace_path.extend(spec.locations or [])
        if namespace_path:
            return Spec(name, None, namespace_path, None, "PathFinder, a namespace package (PEP 420)")
        return None

    def entry_finder(self, key: str) -> EntryFinder:
        """The finder sys.path_importer_cache holds for ``key``, or the first of sys.path_hooks that accepts it.

        PathFinder._path_importer_cache turns '' into the current folder first;
        pkgutil.get_importer (extend_path, declare_namespace) does not.
        """
        if key in sys.path_importer_cache:
            cached = sys.path_importer_cache[key]
            if cached is None:
                return NoEntry()
            for hook_model in PATH_HOOKS:
                known = hook_model.cached(self, cached, key)
                if known is not None:
                    return known
            return UnknownEntry(key, f"{cached!r} (in sys.path_importer_cache)")
        for hook in sys.path_hooks:  # PathFinder._path_hooks
            model = path_hook_model(hook)
            if model is None:
                return UnknownEntry(key, f"{hook!r} (on sys.path_hooks)")
            claimed = model.claims(self, hook, key)
            if claimed is not None:
                return claimed
        return NoEntry()

    # --- importing a name --------------------------------------------------------------------------

    def resolve(self, name: str) -> Resolution:
        """What ``import name`` gives (importlib._bootstrap._find_and_load), without running anything."""
        if name in self.modules:
            return self.modules[name]
        if name in self.failed:
            return self.failed[name]
        try:
            result = self._import(name)
        except CannotTell as error:
            result = Resolution(name, Kind.UNKNOWN, None, None, str(error))
        if result.imported:
            self.modules[name] = result
        else:
            self.modules.pop(name, None)
            self.failed[name] = result
        return result

    def _import(self, name: str) -> Resolution:
        if name in sys.modules:
            # Already imported (by the program that asks, or at start-up): Python uses it as
            # it is. Where following the rules leads to that very module, say how.
            real = preloaded(name, sys.modules[name])
            saved = ({key: (r, list(r.path or [])) for key, r in self.modules.items()}, set(self.declared))
            try:
                found: Resolution | None = self._find_and_load(name)
            except CannotTell:
                found = None
            # Its __init__ ran (or not) long ago: undo what following the rules changed
            # elsewhere (declare_namespace extends the parent), whatever the answer.
            self.modules = {key: r for key, (r, _) in saved[0].items()}
            for r, path in saved[0].values():
                if r.path is not None:
                    r.path[:] = path
            self.declared = saved[1]
            if (
                found is not None
                and found.imported
                and (found.winner, found.path) == (real.winner, real.path)
            ):
                return found
            return real
        return self._find_and_load(name)

    def _find_and_load(self, name: str) -> Resolution:
        parent = name.rpartition(".")[0]
        path = None
        if parent:
            above = self.resolve(parent)
            if above.kind == Kind.UNKNOWN:
                raise CannotTell(above.why)
            if not above.imported:
                return Resolution(
                    name, Kind.MISSING, None, None, f"its parent {parent} does not import: {above.why}"
                )
            if above.path is None:
                return Resolution(name, Kind.MISSING, None, None, f"{parent} is a module, not a package")
            path = above.path
        spec = self.find_spec(name, path)
        if spec is None:
            where = f"{parent}.__path__" if parent else "sys.path"
            return Resolution(name, Kind.MISSING, None, None, f"no finder finds it on {where}")
        return self._load(spec)

    def _load(self, spec: Spec) -> Resolution:
        name = spec.name
        if spec.loader is None:
            path = list(spec.locations or [])
            why = "a namespace package (PEP 420): every portion is searched"
            return Resolution(name, Kind.NAMESPACE, None, path, why, spec.finder)
        if spec.loader == Loader.BUILTIN:
            why = "a built-in module, compiled into the interpreter"
            return Resolution(name, Kind.BUILTIN, None, spec.locations, why, spec.finder)
        if spec.loader == Loader.FROZEN:
            return Resolution(name, Kind.FROZEN, None, spec.locations, "a frozen module", spec.finder)
        if spec.locations is None:
            why = f"a module, not a package, found by {spec.finder}: nothing is searched below it"
            return Resolution(name, Kind.MODULE, spec.origin, None, why, spec.finder)
        origin = spec.origin or ""  # a package a loader loads has its __init__ as origin
        folder = os.path.dirname(origin)
        effect = init_effect(self.files, origin, spec.loader)
        if effect.kind == Kind.UNKNOWN:
            raise CannotTell(effect.detail)
        if effect.kind == Kind.BROKEN:
            return Resolution(name, Kind.BROKEN, folder, None, effect.detail, spec.finder)
        # The module is in sys.modules while its __init__ runs (extend_path and
        # declare_namespace look it up there).
        locations = list(spec.locations)
        found = Resolution(name, effect.kind, folder, locations, "", spec.finder)
        self.modules[name] = found
        if effect.kind == Kind.REGULAR:
            found.why = f"a regular package, found by {spec.finder}: its __path__ is that one folder"
        elif effect.kind == Kind.PKGUTIL:
            found.path = legacy.extend_path(self, locations, name)
            searched = "the parent package's __path__" if "." in name else "sys.path"
            found.why = (
                f"a pkgutil-style package, found by {spec.finder}: extend_path adds {name}'s portion"
                f" of every entry of {searched}"
            )
        else:  # pkg_resources-style: what `import pkg_resources` does decides
            error = legacy.pkg_resources_error(self)
            if error is None:
                legacy.declare_namespace(self, name)
                found.why = (
                    f"a pkg_resources-style package, found by {spec.finder}: declare_namespace adds the"
                    f" {name} folders that hold an __init__ (not PEP 420 portions), in sys.path order"
                )
            elif effect.fallback and error == legacy.NO_PKG_RESOURCES:  # `except ImportError`
                found.kind = Kind.PKGUTIL
                found.path = legacy.extend_path(self, locations, name)
                found.why = (
                    f"a pkg_resources-style package without pkg_resources, found by {spec.finder}:"
                    " its pkgutil fallback runs extend_path"
                )
            else:
                return Resolution(name, Kind.BROKEN, folder, None, error, spec.finder)
        return found


def preloaded(name: str, module) -> Resolution:
    """A name already in sys.modules: Python uses it as it is (setuptools' *-nspkg.pth lines import at start-up)."""
    path = getattr(module, "__path__", None)
    file = getattr(module, "__file__", None)
    if path is None:
        if file:
            return Resolution(
                name, Kind.MODULE, file, None, "a module, not a package: nothing is searched below it"
            )
        return Resolution(name, Kind.BUILTIN, None, None, "a built-in module, compiled into the interpreter")
    path = [entry for entry in path if isinstance(entry, str)]
    winner = os.path.dirname(file) if file else None
    why = (
        "already in sys.modules when the doctor looked (imported at start-up, by a .pth line such as"
        " setuptools' *-nspkg.pth, or by the doctor itself): Python uses it as it is"
    )
    return Resolution(name, Kind.PRELOADED, winner, path, why)
