"""What an ``__init__`` file does to its package's ``__path__``, read without running it.

A package's ``__path__`` starts as its own folder; its ``__init__`` may then
extend it (``pkgutil.extend_path``, ``pkg_resources.declare_namespace``: the
legacy namespace idioms, read here, followed in legacy.py) or build it some
other way, which no static reading can follow (``Kind.UNKNOWN``). Source is
read from its syntax tree, as Python decodes it (a BOM or a coding cookie
decides), so a comment that mentions ``extend_path`` changes nothing.
"""

from __future__ import annotations

import ast
import importlib.util
import marshal
from dataclasses import dataclass

from .files import Files
from .specs import CannotTell, Kind, Loader

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
    kind: Kind  # regular, pkgutil, pkg_resources, unknown, broken
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


def is_pkgutil_statement(node: ast.stmt) -> bool:
    """``__path__ = <extend_path call>``."""
    return (
        isinstance(node, ast.Assign)
        and [getattr(t, "id", None) for t in node.targets] == ["__path__"]
        and _is_extend_path_call(node.value)
    )


def is_declare_statement(node: ast.stmt) -> bool:
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
    if is_pkgutil_statement(node):
        return InitEffect(Kind.PKGUTIL)
    if is_declare_statement(node):
        return InitEffect(Kind.PKG_RESOURCES)
    if not isinstance(node, ast.Try) or len(node.handlers) != 1 or node.orelse or node.finalbody:
        return None
    handler = node.handlers[0]
    # `import pkg_resources` / `import pkgutil` beside the call, as google-cloud packages write it.
    body = [s for s in node.body if not _is_import_of(s, {"pkg_resources"})]
    fallback = [s for s in handler.body if not _is_import_of(s, {"pkgutil"})]
    if (
        len(body) == 1
        and is_declare_statement(body[0])
        and getattr(handler.type, "id", None) in ("ImportError", "ModuleNotFoundError")
        and handler.name is None
        and len(fallback) == 1
        and is_pkgutil_statement(fallback[0])
    ):
        return InitEffect(Kind.PKG_RESOURCES, fallback=True)
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

    def visit_Assign(self, node: ast.Assign | ast.AugAssign | ast.AnnAssign) -> None:
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
        return InitEffect(Kind.BROKEN, detail=f"{type(error).__name__}: {error}")
    idioms: list[InitEffect] = []
    rest: list[ast.stmt] = []
    bound: set[str] = set()
    maybe: set[str] = set()
    for node in tree.body:
        effect = _namespace_idiom(node)
        if effect:
            missing = _unbound(node.body if isinstance(node, ast.Try) else [node], bound)
            if missing and (missing in maybe or "*" in maybe):
                return InitEffect(
                    Kind.UNKNOWN, detail=f"{origin} may bind {missing} in a way the doctor does not follow"
                )
            if missing:
                return InitEffect(Kind.BROKEN, detail=f"NameError: name {missing!r} is not defined")
            if effect.fallback and isinstance(node, ast.Try) and _unbound(node.handlers[0].body, bound):
                effect = InitEffect(Kind.PKG_RESOURCES)  # its fallback would raise NameError: no fallback
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
            Kind.UNKNOWN, detail=f"{origin} builds __path__ in a way the doctor does not model ({what})"
        )
    return idioms[0] if idioms else InitEffect(Kind.REGULAR)


def _code_names(code) -> set[str]:
    names = set(code.co_names)
    for const in code.co_consts:
        if hasattr(const, "co_names"):
            names |= _code_names(const)
    return names


def bytecode_effect(data: bytes, origin: str) -> InitEffect:
    """A sourceless ``__init__.pyc``: the names its code object uses, without running it."""
    if data[:4] != importlib.util.MAGIC_NUMBER:
        return InitEffect(Kind.BROKEN, detail=f"ImportError: bad magic number in {origin}")
    try:
        names = _code_names(marshal.loads(data[16:]))
    except (ValueError, EOFError, TypeError) as error:
        return InitEffect(Kind.BROKEN, detail=f"{origin} cannot be loaded ({error})")
    touched = names & _PATH_NAMES
    if touched:
        what = ", ".join(sorted(touched))
        return InitEffect(Kind.UNKNOWN, detail=f"{origin} (bytecode, no source) may build __path__ ({what})")
    return InitEffect(Kind.REGULAR)


def init_effect(files: Files, origin: str, loader: Loader) -> InitEffect:
    """What the ``__init__`` file ``origin``, loaded by ``loader``, does to ``__path__``."""
    if loader == Loader.EXTENSION:  # Cython or mypyc can compile an extend_path call too
        return InitEffect(
            Kind.UNKNOWN, detail=f"{origin} is compiled: what it does to __path__ cannot be read"
        )
    data = files.read_bytes(origin)
    if data is None:
        raise CannotTell(f"{origin} cannot be read")
    if loader == Loader.BYTECODE:
        return bytecode_effect(data, origin)
    return source_effect(data, origin)


def source_text(data: bytes) -> str:
    """A Python source file's text as the import system decodes it (a BOM or a coding cookie decides; universal newlines)."""
    try:
        return importlib.util.decode_source(data)
    except (SyntaxError, UnicodeDecodeError, LookupError):
        return data.decode("utf-8", errors="replace")


def defines(data: bytes | None, file: str) -> list[str]:
    """Names an ``__init__`` binds beyond the namespace idioms and a docstring: lost if it is deleted."""
    if data is None or not file.endswith(".py"):
        return []
    try:
        tree = ast.parse(source_text(data))
    except (SyntaxError, ValueError):
        return []
    names = []
    for node in tree.body:
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # a docstring
        if is_pkgutil_statement(node) or is_declare_statement(node) or isinstance(node, ast.Try):
            continue
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names += [alias.asname or alias.name.split(".")[0] for alias in node.names]
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names += [t.id for t in targets if isinstance(t, ast.Name) and t.id != "__path__"]
    return names
