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

from dataclasses import dataclass
from pathlib import Path

from .display import said
from .environment import Environment, Report
from .fixes import reinstall
from .installed import Distribution
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


def hook_only(env: Environment, reports: list[Report]) -> list[HookOnly]:
    """The distributions each of whose portions of a reported name an import hook alone leads to."""
    found: dict[str, HookOnly] = {}
    for report in reports:
        for portion in report.portions:
            hook = next((words for via, words in _HOOKS.items() if portion.via.startswith(via)), None)
            if hook is None or portion.kind == Kind.EMPTY:
                continue
            for dist in env.owners(Path(portion.folder)):
                entry = found.setdefault(dist.name, HookOnly(dist, hook, []))
                if report.name not in entry.names:
                    entry.names.append(report.name)
    return list(found.values())


def merged_by_checkers(reports: list[Report]) -> list[Report]:
    """Colliding names whose hidden folders a path entry (not a hook) leads to, under a regular package:
    the folders some type checkers merge, so they show no error where Python's import fails."""
    return [
        r
        for r in reports
        if r.collision
        and not r.module_wins
        and r.resolved == Kind.REGULAR
        and any(not p.via.startswith(tuple(_HOOKS)) for p in r.hidden if p.kind != Kind.EMPTY)
    ]
