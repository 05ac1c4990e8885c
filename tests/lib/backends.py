"""The build backends the matrix tries, and how each one is asked for each install mode.

The shipped projects are setuptools projects. For every other backend the
matrix writes each distribution a ``pyproject.toml``: the same ``[project]``
table, that backend's ``[build-system]``, and the one ``[tool.*]`` table
(``recipe``) that tells it which files to ship; the package files stay the
same. Each backend is installed in the scenario's venv from the pinned wheels
that ``make`` downloads (tests/requirements-backends.txt), so installs stay
``--no-index --no-build-isolation``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from harness import Scenario, install_args, uv_binary
from toolchain import BACKEND_REQUIREMENTS, WHEELS, closure, pins, unsupported


@dataclass(frozen=True)
class Backend:
    """One build backend: its name in the matrix, how its pyproject.toml says what to ship, its install modes."""

    name: str
    build_backend: str  # [build-system] build-backend
    requires: str  # the distribution [build-system] requires, pinned in requirements-backends.txt
    recipe: str = ""  # the [tool.*] table that ships azurefunctions/ (PEP 420 or not)
    # Where the PEP 420 layout needs another table: ``{subpackage}`` is durable or framework.
    pep420_recipe: str = ""
    # Editable modes beyond the default one: mode -> the lines added to ``recipe`` to select it.
    flavours: dict[str, str] = field(default_factory=dict)
    # What its builds import besides the backend: hatchling's editable builds import editables
    # in every mode (its get_requires_for_build_editable asks for it), so with
    # --no-build-isolation the venv has it, which also gives its dev-mode-exact wheels what
    # they need at run time. pdm-backend vendors editables for building, so what its
    # editables-mode wheels require at run time is left to each installer to resolve.
    build_requires: tuple[str, ...] = ()
    # What an editable build needs beyond the backend when pip's build isolation does not provide it
    # (--no-build-isolation), and the error it stops with where that is missing: (needs, error).
    without_isolation: tuple[str, str] = ("", "")
    modes: tuple[str, ...] = ()  # setuptools sets its own; the others: regular, editable, then flavours

    def __post_init__(self) -> None:
        if not self.modes:
            object.__setattr__(self, "modes", ("regular", "editable", *self.flavours))

    @property
    def editable_modes(self) -> tuple[str, ...]:
        return tuple(mode for mode in self.modes if mode.startswith("editable"))

    def flavour(self, mode: str) -> str | None:
        """The pyproject.toml flavour an install mode needs (None: the plain recipe)."""
        return mode if mode in self.flavours else None

    def pyproject(self, shipped: str, variant: str, distribution: str, flavour: str | None) -> str:
        """``shipped`` (a setuptools pyproject.toml) with this backend's [build-system] and recipe."""
        project = re.search(r"^\[project\]\n.*?(?=^\[tool\.)", shipped, re.MULTILINE | re.DOTALL)
        if project is None:
            raise ValueError("the shipped pyproject.toml has no [project] table before its [tool.*] tables")
        build_system, tool = self.pyproject_recipe(variant, distribution).split("\n\n")
        return f"{build_system}\n\n{project.group(0).rstrip()}\n\n{tool}{self.flavours[flavour] if flavour else ''}"

    def pyproject_recipe(self, variant: str, distribution: str) -> str:
        """What this backend's pyproject.toml needs beside [project] to ship ``distribution``'s files in ``variant``."""
        recipe = self.pep420_recipe if variant == "pep420" and self.pep420_recipe else self.recipe
        subpackage = distribution.rpartition("-")[2]  # durable, framework
        return (
            f'[build-system]\nrequires = ["{self.requires}"]\nbuild-backend = "{self.build_backend}"\n\n'
            f"{recipe.replace('{subpackage}', subpackage)}"
        )

    def configure(self, tree: Path, variant: str, distributions: Sequence[str], flavour: str | None) -> None:
        """Write each distribution's pyproject.toml in ``tree`` for this backend (setuptools: as shipped)."""
        if self.name == "setuptools":
            return
        for dist in distributions:
            pyproject = tree / dist / "pyproject.toml"
            text = self.pyproject(pyproject.read_text(encoding="utf-8"), variant, dist, flavour)
            pyproject.write_text(text, "utf-8")

    def install_args(
        self, mode: str, source: Path, target: Path | None = None
    ) -> list[str | os.PathLike[str]]:
        """What follows ``pip install`` (or ``uv pip install``) for ``mode``: a wheel or a project folder."""
        if mode not in self.modes:
            raise ValueError(f"{self.name} has no install mode {mode!r}")
        # The other backends' editable modes are chosen in pyproject.toml (flavour), not here.
        return install_args("editable" if mode in self.flavours else mode, source, target)

    def unsupported(self, python: str) -> str | None:
        """Why this backend's pinned wheels cannot be installed on CPython ``python``, or None.

        setuptools is what virtualenv seeds each test venv with, for every interpreter.
        """
        return None if self.name == "setuptools" else unsupported([self.name, *self.build_requires], python)

    def setup_commands(self, s: Scenario) -> list[list[str | os.PathLike[str]]]:
        """Install this backend (and what its editable wheels need) into a fresh venv, from the pinned wheels."""
        if self.name == "setuptools":
            return []  # virtualenv seeds setuptools
        python = s.venv.version
        pinned = pins(BACKEND_REQUIREMENTS, python)
        needed = [f"{name}=={pinned[name]}" for name in closure([self.name, *self.build_requires], python)]
        uv = [uv_binary(), "pip", "install", "--python", s.venv.python, "--offline", "--no-index"]
        return [[*uv, "--find-links", WHEELS, "--cache-dir", s.workspace / "uv cache", *needed]]


def failure(output: str, tree: Path) -> tuple[str, str]:
    """Why a build or an install failed: ``build-error`` and the exception the backend raised, else ``install-error`` and the installer's last line.

    Paths inside the scratch tree are shown relative to it, as in the checkout.
    """
    lines = [line.strip().replace(f"{tree}{os.sep}", "") for line in output.splitlines() if line.strip()]
    raised = [line for line in lines if re.match(r"^[\w.]*(Error|Exception): ", line)]
    if raised:
        return "build-error", raised[-1]
    return "install-error", (lines or [""])[-1]


SETUPTOOLS = Backend(
    "setuptools",
    "setuptools.build_meta",
    "setuptools>=77",
    modes=("regular", "editable", "editable-strict", "editable-compat", "target"),
)
BACKENDS = (
    SETUPTOOLS,
    Backend(
        "hatchling",
        "hatchling.build",
        "hatchling>=1.33",
        '[tool.hatch.build.targets.wheel]\npackages = ["azurefunctions"]\n',
        flavours={"editable-exact": "dev-mode-exact = true\n"},
        build_requires=("editables",),
        without_isolation=("`editables` installed", "ModuleNotFoundError: No module named 'editables'"),
    ),
    Backend(
        "flit-core",
        "flit_core.buildapi",
        "flit-core>=4.2",
        '[tool.flit.module]\nname = "azurefunctions"\n',
        # flit ships one module: with the shared levels as namespaces, that is the subpackage.
        # (The dotted name would silently leave the shared __init__.py files out of the other variants.)
        pep420_recipe='[tool.flit.module]\nname = "azurefunctions.agents.{subpackage}"\n',
    ),
    Backend(
        "pdm-backend",
        "pdm.backend",
        "pdm-backend>=2.5",
        '[tool.pdm.build]\nincludes = ["azurefunctions"]\n',
        flavours={"editable-editables": 'editable-backend = "editables"\n'},
    ),
    Backend(
        "poetry-core",
        "poetry.core.masonry.api",
        "poetry-core>=2.5",
        '[tool.poetry]\npackages = [{ include = "azurefunctions" }]\n',
    ),
    Backend(
        "uv-build",
        "uv_build",
        "uv-build>=0.13.6,<0.14",
        '[tool.uv.build-backend]\nmodule-name = "azurefunctions"\nmodule-root = ""\nnamespace = true\n',
        # uv_build's Python shim runs the uv-build binary it finds on PATH (shutil.which).
        without_isolation=(
            "the venv's `bin/` on `PATH` (an active venv)",
            "RuntimeError: uv-build was not properly installed",
        ),
    ),
)
BY_NAME = {backend.name: backend for backend in BACKENDS}
