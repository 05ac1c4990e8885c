"""Namespace doctor: which folder wins a shared package name, who owns it, what it hides.

    python -m sample_project.doctor [--json] [NAME ...]

Inspects the environment of the interpreter that runs it, statically: it never
imports the packages it inspects (they may be broken or heavy). It follows the
import system of the running interpreter step by step (``sys.meta_path``,
``sys.path_hooks``, ``sys.path_importer_cache``), reading folders,
``__init__`` files, setuptools' editable finders and the installed
distributions' metadata. For each dotted package NAME (default: every package
name that more than one folder provides) it lists the folders that provide it,
the one Python picks and the ``__path__`` Python ends up with, what that hides,
and the distribution that owns each folder. It also checks the installed
files against their distributions' RECORDs (every file looked for; those whose
content can matter hashed; --all-files: every file hashed).

Exit statuses, and every word the report uses: legend(), which --help prints.

Standard library only; Python 3.9+. Works as a single file copied anywhere.
"""

from __future__ import annotations

import argparse
import ast
import base64
import csv
import hashlib
import importlib.machinery
import importlib.util
import io
import json
import locale
import marshal
import os
import shlex
import site
import stat
import sys
import zipfile
from dataclasses import asdict, dataclass, field
from fnmatch import fnmatch
from functools import cached_property
from importlib import metadata
from itertools import chain
from pathlib import Path
from urllib.parse import unquote, urlparse

# The doctor's version, and its JSON report's schema (README.md: "The doctor's JSON").
VERSION = "2.0"
SCHEMA = 1
# Folders and files that could not be read during this run, with the reason.
UNREADABLE: dict[str, str] = {}


def _unreadable(path: Path | str, error: OSError) -> None:
    UNREADABLE.setdefault(str(path), error.strerror or type(error).__name__)


def _read_bytes(path: Path) -> bytes | None:
    """A file's bytes; a file inside a zip archive on the path (``archive.zip/ns/__init__.py``) too."""
    try:
        return path.read_bytes()
    except (FileNotFoundError, NotADirectoryError) as error:
        archive, member = _split_archive(str(path))
        if archive is not None and member:
            names = _zip_names(archive)
            if names is not None and member in names:
                try:
                    with zipfile.ZipFile(archive) as opened:
                        return opened.read(member)
                except (OSError, zipfile.BadZipFile, KeyError) as zip_error:
                    _unreadable(path, OSError(str(zip_error)))
                    return None
        _unreadable(path, error)
        return None
    except OSError as error:
        _unreadable(path, error)
        return None


# --- zip archives on the path (zipimport) ---------------------------------------------------------
#
# zipimporter serves a path entry that is a zip archive, or a folder inside one
# (CPython Lib/zipimport.py). It reads the archive's directory once, and finds
# a name there by _zip_searchorder: a package (its __init__.pyc, then its
# __init__.py), then a module (.pyc, then .py); failing those, a folder the
# archive has a directory entry for is a namespace portion (_is_dir). A folder
# with no entry of its own is no portion: zipimport infers none.

_ZIP_NAMES: dict[str, frozenset[str] | None] = {}


def _split_archive(path: str) -> tuple[str | None, str]:
    """(the zip archive, the member path inside it with "/" separators) for a path inside an archive, else (None, "")."""
    archive, inner = path, []
    while archive and not os.path.isdir(archive):
        if os.path.isfile(archive):
            return (archive, "/".join(reversed(inner))) if zipfile.is_zipfile(archive) else (None, "")
        parent, tail = os.path.split(archive)
        if parent == archive:
            break
        archive, inner = parent, [*inner, tail]
    return None, ""


def _zip_names(archive: str) -> frozenset[str] | None:
    """The names an archive's directory lists (as zipimport reads them, once), or None if it cannot be read."""
    if archive not in _ZIP_NAMES:
        try:
            with zipfile.ZipFile(archive) as opened:
                _ZIP_NAMES[archive] = frozenset(opened.namelist())
        except (OSError, zipfile.BadZipFile) as error:
            _unreadable(archive, OSError(str(error)))
            _ZIP_NAMES[archive] = None
    return _ZIP_NAMES[archive]


_ZIP_SEARCH_ORDER = (
    ("/__init__.pyc", True, True),
    ("/__init__.py", False, True),
    (".pyc", True, False),
    (".py", False, False),
)


def zip_find_spec(entry: str, fullname: str) -> Spec | None:
    """zipimporter(entry).find_spec(fullname): zipimport.py's _get_module_info, then _is_dir."""
    archive, prefix = _split_archive(entry)
    names = _zip_names(archive) if archive else None
    if names is None:
        raise CannotTell(f"{entry} is a zip archive on the import path that cannot be read")
    path = (f"{prefix}/" if prefix else "") + fullname.rpartition(".")[2]
    where = os.path.join(archive, *path.split("/"))
    for suffix, bytecode, package in _ZIP_SEARCH_ORDER:
        if path + suffix in names:
            origin = os.path.join(archive, *(path + suffix).split("/"))
            loader = BYTECODE if bytecode else SOURCE
            return Spec(fullname, origin, [where] if package else None, loader, f"zipimporter of {archive}")
    if path + "/" in names:
        return Spec(fullname, None, [where], None, f"zipimporter of {archive}, a namespace portion")
    return None


def unlisted_zip_folders(path: list[str], within: dict[str, str] | None = None) -> list[dict]:
    """Folders of the zip archives on ``path`` that hold modules but neither a directory entry of their own
    nor an ``__init__``: zipimport finds no namespace portion there, so those modules cannot be imported
    (the top-most such folder of each; ``__pycache__`` and data folders are no packages).

    ``within``: folders inside archives that are a package's ``__path__`` entries (``archive/ns``, which
    declare_namespace adds whatever zipimport finds), each with that package's name.
    """
    found = []
    within = within or {}
    for entry in [*path, *within]:
        if not isinstance(entry, str) or _is_dir(entry or os.curdir) or not _in_zip_archive(entry):
            continue
        archive, prefix = _split_archive(entry)
        names = _zip_names(archive) or frozenset()
        start = f"{prefix}/" if prefix else ""
        missing = set()
        suffixes = tuple(suffix for suffix, _ in loader_suffixes())
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


def _zip_listing(entry: str) -> set[str]:
    """What a zip path entry holds at its top: the first part of each name below its prefix."""
    archive, prefix = _split_archive(entry)
    names = _zip_names(archive) if archive else None
    start = f"{prefix}/" if prefix else ""
    return {
        name[len(start) :].split("/")[0] for name in names or () if name.startswith(start) and name != start
    }


def _is(test, path: Path) -> bool:
    """``test(path)`` (Path.is_dir or Path.is_file), False where the parent folder cannot be read."""
    try:
        return test(path)
    except OSError as error:
        _unreadable(path.parent, error)
        return False


def _is_dir(path: Path | str) -> bool:
    return _is(Path.is_dir, Path(path))


def _is_file(path: Path | str) -> bool:
    return _is(Path.is_file, Path(path))


def _children(folder: Path) -> list[Path]:
    """What a folder holds; a folder inside a zip archive on the path too."""
    try:
        return sorted(folder.iterdir())
    except (FileNotFoundError, NotADirectoryError) as error:
        if _in_zip_archive(str(folder)):
            return sorted(folder / name for name in _zip_listing(str(folder)))
        _unreadable(folder, error)
        return []
    except OSError as error:
        _unreadable(folder, error)
        return []


def _listdir(folder: str) -> set[str]:
    try:
        return set(os.listdir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return set()
    except OSError as error:
        _unreadable(folder, error)
        return set()


def _key(path: Path | str) -> str:
    try:
        return os.path.realpath(path)
    except OSError:
        return str(path)


class CannotTell(Exception):
    """Something on the way to a name that the doctor does not model; the message names it."""


# --- what an __init__ file does to __path__ ------------------------------------------------------
#
# A package's __path__ starts as its own folder; its __init__ may then extend it
# (pkgutil.extend_path, pkg_resources.declare_namespace) or build it some other way,
# which no static reading can follow.

SOURCE, BYTECODE, EXTENSION = "source", "bytecode", "extension"
# Names whose presence means an __init__ may touch __path__ in a way the doctor does not model.
_PATH_NAMES = {
    "__path__",
    "extend_path",
    "declare_namespace",
    "globals",
    "vars",
    "__dict__",
    "__spec__",
    "submodule_search_locations",
}


@dataclass(frozen=True)
class InitEffect:
    kind: str  # regular, pkgutil, pkg_resources, unknown, broken
    fallback: bool = False  # pkg_resources style, with the pkgutil fallback when pkg_resources is missing
    detail: str = ""


def _is_extend_path_call(node: ast.AST) -> bool:
    """``extend_path(__path__, __name__)``, as ``extend_path``, ``pkgutil.extend_path`` or ``__import__('pkgutil').extend_path``."""
    if not (isinstance(node, ast.Call) and len(node.args) == 2 and not node.keywords):
        return False
    args_ok = [getattr(a, "id", None) for a in node.args] == ["__path__", "__name__"]
    func = node.func
    if isinstance(func, ast.Name):
        return args_ok and func.id == "extend_path"
    return (
        args_ok
        and isinstance(func, ast.Attribute)
        and func.attr == "extend_path"
        and _names_module(func.value, "pkgutil")
    )


def _names_module(node: ast.AST, module: str) -> bool:
    """``module`` or ``__import__('module')``."""
    if isinstance(node, ast.Name):
        return node.id == module
    return (
        isinstance(node, ast.Call)
        and getattr(node.func, "id", None) == "__import__"
        and len(node.args) == 1
        and isinstance(node.args[0], ast.Constant)
        and node.args[0].value == module
    )


def _is_pkgutil_statement(node: ast.stmt) -> bool:
    """``__path__ = <extend_path call>``."""
    return (
        isinstance(node, ast.Assign)
        and [getattr(t, "id", None) for t in node.targets] == ["__path__"]
        and _is_extend_path_call(node.value)
    )


def _is_declare_statement(node: ast.stmt) -> bool:
    """``pkg_resources.declare_namespace(__name__)`` or ``__import__('pkg_resources').declare_namespace(__name__)``."""
    call = node.value if isinstance(node, ast.Expr) else None
    return (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and call.func.attr == "declare_namespace"
        and _names_module(call.func.value, "pkg_resources")
        and [getattr(a, "id", None) for a in call.args] == ["__name__"]
    )


def _is_import_of(node: ast.stmt, modules: set[str]) -> bool:
    if isinstance(node, ast.Import):
        return all(alias.name in modules and alias.asname is None for alias in node.names)
    if isinstance(node, ast.ImportFrom):
        return node.module in modules and all(
            alias.name in ("extend_path", "declare_namespace") and alias.asname is None
            for alias in node.names
        )
    return False


def _namespace_idiom(node: ast.stmt) -> InitEffect | None:
    """The legacy namespace idioms, each one statement: pkgutil's, pkg_resources', and pkg_resources' with the pkgutil fallback."""
    if _is_pkgutil_statement(node):
        return InitEffect("pkgutil")
    if _is_declare_statement(node):
        return InitEffect("pkg_resources")
    if not isinstance(node, ast.Try) or len(node.handlers) != 1 or node.orelse or node.finalbody:
        return None
    handler = node.handlers[0]
    # `import pkg_resources` / `import pkgutil` beside the call, as google-cloud packages write it.
    body = [s for s in node.body if not _is_import_of(s, {"pkg_resources"})]
    fallback = [s for s in handler.body if not _is_import_of(s, {"pkgutil"})]
    if (
        len(body) == 1
        and _is_declare_statement(body[0])
        and getattr(handler.type, "id", None) in ("ImportError", "ModuleNotFoundError")
        and handler.name is None
        and len(fallback) == 1
        and _is_pkgutil_statement(fallback[0])
    ):
        return InitEffect("pkg_resources", fallback=True)
    return None


def _bound_by(node: ast.stmt) -> set[str]:
    """The names an ``import pkgutil`` / ``from pkgutil import extend_path`` statement (or pkg_resources') binds."""
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names}
    if isinstance(node, ast.ImportFrom):
        return {alias.name for alias in node.names}
    return set()


def _unbound(statements: list[ast.stmt], bound: set[str]) -> str | None:
    """The module or function an idiom uses before any import binds it (``pkgutil`` never imported): Python raises NameError there."""
    bound = set(bound)
    for statement in statements:
        for sub in ast.walk(statement):
            if (
                isinstance(sub, ast.Name)
                and sub.id in ("pkgutil", "pkg_resources", "extend_path")
                and sub.id not in bound
            ):
                return sub.id
        bound |= _bound_by(statement)
    return None


def _may_bind(statement: ast.stmt) -> set[str]:
    """Every name a statement could bind, anywhere inside it (``*``: any name, for ``from m import *``)."""
    names: set[str] = set()
    for sub in ast.walk(statement):
        if isinstance(sub, (ast.Import, ast.ImportFrom)):
            names |= {(alias.asname or alias.name).split(".")[0] for alias in sub.names}
        elif isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
            names.add(sub.id)
        elif isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(sub.name)
    return names


class _PathToucher(ast.NodeVisitor):
    """What in an ``__init__`` may change ``__path__`` in a way the doctor does not model.

    Names such as ``__path__``, ``__spec__`` (its ``submodule_search_locations``),
    ``globals``, ``__dict__``, and an assignment into ``sys.modules`` (replacing the
    module). ``vars()`` without an argument counts only outside a function: inside one it
    is that function's locals (jaraco.functools calls it so), not the module's globals.
    """

    def __init__(self) -> None:
        self.found: set[str] = set()
        self.functions = 0

    def visit_FunctionDef(self, node: ast.AST) -> None:
        self.functions += 1
        self.generic_visit(node)
        self.functions -= 1

    visit_AsyncFunctionDef = visit_Lambda = visit_FunctionDef

    def visit_Call(self, node: ast.Call) -> None:
        if self.functions and isinstance(node.func, ast.Name) and node.func.id == "vars" and not node.args:
            return
        self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        if node.id in _PATH_NAMES:
            self.found.add(node.id)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if node.attr in _PATH_NAMES:
            self.found.add(node.attr)
        self.generic_visit(node)

    def visit_Assign(self, node: ast.AST) -> None:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            if isinstance(target, ast.Subscript) and getattr(target.value, "attr", None) == "modules":
                self.found.add("sys.modules")
        self.generic_visit(node)

    visit_AugAssign = visit_AnnAssign = visit_Assign


def _touches_path(node: ast.AST) -> set[str]:
    toucher = _PathToucher()
    toucher.visit(node)
    return toucher.found


def source_effect(source: bytes | str, origin: str) -> InitEffect:
    """What an ``__init__.py`` does to ``__path__``: read from its syntax tree, so comments and docstrings do not count.

    Parsed from its bytes as Python reads them: a UTF-8 BOM or a coding cookie decides the encoding.
    """
    try:
        tree = ast.parse(source, origin)
    except (SyntaxError, ValueError) as error:
        return InitEffect("broken", detail=f"{type(error).__name__}: {error}")
    idioms, rest, bound, maybe = [], [], set(), set()
    for node in tree.body:
        effect = _namespace_idiom(node)
        if effect:
            missing = _unbound(node.body if isinstance(node, ast.Try) else [node], bound)
            if missing and (missing in maybe or "*" in maybe):
                return InitEffect(
                    "unknown", detail=f"{origin} may bind {missing} in a way the doctor does not follow"
                )
            if missing:
                return InitEffect("broken", detail=f"NameError: name {missing!r} is not defined")
            if effect.fallback and _unbound(node.handlers[0].body, bound):
                effect = InitEffect("pkg_resources")  # its fallback would raise NameError: no fallback
            idioms.append(effect)
        elif _is_import_of(node, {"pkgutil", "pkg_resources"}):
            bound |= _bound_by(node)
        else:
            rest.append(node)
            maybe |= _may_bind(node)
    touched = set().union(*(_touches_path(node) for node in rest)) if rest else set()
    if touched or len(idioms) > 1:
        what = ", ".join(sorted(touched)) or "more than one namespace declaration"
        return InitEffect(
            "unknown", detail=f"{origin} builds __path__ in a way the doctor does not model ({what})"
        )
    return idioms[0] if idioms else InitEffect("regular")


def _code_names(code) -> set[str]:
    names = set(code.co_names)
    for const in code.co_consts:
        if hasattr(const, "co_names"):
            names |= _code_names(const)
    return names


def bytecode_effect(data: bytes, origin: str) -> InitEffect:
    """A sourceless ``__init__.pyc``: the names its code object uses, without running it."""
    if data[:4] != importlib.util.MAGIC_NUMBER:
        return InitEffect("broken", detail=f"ImportError: bad magic number in {origin}")
    try:
        names = _code_names(marshal.loads(data[16:]))
    except (ValueError, EOFError, TypeError) as error:
        return InitEffect("broken", detail=f"{origin} cannot be loaded ({error})")
    touched = names & _PATH_NAMES
    if touched:
        what = ", ".join(sorted(touched))
        return InitEffect("unknown", detail=f"{origin} (bytecode, no source) may build __path__ ({what})")
    return InitEffect("regular")


def init_effect(origin: str, loader: str) -> InitEffect:
    if loader == EXTENSION:  # Cython or mypyc can compile an extend_path call too
        return InitEffect("unknown", detail=f"{origin} is compiled: what it does to __path__ cannot be read")
    data = _read_bytes(Path(origin))
    if data is None:
        raise CannotTell(f"{origin} cannot be read")
    if loader == BYTECODE:
        return bytecode_effect(data, origin)
    return source_effect(data, origin)


# --- setuptools' editable finders ---------------------------------------------------------------
#
# setuptools/command/editable_wheel.py writes, for `pip install -e` in its default
# mode, a module __editable___<dist>_finder.py whose _EditableFinder is appended to
# sys.meta_path and whose _EditableNamespaceFinder is a path hook for the
# placeholder entry PATH_PLACEHOLDER it appends to sys.path.


@dataclass
class EditableFinder:
    """One ``__editable___*_finder.py`` module of setuptools, read without importing it."""

    module: str
    file: Path
    mapping: dict[str, str]
    namespaces: dict[str, list[str]]
    placeholder: str | None
    known_template: bool = True


def _string(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _string(node.left), _string(node.right)
        return None if left is None or right is None else left + right
    return None


# The lines of setuptools' _FINDER_TEMPLATE (setuptools 70 and later) whose logic the
# doctor mirrors in editable_find_spec and editable_namespace_find_spec.
_TEMPLATE_MARKERS = (
    "if fullname in MAPPING:",
    "return cls._find_spec(fullname, Path(pkg_path))",
    "if parent and parent in MAPPING:",
    "return PathFinder.find_spec(fullname, path=[MAPPING[parent]])",
    'init = candidate_path / "__init__.py"',
    "candidates = (candidate_path.with_suffix(x) for x in module_suffixes())",
    "paths = NAMESPACES[fullname]",
    "if not paths and fullname in MAPPING:",
    "return [*paths, PATH_PLACEHOLDER]",
)


def _source_text(data: bytes) -> str:
    """A Python source file's text as the import system decodes it (a BOM or a coding cookie decides; universal newlines)."""
    try:
        return importlib.util.decode_source(data)
    except (SyntaxError, UnicodeDecodeError, LookupError):
        return data.decode("utf-8", errors="replace")


def read_finder(file: Path) -> EditableFinder | None:
    data = _read_bytes(file)
    if data is None:
        return None
    text = _source_text(data)
    try:
        tree = ast.parse(data)
    except (SyntaxError, ValueError):
        return None
    values: dict[str, ast.AST] = {}
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            values[node.target.id] = node.value
        elif (
            isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
        ):
            values[node.targets[0].id] = node.value
    try:
        mapping = ast.literal_eval(values["MAPPING"]) if "MAPPING" in values else {}
        namespaces = ast.literal_eval(values["NAMESPACES"]) if "NAMESPACES" in values else {}
    except ValueError:
        return None
    placeholder = _string(values["PATH_PLACEHOLDER"]) if "PATH_PLACEHOLDER" in values else None
    known = all(marker in text for marker in _TEMPLATE_MARKERS)
    return EditableFinder(file.stem, file, mapping, namespaces, placeholder, known)


def _editable_module(obj) -> str | None:
    """The ``__editable___*_finder`` module that defines ``obj`` (a finder class or its path hook), if any."""
    owner = getattr(obj, "__self__", obj)  # a bound classmethod's class
    module = getattr(owner, "__module__", "") or ""
    return module if module.startswith("__editable___") and module.endswith("_finder") else None


# --- the editables redirector ---------------------------------------------------------------------
#
# hatchling's dev-mode-exact and pdm-backend's editables mode install, per project, a
# _editable_impl_<project>.pth that imports _editable_impl_<project>.py, which appends
# editables' RedirectingFinder class to sys.meta_path (once) and calls
# F.map_module(name, file) for each top-level package. The map is one dict on the class,
# so where two projects map the same name, the project imported last wins.

# The lines of editables/redirector.py (editables 0.3 to 0.6) whose logic redirector_find_spec mirrors.
_REDIRECTOR_MARKERS = (
    'if "." in fullname:',
    "if path is not None:",
    "redir = cls._redirections[fullname]",
    "spec = importlib.util.spec_from_file_location(fullname, redir)",
)


@dataclass
class Redirection:
    """One ``F.map_module(name, file)`` call of an ``_editable_impl_*`` module."""

    module: str
    name: str
    file: str

    @property
    def package(self) -> bool:
        """FileLoader.is_package: the file is an ``__init__``; spec_from_file_location then searches its folder."""
        return os.path.basename(self.file).rsplit(".", 1)[0] == "__init__"

    @property
    def folder(self) -> str:
        """The folder (or, for a module, the file without suffix) FileFinder would offer for ``name``."""
        return os.path.dirname(self.file) if self.package else os.path.splitext(self.file)[0]


def _is_redirector(finder) -> bool:
    return getattr(finder, "__module__", "") == "editables.redirector" and (
        getattr(finder, "__name__", "") == "RedirectingFinder"
    )


def read_redirections() -> list[Redirection]:
    """Every map_module call of the ``_editable_impl_*`` modules Python imported, in import order."""
    found = []
    for module_name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if not module_name.startswith("_editable_impl_") or not file:
            continue
        data = _read_bytes(Path(file))
        try:
            tree = ast.parse(data or b"")
        except (SyntaxError, ValueError):
            raise CannotTell(f"{file}, an editables bootstrap module, cannot be read") from None
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "map_module"
            ):
                args = [_string(arg) for arg in node.args]
                if len(args) != 2 or None in args or node.keywords:
                    raise CannotTell(f"{file} maps a module in a way the doctor does not model")
                found.append(Redirection(module_name, args[0], args[1]))
    return found


# --- .pth lines that failed at start-up ----------------------------------------------------------
#
# site.addpackage runs each line of a site folder's .pth file that starts with "import"; a
# line that raises is reported on stderr, and start-up goes on without what it installs
# (an editable install's finder, say). A module such a line imports that is not in
# sys.modules did not import.


def _site_folders() -> list[str]:
    """The folders site.main reads .pth files from (none under python -S)."""
    if sys.flags.no_site:
        return []
    folders = list(site.getsitepackages()) if hasattr(site, "getsitepackages") else []
    if site.ENABLE_USER_SITE:
        folders.append(site.getusersitepackages())
    return [folder for folder in dict.fromkeys(folders) if _is_dir(folder)]


def _missing_imports(file: str) -> list[str]:
    """The top-level modules ``file`` imports that no finder finds now (what made it fail, likely)."""
    try:
        tree = ast.parse(_read_bytes(Path(file)) or b"")
    except (SyntaxError, ValueError):
        return []
    names = [
        alias.name.split(".")[0]
        for node in tree.body
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in (node.names if isinstance(node, ast.Import) else [ast.alias(node.module or "")])
        if alias.name and not (isinstance(node, ast.ImportFrom) and node.level)
    ]
    return [
        name
        for name in dict.fromkeys(names)
        if name not in sys.modules and importlib.util.find_spec(name) is None
    ]


def pkg_lines(entry: str, name: str) -> list[str]:
    """The folders ``entry/NAME.pkg`` lists, as pkgutil.extend_path reads them (with open(): the locale's
    encoding, universal newlines; blank lines and comments skipped)."""
    pkgfile = os.path.join(entry, name + ".pkg")
    if not _is_file(pkgfile):
        return []
    lines = _text_as_open_reads_it(_read_bytes(Path(pkgfile)) or b"")
    return [line for line in lines if line and not line.startswith("#")]


def _text_as_open_reads_it(data: bytes) -> list[str]:
    """The lines ``open(file)`` gives in text mode: the locale's encoding (a BOM stays), universal newlines."""
    text = data.decode(locale.getpreferredencoding(False), errors="replace")
    return [line.rstrip("\n") for line in io.StringIO(text, newline=None)]


def _pth_lines(data: bytes) -> list[str]:
    """A .pth file's lines as site.addpackage reads them.

    Python 3.13 and later decode UTF-8, with or without a BOM, and fall back to the
    locale's encoding; earlier ones read it in the locale's encoding, so a BOM stays
    and a first ``import`` line is not one (CPython Lib/site.py, addpackage).
    """
    if sys.version_info >= (3, 13):
        try:
            return data.decode("utf-8-sig").splitlines()
        except UnicodeDecodeError:
            return data.decode(locale.getencoding(), errors="replace").splitlines()
    return _text_as_open_reads_it(data)


def _pth_files(folder: str) -> list[str]:
    """The .pth files site.addsitedir processes in ``folder``, in its order.

    Python 3.13 and later skip names starting with a dot and files flagged hidden;
    earlier ones process every ``*.pth`` (CPython Lib/site.py, addsitedir and addpackage).
    """
    names = sorted(name for name in _listdir(folder) if name.endswith(".pth"))
    if sys.version_info < (3, 13):
        return [os.path.join(folder, name) for name in names]
    found = []
    for name in names:
        file = os.path.join(folder, name)
        try:
            flags = os.lstat(file)
        except OSError:
            continue
        hidden = (getattr(flags, "st_flags", 0) & getattr(stat, "UF_HIDDEN", 0)) or (
            getattr(flags, "st_file_attributes", 0) & getattr(stat, "FILE_ATTRIBUTE_HIDDEN", 0)
        )
        if not name.startswith(".") and not hidden:
            found.append(file)
    return found


def failed_path_lines() -> list[dict]:
    """Each ``import`` line of a .pth file that did not import at start-up: the file, the line, what it lacks."""
    failed = []
    for folder in _site_folders():
        for file in _pth_files(folder):
            for line in _pth_lines(_read_bytes(Path(file)) or b""):
                if not line.startswith(("import ", "import\t")):
                    continue
                try:
                    statement = ast.parse(line).body
                except SyntaxError:
                    continue
                modules = [a.name for node in statement if isinstance(node, ast.Import) for a in node.names]
                missing = [module for module in modules if module not in sys.modules]
                if missing:
                    spec = importlib.util.find_spec(missing[0].split(".")[0])
                    lacks = _missing_imports(spec.origin) if spec and spec.origin else []
                    failed.append({"file": file, "line": line, "module": missing[0], "lacks": lacks})
    return failed


# --- the import system, step by step ------------------------------------------------------------


@dataclass
class Spec:
    """What a finder answers (importlib.machinery.ModuleSpec, reduced to what decides the outcome)."""

    name: str
    origin: str | None  # the file; None for a namespace portion
    locations: list[str] | None  # submodule_search_locations; None for a plain module
    loader: str | None  # source, bytecode, extension, builtin, frozen; None for a namespace portion
    finder: str  # who answered, in words


@dataclass
class Resolution:
    """What importing ``name`` gives: the kind, the folder or file Python imports, and its ``__path__``.

    ``kind``: regular, pkgutil, pkg_resources (packages whose __init__ ran),
    namespace (PEP 420), module, builtin, frozen, preloaded (already in
    sys.modules when the doctor started), missing, broken (found but its
    import raises), unknown (the doctor cannot tell; ``why`` says what it could
    not model).
    """

    name: str
    kind: str
    winner: str | None
    path: list[str] | None  # the __path__ Python ends up with; None for a module or a failed import
    why: str
    finder: str = ""

    @property
    def imported(self) -> bool:
        return self.kind not in ("missing", "broken", "unknown")


def _path_join(*parts: str) -> str:
    """importlib._bootstrap_external._path_join (POSIX and Windows separators)."""
    separators = os.sep + (os.altsep or "")
    return os.sep.join(part.rstrip(separators) for part in parts if part)


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
            return _path_join(os.getcwd(), path)
        return path if os.path.isabs(path) else _path_join(os.getcwd(), path)
    path = path or "."
    return path if os.path.isabs(path) else _path_join(os.getcwd(), path)


def loader_suffixes() -> list[tuple[str, str]]:
    """_get_supported_file_loaders(): extension modules, then source, then bytecode."""
    return (
        [(suffix, EXTENSION) for suffix in importlib.machinery.EXTENSION_SUFFIXES]
        + [(suffix, SOURCE) for suffix in importlib.machinery.SOURCE_SUFFIXES]
        + [(suffix, BYTECODE) for suffix in importlib.machinery.BYTECODE_SUFFIXES]
    )


def _all_suffixes() -> list[tuple[str, str]]:
    """importlib.machinery.all_suffixes(), in its order (source, bytecode, extension), with each one's loader."""
    return sorted(loader_suffixes(), key=lambda pair: (SOURCE, BYTECODE, EXTENSION).index(pair[1]))


def file_finder_find_spec(folder: str, fullname: str) -> Spec | None:
    """FileFinder.find_spec: a package folder with an __init__ wins, then a module file, then a namespace portion."""
    tail = fullname.rpartition(".")[2]
    cache = _listdir(folder)  # FileFinder._fill_cache (POSIX: case-sensitive)
    is_namespace = False
    base = _path_join(folder, tail)
    finder = f"the path entry {folder}" if folder else "the current folder"
    if tail in cache:
        for suffix, loader in loader_suffixes():
            init = _path_join(base, "__init__" + suffix)
            if _is_file(init):
                return Spec(fullname, init, [base], loader, finder)
        is_namespace = _is_dir(base)
    for suffix, loader in loader_suffixes():
        if tail + suffix in cache and _is_file(_path_join(folder, tail + suffix)):
            return Spec(fullname, _path_join(folder, tail + suffix), None, loader, finder)
    if is_namespace:
        return Spec(fullname, None, [base], None, finder)
    return None


@dataclass
class EntryFinder:
    """The path entry finder Python uses for one ``sys.path`` (or ``__path__``) entry."""

    kind: str  # file, editable-namespace, zip, none, unknown
    path: str = ""
    editable: EditableFinder | None = None
    what: str = ""


class ImportSystem:
    """The running interpreter's import system, followed without importing anything it inspects.

    Each step mirrors CPython's (importlib/_bootstrap.py, _bootstrap_external.py,
    pkgutil.py) or setuptools' (editable_wheel.py's finder template,
    pkg_resources.declare_namespace) and cites it.
    """

    def __init__(self, path: list[str] | None = None) -> None:
        self.path = list(sys.path if path is None else path)
        self.editables = self._editable_finders()
        self.redirections = self._redirections()
        self.modules: dict[str, Resolution] = {}  # sys.modules, for what the doctor resolved
        self.failed: dict[str, Resolution] = {}
        self.declared: set[str] = set()  # pkg_resources._namespace_packages

    # sys.meta_path ----------------------------------------------------------------------------

    def _editable_finders(self) -> dict[str, EditableFinder]:
        """setuptools' finder modules that are active: their _EditableFinder is on sys.meta_path or their hook on sys.path_hooks."""
        found: dict[str, EditableFinder] = {}
        for obj in chain(sys.meta_path, sys.path_hooks):
            module = _editable_module(obj)
            if module and module not in found:
                file = getattr(sys.modules.get(module), "__file__", None)
                finder = read_finder(Path(file)) if file else None
                if finder is None:
                    raise CannotTell(f"setuptools' editable finder {module} cannot be read")
                found[module] = finder
        return found

    def _redirections(self) -> list[Redirection]:
        """The editables redirector's maps, if its RedirectingFinder is on sys.meta_path and is the one mirrored."""
        redirector = next((finder for finder in sys.meta_path if _is_redirector(finder)), None)
        if redirector is None:
            return []
        file = getattr(sys.modules.get(redirector.__module__), "__file__", None)
        text = _source_text(_read_bytes(Path(file)) or b"") if file else ""
        if not all(marker in text for marker in _REDIRECTOR_MARKERS):
            raise CannotTell(
                f"{file or repr(redirector)} is an editables redirector the doctor does not model"
            )
        redirections = read_redirections()
        live = getattr(redirector, "_redirections", None)
        effective = {r.name: r.file for r in redirections}  # the last map_module of a name wins
        if not isinstance(live, dict) or live != effective:
            raise CannotTell("the editables redirector maps names its bootstrap modules do not explain")
        return redirections

    def find_spec(self, name: str, path: list[str] | None) -> Spec | None:
        """importlib._bootstrap._find_spec: ask each sys.meta_path finder in turn."""
        for finder in sys.meta_path:
            spec = self._meta_find_spec(finder, name, path)
            if spec is not None:
                return spec
        return None

    def _meta_find_spec(self, finder, name: str, path: list[str] | None) -> Spec | None:
        if finder is importlib.machinery.BuiltinImporter:
            found = finder.find_spec(name, path)
            return Spec(name, None, None, "builtin", "BuiltinImporter") if found else None
        if finder is importlib.machinery.FrozenImporter:
            found = finder.find_spec(name, path)
            return (
                Spec(name, None, found.submodule_search_locations, "frozen", "FrozenImporter")
                if found
                else None
            )
        if finder is importlib.machinery.PathFinder:
            return self.path_finder_find_spec(name, self.path if path is None else path)
        module = _editable_module(finder)
        if module:
            return self.editable_find_spec(self.editables[module], name)
        if _is_redirector(finder):
            return self.redirector_find_spec(name, path)
        if _is_virtualenv_finder(finder):
            # It patches the loader of distutils.dist and setuptools.dist, found by the finders after it.
            return None
        if _is_distutils_hack(finder):
            # Answers only for top-level 'distutils' and 'pip', and for CPython's own tests.
            if (path is None and name in ("distutils", "pip")) or name.startswith("test."):
                raise CannotTell(f"setuptools' DistutilsMetaFinder decides where {name} comes from")
            return None
        raise CannotTell(f"sys.meta_path has {finder!r}, an import hook the doctor does not model")

    # PathFinder ------------------------------------------------------------------------------

    def path_finder_find_spec(self, name: str, path: list[str]) -> Spec | None:
        """PathFinder._get_spec and find_spec: the first entry with a loader wins; namespace portions pile up."""
        namespace_path: list[str] = []
        for entry in path:
            if not isinstance(entry, str):
                continue
            finder = self.entry_finder(entry or os.getcwd())  # _path_importer_cache: '' is the current folder
            spec = self.entry_find_spec(finder, name)
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
            return self._known_entry_finder(sys.path_importer_cache[key], key)
        for hook in sys.path_hooks:  # PathFinder._path_hooks
            claimed = self._hook_claims(hook, key)
            if claimed is not None:
                return claimed
        return EntryFinder("none")

    def _known_entry_finder(self, finder, key: str) -> EntryFinder:
        if finder is None:
            return EntryFinder("none")
        if isinstance(finder, importlib.machinery.FileFinder):
            return EntryFinder("file", finder.path)
        module = _editable_module(finder)
        if module:
            return EntryFinder("editable-namespace", key, self.editables.get(module))
        if type(finder).__name__ == "zipimporter":
            return EntryFinder("zip", key)
        return EntryFinder("unknown", key, what=f"{finder!r} (in sys.path_importer_cache)")

    def _hook_claims(self, hook, entry: str) -> EntryFinder | None:
        if _is_zipimporter_hook(hook):
            return EntryFinder("zip", entry) if _in_zip_archive(entry) else None
        if _is_file_finder_hook(hook):
            # path_hook_for_FileFinder: only a folder ('' is the current one)
            return EntryFinder("file", file_finder_path(entry)) if _is_dir(entry or os.getcwd()) else None
        module = _editable_module(hook)
        if module:
            finder = self.editables[module]
            return EntryFinder("editable-namespace", entry, finder) if entry == finder.placeholder else None
        return EntryFinder("unknown", entry, what=f"{hook!r} (on sys.path_hooks)")

    def entry_find_spec(self, finder: EntryFinder, name: str) -> Spec | None:
        if finder.kind == "file":
            return file_finder_find_spec(finder.path, name)
        if finder.kind == "editable-namespace":
            return self.editable_namespace_find_spec(finder.editable, name)
        if finder.kind == "zip":
            return zip_find_spec(finder.path, name)
        if finder.kind == "unknown":
            raise CannotTell(f"the path entry {finder.path} is served by {finder.what}")
        return None

    # setuptools' editable finders ---------------------------------------------------------------

    def _check_template(self, editable: EditableFinder) -> None:
        if not editable.known_template:
            raise CannotTell(
                f"{editable.file} is a setuptools editable finder of a version the doctor does not model"
            )

    def editable_find_spec(self, editable: EditableFinder, name: str) -> Spec | None:
        """_EditableFinder.find_spec: names in MAPPING, then the immediate children of a mapped name."""
        self._check_template(editable)
        finder = f"setuptools' editable finder {editable.module}"
        if name in editable.mapping:
            candidate = Path(editable.mapping[name])  # _EditableFinder._find_spec: only __init__.py counts
            init = candidate / "__init__.py"
            if _is_file(init) or _is_dir(init):
                return Spec(name, str(init), [str(candidate)], SOURCE, finder)
            for suffix, loader in _all_suffixes():  # importlib.machinery.all_suffixes(): source first
                module = candidate.with_suffix(suffix)
                if _is_file(module) or _is_dir(module):
                    return Spec(name, str(module), None, loader, finder)
            return None
        parent = name.rpartition(".")[0]
        if parent and parent in editable.mapping:
            spec = self.path_finder_find_spec(name, [editable.mapping[parent]])
            if spec is not None:
                spec.finder = f"{finder} (a child of {parent}, found in {editable.mapping[parent]})"
            return spec
        return None

    def editable_namespace_find_spec(self, editable: EditableFinder | None, name: str) -> Spec | None:
        """_EditableNamespaceFinder.find_spec: a namespace spec for names in NAMESPACES, the placeholder last."""
        if editable is None:
            return None
        self._check_template(editable)
        if name not in editable.namespaces:
            return None
        paths = editable.namespaces[name]
        if not paths and name in editable.mapping:
            paths = [editable.mapping[name]]
        return Spec(
            name,
            None,
            [*paths, editable.placeholder or ""],
            None,
            f"setuptools' editable finder {editable.module}",
        )

    def redirector_find_spec(self, name: str, path: list[str] | None) -> Spec | None:
        """RedirectingFinder.find_spec: top-level names only, the file its last map_module gave."""
        if "." in name or path is not None:
            return None
        mapped = [r for r in self.redirections if r.name == name]
        if not mapped:
            return None
        last = mapped[-1]
        # spec_from_file_location: the loader by suffix, the file's folder searched if it is an __init__
        loader = next((loader for suffix, loader in loader_suffixes() if last.file.endswith(suffix)), None)
        if loader is None:
            return None
        finder = f"the editables redirector (mapped by {last.module})"
        return Spec(name, last.file, [os.path.dirname(last.file)] if last.package else None, loader, finder)

    # pkgutil.extend_path and pkg_resources.declare_namespace ------------------------------------

    def extend_path(self, path: list[str], name: str) -> list[str]:
        """pkgutil.extend_path: add ``name``'s portion of every entry of the parent's __path__ (or sys.path)."""
        path = path[:]
        parent, _, final_name = name.rpartition(".")
        if parent:
            if parent not in self.modules or self.modules[parent].path is None:
                return path
            search_path = self.modules[parent].path
        else:
            search_path = self.path
        for entry in search_path:
            if not isinstance(entry, str):
                continue
            finder = self.entry_finder(entry)  # get_importer: '' stays ''
            if finder.kind != "none":
                spec = self.entry_find_spec(finder, final_name)  # the last part only, as pkgutil passes it
                if spec and spec.loader is not None and finder.kind == "zip" and sys.version_info < (3, 10):
                    spec = None  # zipimporter has no find_spec before 3.10: find_loader gives a package no portions
                for portion in (spec.locations or []) if spec else []:
                    if portion not in path:
                        path.append(portion)
            path += pkg_lines(entry, name)
        return path

    def pkg_resources_error(self) -> str | None:
        """What ``import pkg_resources`` raises: None where it imports (already imported, or found on the path).

        Its own ``__init__`` (setuptools 80 and earlier) reads as code the doctor
        does not model (it builds others' ``__path__``), but it is setuptools' own:
        found is importable, except where an old release needs ``pkgutil.ImpImporter``,
        which Python 3.12 removed (measured: 65.5.0's fails there, 66.1.1's tests for it first).
        """
        if "pkg_resources" in sys.modules:
            return None
        found = self.resolve("pkg_resources")
        if found.kind != "unknown":
            return None if found.imported else NO_PKG_RESOURCES
        spec = self.find_spec("pkg_resources", None)  # an unknown import hook: CannotTell
        if spec is None or spec.loader is None or spec.origin is None:
            return NO_PKG_RESOURCES
        if sys.version_info >= (3, 12):
            source = _read_bytes(Path(spec.origin)) or b""
            if b"pkgutil.ImpImporter" in source and b"hasattr(pkgutil, 'ImpImporter')" not in source:
                return OLD_PKG_RESOURCES
        return None

    def declare_namespace(self, name: str) -> None:
        """pkg_resources.declare_namespace: the parent first; then every entry where a loader finds ``name`` adds its folder."""
        if name in self.declared:
            return
        path = self.path
        parent = name.rpartition(".")[0]
        if parent:
            self.declare_namespace(parent)
            if parent not in self.modules or self.modules[parent].path is None:
                raise CannotTell(f"pkg_resources.declare_namespace({name!r}) with {parent} not a package")
            path = self.modules[parent].path
        self.declared.add(name)
        for item in list(path):
            self._handle_ns(name, item)

    def _handle_ns(self, name: str, item: str) -> None:
        """pkg_resources._handle_ns with file_ns_handler, then _rebuild_mod_path."""
        finder = self.entry_finder(item)
        if finder.kind == "none":
            return
        spec = self.entry_find_spec(finder, name)
        if spec is None or spec.loader is None:
            return
        module = self.modules.get(name)
        if module is None or module.path is None:
            raise CannotTell(f"pkg_resources.declare_namespace({name!r}) before {name} is a package")
        if finder.kind not in ("file", "zip"):  # null_ns_handler
            return
        subpath = os.path.join(item, name.split(".")[-1])
        if any(_normalize(entry) == _normalize(subpath) for entry in module.path):
            return
        module.path.append(subpath)
        sys_path = [_normalize(entry) for entry in self.path]
        parts = name.count(".") + 1

        def position(entry: str) -> float:
            root = _normalize(os.sep.join(entry.split(os.sep)[:-parts]))
            return sys_path.index(root) if root in sys_path else float("inf")

        module.path[:] = [_normalize(entry) for entry in sorted(module.path, key=position)]

    # importing a name --------------------------------------------------------------------------

    def resolve(self, name: str) -> Resolution:
        """What ``import name`` gives (importlib._bootstrap._find_and_load), without running anything."""
        if name in self.modules:
            return self.modules[name]
        if name in self.failed:
            return self.failed[name]
        try:
            result = self._import(name)
        except CannotTell as error:
            result = Resolution(name, "unknown", None, None, str(error))
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
            real = _preloaded(name, sys.modules[name])
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
            if above.kind == "unknown":
                raise CannotTell(above.why)
            if not above.imported:
                return Resolution(
                    name, "missing", None, None, f"its parent {parent} does not import: {above.why}"
                )
            if above.path is None:
                return Resolution(name, "missing", None, None, f"{parent} is a module, not a package")
            path = above.path
        spec = self.find_spec(name, path)
        if spec is None:
            where = f"{parent}.__path__" if parent else "sys.path"
            return Resolution(name, "missing", None, None, f"no finder finds it on {where}")
        return self._load(spec)

    def _load(self, spec: Spec) -> Resolution:
        name = spec.name
        if spec.loader is None:
            path = list(spec.locations or [])
            return Resolution(
                name,
                "namespace",
                None,
                path,
                "a namespace package (PEP 420): every portion is searched",
                spec.finder,
            )
        if spec.loader in ("builtin", "frozen"):
            what = (
                "a built-in module, compiled into the interpreter"
                if spec.loader == "builtin"
                else "a frozen module"
            )
            return Resolution(name, spec.loader, None, spec.locations, what, spec.finder)
        if spec.locations is None:
            why = f"a module, not a package, found by {spec.finder}: nothing is searched below it"
            return Resolution(name, "module", spec.origin, None, why, spec.finder)
        folder = os.path.dirname(spec.origin)
        effect = init_effect(spec.origin, spec.loader)
        if effect.kind == "unknown":
            raise CannotTell(effect.detail)
        if effect.kind == "broken":
            return Resolution(name, "broken", folder, None, effect.detail, spec.finder)
        # The module is in sys.modules while its __init__ runs (extend_path and
        # declare_namespace look it up there).
        found = Resolution(name, effect.kind, folder, list(spec.locations), "", spec.finder)
        self.modules[name] = found
        if effect.kind == "regular":
            found.why = f"a regular package, found by {spec.finder}: its __path__ is that one folder"
        elif effect.kind == "pkgutil":
            found.path = self.extend_path(found.path, name)
            searched = "the parent package's __path__" if "." in name else "sys.path"
            found.why = (
                f"a pkgutil-style package, found by {spec.finder}: extend_path adds {name}'s portion"
                f" of every entry of {searched}"
            )
        else:  # pkg_resources-style: what `import pkg_resources` does decides
            error = self.pkg_resources_error()
            if error is None:
                self.declare_namespace(name)
                found.why = (
                    f"a pkg_resources-style package, found by {spec.finder}: declare_namespace adds the"
                    f" {name} folders that hold an __init__ (not PEP 420 portions), in sys.path order"
                )
            elif effect.fallback and error == NO_PKG_RESOURCES:  # `except ImportError`
                found.kind = "pkgutil"
                found.path = self.extend_path(found.path, name)
                found.why = (
                    f"a pkg_resources-style package without pkg_resources, found by {spec.finder}:"
                    " its pkgutil fallback runs extend_path"
                )
            else:
                return Resolution(name, "broken", folder, None, error, spec.finder)
        return found


NO_PKG_RESOURCES = "ModuleNotFoundError: No module named 'pkg_resources'"
OLD_PKG_RESOURCES = (
    "AttributeError: module 'pkgutil' has no attribute 'ImpImporter', raised by importing the pkg_resources"
    " of a setuptools older than 66.1 on Python 3.12 or later"
)


def _normalize(path: str) -> str:
    """pkg_resources.normalize_path."""
    return os.path.normcase(os.path.realpath(os.path.normpath(path)))


def _in_zip_archive(entry: str) -> bool:
    """zipimporter accepts an archive path, or a path inside one."""
    return _split_archive(entry)[0] is not None


def _is_distutils_hack(finder) -> bool:
    """setuptools' DistutilsMetaFinder (distutils-precedence.pth puts it first on sys.meta_path)."""
    return type(finder).__module__ == "_distutils_hack" and type(finder).__name__ == "DistutilsMetaFinder"


def _is_virtualenv_finder(finder) -> bool:
    """virtualenv's ``_Finder``, which ``_virtualenv.pth`` inserts at the front of sys.meta_path in the venvs
    virtualenv makes for Python 3.9 (as tox, nox, hatch and poetry do; setuptools' DistutilsMetaFinder may
    be put before it later): for the names in its ``_DISTUTILS_PATCH`` (distutils.dist, setuptools.dist) it
    asks the rest of the import system and patches the loader; for every other name it returns None.
    """
    if type(finder).__module__ != "_virtualenv" or type(finder).__name__ != "_Finder":
        return False
    patched = getattr(sys.modules.get("_virtualenv"), "_DISTUTILS_PATCH", None)
    return isinstance(patched, tuple) and all(isinstance(name, str) for name in patched)


def _is_zipimporter_hook(hook) -> bool:
    return getattr(hook, "__name__", "") == "zipimporter" or type(hook).__name__ == "zipimporter"


def _is_file_finder_hook(hook) -> bool:
    """FileFinder.path_hook's closure, path_hook_for_FileFinder."""
    return getattr(hook, "__qualname__", "").startswith("FileFinder.path_hook")


def _is_modelled_hook(hook) -> bool:
    """A meta path finder or path hook whose rules the doctor mirrors."""
    machinery = importlib.machinery
    if (
        hook
        in (
            machinery.BuiltinImporter,
            machinery.FrozenImporter,
            machinery.PathFinder,
        )
        or _editable_module(hook)
        or _is_redirector(hook)
    ):
        return True
    return (
        _is_zipimporter_hook(hook)
        or _is_file_finder_hook(hook)
        or _is_distutils_hack(hook)
        or _is_virtualenv_finder(hook)
    )


def _unmodelled_hooks() -> str | None:
    """Import hooks the doctor does not model: what they serve (an editables redirector's packages, say) is in no report."""
    unknown = [repr(hook) for hook in chain(sys.meta_path, sys.path_hooks) if not _is_modelled_hook(hook)]
    if not unknown:
        return None
    return f"import hooks it does not model ({', '.join(unknown)}): names only they serve are in no report"


def _preloaded(name: str, module) -> Resolution:
    """A name already in sys.modules: Python uses it as it is (setuptools' *-nspkg.pth lines import at start-up)."""
    path = getattr(module, "__path__", None)
    file = getattr(module, "__file__", None)
    if path is None:
        if file:
            return Resolution(
                name, "module", file, None, "a module, not a package: nothing is searched below it"
            )
        return Resolution(name, "builtin", None, None, "a built-in module, compiled into the interpreter")
    path = [entry for entry in path if isinstance(entry, str)]
    winner = os.path.dirname(file) if file else None
    why = (
        "already in sys.modules when the doctor looked (imported at start-up, by a .pth line such as"
        " setuptools' *-nspkg.pth, or by the doctor itself): Python uses it as it is"
    )
    return Resolution(name, "preloaded", winner, path, why)


# --- installed distributions ------------------------------------------------------------------


@dataclass
class InstalledFile:
    location: str  # where the file is
    relative: str  # as RECORD lists it
    digest: str | None  # sha256, urlsafe base64
    size: int | None = None  # as RECORD lists it

    @property
    def path(self) -> Path:
        return Path(self.location)


@dataclass
class Distribution:
    name: str
    editable_project: Path | None
    source: Path | None = None  # the folder a regular install was built from (direct_url.json)
    files: dict[str, InstalledFile] = field(default_factory=dict)  # realpath -> file
    problem: str | None = None
    folders: set[str] = field(
        default_factory=set
    )  # the folders its RECORD lists files in, as RECORD spells them
    installer: str | None = None  # its INSTALLER file: pip, uv, ...
    target: str | None = None  # the folder it was installed into, when that is no site-packages (--target)

    def describe(self) -> str:
        return f"{self.name} (editable)" if self.editable_project else self.name


def _direct_url(dist: metadata.Distribution) -> tuple[Path | None, Path | None]:
    """(editable project, source folder of a regular install) from PEP 610's direct_url.json."""
    raw = dist.read_text("direct_url.json")
    if not raw:
        return None, None
    try:
        info = json.loads(raw)
        url = urlparse(info["url"])
        if url.scheme != "file" or "dir_info" not in info:
            return None, None
        folder = Path(unquote(url.path))
        return (folder, None) if info["dir_info"].get("editable") else (None, folder)
    except (ValueError, KeyError, AttributeError, TypeError):
        return None, None


def _record_rows(dist: metadata.Distribution) -> list[tuple[str, str | None, int | None]] | None:
    """(path as RECORD lists it, sha256 or None) for each row of the distribution's RECORD; None if it has none.

    An .egg-info has no RECORD: its files are what importlib.metadata lists, with no hash.

    Read here, not through ``Distribution.files``: since Python 3.12 that leaves
    out the files that no longer exist, which are what an uninstall of another
    distribution removed.
    """
    text = dist.read_text("RECORD")
    if text is None:  # an .egg-info: importlib.metadata lists installed-files.txt or SOURCES.txt, unhashed
        files = dist.files
        return None if files is None else [(str(file), None, None) for file in files]
    rows = []
    for row in csv.reader(io.StringIO(text)):
        if not row:
            continue
        if len(row) > 3:
            raise ValueError(f"a row of {len(row)} fields: {row!r}")
        algorithm, _, value = (row[1] if len(row) > 1 else "").partition("=")
        size = int(row[2]) if len(row) > 2 and row[2].isdigit() else None
        rows.append((row[0], value if algorithm == "sha256" and value else None, size))
    return rows


def _real_folder(folder: str, known: dict[str, str]) -> str:
    """``os.path.realpath(folder)``, from its parent's when the folder itself is no symlink: RECORDs list
    thousands of folders, and a full realpath looks at every component of each."""
    if folder in known:
        return known[folder]
    parent, name = os.path.split(folder)
    if not name or name in (".", "..") or parent == folder or os.path.islink(folder):
        real = os.path.realpath(folder)
    else:
        real = os.path.join(_real_folder(parent, known), name)
    known[folder] = real
    return real


def _metadata_name(dist: metadata.Distribution) -> str:
    """The ``Name`` header of a distribution's METADATA (or PKG-INFO), as ``dist.metadata["Name"]`` gives it,
    without parsing the whole file: its description can run to thousands of lines."""
    text = dist.read_text("METADATA") or dist.read_text("PKG-INFO") or ""
    for line in text.splitlines():
        if not line.strip():
            break  # the headers end at the first blank line
        key, colon, value = line.partition(":")
        if colon and not key[:1].isspace() and key.strip().lower() == "name":
            return value.strip() or "?"
    return "?"


def installed_distributions(path: list[str]) -> list[Distribution]:
    found: dict[str, Distribution] = {}
    known: dict[str, str] = {}  # each folder's real path, computed once
    # Where installers put distributions; any other folder holding one is a --target folder.
    sites = {_key(folder) for folder in [*site.getsitepackages(), site.getusersitepackages()]}
    for dist in metadata.distributions(path=[entry or os.curdir for entry in path]):
        name = _metadata_name(dist)
        if name in found:
            continue  # shadowed by an earlier path entry, as importlib.metadata itself does
        record = Distribution(name, *_direct_url(dist))
        record.installer = (dist.read_text("INSTALLER") or "").strip() or None
        try:
            rows = _record_rows(dist)
        except Exception as error:  # a corrupt RECORD: csv errors, bad rows, undecodable bytes
            rows, record.problem = None, f"its RECORD cannot be read ({type(error).__name__}: {error})"
        if rows is None and record.problem is None:
            record.problem = "it has no RECORD, so its files cannot be checked"
        # A dist-info folder's files are relative to the folder holding it (PathDistribution.locate_file):
        # joined as strings, since RECORDs list tens of thousands of files.
        base = os.fspath(dist.locate_file("")) if isinstance(dist, metadata.PathDistribution) else None
        if base is not None and _key(base) not in sites:
            record.target = base
        prefix = base.rstrip(os.sep) + os.sep if base is not None else None
        for relative, digest, size in rows or ():
            try:
                if prefix is not None:
                    located = prefix + (relative if os.sep == "/" else relative.replace("/", os.sep))
                else:
                    located = os.fspath(dist.locate_file(relative))
            except Exception:
                continue
            folder, _, file_name = located.rpartition(os.sep)
            key = _real_folder(folder, known) + os.sep + file_name
            record.files[key] = InstalledFile(located, relative, digest, size)
            record.folders.add(relative.rpartition("/")[0])
        found[name] = record
    return list(found.values())


def _sha256_of(path: str) -> str:
    """A file's sha256 as RECORD spells it, read in chunks (a CUDA wheel's files run to gigabytes)."""
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    return base64.urlsafe_b64encode(digest.digest()).rstrip(b"=").decode()


# --- who provides a name, and who owns it ---------------------------------------------------------


@dataclass
class Portion:
    """A folder (or module file) that provides a package name."""

    folder: str
    kind: str  # regular, pkgutil, pkg_resources, namespace (PEP 420), module, unknown, broken
    via: str
    owner: str | None = None


@dataclass
class Report:
    name: str
    portions: list[Portion]
    resolved: str  # Resolution.kind
    winner: str | None
    searched: list[str]  # the __path__ Python ends up with (setuptools' placeholders left out)
    hidden: list[Portion]
    reason: str
    finder: str = ""

    @property
    def shadowed(self) -> list[Portion]:
        """Modules a package hides. A module is no portion of a package (FileFinder prefers the package in
        one folder, PathFinder the first folder's): every portion of the package is still searched."""
        return [p for p in self.hidden if p.kind == "module"] if self.resolved != "module" else []

    @property
    def collision(self) -> bool:
        """Portions of the package Python skips; or a module that wins over the package's portions."""
        return any(portion not in self.shadowed for portion in self.hidden)

    @property
    def module_wins(self) -> bool:
        """A module file takes the name, so none of the package's portions is searched."""
        return self.resolved == "module" and self.collision

    @property
    def undecided(self) -> bool:
        return self.resolved == "unknown"

    @property
    def broken(self) -> bool:
        """Found, but its __init__ raises: nothing below it imports."""
        return self.resolved == "broken"

    @property
    def unreachable(self) -> bool:
        """Folders provide it, yet Python finds nothing (a stale editable finder, a parent that does not import)."""
        return self.resolved == "missing" and bool(self.portions)


def portion_kind(folder: Path) -> tuple[str, str] | None:
    """(kind, the folder or module file) that ``folder``'s parent offers for its name, by FileFinder's rules (zipimporter's in an archive)."""
    parent = str(folder.parent)
    try:
        if _is_dir(parent) or not _in_zip_archive(parent):
            spec = file_finder_find_spec(parent, folder.name)
        else:
            spec = zip_find_spec(parent, folder.name)
    except CannotTell:
        return "unknown", str(folder)
    if spec is None:
        return None
    if spec.loader is None:
        return "namespace", str(folder)
    if spec.locations is None:
        return "module", spec.origin or str(folder)
    try:
        return init_effect(spec.origin or "", spec.loader).kind, str(folder)
    except CannotTell:
        return "unknown", str(folder)


class Environment:
    """The import system (ImportSystem) and, apart from it, the installed distributions and their files."""

    def __init__(self, path: list[str] | None = None) -> None:
        UNREADABLE.clear()
        self.path = list(sys.path if path is None else path)
        try:
            self.imports: ImportSystem | None = ImportSystem(self.path)
            self.broken_system: str | None = _unmodelled_hooks()
        except CannotTell as error:
            self.imports, self.broken_system = None, str(error)
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

    def resolve(self, name: str) -> Resolution:
        if self.imports is None:
            return Resolution(name, "unknown", None, None, self.broken_system or "")
        return self.imports.resolve(name)

    def portions(self, name: str) -> list[Portion]:
        """Every folder that provides ``name``, whether Python searches it or not."""
        parts = name.split(".")
        seen: dict[str, Portion] = {}

        def add(folder: Path, via: str) -> None:
            found = portion_kind(folder)
            if found is None:
                return
            if found[0] == "module":
                seen.setdefault(_key(found[1]), Portion(found[1], "module", via))
                # FileFinder takes the module over a folder without __init__ beside it: that
                # folder's files are a namespace portion no path entry leads to.
                if _folder_or_zip_folder(folder) and _key(folder) not in seen:
                    seen[_key(folder)] = Portion(str(folder), "namespace", via)
            elif _key(folder) not in seen:
                seen[_key(folder)] = Portion(found[1], found[0], via)

        for entry in self.path:
            if entry in self.placeholders or not isinstance(entry, str):
                continue
            add(Path(entry or os.curdir, *parts), f"path entry {entry or os.curdir}")
        for finder in self.finders:
            for key, folder in finder.mapping.items():
                if name == key or name.startswith(key + "."):
                    add(Path(folder, *name[len(key) :].split(".")[1:]), f"editable finder {finder.module}")
            for folder in finder.namespaces.get(name, []):
                add(Path(folder), f"editable finder {finder.module}")
        for redirection in self.redirections:
            if name == redirection.name or name.startswith(redirection.name + "."):
                below = name[len(redirection.name) :].split(".")[1:]
                add(Path(redirection.folder, *below), f"editables redirector {redirection.module}")
        # The folders a NAME.pkg file lists where extend_path would read it: portions whether
        # or not a pkgutil-style __init__ reads them (a regular one never does).
        parent, _, last = name.rpartition(".")
        for entry in (self.resolve(parent).path or []) if parent else self.path:
            if isinstance(entry, str) and entry not in self.placeholders:
                for line in pkg_lines(entry, name):
                    add(Path(line), f"{os.path.join(entry, name + '.pkg')}")
        # A child is searched in its parent's __path__, which may hold folders no path entry
        # leads to (a .pkg file extend_path read, a finder's namespace folders).
        if parent:
            for folder in self.resolve(parent).path or []:
                if folder not in self.placeholders:
                    add(Path(folder, last), f"{parent}.__path__")
            if not self.resolve(parent).imported:  # what would be searched, had the parent imported
                for portion in self.portions(parent):
                    if portion.kind != "module":
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
        return Report(
            name,
            portions,
            resolution.kind,
            resolution.winner,
            searched,
            hidden,
            resolution.why,
            resolution.finder,
        )

    def shared_names(self) -> list[str]:
        """Every package name that more than one folder provides (top level first, then inside those)."""
        shared: list[str] = []
        pending = self._top_level_names()
        while pending:
            name = pending.pop(0)
            portions = self.portions(name)
            if len(portions) < 2:
                continue
            shared.append(name)
            children = set()
            for portion in portions:
                if portion.kind != "module":
                    children |= {
                        f"{name}.{c.name}" for c in _children(Path(portion.folder)) if _package_like(c)
                    }
            pending = sorted(children) + pending
        return shared

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
        for entry in self.path:
            if entry in self.placeholders or not isinstance(entry, str):
                continue
            if _is_dir(Path(entry or os.curdir)):
                listing = _listdir(entry or os.curdir)
            elif _in_zip_archive(entry):
                listing = _zip_listing(entry)
                packages |= {c for c in listing if c.isidentifier() and not c.startswith("__")}
            else:
                continue
            offered = {c for c in listing if c.isidentifier()}
            offered |= {c[: -len(s)] for c in listing for s in suffixes if c.endswith(s)}
            for name in offered:
                sources[name] = sources.get(name, 0) + 1
            for name in {c[: -len(".pkg")] for c in listing if c.endswith(".pkg") and c[:-4].isidentifier()}:
                sources[name] = sources.get(name, 0) + 1  # its lines may name more folders (extend_path)
                packages.add(name)  # a name only .pkg lines provide is a package no entry leads to
            packages |= {c for c in listing if _package_like(Path(entry or os.curdir, c))}
        for finder in self.finders:
            mapped = {key.split(".")[0] for key in [*finder.mapping, *finder.namespaces]}
            for name in mapped:
                sources[name] = sources.get(name, 0) + 1
            packages |= mapped
        for redirection in self.redirections:
            sources[redirection.name] = sources.get(redirection.name, 0) + 1
            packages.add(redirection.name)
        return sorted(name for name in packages if sources.get(name, 0) > 1)

    # --- installed files against RECORD -------------------------------------------------------

    def claims(self) -> dict[str, list[Distribution]]:
        """Each installed file (with a hash in some RECORD) and the distributions whose RECORD lists it."""
        if self._claims is None:
            self._claims = {}
            for dist in self.distributions:
                for key, file in dist.files.items():
                    if file.digest is not None:
                        self._claims.setdefault(key, []).append(dist)
        return self._claims

    def shared_files(self) -> list[dict]:
        """Files more than one installed distribution claims: uninstalling either removes them for both."""
        return [
            {"file": str(dists[0].files[key].path), "distributions": sorted(d.name for d in dists)}
            for key, dists in sorted(self.claims().items())
            if len(dists) > 1
        ]

    def changed_files(self, everything: bool = False, shared: tuple[str, ...] = ()) -> list[dict]:
        """Installed files that are not what their distribution's RECORD says.

        ``state``: ``replaced`` (``by`` names the distributions that ship the
        content now there; null when none does: a local modification),
        ``missing`` (gone from a folder that is still there) or ``deleted``.
        Every file is looked for, in its folder's listing; by default only the
        ones whose content can matter are read and hashed: files two
        distributions claim, ``.pth`` files, and files in the ``shared``
        folders (real paths); ``everything`` hashes every file.
        """
        claims = self.claims()
        listings: dict[str, set[str]] = {}
        changed = []
        for dist in self.distributions:
            for key, file in sorted(dist.files.items()):
                if file.digest is None:
                    continue
                folder, _, name = file.location.rpartition(os.sep)
                if folder not in listings:
                    listings[folder] = _listdir(folder)
                if name not in listings[folder]:
                    # A file gone from a folder that is still there: deleted by hand, or by the
                    # uninstall of another distribution that shipped it too (pip and uv remove
                    # every file a RECORD lists). Nothing left tells which: that RECORD went
                    # with its distribution. A whole folder gone, or a file outside the import
                    # folder (a script in bin/), is a note.
                    inside = ".." not in file.relative.split("/")
                    state = "missing" if inside and _is_dir(folder) else "deleted"
                    changed.append(
                        {
                            "distribution": dist.name,
                            "file": file.location,
                            "relative": file.relative,
                            "state": state,
                        }
                    )
                    continue
                needed = (
                    everything
                    or len(claims[key]) > 1
                    or name.endswith(".pth")
                    or any(key.startswith(folder + os.sep) for folder in shared)
                )
                if not needed:
                    continue
                try:
                    if (
                        file.size is not None
                        and os.stat(file.location).st_size != file.size
                        and len(claims[key]) == 1
                    ):
                        actual = None  # changed, and no other distribution's copy to compare with
                    else:
                        actual = _sha256_of(file.location)
                except OSError:
                    continue
                if actual != file.digest:
                    others = [d.name for d in claims[key] if d is not dist and d.files[key].digest == actual]
                    changed.append(
                        {
                            "distribution": dist.name,
                            "file": file.location,
                            "relative": file.relative,
                            "state": "replaced",
                            "by": others or None,
                        }
                    )
        return changed

    def stale_builds(self) -> list[dict]:
        """``__init__.py`` files a regular install put in place that its source folder no longer has, but its build/lib still does.

        setuptools builds a wheel from build/lib, which it adds to but never
        empties (setuptools issue 1871): files deleted from the source come back.
        """
        stale = []
        for dist in self.distributions:
            if dist.source is None or not _is_dir(dist.source / "build" / "lib"):
                continue
            for file in dist.files.values():
                relative = Path(file.relative)
                if relative.name != "__init__.py" or ".." in relative.parts:
                    continue
                in_build = _is_file(dist.source / "build" / "lib" / relative)
                in_source = _source_has(dist.source, relative)
                if in_build and not in_source:
                    stale.append(
                        {"distribution": dist.name, "file": str(file.path), "source": str(dist.source)}
                    )
        return stale

    def stale_finders(self) -> list[dict]:
        """setuptools editable finders whose recorded kinds no longer match the source tree: installed before an __init__.py came or went."""
        stale = []
        for finder in self.finders:
            problems = []
            for name, folder in sorted(finder.mapping.items()):
                has_init = _is_file(Path(folder, "__init__.py"))
                is_module = any(_is_file(Path(folder).with_suffix(s)) for s, _ in loader_suffixes())
                if not _is_dir(folder) and not is_module:
                    problems.append({"name": name, "folder": folder, "now": "gone"})
                elif _is_dir(folder) and name not in finder.namespaces and not has_init and not is_module:
                    problems.append({"name": name, "folder": folder, "now": "no-init"})
            for name, folders in sorted(finder.namespaces.items()):
                for folder in folders:
                    if _is_file(Path(folder, "__init__.py")):
                        problems.append({"name": name, "folder": folder, "now": "init"})
            if problems:
                owner = next((d for d in self.distributions if _key(finder.file) in d.files), None)
                stale.append(
                    {
                        "finder": str(finder.file),
                        "distribution": owner.name if owner else None,
                        "project": str(owner.editable_project) if owner and owner.editable_project else None,
                        "problems": problems,
                    }
                )
        return stale


def _source_has(source: Path, relative: Path) -> bool:
    """Whether the project folder has a file at a path ending in ``relative`` (any package-dir), outside what is not source.

    Not source: build/ and dist/, hidden folders (.git, .tox, .venv), any venv
    (a folder with a pyvenv.cfg, whatever its name), site-packages, *.egg-info
    and __pycache__: a venv inside the project holds the installed copy of the
    very file whose absence from the source makes a build stale.
    """
    if _is_file(source / relative) or _is_file(source / "src" / relative):
        return True
    parts = relative.parts
    try:
        for folder, dirs, files in os.walk(source, onerror=_raise):
            dirs[:] = [
                d
                for d in dirs
                if not (
                    d.startswith(".")
                    or d in ("build", "dist", "__pycache__", "site-packages")
                    or d.endswith(".egg-info")
                    or _is_file(os.path.join(folder, d, "pyvenv.cfg"))
                )
            ]
            here = Path(folder).parts
            if parts[-1] in files and here[len(here) - len(parts) + 1 :] == parts[:-1]:
                return True
    except OSError as error:
        _unreadable(source, error)
        return True  # cannot tell: say nothing rather than something wrong
    return False


def _raise(error: OSError) -> None:
    raise error


def _folder_or_zip_folder(folder: Path) -> bool:
    """A folder, or a folder of a zip archive with a directory entry (what zipimport takes for a namespace portion)."""
    if _is_dir(str(folder)):
        return True
    archive, member = _split_archive(str(folder))
    return archive is not None and bool(member) and f"{member}/" in (_zip_names(archive) or ())


def _package_like(child: Path) -> bool:
    name = child.name
    if not name.isidentifier() or name.startswith("__"):
        return False
    if _is_dir(child):
        return True
    archive, member = _split_archive(str(child))
    return archive is not None and any(n.startswith(f"{member}/") for n in _zip_names(archive) or ())


# --- the verdict --------------------------------------------------------------------------------


@dataclass
class Diagnosis:
    """Everything the doctor found, by cause; ``status`` is the exit status it deserves."""

    reports: list[Report]
    changed: list[dict]
    stale_builds: list[dict]
    stale_finders: list[dict]
    shared_files: list[dict]
    problems: dict[str, str]  # distribution -> a RECORD problem
    unreadable: dict[str, str]
    system: str | None  # why the import system itself cannot be modelled
    failed_pth: list[dict] = field(default_factory=list)  # .pth import lines that failed at start-up
    unlisted_zip_folders: list[dict] = field(default_factory=list)  # zip folders zipimport cannot see
    accepting: tuple[str, ...] = ()  # --accept patterns: CAUSE or CAUSE:GLOB
    fixes: list[Fix] = field(default_factory=list)  # planned once the findings are known

    @property
    def hidden(self) -> list[Report]:
        return [r for r in self.reports if r.collision]

    @property
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

    @property
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
    def undecided(self) -> list[Report]:
        return [r for r in self.reports if r.undecided]

    def findings(self) -> list[Finding]:
        """Every problem and note, one per name or file, each marked accepted if an --accept pattern matches."""
        return self._findings

    @cached_property
    def _findings(self) -> list[Finding]:
        """findings(), worked out once: the verdict, the status, the causes, the fixes and the report all
        read them (each finding's path is made relative, and matched against every --accept pattern)."""
        found = []
        for r in self.hidden:
            if r.module_wins:
                text = (
                    f"a module, {said(r.winner or '')}, takes the name {r.name}: no folder of it is searched"
                )
            else:
                hidden = ", ".join(said(p.folder) for p in r.hidden if p not in r.shadowed)
                text = f"{r.name}: Python takes {said(r.winner or '')} and hides {hidden}"
            found.append(Finding("hidden-portion", r.name, text))
        found += [
            Finding(
                "broken-init",
                r.name,
                f"the __init__ of {r.name} fails, so nothing below it imports",
            )
            for r in self.broken
        ]
        found += [
            Finding("unreachable", r.name, f"nothing imports {r.name}, though folders provide it")
            for r in self.unreachable
        ]
        for e in self.failed_pth:
            lacks = f": {', '.join(e['lacks'])} is not installed" if e["lacks"] else ""
            found.append(
                Finding(
                    "failed-pth",
                    e["file"],
                    f"{said(e['file'])}: its line `{e['line'].replace(' ', UNBROKEN_SPACE)}` failed at start-up ({e['module']} did not"
                    f" import{lacks}); Python printed why before anything else",
                )
            )
        for e in self.overwritten:
            by = " and ".join(e["by"])
            text = f"{said(e['file'])}: installed by {e['distribution']}, silently replaced by {by}'s copy"
            if e["file"].endswith(".pth"):
                text += (
                    f"; a .pth file puts folders on sys.path: only {by}'s are there now, so what"
                    f" {e['distribution']}'s added (an editable install's project folder) is not importable"
                )
            found.append(Finding("overwritten", e["file"], text))
        found += [
            Finding(
                "removed",
                e["file"],
                f"{said(e['file'])}: installed by {e['distribution']}, now missing: deleted by hand, or by"
                " uninstalling another distribution that shipped it too (nothing left tells which)",
            )
            for e in self.removed
        ]
        found += [
            Finding(
                "unlisted-zip-folder",
                e["name"],
                f"{said(e['archive'])} holds {e['name']} under {e['folder']}/ but no entry for that folder:"
                " zipimport finds no namespace portion there, so what is below it cannot be imported",
            )
            for e in self.unimportable
        ]
        found += [
            Finding(
                "stale-build",
                e["file"],
                f"{said(e['file'])}: installed by {e['distribution']} from {said(e['source'])}, which no longer"
                f" has it: setuptools put it back from the stale {said(Path(e['source'], 'build'))}",
            )
            for e in self.stale_builds
        ]
        found += [
            Finding(
                "stale-finder",
                e["finder"],
                f"{said(e['finder'])}: the editable finder of {e['distribution'] or '?'} is stale: {problem}",
            )
            for e in self.stale_finders
            for problem in map(_finder_problem, e["problems"])
        ]
        found += [
            Finding("cannot-tell", r.name, f"the doctor cannot tell what Python imports for {r.name}")
            for r in self.undecided
        ]
        if self.system:
            found.append(
                Finding(
                    "cannot-tell",
                    "",
                    f"the doctor cannot model this interpreter's import system: {self.system}",
                )
            )
        unimportable = self.unimportable
        notes = [
            *(
                Finding(
                    "modified",
                    e["file"],
                    f"{said(e['file'])}: installed by {e['distribution']}, changed since, and no installed"
                    " distribution ships this content: a local modification, not a collision",
                )
                for e in self.modified
            ),
            *(
                Finding(
                    "deleted",
                    e["file"],
                    f"{said(e['file'])}: installed by {e['distribution']}, deleted since, with its folder or"
                    " outside the packages (a trimmed image, a script): not a namespace problem",
                )
                for e in self.deleted
            ),
            *(
                Finding(
                    "shared-file",
                    e["file"],
                    f"{said(e['file'])} is claimed by {' and '.join(e['distributions'])}: uninstalling either"
                    " removes it for both",
                )
                for e in self.shared_files
            ),
            *(
                Finding(
                    "shadowed-module",
                    p.folder,
                    f"{said(p.folder)} (owner: {p.owner or 'none found'}) is a module named {r.name}, shadowed"
                    f" by the package Python imports ({said(r.winner or '')}): it cannot be imported, and it"
                    " hides nothing of the package",
                )
                for r in self.reports
                for p in r.shadowed
            ),
            *(
                Finding(
                    "unseen-zip-folder",
                    e["name"],
                    f"{said(e['archive'])} holds files under {e['folder']}/ but no entry for that folder:"
                    " zipimport finds no namespace portion there, so they cannot be imported",
                )
                for e in self.unlisted_zip_folders
                if e not in unimportable
            ),
            *(Finding("unreadable", name, f"{name}: {problem}") for name, problem in self.problems.items()),
            *(
                Finding(
                    "unreadable",
                    folder,
                    f"cannot read {said(folder)} ({reason}): what it holds is not in this report",
                )
                for folder, reason in sorted(self.unreadable.items())
            ),
        ]
        for finding in found + notes:
            finding.accepted = any(accepts(pattern, finding) for pattern in self.accepting)
        return found + notes

    def _open(self) -> list[Finding]:
        return [f for f in self.findings() if not f.accepted and CAUSES[f.cause].verdict != "note"]

    @property
    def verdict(self) -> str:
        """The worst verdict an open (not accepted) problem gives: collision, broken, stale, missing, cannot-tell; else healthy."""
        given = {CAUSES[f.cause].verdict for f in self._open()}
        return next((v for v in VERDICTS if v in given), "healthy")

    @property
    def status(self) -> int:
        return STATUSES[self.verdict]

    def causes(self) -> list[str]:
        """The causes of the open problems, one spelling each (no notes)."""
        return list(dict.fromkeys(f.cause for f in self._open()))

    def open_fixes(self) -> list[Fix]:
        """The fixes of problems still open: none for what was accepted."""
        open_causes = set(self.causes())
        return [fix for fix in self.fixes if open_causes & set(fix.causes)]


# --- causes, findings, fixes -------------------------------------------------------------------


@dataclass(frozen=True)
class Cause:
    """One kind of problem: its one spelling (JSON, --accept, the legend), the verdict it gives, its meaning."""

    key: str
    verdict: str  # collision, broken, stale, missing, cannot-tell; "note" for what does not fail a run
    means: str


CAUSES = {
    cause.key: cause
    for cause in (
        Cause(
            "hidden-portion",
            "collision",
            "a folder of a shared name that Python never searches: another folder's __init__ made that one"
            " the whole package, or a module took the name",
        ),
        Cause("overwritten", "collision", "an installed file replaced by another distribution's copy of it"),
        Cause("broken-init", "broken", "an __init__ that fails, so nothing below it imports"),
        Cause("failed-pth", "broken", "a .pth line that failed at start-up, so what it sets up is missing"),
        Cause("removed", "broken", "an installed file missing from its folder"),
        Cause(
            "unlisted-zip-folder",
            "broken",
            "a folder in a zip archive without an entry of its own: zipimport cannot see what is below it",
        ),
        Cause("stale-build", "stale", "an installed file setuptools put back from a stale build/ folder"),
        Cause("stale-finder", "stale", "an editable finder whose folders no longer provide its names"),
        Cause("unreachable", "missing", "a name that folders provide, yet Python finds nothing"),
        Cause(
            "cannot-tell",
            "cannot-tell",
            "something the doctor does not model decides (an import hook, an __init__ that builds its"
            " __path__ itself, an archive it cannot read)",
        ),
        Cause(
            "modified", "note", "an installed file changed since, that no distribution ships: a local edit"
        ),
        Cause("deleted", "note", "an installed file deleted with its folder, or outside the packages"),
        Cause(
            "shared-file", "note", "a file two distributions claim: uninstalling either removes it for both"
        ),
        Cause(
            "shadowed-module", "note", "a module the package of the same name hides: harmless, unreachable"
        ),
        Cause(
            "unseen-zip-folder",
            "note",
            "a folder in a zip archive without an entry of its own, under a name no report needs: its files"
            " cannot be imported",
        ),
        Cause("unreadable", "note", "a folder or distribution the doctor cannot read"),
    )
}
# The verdicts, worst first: a run's verdict is the first any open finding gives.
VERDICTS = ("collision", "broken", "stale", "missing", "cannot-tell", "healthy")
STATUSES = {"collision": 1, "broken": 1, "stale": 1, "missing": 1, "cannot-tell": 3, "healthy": 0}


@dataclass
class Finding:
    """One problem or note: its cause, what it is about (a dotted name or a file: what --accept matches), in words."""

    cause: str
    subject: str
    text: str
    accepted: bool = False


@dataclass
class Fix:
    """What to do about some findings: why, then commands to paste, in order. A stopgap changes installed
    copies, not the project they come from: the next reinstall undoes it."""

    causes: list[str]
    text: str
    commands: list[str] = field(default_factory=list)
    stopgap: bool = False


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


def shown(path: str | os.PathLike[str]) -> str:
    """A path as the report shows it: relative to the current folder when at most two levels up, else under
    ``~``, else absolute."""
    path = os.path.abspath(path)
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive
        relative = path
    beside = os.path.commonpath([path, os.getcwd()]) != os.path.dirname(os.sep)  # more in common than /
    if beside and relative != os.curdir and relative.split(os.sep)[:3] != [os.pardir] * 3:
        return relative
    home = os.path.expanduser("~")
    if home not in ("~", os.sep) and path.startswith(home + os.sep):
        return "~" + path[len(home) :]
    return path


# In prose, a path's spaces are no places to wrap a line: they are this until _wrap has wrapped it.
UNBROKEN_SPACE = "\u00a0"


def said(path: str | os.PathLike[str]) -> str:
    """A path as prose shows it (shown), kept on one line by _wrap."""
    return shown(path).replace(" ", UNBROKEN_SPACE)


def pasted(path: str | os.PathLike[str]) -> str:
    """A path for a command line: shown, then quoted for a POSIX shell (``~/`` left out of the quotes)."""
    text = shown(path)
    if text.startswith("~" + os.sep):
        return "~" + os.sep + shlex.quote(text[2:])
    return shlex.quote(text)


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


def _finder_problem(problem: dict) -> str:
    """A stale editable finder's problem with one name, in words."""
    folder = said(problem["folder"])
    return {
        "gone": f"{problem['name']}: {folder} no longer exists",
        "no-init": f"{problem['name']}: recorded as a regular package, but {folder} has no __init__.py now",
        "init": f"{problem['name']}: recorded as a namespace, but {folder} has an __init__.py now",
    }[problem["now"]]


def _init_file(folder: str) -> str | None:
    """The ``__init__`` file FileFinder runs in ``folder``, if any."""
    parent, name = os.path.split(folder)
    spec = file_finder_find_spec(parent, name)
    return spec.origin if spec is not None and spec.locations is not None else None


def _defines(file: str) -> list[str]:
    """Names an ``__init__`` binds beyond the namespace idioms and a docstring: lost if it is deleted."""
    data = _read_bytes(Path(file))
    if data is None or not file.endswith(".py"):
        return []
    try:
        tree = ast.parse(_source_text(data))
    except (SyntaxError, ValueError):
        return []
    names = []
    for node in tree.body:
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # a docstring
        if _is_pkgutil_statement(node) or _is_declare_statement(node) or isinstance(node, ast.Try):
            continue
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names += [alias.asname or alias.name.split(".")[0] for alias in node.names]
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names += [t.id for t in targets if isinstance(t, ast.Name) and t.id != "__path__"]
    return names


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


def pep420_fix(env: Environment, levels: list[Report], cause: str) -> list[Fix]:
    """Make each shared level a PEP 420 namespace package: delete its ``__init__`` in every project that
    ships one, then reinstall those projects; for a copy no project on this machine holds, a stopgap."""
    edits: dict[str, list[str]] = {}  # project file -> names it defines
    stopgap: dict[str, set[str]] = {}  # installed file -> the distributions that install it
    dists: dict[str, Distribution] = {}
    for report in levels:
        for portion in report.portions:
            init = (
                _init_file(portion.folder)
                if portion.kind in ("regular", "pkgutil", "pkg_resources")
                else None
            )
            if init is None:
                continue
            owners = env.owners(Path(init))
            if not owners:  # a folder put on the path by hand: the file is the source
                edits[init] = _defines(init)
            for dist in owners:
                source = _in_source(dist, init)
                if source is not None:
                    edits[source] = _defines(source)
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
        if d.source is not None and _is_dir(d.source / "build" / "lib")
    ]
    if edits:
        defined = sorted({name for names_ in edits.values() for name in names_})
        keep = f" (they also define {', '.join(defined)}: move what is still needed into a module first)"
        fixes.append(
            Fix(
                [cause],
                f"make {names} PEP 420 namespace packages: delete their __init__ in each project that ships"
                f" one{keep if defined else ''}, then reinstall each project",
                [f"rm -- {pasted(file)}" for file in edits]
                + [f"rm -r -- {pasted(build)}" for build in builds]
                + [reinstall(d) for d in dists.values()],
            )
        )
    if stopgap:
        owners = ", ".join(sorted(set().union(*stopgap.values())))
        fixes.append(
            Fix(
                [cause],
                f"no project folder is recorded for {owners} (installed from an index or a wheel): ask the"
                " maintainers to ship PEP 420 namespace packages. Until then, delete the installed copies,"
                " and accept that they are missing: the next reinstall brings them back",
                [f"rm -- {pasted(file)}" for file in stopgap]
                + [command() + "".join(f" --accept removed:{pasted(file)}" for file in stopgap)],
                stopgap=True,
            )
        )
    return fixes


def _module_names(folder: str) -> set[str]:
    """The names a folder offers below its package: subfolders and modules (zip folders too)."""
    names = set()
    suffixes = [suffix for suffix, _ in _all_suffixes()]
    for child in _children(Path(folder)):
        if child.name == "__pycache__":
            continue
        stem = next((child.name[: -len(s)] for s in suffixes if child.name.endswith(s)), None)
        name = stem if stem is not None else child.name if "." not in child.name else None
        if name and name.isidentifier() and name != "__init__":
            names.add(name)
    return names


def lost_names(report: Report) -> list[str]:
    """What cannot be imported because of ``report``'s hidden folders: the names they hold, a few levels
    down, that no folder Python searches holds."""
    if report.module_wins:
        return [report.name]

    def lost(name: str, hidden: list[str], kept: list[str], depth: int) -> list[str]:
        found = []
        have = set().union(*map(_module_names, kept))
        for child in sorted(set().union(*map(_module_names, hidden))):
            if child not in have:
                found.append(f"{name}.{child}")
            elif depth < 3:
                below = [os.path.join(f, child) for f in hidden if _is_dir(os.path.join(f, child))]
                found += lost(f"{name}.{child}", below, [os.path.join(f, child) for f in kept], depth + 1)
        return found

    kept = [p.folder for p in report.portions if p not in report.hidden and p.kind != "module"]
    return lost(report.name, [p.folder for p in report.hidden if p.kind != "module"], kept, 1)


def _wrap(text: str, indent: str = "  ") -> list[str]:
    """Prose within 100 columns, but for a path, which is never broken, nor left alone on a line when the
    words before it are few."""
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > 100 and len(line) > len(indent) + 30:
            lines.append(line)
            line = indent + word
        else:
            line = f"{line} {word}" if line else word
    return [entry.replace(UNBROKEN_SPACE, " ") for entry in [*lines, line]]


def _role(report: Report, portion: Portion) -> str:
    if report.undecided:
        return "?"
    if portion in report.shadowed:
        return "shadowed"
    if portion in report.hidden:
        return "hides"
    if report.winner and _key(portion.folder) == _key(report.winner) and report.resolved != "namespace":
        return "takes"
    return "searches"


def _state(report: Report) -> str:
    if report.undecided:
        return f"cannot tell: {report.reason}"
    if report.module_wins:
        return "collision: a module takes the name"
    if report.collision:
        return f"collision: Python takes 1 of {len(report.portions)} folders"
    if report.broken:
        return f"broken: its __init__ fails ({report.reason})"
    if report.unreachable:
        return f"not found: {report.reason}"
    return "ok"


def render_name(report: Report, verbose: bool = False) -> list[str]:
    """The evidence for one name: a line for it, then a line per folder (its role, kind and owner)."""
    out = [f"{report.name}: {_state(report)}"]  # a reason names paths: not wrapped
    if _state(report) == "ok" and not verbose:
        count = len(report.portions)
        if report.resolved in ("builtin", "frozen"):
            return [f"{report.name}: ok, inside the interpreter"]
        if report.resolved == "module":
            return [f"{report.name}: ok, a module: {shown(report.winner or '')}"]
        return [f"{report.name}: ok, {count} folder{'s' if count != 1 else ''}, all searched"]
    for portion in report.portions:
        owner = portion.owner or "no distribution"
        out.append(f"  {_role(report, portion):<8} {shown(portion.folder)}  {portion.kind}, {owner}")
        if verbose:
            out.append(f"           via {portion.via}")
    if verbose:
        out.append(f"  why: {report.reason}")
    return out


def headline(d: Diagnosis, problems: list[Finding]) -> list[str]:
    """The verdict, first: what cannot be imported, and why."""
    verdict = d.verdict
    if verdict == "healthy":
        if not d.reports:
            return ["healthy: no package name is provided by more than one folder or distribution"]
        return ["healthy: every folder of every shared name is searched"]
    first = next(f for f in problems if CAUSES[f.cause].verdict == verdict)
    if first.cause == "hidden-portion":
        hidden = [r for r in d.hidden if r.name in {f.subject for f in problems}]
        lost = list(dict.fromkeys(name for r in hidden for name in lost_names(r)))
        what = f"{', '.join(lost)} cannot be imported: " if lost else ""
        why = (
            f"a regular package (an __init__) makes one folder the whole of {', '.join(r.name for r in hidden)}"
            " and hides the others"
        )
        if all(r.module_wins for r in hidden):
            why = (
                f"a module takes the name {', '.join(r.name for r in hidden)}, so no folder of it is searched"
            )
        lines = _wrap(f"{verdict}: {what}{why}")
    else:
        lines = _wrap(f"{verdict}: {first.text}")
    others = [f for f in problems if f is not first and f.cause != first.cause]
    for cause in dict.fromkeys(f.cause for f in others):
        count = sum(f.cause == cause for f in others)
        lines += _wrap(f"  and {count} {cause} finding{'s' if count > 1 else ''} ({CAUSES[cause].verdict})")
    return lines


def render(d: Diagnosis, verbose: bool = False, quiet: bool = False) -> str:
    """The report: the verdict; the evidence (each name, each finding); notes; then help: what to paste."""
    findings = d.findings()
    problems = [f for f in findings if CAUSES[f.cause].verdict != "note" and not f.accepted]
    out = headline(d, problems)
    if quiet:
        return "\n".join(out)
    evidence = [line for report in d.reports for line in render_name(report, verbose)]
    evidence += [
        line
        for f in problems
        if f.cause not in ("hidden-portion", "broken-init", "unreachable", "cannot-tell") or f.subject == ""
        for line in _wrap(f"{f.cause}: {f.text}")
    ]
    evidence += [line for f in findings if f.accepted for line in _wrap(f"accepted: {f.cause}: {f.text}")]
    evidence += [
        line
        for f in findings
        if CAUSES[f.cause].verdict == "note" and not f.accepted
        for line in _wrap(f"note: {f.text}")
    ]
    if evidence:
        out += ["", *evidence]
    fixes = d.open_fixes()
    for fix in fixes:
        out += ["", *_wrap(("help (stopgap): " if fix.stopgap else "help: ") + fix.text)]
        out += [f"    {command}" for command in fix.commands]  # indented deeper than wrapped prose
    return "\n".join(out)


def plan_fixes(d: Diagnosis, env: Environment) -> list[Fix]:
    """The fixes, as text and commands, for every problem the diagnosis found (accepted or not)."""
    fixes: list[Fix] = []
    hidden = [r for r in d.hidden if not r.module_wins]
    if hidden:
        # Every shared level below a colliding one too: fixing the top alone leaves the next one colliding.
        below = [
            env.report(name)
            for name in env.shared_names()
            if name not in {r.name for r in d.reports} and any(name.startswith(r.name + ".") for r in hidden)
        ]
        levels = [r for r in d.reports if r in hidden or any(r.name.startswith(h.name + ".") for h in hidden)]
        fixes += pep420_fix(env, levels + [r for r in below if r.portions], "hidden-portion")
    for report in d.hidden:
        if report.module_wins:
            module = next(p for p in report.portions if _key(p.folder) == _key(report.winner or ""))
            owners = env.owners(Path(module.folder))
            command = (
                [f"{pasted(sys.executable)} -m pip uninstall {' '.join(shlex.quote(o.name) for o in owners)}"]
                if owners
                else [f"rm -- {pasted(module.folder)}"]
            )
            what = (
                f"uninstall {', '.join(o.name for o in owners)}, which installed it"
                if owners
                else "delete it"
            )
            fixes.append(
                Fix(
                    ["hidden-portion"],
                    f"a module, {said(module.folder)}, takes the name {report.name}, and no change to an"
                    f" __init__ helps: {what}",
                    command,
                )
            )
    overwritten_inits = [
        e for e in d.overwritten if os.path.basename(e["file"]).startswith("__init__.") and not hidden
    ]
    if overwritten_inits:
        folders = [e["relative"].rpartition("/")[0] for e in overwritten_inits]
        names = [f.replace("/", ".") for f in folders if f and all(p.isidentifier() for p in f.split("/"))]
        levels = [env.report(name) for name in dict.fromkeys(names)]
        fixes += pep420_fix(env, levels, "overwritten")
    pth = [e for e in d.overwritten if e["file"].endswith(".pth")]
    if pth:
        # flit-core names an editable install's .pth after the module, not the distribution.
        fixes.append(
            Fix(
                ["overwritten"],
                "two editable installs wrote the same .pth file (flit-core names it after the module): install"
                " all but one of them without -e, or build them with a backend whose .pth names carry the"
                " distribution's name",
            )
        )
    other = [e for e in d.overwritten if e not in overwritten_inits and e not in pth]
    if other and not hidden:
        fixes.append(
            Fix(
                ["overwritten"],
                "stop shipping the same file in two distributions (PEP 420: no shared __init__), then"
                " reinstall them",
                [
                    reinstall(dist)
                    for dist in env.distributions
                    if dist.name in {e["distribution"] for e in other}
                ],
            )
        )
    for report in d.broken:
        init = next(
            (p.folder for p in report.portions if _key(p.folder) == _key(report.winner or "")), report.winner
        )
        if report.reason == OLD_PKG_RESOURCES:
            fixes.append(
                Fix(
                    ["broken-init"],
                    f"{said(init)}'s __init__ imports pkg_resources, and this setuptools' fails on Python 3.12"
                    " and later: upgrade setuptools (66.1 to 80 still ship pkg_resources), or better, make the"
                    " level a PEP 420 namespace package",
                    [f"{pasted(sys.executable)} -m pip install 'setuptools>=66.1,<81'"],
                )
            )
        elif "pkg_resources" in report.reason:
            fixes += pep420_fix(env, [report], "broken-init") or [
                Fix(
                    ["broken-init"],
                    f"{said(init)}'s __init__ needs pkg_resources, which setuptools 81 and"
                    " later no longer ship: make the level a PEP 420 namespace package",
                )
            ]
        else:
            fixes.append(Fix(["broken-init"], f"repair {said(init)}'s __init__ ({report.reason})"))
    removed = list(dict.fromkeys(e["distribution"] for e in d.removed))
    if removed:
        shared_init = [e for e in d.removed if os.path.basename(e["file"]).startswith("__init__.")]
        text = "reinstall to restore the missing files"
        if shared_init:
            text += (
                " (if another distribution shipped the same __init__, its uninstall took it: making that level a"
                " PEP 420 namespace package keeps it from recurring; if it was deleted on purpose, as a stopgap"
                " for a collision, accept it instead: --accept removed:PATH)"
            )
        fixes.append(
            Fix(["removed"], text, [reinstall(dist) for dist in env.distributions if dist.name in removed])
        )
    for entry in d.failed_pth:
        if entry["lacks"]:
            # uv resolves pdm-backend projects from their static [project] dependencies (uv issue 2130),
            # so it never installs the editables package the backend adds to editables-mode wheels.
            lacks = " ".join(shlex.quote(name) for name in entry["lacks"])
            fixes.append(
                Fix(
                    ["failed-pth"],
                    f"install {', '.join(entry['lacks'])} ({entry['module']} imports it), or reinstall the project"
                    " in an editable mode that needs nothing at run time",
                    [f"{pasted(sys.executable)} -m pip install {lacks}"],
                )
            )
        else:
            fixes.append(
                Fix(
                    ["failed-pth"],
                    f"see why {entry['module']} fails, then reinstall its project",
                    [f"{pasted(sys.executable)} -c {shlex.quote('import ' + entry['module'])}"],
                )
            )
    for entry in d.unimportable:
        fixes.append(
            Fix(
                ["unlisted-zip-folder"],
                f"rebuild {said(entry['archive'])} with an entry for each folder (python -m zipfile -c, zip -r),"
                f" or make {entry['name'].replace('.', '/')}/ a regular package there (an __init__.py)",
            )
        )
    for source, name in dict.fromkeys((e["source"], e["distribution"]) for e in d.stale_builds):
        dists = [dist for dist in env.distributions if dist.name == name]
        fixes.append(
            Fix(
                ["stale-build"],
                f"delete the stale build/ folder of {name}'s project, then reinstall it",
                [f"rm -r -- {pasted(Path(source, 'build'))}", *map(reinstall, dists)],
            )
        )
    for entry in d.stale_finders:
        dists = [dist for dist in env.distributions if dist.name == entry["distribution"]]
        fixes.append(
            Fix(
                ["stale-finder"],
                f"reinstall {entry['distribution'] or said(entry['finder'])}, so its editable finder maps what"
                " its project holds now",
                [reinstall(dist) for dist in dists],
            )
        )
    return fixes


class UsageError(Exception):
    """A NAME that is not a dotted package name, or that nothing provides."""


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


def startup_folder() -> str | None:
    """The folder Python put first on sys.path for the doctor's own start (``python doctor.py``: its folder;
    ``python -m``: the current one), or None when there is none (``-I``, ``-P``, or the doctor imported by a
    program, whose path is the program's)."""
    main = sys.modules.get("__main__")
    started_as_main = getattr(main, "__file__", None) and os.path.realpath(main.__file__) == os.path.realpath(
        __file__
    )
    if not started_as_main or sys.flags.isolated or getattr(sys.flags, "safe_path", False) or not sys.path:
        return None
    return sys.path[0]


def import_path(start: str | None = None) -> tuple[list[str], str | None]:
    """The import path to diagnose, and the start-up folder left out of it.

    A program of this interpreter sees sys.path with its own start-up folder first
    (a script's folder, or the current one for ``python -m``), a console script
    none. The doctor diagnoses the path as every program sees it, without its own
    start-up folder, unless ``start`` names the folder a program starts from.
    """
    own = startup_folder()
    rest = sys.path[1:] if own is not None else list(sys.path)
    if start is not None:
        return [os.path.abspath(start), *rest], own
    return rest, own


def examine(
    names: list[str] | None = None,
    path: list[str] | None = None,
    check_files: bool = True,
    all_files: bool = False,
    accepting: tuple[str, ...] = (),
) -> Diagnosis:
    """Resolve ``names`` (default: every shared one) on ``path`` (default: sys.path) and, with ``check_files``, check every installed file."""
    bad = [name for name in names or () if not all(part.isidentifier() for part in name.split("."))]
    if bad:
        raise UsageError(f"not a dotted package name: {', '.join(bad)}")
    env = Environment(path)
    zipped = unlisted_zip_folders(env.path)
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
        if folder not in env.path and _in_zip_archive(folder) and not _is_dir(folder)
    }
    zipped += [entry for entry in unlisted_zip_folders([], inside) if entry not in zipped]
    missing = [
        r.name
        for r in reports
        if not r.portions
        and r.resolved == "missing"
        and not any(r.name == name or r.name.startswith(name + ".") for name in explained)
    ]
    if missing:
        raise UsageError(f"nothing on this interpreter's import path provides {', '.join(missing)}")
    if not check_files:
        d = Diagnosis(
            reports,
            [],
            [],
            [],
            [],
            {},
            dict(sorted(UNREADABLE.items())),
            env.broken_system,
            failed_path_lines(),
            zipped,
            accepting=accepting,
        )
    else:
        d = Diagnosis(
            reports,
            env.changed_files(all_files, tuple({_key(p.folder) for r in reports for p in r.portions})),
            env.stale_builds(),
            env.stale_finders(),
            env.shared_files(),
            {d.name: d.problem for d in env.distributions if d.problem},
            dict(sorted(UNREADABLE.items())),
            env.broken_system,
            failed_path_lines(),
            zipped,
            accepting=accepting,
        )
    if d.status == 1:
        d.fixes = plan_fixes(d, env)
    return d


def diagnose(
    names: list[str] | None = None,
    as_json: bool = False,
    start: str | None = None,
    all_files: bool = False,
    accepting: tuple[str, ...] = (),
    verbose: bool = False,
    quiet: bool = False,
) -> tuple[str, int]:
    """The report for ``names`` (default: every shared name) and the exit status it deserves.

    ``start``: diagnose as a program started from that folder sees the environment.
    ``all_files``: hash every installed file, not only those that can decide an import.
    ``accepting``: --accept patterns (CAUSE or CAUSE:GLOB): those findings no longer fail the run.
    """
    path, left_out = import_path(start)
    d = examine(names, path, all_files=all_files, accepting=accepting)
    if as_json:
        return json.dumps(payload(d, path, left_out), indent=2), d.status
    text = render(d, verbose, quiet)
    if quiet:
        return text, d.status
    vantage = (
        f"note: diagnosed the import path of {shown(sys.executable)} ({len(path)} entries)"
        + (f", as a program started from {shown(path[0])} sees it" if start is not None else "")
        + (
            f", without the doctor's own start-up folder {shown(left_out or os.getcwd())}"
            if left_out is not None
            else ""
        )
    )
    lines = [vantage] + ([f"  {entry}" for entry in path] if verbose else [])  # paths: not wrapped
    return "\n".join([text, *lines]), d.status


def payload(d: Diagnosis, path: list[str], left_out: str | None) -> dict:
    """The report as data (``--json``): the keys README.md's "The doctor's JSON" section documents."""
    return {
        "schema": SCHEMA,
        "doctor": VERSION,
        "python": sys.executable,
        "status": d.status,
        "verdict": d.verdict,
        "collision": d.verdict == "collision",
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
        "distribution_problems": d.problems,
        "unreadable": d.unreadable,
        "cannot_model": d.system,
        "failed_pth": d.failed_pth,
        "unlisted_zip_folders": d.unlisted_zip_folders,
        "import_path": path,
        "left_out": left_out,
    }


def _unbroken(entry: dict) -> dict:
    """A finding or fix as data: its text with plain spaces."""
    return {**entry, "text": entry["text"].replace(UNBROKEN_SPACE, " ")}


def legend() -> str:
    """What every word of the report means: --help prints it."""
    verdicts = {
        "healthy": "every folder of every shared name is searched (exit 0; notes may follow)",
        "collision": "distributions break each other: a hidden folder, an overwritten file (exit 1)",
        "broken": "something fails to import: an __init__, a .pth line, a missing file (exit 1)",
        "stale": "an install out of date with its project: a build/ folder, an editable finder (exit 1)",
        "missing": "folders provide a name, yet Python finds nothing (exit 1)",
        "cannot-tell": "something the doctor does not model decides; named in the report (exit 3)",
    }
    roles = {
        "takes": "the folder (or module) Python imports the name from",
        "searches": "a folder in the package's __path__: what it holds imports",
        "hides": "a folder of the name Python never searches: what only it holds cannot be imported",
        "shadowed": "a module the package of the same name hides (harmless)",
        "?": "the doctor cannot tell",
    }
    kinds = {
        "regular": "an __init__ that makes its folder the whole package",
        "pkgutil": "an __init__ that calls pkgutil.extend_path: every folder of the name is searched",
        "pkg_resources": "an __init__ that calls pkg_resources.declare_namespace (setuptools 80 and older)",
        "namespace": "no __init__ (PEP 420): every folder of the name is searched",
        "module": "a module file of that name",
    }
    lines = ["verdicts (the report's first word; exit status 2: a usage error):"]
    lines += [f"  {word:<15}{text}" for word, text in verdicts.items()]
    lines += ["roles of a folder:"] + [f"  {word:<15}{text}" for word, text in roles.items()]
    lines += ["kinds of a folder:"] + [f"  {word:<15}{text}" for word, text in kinds.items()]
    lines += ["causes (--accept CAUSE[:GLOB] names them; notes never fail a run):"]
    for c in CAUSES.values():
        head, *rest = _wrap(f"{c.key:<20} {c.verdict:<12} {c.means}", " " * 35)
        lines += [f"  {head}", *rest]
    lines += ["help: lines are commands to paste, in order; help (stopgap): changes installed copies only"]
    return "\n".join(lines)


def command() -> str:
    """How this doctor is run: ``python -m NAME``, or ``python FILE`` copied anywhere."""
    spec = globals().get("__spec__")  # None when run as a script
    # As `python -m NAME`, or imported by its dotted name; not when loaded from its file by another name.
    if spec is not None and (__name__ == "__main__" or (__name__ == spec.name and "." in __name__)):
        return f"{pasted(sys.executable)} -m {spec.name}"
    return f"{pasted(sys.executable)} {pasted(__file__)}"


def main(argv: list[str] | None = None) -> int:
    spec = globals().get("__spec__")  # None when run as a script
    parser = argparse.ArgumentParser(
        prog=f"python -m {spec.name}" if spec is not None else f"python {os.path.basename(sys.argv[0])}",
        description="Find the package that shadows another's namespace portion, and its distribution.",
        epilog=legend(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "names", nargs="*", metavar="NAME", help="dotted package names (default: every shared one)"
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {VERSION} (JSON schema {SCHEMA})")
    shown_as = parser.add_mutually_exclusive_group()
    shown_as.add_argument("--json", action="store_true", help="print the report as JSON")
    shown_as.add_argument("--quiet", "-q", action="store_true", help="print the verdict line only")
    shown_as.add_argument(
        "--verbose", "-v", action="store_true", help="also how Python finds each folder, and the import path"
    )
    parser.add_argument(
        "--accept",
        action="append",
        default=[],
        metavar="CAUSE[:GLOB]",
        help="a known, harmless finding that must not fail the run: its cause (see below), and the name or"
        " file it is about (a glob; a path matches by its end too). Repeatable",
    )
    parser.add_argument(
        "--from",
        dest="start",
        metavar="FOLDER",
        help="diagnose as a program started from FOLDER sees the environment (a script's folder, or the"
        " current one for python -m); by default, as every program does: without the doctor's own"
        " start-up folder",
    )
    parser.add_argument(
        "--all-files",
        action="store_true",
        help="hash every installed file against its RECORD (default: every file is looked for, and only"
        " the files two distributions claim, __init__ and .pth files are hashed)",
    )
    options = parser.parse_args(argv)
    if options.start is not None and not os.path.isdir(options.start):
        parser.error(f"--from {options.start}: not a folder")
    unknown = [p for p in options.accept if p.partition(":")[0] not in CAUSES]
    if unknown:
        parser.error(f"--accept {unknown[0]}: no such cause (the causes are listed in --help)")
    try:
        text, status = diagnose(
            options.names,
            options.json,
            options.start,
            options.all_files,
            tuple(options.accept),
            options.verbose,
            options.quiet,
        )
    except UsageError as error:
        parser.print_usage(sys.stderr)
        print(f"{parser.prog}: error: {error}", file=sys.stderr)
        return 2
    print(text)
    return status


if __name__ == "__main__":
    sys.exit(main())
