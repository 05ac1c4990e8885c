"""What type checkers and editors will see, beside what Python imports: notes for the cases where they
differ (measured against the matrix's static columns: mypy, basedpyright, ty, pyrefly, zuban, jedi).

- A distribution of a shared name that only an import hook puts on the path
  (setuptools' editable finder, the editables redirector): Python follows the
  hook; type checkers read files and cannot, so they cannot resolve what it holds.
- A shared name whose folders are regular packages, where one hides another:
  some type checkers merge the folders of a regular package across path
  entries, so they show no error for what Python cannot import.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from .display import said
from .entries import init_file
from .environment import Environment, Report
from .fixes import reinstall
from .installed import Distribution, owner_of
from .specs import Kind

# How a portion reached only through an import hook is labelled (Environment.portions' ``via``).
_HOOKS = {
    "editable finder": "setuptools' editable finder",
    "editables redirector": "the editables redirector",
}


@dataclass
class HookOnly:
    """A distribution whose folders of shared names only an import hook leads to."""

    distribution: Distribution
    hook: str  # in words
    names: list[str]  # the shared names it provides that way

    @property
    def backend(self) -> str:
        """The backend that built its editable wheel (WHEEL's Generator), by name."""
        generator = self.distribution.generator
        return generator.split()[0].lower() if generator else ""

    def avoid(self) -> tuple[str, str | None]:
        """How to reinstall it without the hook, for the backend that built it: what to change in its
        project first (or nothing), and the command."""
        dist = self.distribution
        project = dist.editable_project
        pyproject = said(Path(project, "pyproject.toml")) if project else f"{dist.name}'s pyproject.toml"
        if self.backend == "setuptools":  # strict: a link tree that a path entry leads to
            return "", f"{reinstall(dist)} --config-settings editable_mode=strict"
        if self.backend == "hatchling":
            return f"remove dev-mode-exact = true from {pyproject}", reinstall(dist)
        if self.backend.startswith("pdm"):
            return f'remove editable-backend = "editables" from {pyproject}', reinstall(dist)
        return f"build {dist.name} in an editable mode that writes a path .pth file", None


def hook_only(env: Environment) -> list[HookOnly]:
    """The distributions installed in an editable mode that an import hook alone puts on the path:
    setuptools' editable finders (default mode) and the editables redirector, each with the top-level
    names it serves, shared or not."""
    found: dict[str, HookOnly] = {}

    def add(file: str, hook: str, names: list[str]) -> None:
        dist = owner_of(env.distributions, file)
        if dist is not None:
            entry = found.setdefault(dist.name, HookOnly(dist, hook, []))
            entry.names += [name for name in names if name not in entry.names]

    for finder in env.finders:
        add(
            str(finder.file),
            _HOOKS["editable finder"],
            sorted({k.split(".")[0] for k in [*finder.mapping, *finder.namespaces]}),
        )
    for redirection in env.redirections:
        module = sys.modules.get(redirection.module)
        file = getattr(module, "__file__", None)
        if file:
            add(file, _HOOKS["editables redirector"], [redirection.name])
    return list(found.values())


@dataclass
class Merged:
    """A colliding name whose hidden folder basedpyright searches anyway: its top-level package there is
    a regular package (it searches on past a regular package only into another regular one)."""

    report: Report
    folder: str  # the hidden folder


def merged_by_checkers(env: Environment, reports: list[Report]) -> list[Merged]:
    """Colliding names whose hidden folders a path entry (not a hook) leads to, below a regular top-level
    package in that entry: there basedpyright (and mypy, where py.typed marks the packages) merges the
    folders, so an editor shows no error where Python's import fails (measured with basedpyright 1.40.2)."""
    found: list[Merged] = []
    for r in sorted(reports, key=lambda r: r.name.count(".")):  # enclosing names first
        if not r.collision or r.module_wins:
            continue
        for portion in r.hidden:
            if portion.kind in (Kind.EMPTY, Kind.MODULE) or portion.by_hook:
                continue
            if any(Path(m.folder) in Path(portion.folder).parents for m in found):
                continue  # the note on the enclosing name already covers this folder
            depth = r.name.count(".")
            top = Path(portion.folder).parents[depth - 1] if depth else Path(portion.folder)
            if init_file(env.files, str(top)) is not None:
                found.append(Merged(r, portion.folder))
                break
    order = {id(r): i for i, r in enumerate(reports)}
    return sorted(found, key=lambda m: order[id(m.report)])
