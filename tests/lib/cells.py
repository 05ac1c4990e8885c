"""The compatibility matrix's cells: typed data, in the order matrix.json and the README list them.

A cell is a build backend, a variant, an installer, durable's and framework's
install modes, and what follows the installs (an uninstall, or the reverse
order). ``Cell.steps()`` spells out the installs and uninstalls it runs, so
cells that begin with the same steps can share them (see runner.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from backends import BACKENDS, SETUPTOOLS, Backend
from harness import DURABLE, FRAMEWORK

MERGED = "azure-functions-agents"
VARIANTS = ("as-shipped", "pep420", "separate-namespaces", "merged", "pkgutil")
# The variants every other backend is tried with: the collision, its fix, and the legacy fix.
BACKEND_VARIANTS = ("as-shipped", "pep420", "pkgutil")
# setuptools' pairs: every mode with itself, and the mixes where one copy sits in site-packages.
SETUPTOOLS_PAIRS = (
    *((mode, mode) for mode in SETUPTOOLS.modes),
    ("regular", "editable"),
    ("editable", "regular"),
    ("regular", "target"),
    ("target", "regular"),
)
INSTALLERS = ("pip", "uv")
OUTCOMES = ("ok", "ok-overwritten", "ok-removed", "ImportError", "install-error", "build-error")


@dataclass(frozen=True)
class Install:
    """One ``pip install`` or ``uv pip install`` of a distribution in an install mode."""

    distribution: str
    mode: str


@dataclass(frozen=True)
class Uninstall:
    distribution: str


@dataclass(frozen=True)
class Cell:
    """One scenario of the matrix."""

    backend: str
    variant: str
    installer: str
    first: str  # durable's install mode (merged: the one distribution's)
    second: str | None  # framework's install mode; None for merged: one distribution
    uninstall: str | None = None  # the distribution uninstalled after both installs
    reverse: bool = False  # framework installed first

    @property
    def distributions(self) -> tuple[str, ...]:
        return distributions(self.variant)

    def steps(self) -> tuple[Install | Uninstall, ...]:
        """The installs and uninstalls this cell runs, in order."""
        modes = (self.first,) if self.second is None else (self.first, self.second)
        installs = [Install(dist, mode) for dist, mode in zip(self.distributions, modes)]
        if self.reverse:
            installs.reverse()
        return (*installs, *([Uninstall(self.uninstall)] if self.uninstall else []))

    @property
    def then(self) -> str:
        """What follows the installs, in words: ``uninstall durable``, ``framework installed first``, or nothing."""
        if self.uninstall:
            return f"uninstall {SHORT[self.uninstall]}"
        return "framework installed first" if self.reverse else ""

    @property
    def id(self) -> str:
        pair = self.first if self.second is None else f"{self.first}+{self.second}"
        then = f"-{self.then.replace(' ', '-')}" if self.then else ""
        return f"{self.backend}-{self.variant}-{self.installer}-{pair}{then}"

    @classmethod
    def of(cls, record: dict) -> Cell:
        """The cell a matrix.json record is about."""
        return cls(*(record[name] for name in CELL_FIELDS))


CELL_FIELDS = ("backend", "variant", "installer", "first", "second", "uninstall", "reverse")
SHORT = {DURABLE: "durable", FRAMEWORK: "framework", MERGED: "merged"}


def distributions(variant: str) -> tuple[str, ...]:
    return (MERGED,) if variant == "merged" else (DURABLE, FRAMEWORK)


def backend_pairs(backend: Backend) -> tuple[tuple[str, str], ...]:
    """Another backend's pairs: each editable mode with itself, and regular mixed with its default editable mode."""
    return (
        ("regular", "regular"),
        *((mode, mode) for mode in backend.editable_modes),
        ("regular", "editable"),
        ("editable", "regular"),
    )


def cells() -> list[Cell]:
    """Every scenario: setuptools first, in full; then each other backend where it makes a difference."""
    found = []
    for variant in VARIANTS:
        for installer in INSTALLERS:
            if variant == "merged":
                found += [Cell("setuptools", variant, installer, mode, None) for mode in SETUPTOOLS.modes]
                continue
            found += [Cell("setuptools", variant, installer, *pair) for pair in SETUPTOOLS_PAIRS]
            found += [
                Cell("setuptools", variant, installer, "regular", "regular", uninstall=dist)
                for dist in (DURABLE, FRAMEWORK)
            ]
            found.append(Cell("setuptools", variant, installer, "regular", "regular", reverse=True))
    for backend in BACKENDS[1:]:
        for variant in BACKEND_VARIANTS:
            for installer in INSTALLERS:
                found += [Cell(backend.name, variant, installer, *pair) for pair in backend_pairs(backend)]
    return found
