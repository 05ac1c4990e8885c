"""The legacy namespace mechanisms an ``__init__`` can call: ``pkgutil.extend_path`` (with the
``NAME.pkg`` files it reads) and ``pkg_resources.declare_namespace``, followed as they run.

Each function takes the ``ImportSystem`` whose state they read and change, as
the real ones read and change ``sys.modules`` and ``sys.path_importer_cache``.
"""

from __future__ import annotations

import io
import locale
import os
import sys
from typing import TYPE_CHECKING

from .entries import NoEntry, ZipEntry
from .files import Files
from .specs import CannotTell, Kind

if TYPE_CHECKING:
    from .imports import ImportSystem

NO_PKG_RESOURCES = "ModuleNotFoundError: No module named 'pkg_resources'"
OLD_PKG_RESOURCES = (
    "AttributeError: module 'pkgutil' has no attribute 'ImpImporter', raised by importing the pkg_resources"
    " of a setuptools older than 66.1 on Python 3.12 or later"
)


def text_as_open_reads_it(data: bytes) -> list[str]:
    """The lines ``open(file)`` gives in text mode: the locale's encoding (a BOM stays), universal newlines."""
    text = data.decode(locale.getpreferredencoding(False), errors="replace")
    return [line.rstrip("\n") for line in io.StringIO(text, newline=None)]


def pkg_lines(files: Files, entry: str, name: str) -> list[str]:
    """The folders ``entry/NAME.pkg`` lists, as pkgutil.extend_path reads them (with open(): the locale's
    encoding, universal newlines; blank lines and comments skipped)."""
    pkgfile = os.path.join(entry, name + ".pkg")
    if not files.is_file(pkgfile):
        return []
    lines = text_as_open_reads_it(files.read_bytes(pkgfile) or b"")
    return [line for line in lines if line and not line.startswith("#")]


def extend_path(imports: ImportSystem, path: list[str], name: str) -> list[str]:
    """pkgutil.extend_path: add ``name``'s portion of every entry of the parent's __path__ (or sys.path)."""
    path = path[:]
    parent, _, final_name = name.rpartition(".")
    parent_path = imports.modules[parent].path if parent in imports.modules else None
    if parent and parent_path is None:
        return path
    search_path = parent_path if parent and parent_path is not None else imports.path
    for entry in search_path:
        if not isinstance(entry, str):
            continue
        finder = imports.entry_finder(entry)  # get_importer: '' stays ''
        if not isinstance(finder, NoEntry):
            spec = finder.find_spec(final_name)  # the last part only, as pkgutil passes it
            if (
                spec
                and spec.loader is not None
                and isinstance(finder, ZipEntry)
                and sys.version_info < (3, 10)
            ):
                spec = (
                    None  # zipimporter has no find_spec before 3.10: find_loader gives a package no portions
                )
            for portion in (spec.locations or []) if spec else []:
                if portion not in path:
                    path.append(portion)
        path += pkg_lines(imports.files, entry, name)
    return path


def pkg_resources_error(imports: ImportSystem) -> str | None:
    """What ``import pkg_resources`` raises: None where it imports (already imported, or found on the path).

    Its own ``__init__`` (setuptools 80 and earlier) reads as code the doctor
    does not model (it builds others' ``__path__``), but it is setuptools' own:
    found is importable, except where an old release needs ``pkgutil.ImpImporter``,
    which Python 3.12 removed (measured: 65.5.0's fails there, 66.1.1's tests for it first).
    """
    if "pkg_resources" in sys.modules:
        return None
    found = imports.resolve("pkg_resources")
    if found.kind != Kind.UNKNOWN:
        return None if found.imported else NO_PKG_RESOURCES
    spec = imports.find_spec("pkg_resources", None)  # an unknown import hook: CannotTell
    if spec is None or spec.loader is None or spec.origin is None:
        return NO_PKG_RESOURCES
    if sys.version_info >= (3, 12):
        source = imports.files.read_bytes(spec.origin) or b""
        if b"pkgutil.ImpImporter" in source and b"hasattr(pkgutil, 'ImpImporter')" not in source:
            return OLD_PKG_RESOURCES
    return None


def normalize(path: str) -> str:
    """pkg_resources.normalize_path."""
    return os.path.normcase(os.path.realpath(os.path.normpath(path)))


def declare_namespace(imports: ImportSystem, name: str) -> None:
    """pkg_resources.declare_namespace: the parent first; then every entry where a loader finds ``name`` adds its folder."""
    if name in imports.declared:
        return
    path = imports.path
    parent = name.rpartition(".")[0]
    if parent:
        declare_namespace(imports, parent)
        parent_path = imports.modules[parent].path if parent in imports.modules else None
        if parent_path is None:
            raise CannotTell(f"pkg_resources.declare_namespace({name!r}) with {parent} not a package")
        path = parent_path
    imports.declared.add(name)
    for item in list(path):
        _handle_ns(imports, name, item)


def _handle_ns(imports: ImportSystem, name: str, item: str) -> None:
    """pkg_resources._handle_ns with file_ns_handler, then _rebuild_mod_path."""
    finder = imports.entry_finder(item)
    if isinstance(finder, NoEntry):
        return
    spec = finder.find_spec(name)
    if spec is None or spec.loader is None:
        return
    module = imports.modules.get(name)
    if module is None or module.path is None:
        raise CannotTell(f"pkg_resources.declare_namespace({name!r}) before {name} is a package")
    if not finder.ns_handler:  # null_ns_handler
        return
    subpath = os.path.join(item, name.split(".")[-1])
    if any(normalize(entry) == normalize(subpath) for entry in module.path):
        return
    module.path.append(subpath)
    sys_path = [normalize(entry) for entry in imports.path]
    parts = name.count(".") + 1

    def position(entry: str) -> float:
        root = normalize(os.sep.join(entry.split(os.sep)[:-parts]))
        return sys_path.index(root) if root in sys_path else float("inf")

    module.path[:] = [normalize(entry) for entry in sorted(module.path, key=position)]
