"""The "What your editor sees" parts of the compatibility matrix, rendered from matrix.json's ``static``
section: a grid per backend and variant (what Python does and what each static tool says, for both
subpackages), their legend with what each tool printed, and each recipe's agreement line.

Every word here comes from the records (tables.py places it); a cell's symbols:

- Python: ✅ imports, ❌ raises ImportError, a heavy minus uninstalled (the row uninstalled it);
- a tool: ✅ resolved, ❌ not found, ⏭️ skipped (found, not analysed), ⛔ error, 🎲 varies with
  the hash seed; ``!`` marks a disagreement with Python: the tool says ✅ where Python fails,
  or ❌/⏭️/🎲 where Python imports.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from cells import Cell
from static import TOOLS, ours

HEADINGS = {"zuban-mypy": "zuban mypy"}
SUBPACKAGES = ("durable", "framework")
SYMBOLS = {"resolved": "✅", "not-found": "❌", "skipped": "⏭️", "error": "⛔", "varies": "🎲"}


def python_symbol(answer: str) -> str:
    return "✅" if answer == "imports" else "➖" if answer == "uninstalled" else "❌"  # noqa: RUF001


def disagrees(outcome: str, python: str) -> bool:
    """A tool's outcome against Python's: resolved where Python fails, or anything else where it imports."""
    return (outcome == "resolved") != (python == "imports")


def tool_cell(seen: dict, tool: str) -> str:
    """One tool's symbols for both subpackages, ``!`` where it disagrees with Python."""
    marks = []
    for sub in SUBPACKAGES:
        outcome = seen["tools"][tool][sub]["outcome"]
        mark = "!" if disagrees(outcome, seen["python"][sub]) else ""
        marks.append(SYMBOLS[outcome] + mark)
    return " ".join(marks)


def row(seen: dict) -> list[str]:
    python = " ".join(python_symbol(seen["python"][sub]) for sub in SUBPACKAGES)
    return [python, *(tool_cell(seen, tool) for tool in TOOLS)]


def agrees(seen: dict) -> bool:
    """Python and every tool agree on both subpackages."""
    return not any(
        disagrees(seen["tools"][tool][sub]["outcome"], seen["python"][sub])
        for tool in TOOLS
        for sub in SUBPACKAGES
    )


def _table(header: list[str], rows: Iterable[list[str]]) -> list[str]:
    lines = [f"| {' | '.join(header)} |", f"|{' --- |' * len(header)}"]
    return [*lines, *(f"| {' | '.join(r)} |" for r in rows)]


def grid(static: dict, cells: list[Cell], label, header: str) -> list[str]:
    """The rows of ``cells`` (pip and uv alike: one row; where they differ, one each)."""
    rows: dict[str, dict[str, list[str]]] = {}
    for cell in cells:
        seen = static.get(cell.name)
        if seen is not None:
            rows.setdefault(label(cell), {})[cell.installer] = row(seen)
    out = []
    for name, by_installer in rows.items():
        if len({tuple(r) for r in by_installer.values()}) == 1:
            out.append([name, *next(iter(by_installer.values()))])
        else:
            out += [[f"{name} ({installer})", *r] for installer, r in by_installer.items()]
    if not out:
        return []
    return _table([header, "Python", *(HEADINGS.get(tool, tool) for tool in TOOLS)], out)


def agreeing_rows(static: dict, cells: list[Cell], label) -> tuple[list[str], list[str]]:
    """The rows (labels) of ``cells`` where Python and every tool agree, and those where they do not."""
    agree: dict[str, bool] = {}
    for cell in cells:
        seen = static.get(cell.name)
        if seen is not None:
            agree[label(cell)] = agree.get(label(cell), True) and agrees(seen)
    return [name for name, ok in agree.items() if ok], [name for name, ok in agree.items() if not ok]


def code(text: str) -> str:
    """Markdown code for ``text``, which may hold backticks itself (ty's and pyrefly's messages do)."""
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def _message(text: str) -> str:
    """A tool's message for the legend: without its line number and severity prefix."""
    return re.sub(r"^\d+: (?:error|warning|major|minor|note|info): ", "", text)


def legend(static: dict, versions: dict[str, str], python: str) -> list[str]:
    """What the symbols mean, and what each tool printed: its revealed types, its messages (with counts)."""
    lines = [
        "### What your editor sees",
        "",
        "Each editor grid runs a consumer file outside every source tree (the consumer's two imports and a"
        " `reveal_type` of each name) through "
        + ", ".join(f"{tool} {versions[tool]}" for tool in versions)
        + f" (zuban in its own mode and its mypy mode), offline, in each scenario's venv on CPython {python},"
        " with the scenario's `PYTHONPATH`; once per installed tree, shared by the scenarios whose trees are the"
        " same (pip's and uv's mostly). A cell has two symbols, durable's then framework's. Python: ✅ imports,"
        " ❌ raises ImportError, ➖ uninstalled. A tool: ✅ resolved to the real function, ❌ not found,"  # noqa: RUF001
        " ⏭️ found but not analysed, ⛔ the tool failed, 🎲 the answer changed with the hash seed (where a"
        " shared package's `__init__` extends its `__path__`, jedi collects the candidate folders in a set and"
        " runs with 16 hash seeds). `!` marks where the tool disagrees with Python: it says all is well"
        " where the import fails, or it cannot see what Python imports. A row holds for pip and uv alike unless"
        " it names one: where their trees differ, each has its own row.",
        "",
        "What each tool printed (in code: its own words, first line; in italics: ours, where it printed"
        " nothing about the import):",
        "",
    ]
    for tool in TOOLS:
        types: dict[str, int] = {}
        messages: dict[tuple[str, str], int] = {}
        for seen in static.values():
            for sub in SUBPACKAGES:
                answer = seen["tools"][tool][sub]
                if answer["outcome"] == "resolved":
                    types[answer["type"]] = types.get(answer["type"], 0) + 1
                else:
                    key = (answer["outcome"], _message(answer.get("message", "")))
                    messages[key] = messages.get(key, 0) + 1
        said = [f"✅ {code(text)} ({count})" for text, count in sorted(types.items())]
        said += [
            f"{SYMBOLS[outcome]} {f'*{text}*' if ours(text) else code(text)} ({count})"
            if text
            else f"{SYMBOLS[outcome]} ({count})"
            for (outcome, text), count in sorted(messages.items())
        ]
        lines.append(f"- **{HEADINGS.get(tool, tool)}**: " + "; ".join(said) + ".")
    return lines
