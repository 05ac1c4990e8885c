"""The editable-install finders of setuptools and of the ``editables`` package, read from the modules
they run from, never imported by the doctor.

setuptools/command/editable_wheel.py writes, for ``pip install -e`` in its
default mode, a module ``__editable___<dist>_finder.py`` whose ``_EditableFinder``
is appended to sys.meta_path and whose ``_EditableNamespaceFinder`` is a path
hook for the placeholder entry ``PATH_PLACEHOLDER`` it appends to sys.path.

hatchling's dev-mode-exact and pdm-backend's editables mode install, per
project, a ``_editable_impl_<project>.pth`` that imports
``_editable_impl_<project>.py``, which appends editables' ``RedirectingFinder``
class to sys.meta_path (once) and calls ``F.map_module(name, file)`` for each
top-level package. The map is one dict on the class, so where two projects map
the same name, the project imported last wins.
"""

from __future__ import annotations

import ast
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .entries import EntryFinder, all_suffixes, loader_suffixes
from .files import Files
from .inits import source_text
from .specs import CannotTell, Loader, Spec

if TYPE_CHECKING:
    from .imports import ImportSystem

# --- setuptools' editable finders -----------------------------------------------------------------


@dataclass
class EditableFinder:
    """One ``__editable___*_finder.py`` module of setuptools, read without importing it."""

    module: str
    file: Path
    mapping: dict[str, str]
    namespaces: dict[str, list[str]]
    placeholder: str | None
    known_template: bool = True

    def check_template(self) -> None:
        if not self.known_template:
            raise CannotTell(
                f"{self.file} is a setuptools editable finder of a version the doctor does not model"
            )


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


def read_finder(files: Files, file: Path) -> EditableFinder | None:
    """The MAPPING, NAMESPACES and PATH_PLACEHOLDER of a finder module, and whether its code is the template mirrored."""
    data = files.read_bytes(file)
    if data is None:
        return None
    text = source_text(data)
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


def editable_module(obj) -> str | None:
    """The ``__editable___*_finder`` module that defines ``obj`` (a finder class or its path hook), if any."""
    owner = getattr(obj, "__self__", obj)  # a bound classmethod's class
    module = getattr(owner, "__module__", "") or ""
    return module if module.startswith("__editable___") and module.endswith("_finder") else None


def read_editable_finders(files: Files) -> dict[str, EditableFinder]:
    """setuptools' finder modules that are active: their _EditableFinder is on sys.meta_path or their hook on sys.path_hooks."""
    found: dict[str, EditableFinder] = {}
    for obj in [*sys.meta_path, *sys.path_hooks]:
        module = editable_module(obj)
        if module and module not in found:
            file = getattr(sys.modules.get(module), "__file__", None)
            finder = read_finder(files, Path(file)) if file else None
            if finder is None:
                raise CannotTell(f"setuptools' editable finder {module} cannot be read")
            found[module] = finder
    return found


def editable_find_spec(imports: ImportSystem, editable: EditableFinder, name: str) -> Spec | None:
    """_EditableFinder.find_spec: names in MAPPING, then the immediate children of a mapped name."""
    editable.check_template()
    files = imports.files
    finder = f"setuptools' editable finder {editable.module}"
    if name in editable.mapping:
        candidate = Path(editable.mapping[name])  # _EditableFinder._find_spec: only __init__.py counts
        init = candidate / "__init__.py"
        if files.is_file(init) or files.is_dir(init):
            return Spec(name, str(init), [str(candidate)], Loader.SOURCE, finder)
        for suffix, loader in all_suffixes():  # importlib.machinery.all_suffixes(): source first
            module = candidate.with_suffix(suffix)
            if files.is_file(module) or files.is_dir(module):
                return Spec(name, str(module), None, loader, finder)
        return None
    parent = name.rpartition(".")[0]
    if parent and parent in editable.mapping:
        spec = imports.path_finder_find_spec(name, [editable.mapping[parent]])
        if spec is not None:
            spec.finder = f"{finder} (a child of {parent}, found in {editable.mapping[parent]})"
        return spec
    return None


class EditableNamespaceEntry(EntryFinder):
    """_EditableNamespaceFinder, the path entry finder of a finder module's placeholder entry."""

    def __init__(self, editable: EditableFinder | None) -> None:
        self.editable = editable

    def find_spec(self, name: str) -> Spec | None:
        """A namespace spec for names in NAMESPACES, the placeholder last."""
        editable = self.editable
        if editable is None:
            return None
        editable.check_template()
        if name not in editable.namespaces:
            return None
        paths = editable.namespaces[name]
        if not paths and name in editable.mapping:
            paths = [editable.mapping[name]]
        finder = f"setuptools' editable finder {editable.module}"
        return Spec(name, None, [*paths, editable.placeholder or ""], None, finder)


# --- the editables redirector ---------------------------------------------------------------------

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


def is_redirector(finder) -> bool:
    return getattr(finder, "__module__", "") == "editables.redirector" and (
        getattr(finder, "__name__", "") == "RedirectingFinder"
    )


def _map_module_calls(files: Files) -> list[Redirection]:
    """Every map_module call of the ``_editable_impl_*`` modules Python imported, in import order."""
    found = []
    for module_name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if not module_name.startswith("_editable_impl_") or not file:
            continue
        data = files.read_bytes(file)
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
                name, target = [*args, None, None][:2]
                if len(args) != 2 or name is None or target is None or node.keywords:
                    raise CannotTell(f"{file} maps a module in a way the doctor does not model")
                found.append(Redirection(module_name, name, target))
    return found


def read_redirections(files: Files) -> list[Redirection]:
    """The editables redirector's maps, if its RedirectingFinder is on sys.meta_path and is the one mirrored."""
    redirector = next((finder for finder in sys.meta_path if is_redirector(finder)), None)
    if redirector is None:
        return []
    file = getattr(sys.modules.get(redirector.__module__), "__file__", None)
    text = source_text(files.read_bytes(file) or b"") if file else ""
    if not all(marker in text for marker in _REDIRECTOR_MARKERS):
        raise CannotTell(f"{file or repr(redirector)} is an editables redirector the doctor does not model")
    redirections = _map_module_calls(files)
    live = getattr(redirector, "_redirections", None)
    effective = {r.name: r.file for r in redirections}  # the last map_module of a name wins
    if not isinstance(live, dict) or live != effective:
        raise CannotTell("the editables redirector maps names its bootstrap modules do not explain")
    return redirections


def redirector_find_spec(redirections: list[Redirection], name: str, path: list[str] | None) -> Spec | None:
    """RedirectingFinder.find_spec: top-level names only, the file its last map_module gave."""
    if "." in name or path is not None:
        return None
    mapped = [r for r in redirections if r.name == name]
    if not mapped:
        return None
    last = mapped[-1]
    # spec_from_file_location: the loader by suffix, the file's folder searched if it is an __init__
    loader = next((loader for suffix, loader in loader_suffixes() if last.file.endswith(suffix)), None)
    if loader is None:
        return None
    finder = f"the editables redirector (mapped by {last.module})"
    return Spec(name, last.file, [os.path.dirname(last.file)] if last.package else None, loader, finder)
