"""The finders the doctor mirrors, registered in one place.

Each object on ``sys.meta_path`` and ``sys.path_hooks`` is served by one model
below, or by none: then the doctor cannot tell what it does (``unmodelled``).
A model recognizes the live object without calling it, and answers as that
finder would, from files alone:

- sys.meta_path: CPython's BuiltinImporter, FrozenImporter and PathFinder;
  setuptools' ``_EditableFinder`` and editables' ``RedirectingFinder``
  (editables.py); virtualenv's ``_Finder`` and setuptools'
  ``DistutilsMetaFinder``, which serve none of the names a diagnosis is about.
- sys.path_hooks: zipimporter, FileFinder's hook, and setuptools'
  ``_EditableNamespaceFinder`` hook (entries.py, editables.py).
"""

from __future__ import annotations

import importlib.machinery
import os
import sys
from typing import TYPE_CHECKING

from .editables import (
    EditableNamespaceEntry,
    editable_find_spec,
    editable_module,
    is_redirector,
    redirector_find_spec,
)
from .entries import EntryFinder, FileEntry, ZipEntry, file_finder_path
from .files import in_zip_archive
from .specs import CannotTell, Loader, Spec

if TYPE_CHECKING:
    from .imports import ImportSystem


# --- sys.meta_path ----------------------------------------------------------------------------------


class MetaPathModel:
    """One kind of sys.meta_path finder whose rules the doctor mirrors."""

    def recognizes(self, finder) -> bool:
        raise NotImplementedError

    def find_spec(self, imports: ImportSystem, finder, name: str, path: list[str] | None) -> Spec | None:
        """What ``finder.find_spec(name, path)`` returns, worked out from files."""
        raise NotImplementedError


class BuiltinImporterModel(MetaPathModel):
    """importlib.machinery.BuiltinImporter: modules compiled into the interpreter (asked: it reads no file)."""

    def recognizes(self, finder) -> bool:
        return finder is importlib.machinery.BuiltinImporter

    def find_spec(self, imports, finder, name, path):
        found = finder.find_spec(name, path)
        return Spec(name, None, None, Loader.BUILTIN, "BuiltinImporter") if found else None


class FrozenImporterModel(MetaPathModel):
    """importlib.machinery.FrozenImporter: frozen modules (asked: it reads no file)."""

    def recognizes(self, finder) -> bool:
        return finder is importlib.machinery.FrozenImporter

    def find_spec(self, imports, finder, name, path):
        found = finder.find_spec(name, path)
        if not found:
            return None
        return Spec(name, None, found.submodule_search_locations, Loader.FROZEN, "FrozenImporter")


class PathFinderModel(MetaPathModel):
    """importlib.machinery.PathFinder: each entry of sys.path (or of the parent's __path__) in turn."""

    def recognizes(self, finder) -> bool:
        return finder is importlib.machinery.PathFinder

    def find_spec(self, imports, finder, name, path):
        return imports.path_finder_find_spec(name, imports.path if path is None else path)


class SetuptoolsEditableModel(MetaPathModel):
    """setuptools' ``_EditableFinder``, of a finder module its default editable mode wrote."""

    def recognizes(self, finder) -> bool:
        return editable_module(finder) is not None

    def find_spec(self, imports, finder, name, path):
        return editable_find_spec(imports, imports.editables[editable_module(finder)], name)


class RedirectorModel(MetaPathModel):
    """editables' ``RedirectingFinder`` (hatchling's dev-mode-exact, pdm-backend's editables mode)."""

    def recognizes(self, finder) -> bool:
        return is_redirector(finder)

    def find_spec(self, imports, finder, name, path):
        return redirector_find_spec(imports.redirections, name, path)


class VirtualenvFinderModel(MetaPathModel):
    """virtualenv's ``_Finder``, which ``_virtualenv.pth`` inserts at the front of sys.meta_path in the venvs
    virtualenv makes for Python 3.9 (as tox, nox, hatch and poetry do; setuptools' DistutilsMetaFinder may
    be put before it later): for the names in its ``_DISTUTILS_PATCH`` (distutils.dist, setuptools.dist) it
    asks the rest of the import system and patches the loader; for every other name it returns None.
    """

    def recognizes(self, finder) -> bool:
        if type(finder).__module__ != "_virtualenv" or type(finder).__name__ != "_Finder":
            return False
        patched = getattr(sys.modules.get("_virtualenv"), "_DISTUTILS_PATCH", None)
        return isinstance(patched, tuple) and all(isinstance(name, str) for name in patched)

    def find_spec(self, imports, finder, name, path):
        return (
            None  # it patches the loader of distutils.dist and setuptools.dist, found by the finders after it
        )


class DistutilsMetaFinderModel(MetaPathModel):
    """setuptools' ``DistutilsMetaFinder`` (distutils-precedence.pth puts it first on sys.meta_path)."""

    def recognizes(self, finder) -> bool:
        kind = type(finder)
        return kind.__module__ == "_distutils_hack" and kind.__name__ == "DistutilsMetaFinder"

    def find_spec(self, imports, finder, name, path):
        # Answers only for top-level 'distutils' and 'pip', and for CPython's own tests.
        if (path is None and name in ("distutils", "pip")) or name.startswith("test."):
            raise CannotTell(f"setuptools' DistutilsMetaFinder decides where {name} comes from")
        return None


# --- sys.path_hooks ---------------------------------------------------------------------------------


class PathHookModel:
    """One kind of sys.path_hooks entry whose finders the doctor mirrors."""

    def recognizes(self, hook) -> bool:
        raise NotImplementedError

    def claims(self, imports: ImportSystem, hook, entry: str) -> EntryFinder | None:
        """The finder ``hook(entry)`` makes, or None where the hook raises ImportError (the next one is asked)."""
        raise NotImplementedError

    def cached(self, imports: ImportSystem, finder, key: str) -> EntryFinder | None:
        """The finder sys.path_importer_cache holds for ``key``, if this hook made it."""
        raise NotImplementedError


class ZipImporterHook(PathHookModel):
    def recognizes(self, hook) -> bool:
        return getattr(hook, "__name__", "") == "zipimporter" or type(hook).__name__ == "zipimporter"

    def claims(self, imports, hook, entry):
        return ZipEntry(imports.files, entry) if in_zip_archive(entry) else None

    def cached(self, imports, finder, key):
        return ZipEntry(imports.files, key) if type(finder).__name__ == "zipimporter" else None


class FileFinderHook(PathHookModel):
    """FileFinder.path_hook's closure, path_hook_for_FileFinder."""

    def recognizes(self, hook) -> bool:
        return getattr(hook, "__qualname__", "").startswith("FileFinder.path_hook")

    def claims(self, imports, hook, entry):
        # path_hook_for_FileFinder: only a folder ('' is the current one)
        if not imports.files.is_dir(entry or os.getcwd()):
            return None
        return FileEntry(imports.files, file_finder_path(entry))

    def cached(self, imports, finder, key):
        if isinstance(finder, importlib.machinery.FileFinder):
            return FileEntry(imports.files, finder.path)
        return None


class SetuptoolsNamespaceHook(PathHookModel):
    """setuptools' ``_EditableNamespaceFinder._path_hook``: only its finder module's placeholder entry."""

    def recognizes(self, hook) -> bool:
        return editable_module(hook) is not None

    def claims(self, imports, hook, entry):
        finder = imports.editables[editable_module(hook)]
        return EditableNamespaceEntry(finder) if entry == finder.placeholder else None

    def cached(self, imports, finder, key):
        module = editable_module(finder)
        return EditableNamespaceEntry(imports.editables.get(module)) if module else None


# --- the registry -----------------------------------------------------------------------------------

META_PATH: tuple[MetaPathModel, ...] = (
    BuiltinImporterModel(),
    FrozenImporterModel(),
    PathFinderModel(),
    SetuptoolsEditableModel(),
    RedirectorModel(),
    VirtualenvFinderModel(),
    DistutilsMetaFinderModel(),
)
PATH_HOOKS: tuple[PathHookModel, ...] = (ZipImporterHook(), FileFinderHook(), SetuptoolsNamespaceHook())


def meta_path_model(finder) -> MetaPathModel | None:
    """The model of a sys.meta_path finder, or None: the doctor does not model it."""
    return next((model for model in META_PATH if model.recognizes(finder)), None)


def path_hook_model(hook) -> PathHookModel | None:
    """The model of a sys.path_hooks entry, or None: the doctor does not model it."""
    return next((model for model in PATH_HOOKS if model.recognizes(hook)), None)


def unmodelled() -> str | None:
    """Import hooks the doctor does not model: what they serve (an editables redirector's packages, say) is in no report."""
    unknown = [repr(finder) for finder in sys.meta_path if meta_path_model(finder) is None]
    unknown += [repr(hook) for hook in sys.path_hooks if path_hook_model(hook) is None]
    if not unknown:
        return None
    return f"import hooks it does not model ({', '.join(unknown)}): names only they serve are in no report"
