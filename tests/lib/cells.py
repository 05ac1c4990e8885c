"""The compatibility matrix's cells: typed data, in the order matrix.json and the README list them.

A cell is a build backend, a variant, an installer, durable's and framework's
install modes, and what follows the installs (an uninstall, or the reverse
order); it runs on each supported interpreter its backend's pinned wheels
support (``runs()``). ``Cell.steps()`` spells out the installs and uninstalls
it runs, so cells that begin with the same steps can share them (see
runner.py).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from backends import BACKENDS, BY_NAME, SETUPTOOLS, Backend
from harness import DURABLE, FRAMEWORK
from interpreters import SUPPORTED

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
    # The CPython its venvs are made of ("3.12"); "" for the cell itself, as matrix.json's
    # records are: each lists the interpreters it was observed on.
    python: str = ""

    def on(self, python: str) -> Cell:
        """This cell, run on CPython ``python``."""
        return replace(self, python=python)

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
    def name(self) -> str:
        """The cell's name, whatever it runs on: ``setuptools-as-shipped-pip-editable+editable``."""
        pair = self.first if self.second is None else f"{self.first}+{self.second}"
        then = f"-{self.then.replace(' ', '-')}" if self.then else ""
        return f"{self.backend}-{self.variant}-{self.installer}-{pair}{then}"

    @property
    def id(self) -> str:
        """The scenario, and the interpreter it runs on if it is one run: ``...-editable+editable-py3.12``."""
        return f"{self.name}-py{self.python}" if self.python else self.name

    @classmethod
    def of(cls, record: dict) -> Cell:
        """The cell a matrix.json record is about (on no interpreter in particular)."""
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


def runs(pythons: tuple[str, ...] = SUPPORTED) -> list[Cell]:
    """Every cell on every interpreter of ``pythons`` its backend's pinned wheels support, cell by cell."""
    supported = {(b.name, p): b.unsupported(p) is None for b in BACKENDS for p in pythons}
    return [cell.on(python) for cell in cells() for python in pythons if supported[cell.backend, python]]


def pythons_of(backend: str) -> tuple[str, ...]:
    """The supported interpreters ``backend``'s pinned wheels can be installed on."""
    return tuple(python for python in SUPPORTED if BY_NAME[backend].unsupported(python) is None)


# What `make test` (the inner loop) re-observes, on the interpreter running the tests: every
# backend, variant, installer, install mode, lifecycle step and outcome at least once
# (test_the_sample_covers_every_backend_variant_installer_and_mode), and the two runs
# test_collision.py looks at in both tiers. `make check` runs every cell on every interpreter.
SAMPLE = (
    Cell("setuptools", "as-shipped", "pip", "editable", "editable"),  # the collision
    Cell("setuptools", "as-shipped", "pip", "regular", "regular"),  # the silent overwrite
    Cell("setuptools", "pep420", "uv", "target", "regular"),  # the fix, one copy Azure Functions' way
    Cell("setuptools", "separate-namespaces", "uv", "editable-strict", "editable-strict"),
    Cell("setuptools", "separate-namespaces", "uv", "regular", "regular", reverse=True),
    Cell("setuptools", "merged", "uv", "editable-compat", None),
    Cell("setuptools", "pkgutil", "pip", "regular", "regular", uninstall=FRAMEWORK),  # removed
    Cell("hatchling", "pep420", "uv", "editable-exact", "editable-exact"),  # the backend refuses
    Cell("flit-core", "as-shipped", "uv", "regular", "editable"),  # mixed: the editable one is hidden
    Cell("pdm-backend", "pep420", "pip", "editable-editables", "editable-editables"),  # falls back, warns
    Cell("poetry-core", "pkgutil", "uv", "editable", "editable"),
    Cell("uv-build", "pep420", "uv", "editable", "regular"),
)
# What `make test` asks the static tools about too (the full tier asks about every cell): the
# collision through setuptools' editable finder (a hook no checker follows: tools blind to what Python
# imports), a mixed install (checkers that say all is well where Python fails), and the fix with a path
# .pth editable (where every tool agrees with Python).
STATIC_SAMPLE = frozenset(
    {
        Cell("setuptools", "as-shipped", "pip", "editable", "editable"),
        Cell("flit-core", "as-shipped", "uv", "regular", "editable"),
        Cell("uv-build", "pep420", "uv", "editable", "regular"),
    }
)
