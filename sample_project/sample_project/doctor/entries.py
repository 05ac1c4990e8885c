"""Path entry finders that only read data: FileFinder's rules for a folder, zipimporter's for an archive.

What ``sys.path_importer_cache`` holds for one entry of ``sys.path`` (or of a
package's ``__path__``), mirrored: ``FileEntry`` (importlib/_bootstrap_external.py,
FileFinder), ``ZipEntry`` (Lib/zipimport.py, zipimporter), ``NoEntry`` (no finder:
a None in the cache), ``UnknownEntry`` (a finder the doctor does not model).
"""

from __future__ import annotations

import importlib.machinery
import os
import sys

from .files import Files, split_archive
from .specs import CannotTell, Loader, Spec


def loader_suffixes() -> list[tuple[str, Loader]]:
    """_get_supported_file_loaders(): extension modules, then source, then bytecode."""
    return (
        [(suffix, Loader.EXTENSION) for suffix in importlib.machinery.EXTENSION_SUFFIXES]
        + [(suffix, Loader.SOURCE) for suffix in importlib.machinery.SOURCE_SUFFIXES]
        + [(suffix, Loader.BYTECODE) for suffix in importlib.machinery.BYTECODE_SUFFIXES]
    )


def all_suffixes() -> list[tuple[str, Loader]]:
    """importlib.machinery.all_suffixes(), in its order (source, bytecode, extension), with each one's loader."""
    order = (Loader.SOURCE, Loader.BYTECODE, Loader.EXTENSION)
    return sorted(loader_suffixes(), key=lambda pair: order.index(pair[1]))


def path_join(*parts: str) -> str:
    """importlib._bootstrap_external._path_join (POSIX and Windows separators)."""
    separators = os.sep + (os.altsep or "")
    return os.sep.join(part.rstrip(separators) for part in parts if part)


# --- FileFinder -----------------------------------------------------------------------------------


def file_finder_path(path: str) -> str:
    """FileFinder.__init__'s base folder (importlib/_bootstrap_external.py), as each CPython computes it."""
    if sys.version_info >= (3, 11):
        if not path or path == ".":
            return os.getcwd()
        if sys.version_info >= (3, 12):  # _path_abspath
            if os.path.isabs(path):
                return path
            for sep in os.sep + (os.altsep or ""):
                if path.startswith(f".{sep}"):
                    path = path[2:]
            return path_join(os.getcwd(), path)
        return path if os.path.isabs(path) else path_join(os.getcwd(), path)
    path = path or "."
    return path if os.path.isabs(path) else path_join(os.getcwd(), path)


def file_finder_find_spec(files: Files, folder: str, fullname: str) -> Spec | None:
    """FileFinder.find_spec: a package folder with an __init__ wins, then a module file, then a namespace portion."""
    tail = fullname.rpartition(".")[2]
    cache = files.listdir(folder)  # FileFinder._fill_cache (POSIX: case-sensitive)
    is_namespace = False
    base = path_join(folder, tail)
    finder = f"the path entry {folder}" if folder else "the current folder"
    if tail in cache:
        for suffix, loader in loader_suffixes():
            init = path_join(base, "__init__" + suffix)
            if files.is_file(init):
                return Spec(fullname, init, [base], loader, finder)
        is_namespace = files.is_dir(base)
    for suffix, loader in loader_suffixes():
        if tail + suffix in cache and files.is_file(path_join(folder, tail + suffix)):
            return Spec(fullname, path_join(folder, tail + suffix), None, loader, finder)
    if is_namespace:
        return Spec(fullname, None, [base], None, finder)
    return None


def init_file(files: Files, folder: str) -> str | None:
    """The ``__init__`` file FileFinder runs for the package ``folder``, if any."""
    parent, name = os.path.split(folder)
    spec = file_finder_find_spec(files, parent, name)
    return spec.origin if spec is not None and spec.locations is not None else None


# --- zipimporter ----------------------------------------------------------------------------------
#
# It finds a name by _zip_searchorder: a package (its __init__.pyc, then its __init__.py),
# then a module (.pyc, then .py); failing those, a folder the archive has a directory
# entry for is a namespace portion (_is_dir). A folder with no entry of its own is no
# portion: zipimport infers none.

_ZIP_SEARCH_ORDER = (
    ("/__init__.pyc", True, True),
    ("/__init__.py", False, True),
    (".pyc", True, False),
    (".py", False, False),
)


def zip_find_spec(files: Files, entry: str, fullname: str) -> Spec | None:
    """zipimporter(entry).find_spec(fullname): zipimport.py's _get_module_info, then _is_dir."""
    archive, prefix = split_archive(entry)
    names = files.zip_names(archive) if archive else None
    if archive is None or names is None:
        raise CannotTell(f"{entry} is a zip archive on the import path that cannot be read")
    path = (f"{prefix}/" if prefix else "") + fullname.rpartition(".")[2]
    where = os.path.join(archive, *path.split("/"))
    for suffix, bytecode, package in _ZIP_SEARCH_ORDER:
        if path + suffix in names:
            origin = os.path.join(archive, *(path + suffix).split("/"))
            loader = Loader.BYTECODE if bytecode else Loader.SOURCE
            return Spec(fullname, origin, [where] if package else None, loader, f"zipimporter of {archive}")
    if path + "/" in names:
        return Spec(fullname, None, [where], None, f"zipimporter of {archive}, a namespace portion")
    return None


def unlisted_zip_folders(files: Files, path: list[str], within: dict[str, str] | None = None) -> list[dict]:
    """Folders of the zip archives on ``path`` that hold modules but neither a directory entry of their own
    nor an ``__init__``: zipimport finds no namespace portion there, so those modules cannot be imported
    (the top-most such folder of each; ``__pycache__`` and data folders are no packages).

    ``within``: folders inside archives that are a package's ``__path__`` entries (``archive/ns``, which
    declare_namespace adds whatever zipimport finds), each with that package's name.
    """
    found = []
    within = within or {}
    suffixes = tuple(suffix for suffix, _ in loader_suffixes())
    for entry in [*path, *within]:
        if not isinstance(entry, str) or files.is_dir(entry or os.curdir) or not split_archive(entry)[0]:
            continue
        archive, prefix = split_archive(entry)
        if archive is None:
            continue
        names = files.zip_names(archive) or frozenset()
        start = f"{prefix}/" if prefix else ""
        missing = set()
        for name in names:
            # Only code counts: a folder of templates or data is read as a resource, not imported.
            if not name.startswith(start) or not name.endswith(suffixes):
                continue
            parts = name[len(start) :].split("/")[:-1]
            for depth in range(1, len(parts) + 1):
                if not parts[depth - 1].isidentifier() or parts[depth - 1].startswith("__"):
                    break
                folder = "/".join(parts[:depth])
                package = any(f"{start}{folder}/__init__{suffix}" in names for suffix in (".py", ".pyc"))
                if f"{start}{folder}/" not in names and not package:  # a package needs no entry
                    missing.add(folder)
                    break
        package_name = f"{within[entry]}." if entry in within else ""
        found += [
            {
                "archive": archive,
                "folder": f"{start}{folder}",
                "name": package_name + folder.replace("/", "."),
            }
            for folder in sorted(missing)
        ]
    return found


# --- what the cache holds for one entry -----------------------------------------------------------


class EntryFinder:
    """The path entry finder Python uses for one entry: ``find_spec(name)`` as that finder answers."""

    # pkg_resources registers a namespace handler for FileFinder and zipimporter only (file_ns_handler);
    # the others get null_ns_handler, which adds nothing.
    ns_handler = False

    def find_spec(self, name: str) -> Spec | None:
        return None


class NoEntry(EntryFinder):
    """No finder serves the entry (sys.path_importer_cache holds None): nothing is found there."""


class _DataEntry(EntryFinder):
    """A finder that reads only data: a folder (FileFinder) or a zip archive (zipimporter)."""

    ns_handler = True

    def __init__(self, files: Files, path: str) -> None:
        self.files, self.path = files, path


class FileEntry(_DataEntry):
    def find_spec(self, name: str) -> Spec | None:
        return file_finder_find_spec(self.files, self.path, name)


class ZipEntry(_DataEntry):
    def find_spec(self, name: str) -> Spec | None:
        return zip_find_spec(self.files, self.path, name)


class UnknownEntry(EntryFinder):
    """A finder the doctor does not model: whatever it is asked, the doctor cannot tell."""

    def __init__(self, path: str, what: str) -> None:
        self.path, self.what = path, what

    def find_spec(self, name: str) -> Spec | None:
        raise CannotTell(f"the path entry {self.path} is served by {self.what}")
