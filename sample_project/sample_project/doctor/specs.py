"""The words the import system's model speaks: what a finder answers (``Spec``), what importing a
name gives (``Resolution``), the kinds of package and loader, and ``CannotTell``."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Word(str, Enum):
    """A value that is one word of the report and of its JSON: it prints, compares and serializes as that word."""

    def __str__(self) -> str:
        return self.value


class Kind(Word):
    """What a folder, a module file or an import turns out to be."""

    REGULAR = "regular"  # an __init__ that leaves __path__ its own folder
    PKGUTIL = "pkgutil"  # an __init__ that calls pkgutil.extend_path
    PKG_RESOURCES = "pkg_resources"  # an __init__ that calls pkg_resources.declare_namespace
    NAMESPACE = "namespace"  # no __init__: a PEP 420 portion, or package
    EMPTY = "empty"  # a namespace portion with no file in it (what an uninstall leaves behind)
    MODULE = "module"  # a module file, not a package
    BUILTIN = "builtin"  # compiled into the interpreter
    FROZEN = "frozen"
    PRELOADED = "preloaded"  # in sys.modules before the doctor looked: Python uses it as it is
    MISSING = "missing"  # nothing found
    BROKEN = "broken"  # found, but its import raises
    UNKNOWN = "unknown"  # the doctor cannot tell

    @property
    def means(self) -> str:
        """What a folder of this kind is, in words (--help's legend)."""
        return _KIND_MEANS.get(self, "")

    @property
    def has_init(self) -> bool:
        """A package with an ``__init__`` file the doctor read, whatever it does (it may fail)."""
        return self in (Kind.REGULAR, Kind.PKGUTIL, Kind.PKG_RESOURCES, Kind.BROKEN)

    @property
    def runs_init(self) -> bool:
        """A package whose ``__init__`` the doctor read and followed."""
        return self in (Kind.REGULAR, Kind.PKGUTIL, Kind.PKG_RESOURCES)


_KIND_MEANS = {
    Kind.REGULAR: "an __init__ that makes its folder the whole package",
    Kind.PKGUTIL: "an __init__ that calls pkgutil.extend_path: every folder of the name is searched",
    Kind.PKG_RESOURCES: "an __init__ that calls pkg_resources.declare_namespace (setuptools 80 and older)",
    Kind.NAMESPACE: "no __init__ (PEP 420): every folder of the name is searched",
    Kind.EMPTY: "a folder with no file in it, as an uninstall leaves folders behind",
    Kind.MODULE: "a module file of that name",
    Kind.UNKNOWN: "an __init__ the doctor cannot follow (it builds __path__ its own way, or is compiled)",
    Kind.BROKEN: "an __init__ that fails when Python runs it",
}


class Loader(Word):
    """How a spec's file is loaded (importlib.machinery's loaders, by suffix)."""

    SOURCE = "source"
    BYTECODE = "bytecode"
    EXTENSION = "extension"
    BUILTIN = "builtin"
    FROZEN = "frozen"


class CannotTell(Exception):
    """Something on the way to a name that the doctor does not model; the message names it."""


@dataclass
class Spec:
    """What a finder answers (importlib.machinery.ModuleSpec, reduced to what decides the outcome)."""

    name: str
    origin: str | None  # the file; None for a namespace portion
    locations: list[str] | None  # submodule_search_locations; None for a plain module
    loader: Loader | None  # None for a namespace portion
    finder: str  # who answered, in words


@dataclass
class Resolution:
    """What importing ``name`` gives: the kind, the folder or file Python imports, and its ``__path__``."""

    name: str
    kind: Kind
    winner: str | None
    path: list[str] | None  # the __path__ Python ends up with; None for a module or a failed import
    why: str
    finder: str = ""

    @property
    def imported(self) -> bool:
        return self.kind not in (Kind.MISSING, Kind.BROKEN, Kind.UNKNOWN)
