"""The READMEs' generated sections, rendered from tests/matrix.json (and the backends' recipes).

Each section sits between ``<!-- NAME:start -->`` and ``<!-- NAME:end -->`` in one README:

- README.md ``summary``: the tool versions and the short table under "What
  breaks, and why";
- README.md ``backends``: for Option 2, each backend's verdict, linked to its recipe;
- tests/README.md ``matrix``: the versions, the legend, then a section per
  backend (an anchor each: its recipe, its verdict, its grids) and why;
- tests/README.md ``sample``: the cells `make test` re-observes;
- tests/README.md ``claims`` (claims.py) and sample_project/README.md
  ``causes`` (the doctor's own table of causes).

Every word inside the markers comes from here; `make docs` rewrites them (`make
matrix` too, after re-running every cell), and
test_generated_readme_sections_are_up_to_date fails when they drift.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Callable, Iterable
from pathlib import Path

import editor_tables
import static
from backends import BACKENDS, SETUPTOOLS, Backend
from cells import BACKEND_VARIANTS, CELL_FIELDS, SAMPLE, SHORT, STATIC_SAMPLE, VARIANTS, Cell, cells
from claims import render_claims
from harness import DOCTOR_README, DURABLE, FRAMEWORK, README, ROOT, TESTS_README, load_doctor
from interpreters import SUPPORTED, span
from toolchain import BACKEND_REQUIREMENTS, STATIC_REQUIREMENTS, pins, pip_relays_backend_warnings, seeded

MATRIX = ROOT / "tests" / "matrix.json"


def toolchain_versions() -> dict:
    """The versions every outcome depends on, as the pins say; per interpreter, what its venvs are seeded with.

    CPython's patch releases do not change imports, so interpreters are named by
    major.minor. ``unsupported``: the interpreters a backend is not tried on, and why.
    """
    pinned = pins()
    static_pins = pins(STATIC_REQUIREMENTS)
    return {
        "pythons": {python: seeded(python) for python in SUPPORTED},
        "virtualenv": pinned["virtualenv"],
        "uv": pinned["uv"],
        **{backend.name: pins(BACKEND_REQUIREMENTS)[backend.name] for backend in BACKENDS[1:]},
        "editables": pins(BACKEND_REQUIREMENTS)["editables"],
        "static": {tool: static_pins[tool] for tool in static.TOOLS if tool in static_pins},
        "unsupported": {
            backend.name: why
            for backend in BACKENDS
            if (why := {p: backend.unsupported(p) for p in SUPPORTED if backend.unsupported(p)})
        },
    }


def load() -> dict:
    """tests/matrix.json: ``observed_with`` (the toolchain), ``cells`` (records: a scenario, the interpreters
    it was observed on, what was) and ``static`` (what the static tools saw: ``python``, the interpreter
    whose runs asked them; ``cells``, by cell name: tool -> subpackage -> answer)."""
    return json.loads(MATRIX.read_text(encoding="utf-8"))


def dump(records: list[dict], kept: dict[str, dict] | None = None, editors: dict | None = None) -> str:
    """matrix.json's text. ``kept``: for an interpreter whose records were kept from an earlier run, what its
    venvs were seeded with then. ``editors``: what the static tools saw (load()'s ``static``)."""
    observed = toolchain_versions()
    observed["pythons"].update(kept or {})
    editors = editors or {"python": "", "cells": {}}
    text = json.dumps({"observed_with": observed, "cells": records}, indent=2, ensure_ascii=False)
    # What the static tools saw: a line per scenario (a few hundred answers, each short).
    seen = ",\n".join(
        f"      {json.dumps(name)}: {json.dumps(answers, ensure_ascii=False, sort_keys=True)}"
        for name, answers in editors["cells"].items()
    )
    static_text = f'  "static": {{\n    "python": {json.dumps(editors["python"])},\n    "cells": {{\n{seen}\n    }}\n  }}'
    return f"{text[:-2]},\n{static_text}\n}}\n"


def observation(record: dict) -> dict:
    """What a record says was observed, whatever interpreter: the record without its ``python``."""
    return {key: value for key, value in record.items() if key != "python"}


def merge(observed: list[dict], recorded: list[dict], pythons: tuple[str, ...]) -> list[dict]:
    """matrix.json's records: this run's (one per cell and interpreter of ``pythons``), and the recorded ones of the interpreters it did not have.

    A cell's interpreters that saw the same thing share one record, whose
    ``python`` lists them; where they differ, the cell has one record per
    observation, in the order of the first interpreter that saw each.
    """
    seen: dict[tuple[str, str], dict] = {}
    for record in recorded:
        for python in record.get("python", []):  # a record of an older format: re-observed
            if python not in pythons:
                seen[Cell.of(record).name, python] = observation(record)
    for record in observed:
        seen[Cell.of(record).name, record["python"][0]] = observation(record)
    merged = []
    for cell in cells():
        mine: list[dict] = []
        for python in SUPPORTED:
            found = seen.get((cell.name, python))
            if found is None:
                continue
            same = next((r for r in mine if observation(r) == found), None)
            if same is None:
                mine.append({**{k: found[k] for k in CELL_FIELDS}, "python": [python], **found})
            else:
                same["python"].append(python)
        merged += mine
    return merged


def recorded_run(records: list[dict], cell: Cell) -> dict | None:
    """The record of ``cell`` (which runs on one interpreter), as that interpreter's run would give it."""
    bare = cell.on("")
    for record in records:
        if cell.python in record["python"] and Cell.of(record) == bare:
            return {**record, "python": [cell.python]}
    return None


# --- one cell, in words -------------------------------------------------------------------------


def symbol(record: dict) -> str:
    """A grid cell: ✅, ⚠️ overwritten or removed, ❌ the module not found, ⛔ the build or install failed."""
    outcome = record["outcome"]
    if outcome == "ok":
        return "✅"
    if outcome == "ok-overwritten":
        return f"⚠️ overwritten: {SHORT.get(record['shared_init'], 'a')} `__init__.py` in effect"
    if outcome == "ok-removed":
        return "⚠️ survivor's `__init__.py` removed"
    if outcome == "ImportError":
        return f"❌ no `{record['missing']}`" if record["missing"] else f"❌ {record['note']}"
    return f"⛔ {outcome}"


def row_label(record: dict) -> str:
    return cell_label(Cell.of(record))


def cell_label(cell: Cell) -> str:
    """A grid row's label: the install modes, durable's first, and what followed them."""
    if cell.second is None:
        return cell.first
    pair = f"{cell.first}, {cell.second}"
    if cell.reverse:
        return f"{pair}, framework installed first"
    return f"{pair}, then {cell.then}" if cell.then else pair


def seeds(observed: dict) -> str:
    """``pip 26.3 and setuptools 84.2.1 on 3.10 to 3.13, pip 26.0.1 and setuptools 82.0.1 on 3.9``, newest first."""
    groups: dict[str, list[str]] = {}
    for python, seed in observed["pythons"].items():
        groups.setdefault(f"pip {seed['pip']} and setuptools {seed['setuptools']}", []).append(python)
    if len(groups) == 1:
        return next(iter(groups))
    ordered = sorted(groups.items(), key=lambda item: SUPPORTED.index(item[1][0]), reverse=True)
    return ", ".join(f"{seed} on {span(pythons)}" for seed, pythons in ordered)


def pythons_observed(records: list[dict]) -> list[str]:
    return [python for python in SUPPORTED if any(python in r["python"] for r in records)]


def versions(observed: dict, records: list[dict]) -> str:
    return (
        f"CPython {span(pythons_observed(records))}, with {seeds(observed)} (as virtualenv"
        f" {observed['virtualenv']} seeds them), uv {observed['uv']}"
    )


def agreement(records: list[dict]) -> str:
    """Whether the interpreters agree, in words: where they do not, the grids name them."""
    split = len({Cell.of(r) for r in records}) < len(records)
    if split:
        return "where interpreters disagree, a grid cell names them"
    return f"every interpreter gave the same outcome in every scenario ({span(pythons_observed(records))})"


def backend_versions(observed: dict) -> str:
    named = [f"{b.name} {observed[b.name]}" for b in BACKENDS[1:]]
    return f"{', '.join(named[:-1])} and {named[-1]} (editables {observed['editables']} for the redirecting modes)"


def _table(header: list[str], rows: Iterable[list[str]]) -> list[str]:
    lines = [f"| {' | '.join(header)} |", f"|{' --- |' * len(header)}"]
    return [*lines, *(f"| {' | '.join(row)} |" for row in rows)]


def by_python(records: list[dict], text_of: Callable[[list[dict]], str], sep: str = "<br>") -> str:
    """What ``records`` show, in ``text_of``'s words: once if every interpreter agrees, else per interpreter (``3.9: ...``)."""
    groups: dict[str, list[str]] = {}
    for python in SUPPORTED:
        mine = [r for r in records if python in r["python"]]
        if mine:
            groups.setdefault(text_of(mine), []).append(python)
    if len(groups) == 1:
        return next(iter(groups))
    return sep.join(f"{span(pythons)}: {text}" for text, pythons in groups.items())


def _one(records: list[dict]) -> str:
    """The symbol of one scenario on one interpreter (several records: one per installer, which agree)."""
    return symbol(records[0])


def _both(records: list[dict]) -> str:
    """One grid cell for pip and uv, on every interpreter: one symbol where they agree, and the cell says so."""
    installers = list(dict.fromkeys(r["installer"] for r in records))
    agree = all(len({symbol(r) for r in records if python in r["python"]}) <= 1 for python in SUPPORTED)
    if agree:
        return f"{', '.join(installers)}: {by_python(records, _one)}"
    return "<br>".join(
        f"{installer}: {by_python(_select(records, installer=installer), _one, sep='; ')}"
        for installer in installers
    )


def _select(records: list[dict], **fields) -> list[dict]:
    return [r for r in records if all(r[name] == value for name, value in fields.items())]


# --- the summary under "The Namespace Collision Problem" ----------------------------------------

SUMMARY_ROWS = (
    ("`pip install -e`, both", [("editable", "editable")]),
    ("`pip install`, both", [("regular", "regular")]),
    ("`pip install --target`, two folders on `PYTHONPATH`", [("target", "target")]),
    ("mixed: regular and editable, in either order", [("regular", "editable"), ("editable", "regular")]),
)


def summary_text(records: list[dict]) -> str:
    """What a summary cell says for these records (one scenario, or the same kind of scenario in two orders)."""
    outcomes = {r["outcome"] for r in records}
    if len(outcomes) > 1:
        return " / ".join(summary_text([r]) for r in records)
    outcome = outcomes.pop()
    if outcome == "ok":
        return "✅"
    if outcome == "ok-overwritten":
        return "⚠️ both import, but one `__init__.py` silently overwrote the other"
    if outcome == "ImportError":
        missing = {r["missing"] for r in records}
        if len(missing) == 1:
            return f"❌ `{missing.pop()}` not found"
        # The mode of the distribution whose subpackage is missing (durable's is first).
        modes = {r["first"] if (r["missing"] or "").endswith(".durable") else r["second"] for r in records}
        if len(modes) == 1:
            return f"❌ the {modes.pop()} project's subpackage not found"
    return " / ".join(symbol(r) for r in records)


def prose(text: str, bullet: str = "") -> str:
    """Generated prose as the READMEs' own is written: lines of at most 80 columns (a bullet's continued
    under its text), never broken inside a word, a link, a code span or at a hyphen."""
    kept = re.sub(r"\[[^\]]*\]\([^)]*\)|`[^`]*`", lambda m: m.group(0).replace(" ", "\0"), text)
    return textwrap.fill(
        kept,
        width=80,
        initial_indent=bullet,
        subsequent_indent=" " * len(bullet),
        break_long_words=False,
        break_on_hyphens=False,
    ).replace("\0", " ")


def render_summary(matrix: dict) -> str:
    records = _select(matrix["cells"], backend="setuptools", installer="pip", uninstall=None, reverse=False)
    rows = []
    for label, pairs in SUMMARY_ROWS:
        row = [label]
        for variant in ("as-shipped", "pep420"):
            chosen = [
                r for pair in pairs for r in _select(records, variant=variant, first=pair[0], second=pair[1])
            ]
            row.append(by_python(chosen, summary_text))
        rows.append(row)
    observed = matrix["observed_with"]
    return "\n".join(
        [
            prose(
                "Which copy is found first depends on how the two were installed (durable is installed"
                f" first). Measured on {versions(observed, records)}; the"
                " [compatibility matrix](tests/README.md#the-compatibility-matrix) has every mode, with uv"
                f" and {len(BACKENDS) - 1} other build backends too:"
            ),
            "",
            *_table(["install mode (durable, framework)", "as shipped", "with the PEP 420 fix"], rows),
        ]
    )


# --- the backends' Option 2 recipes ---------------------------------------------------------------


# What the matrix observed about a recipe beyond its grid (test_matrix_cell_was_built_by_its_backend).
RECIPE_NOTES = {
    "uv-build": lambda observed: (
        "`uv pip install` builds a uv-build project with the uv_build compiled into uv itself whenever"
        f" `requires` admits uv's version: the matrix's editable installs by uv ran uv {observed['uv']}'s,"
        f" pip ran the pinned uv-build {observed['uv-build']}."
    ),
}


def recipe_failures(matrix: dict, backend: Backend) -> tuple[str, dict[str, list[dict]]]:
    """Where a backend's PEP 420 recipe (setuptools: the projects as shipped, with the fix) was tried (the
    interpreters, as ``span`` writes them), and the rows where it failed: row label -> their records."""
    records = _select(matrix["cells"], backend=backend.name, variant="pep420")
    failing: dict[str, list[dict]] = {}
    for record in records:
        if record["outcome"] != "ok":
            failing.setdefault(row_label(record), []).append(record)
    return span(pythons_observed(records)), failing


def recipe_verdict(matrix: dict, backend: Backend) -> str:
    """Where a backend's PEP 420 recipe holds, in one line: every row, or every row but those named."""
    pythons, failing = recipe_failures(matrix, backend)
    on = f"on CPython {pythons}"
    if not failing:
        return f"✅ in every row, with pip and uv, {on}"

    def row(label: str, records: list[dict]) -> str:
        first, second = records[0]["first"], records[0]["second"]
        return f"its {first} row" if first == second else f"the {label} row"

    return f"✅ with pip and uv, {on}, in every row but " + "; ".join(
        f"{row(label, rs)}: {_both(rs)}" for label, rs in failing.items()
    )


def recipe(matrix: dict, backend: Backend) -> list[str]:
    """A backend's Option 2 recipe: the ``pyproject.toml`` tables the matrix writes for the PEP 420 layout."""
    recipes = {dist: backend.pyproject_recipe("pep420", dist) for dist in (DURABLE, FRAMEWORK)}
    shown = (
        [recipes[DURABLE]]
        if recipes[DURABLE] == recipes[FRAMEWORK]
        else [f"# {dist}\n{text}" for dist, text in recipes.items()]
    )
    lines = []
    for text in shown:
        lines += ["```toml", *text.splitlines(), "```", ""]
    needs, error = backend.without_isolation
    if needs:
        lines += [
            f"pip's build isolation provides what the build needs; with `--no-build-isolation`, it needs {needs}"
            f" too, or `pip install -e` stops with `{error}`.",
            "",
        ]
    if backend.name in RECIPE_NOTES:
        lines += [RECIPE_NOTES[backend.name](matrix["observed_with"]), ""]
    return lines


def pep420_agreement(matrix: dict, backend: Backend) -> tuple[list[str], list[str]]:
    """The rows (labels) of a backend's PEP 420 layout where Python and every static tool agree, and
    those where they do not."""
    static = matrix.get("static", {}).get("cells", {})
    chosen = [cell for cell in cells() if (cell.backend, cell.variant) == (backend.name, "pep420")]
    return editor_tables.agreeing_rows(static, chosen, cell_label)


def editors_agree(matrix: dict, backend: Backend) -> str:
    """Which rows of the PEP 420 layout keep Python and every static tool in agreement, in a sentence."""
    agree, differ = pep420_agreement(matrix, backend)
    if not agree and not differ:
        return ""
    if not differ:
        return "With the PEP 420 fix, Python and every type checker and editor agree in every row."
    if not agree:
        return "With the PEP 420 fix, some type checker or editor disagrees with Python in every row."
    return (
        "With the PEP 420 fix, Python and every type checker and editor agree in every row but these"
        f" (durable, framework): {'; '.join(differ)}."
    )


def modes(label: str) -> str:
    """A row label as README.md's table names install modes: ``editable+regular`` (durable's first)."""
    return label.replace(", ", "+", 1)


def render_backends(matrix: dict) -> str:
    """README.md's Option 2: each backend's verdict, at run time and in editors, linked to its recipe and
    grids in tests/README.md; install modes named as ``durable+framework``."""
    rows = []
    for backend in BACKENDS:
        pythons, failing = recipe_failures(matrix, backend)
        run_time = (
            "✅ every install mode"
            if not failing
            else "✅ but " + "; ".join(f"{modes(label)}: {_both(rs)}" for label, rs in failing.items())
        )
        agree, differ = pep420_agreement(matrix, backend)
        if agree and differ:
            editors = f"⚠️ not {', '.join(map(modes, differ))}"
        elif agree:
            editors = "✅ every install mode"
        else:
            editors = "❌ no install mode" if differ else "not observed"
        rows.append([f"[**{backend.name}**](tests/README.md#{backend.name})", pythons, run_time, editors])
    header = [
        "build backend",
        "CPython",
        "runs, with pip and uv",
        "Python and every type checker and editor agree",
    ]
    return "\n".join(_table(header, rows))


# --- the compatibility matrix -------------------------------------------------------------------


# A grid's first column: the install modes, durable's first (it is installed first).
MODES = "install modes: durable, framework"


def _editors(matrix: dict, backend: str, variant: str, header: str) -> list[str]:
    """What the static tools see, for one backend and variant: its editor grid, under a heading."""
    static = matrix.get("static", {}).get("cells", {})
    chosen = [cell for cell in cells() if (cell.backend, cell.variant) == (backend, variant)]
    grid = editor_tables.grid(static, chosen, cell_label, header)
    if not grid:
        return []
    return [f"What your editor sees, {backend} {variant}:", "", *grid, ""]


def _setuptools_grids(records: list[dict], matrix: dict) -> list[str]:
    lines = []
    for variant in VARIANTS:
        rows: dict[str, list[dict]] = {}
        for record in _select(records, backend="setuptools", variant=variant):
            rows.setdefault(row_label(record), []).append(record)
        header = "install mode (one distribution)" if variant == "merged" else MODES
        mine = [r for rs in rows.values() for r in rs]
        lines += [f"#### {variant}", "", f"CPython {span(pythons_observed(mine))}.", ""]
        lines += _table(
            [header, "pip", "uv"],
            (
                [
                    label,
                    by_python(_select(rs, installer="pip"), _one),
                    by_python(_select(rs, installer="uv"), _one),
                ]
                for label, rs in rows.items()
            ),
        )
        lines.append("")
        lines += _editors(matrix, "setuptools", variant, header)
    return lines


def _backend_grid(records: list[dict], backend: Backend) -> list[str]:
    mine = _select(records, backend=backend.name)
    rows: dict[str, dict[str, list[dict]]] = {}
    for record in mine:
        rows.setdefault(row_label(record), {}).setdefault(record["variant"], []).append(record)
    return _table(
        [MODES, *BACKEND_VARIANTS],
        ([label, *(_both(by_variant[v]) for v in BACKEND_VARIANTS)] for label, by_variant in rows.items()),
    )


def _count(records: list[dict]) -> str:
    """How many runs (a scenario on one interpreter) the records stand for."""
    runs = sum(len(r["python"]) for r in records)
    return f"{runs} run{'' if runs == 1 else 's'}"


def _where(records: list[dict]) -> str:
    """The scenarios, grouped: ``hatchling pep420 editable-exact, editable-exact (pip, uv; 3.10 to 3.13)``."""
    groups: dict[str, list[dict]] = {}
    for r in records:
        groups.setdefault(f"{r['backend']} {r['variant']} {row_label(r)}", []).append(r)
    return "; ".join(
        f"{key} ({', '.join(dict.fromkeys(r['installer'] for r in rs))};"
        f" {span(sorted({p for r in rs for p in r['python']}, key=SUPPORTED.index))})"
        for key, rs in groups.items()
    )


def _noted_files(records: list[dict]) -> str:
    """The files the records name, each set once."""
    return "; ".join(sorted({", ".join(r["files"]) for r in records}))


# What each outcome's legend line says was observed, from the records that have it.
OBSERVED = (
    (
        "ok",
        "✅",
        lambda rs: (
            "the consumer printed both results, and every installed file is the one its distribution shipped."
        ),
    ),
    (
        "ok-overwritten",
        "⚠️ overwritten",
        lambda rs: (
            "the consumer printed both results, but the second install replaced files the first had"
            f" installed ({_noted_files(rs)}) without a warning; the grid names the distribution whose"
            " `azurefunctions/agents/__init__.py` Python uses."
        ),
    ),
    (
        "ok-removed",
        "⚠️ removed",
        lambda rs: (
            "uninstalling one distribution deleted files the survivor had installed too"
            f" ({_noted_files(rs)}); the survivor still imported, through folders that are now"
            " namespace packages."
        ),
    ),
    (
        "ImportError",
        "❌",
        lambda rs: (
            f"the consumer failed with {' or '.join(f'`{n}`' for n in sorted({r['note'] for r in rs}))},"
            " although the module's distribution is installed."
        ),
    ),
)


def legend(records: list[dict], observed: dict) -> list[str]:
    """One line for each outcome the grids show, saying what was observed."""
    lines = ["### What the grids show", ""]
    by_outcome: dict[str, list[dict]] = {}
    for record in records:
        by_outcome.setdefault(record["outcome"], []).append(record)
    for outcome, label, says in OBSERVED:
        these = by_outcome.get(outcome, [])
        if these:
            lines.append(f"- {label} ({_count(these)}): {says(these)}")
    for outcome, what in (
        ("build-error", "the backend refused to build"),
        ("install-error", "the install failed"),
    ):
        refused = by_outcome.get(outcome, [])
        for note in sorted({r["note"] for r in refused}):
            these = [r for r in refused if r["note"] == note]
            lines.append(f"- ⛔ {outcome} ({_count(these)}: {_where(these)}): {what}: `{note}`")
    return lines


def why_lines(records: list[dict], observed: dict) -> list[str]:
    """Why the grids show what they show: each explanation only where a scenario shows what it explains."""
    why = [
        text(observed) if callable(text) else text
        for predicate, text in WHY
        if any(predicate(r) for r in records)
    ]
    return ["### Why, where the grids show it", "", *why] if why else []


def _is(backend: str | None = None, variant: str | None = None, outcome: str | None = None, **pair):
    def predicate(r: dict) -> bool:
        wanted = {"backend": backend, "variant": variant, "outcome": outcome, **pair}
        return all(value is None or r[name] == value for name, value in wanted.items())

    return predicate


# What pdm-backend 2.5 warns when its editables mode meets a namespace package, and how pip 26.3 relays it.
PDM_WARNING = (
    "PDMWarning: editables backend is not available for namespace packages, fallback to path entries"
)
PDM_FALLBACK = PDM_WARNING.replace("PDMWarning", "BuildBackendWarning")


def _who_shows(observed: dict) -> str:
    """Which installers' logs show a build backend's warning on success, by the pip each interpreter is seeded with."""
    relaying: dict[bool, list[str]] = {}
    for python in observed["pythons"]:
        relaying.setdefault(pip_relays_backend_warnings(python), []).append(python)
    pips = {
        relays: sorted({observed["pythons"][p]["pip"] for p in pythons})
        for relays, pythons in relaying.items()
    }
    shown = (
        f"pip {', '.join(pips[True])} shows it, as `{PDM_FALLBACK.split(':')[0]}: ...`"
        if True in pips
        else ""
    )
    hidden = [f"pip {', '.join(pips[False])} (on {span(relaying[False])})"] if False in pips else []
    return f"{shown}; {' and '.join([*hidden, 'uv'])} show a build's output only when it fails".lstrip("; ")


# Each explanation is shown only where a scenario of the grids shows what it explains.
WHY = (
    (
        _is("setuptools", "as-shipped", "ImportError", first="editable", second="editable"),
        "- ❌ as shipped: the first regular `azurefunctions` Python finds wins, and its `__path__` is that one"
        " folder. Editable finders (setuptools' default mode), link trees (strict), project folders on"
        " `sys.path` (compat, and the `.pth` lines of the other backends) each offer a complete regular"
        " package, as do `--target` folders; a regular install in `site-packages` is found before an editable"
        " finder is asked, and a `PYTHONPATH` folder before `site-packages`.",
    ),
    (
        _is("setuptools", "pkgutil", "ImportError", first="editable", second="editable"),
        "- ❌ pkgutil with setuptools' default editable mode: `extend_path` only scans `sys.path` folders, and"
        " this mode adds none (an import finder maps the name instead), so the other portion is never found;"
        " modes that add a folder to `sys.path` work.",
    ),
    (
        lambda r: r["first"] in ("editable-exact", "editable-editables") and r["outcome"] == "ImportError",
        "- ❌ the editables redirector (hatchling's `dev-mode-exact`, pdm-backend's `editables` mode) maps"
        " top-level names to files in one dictionary shared by every project: the project whose `.pth` file"
        " Python reads last takes `azurefunctions`, and `extend_path` finds no folder on `sys.path` to add.",
    ),
    (
        _is("flit-core", "pkgutil", "ImportError", first="editable", second="editable"),
        "- ❌ flit-core's editable installs: each writes its `.pth` file under its module's name, so two"
        " projects whose module is `azurefunctions` both write `azurefunctions.pth`: the second install"
        " replaces the first's, and the first project's folder leaves `sys.path` (the doctor names the"
        " replaced `.pth`). Its PEP 420 recipe names each project's own subpackage as the module instead.",
    ),
    (
        _is("pdm-backend", None, "ImportError", installer="uv", first="editable-editables"),
        "- ❌ uv with pdm-backend's `editables` mode: the editable wheels require `editables`, which"
        " pdm-backend adds while building; uv resolves from the project's static `[project] dependencies`"
        " instead (uv issue 2130), so it never installs `editables` (pip does). Each project's `.pth` line"
        " then fails at start-up, Python prints the error, and nothing provides `azurefunctions`; the doctor"
        " names the failed lines and what they lack. (hatchling's `dev-mode-exact` wheels require it too,"
        " but its builds need it, so without build isolation it is in the venv already.)",
    ),
    (
        _is("pdm-backend", "pep420", "ok", first="editable-editables"),
        lambda observed: (
            "- ✅ pdm-backend's `editables` mode with the PEP 420 layout is not that mode: for namespace packages"
            f" pdm-backend writes a path `.pth` line instead, and warns `{PDM_WARNING}`; {_who_shows(observed)}"
            " (`test_pdm_editables_mode_falls_back_to_a_path_entry_for_namespace_packages`)."
        ),
    ),
    (
        _is(outcome="ok-overwritten"),
        "- ⚠️ overwritten: both wheels hold `azurefunctions/__init__.py` and `azurefunctions/agents/__init__.py`;"
        " the second install replaces the first's files, whichever installer runs it.",
    ),
    (
        _is(outcome="ok-removed"),
        "- ⚠️ removed: uninstalling a distribution deletes every file its `RECORD` lists, including the"
        " `__init__.py` files the survivor installed too; whatever the survivor's `__init__.py` defined is gone.",
    ),
)


def _scenarios(records: list[dict]) -> int:
    return len({Cell.of(r) for r in records})


def render_matrix(matrix: dict) -> str:
    records, observed = matrix["cells"], matrix["observed_with"]
    static_python = matrix.get("static", {}).get("python", "")
    counts = {b.name: _scenarios(_select(records, backend=b.name)) for b in BACKENDS}
    per_backend = ", ".join(f"{b.name} {counts[b.name]}" for b in BACKENDS[1:])
    skipped = [
        f"{backend} on {span(list(why))} ({'; '.join(dict.fromkeys(why.values()))})"
        for backend, why in observed["unsupported"].items()
    ]
    lines = [
        f"Observed on {versions(observed, records)}; and {backend_versions(observed)}:"
        f" {_scenarios(records)} scenarios (setuptools {counts['setuptools']}; {per_backend}), each on every"
        f" interpreter its backend supports, {_count(records)} in all, each in its own venv"
        + (f"; not tried: {', '.join(skipped)}" if skipped else "")
        + f". `make matrix` re-runs them and rewrites this section and `tests/matrix.json`; {agreement(records)}.",
        "",
        "Backends: " + ", ".join(f"[{b.name}](#{b.name})" for b in BACKENDS) + ".",
        "",
        *legend(records, observed),
        "",
        *editor_tables.legend(matrix.get("static", {}).get("cells", {}), observed["static"], static_python),
        "",
        "### setuptools",
        "",
        "The projects as shipped, one grid per variant. Every variant's patch is in `tests/fixes/`."
        f" {editors_agree(matrix, SETUPTOOLS)} Its default editable mode reaches each project through an import"
        " hook no type checker follows; `--config-settings editable_mode=strict` (before or after `-e DIR`,"
        " with pip and with uv) installs a link tree that a path entry leads to instead (a file added later"
        ' needs a reinstall). In a src layout (`[tool.setuptools.packages.find] where = ["src"]`) the default'
        " editable mode writes a plain path `.pth`, which type checkers read: measured with setuptools 84.2.1"
        " in a one-off study on 7 December 2026; the matrix runs no src layout.",
        "",
        *_setuptools_grids(records, matrix),
    ]
    for backend in BACKENDS[1:]:
        lines += [
            f"### {backend.name}",
            "",
            f"Option 2's recipe: {recipe_verdict(matrix, backend)}. {editors_agree(matrix, backend)}",
            "",
            *recipe(matrix, backend),
            f"The variants {', '.join(BACKEND_VARIANTS)}, each with that backend's `pyproject.toml`"
            f" (CPython {span(pythons_observed(_select(records, backend=backend.name)))}):",
            "",
            *_backend_grid(records, backend),
            "",
            *(
                line
                for variant in BACKEND_VARIANTS
                for line in _editors(matrix, backend.name, variant, MODES)
            ),
        ]
    return "\n".join([*lines, *why_lines(records, observed)]).rstrip()


# --- the README -----------------------------------------------------------------------------------


def render_sample(matrix: dict) -> str:
    """The cells `make test` re-observes (cells.SAMPLE), each with what it shows (and, for those of
    cells.STATIC_SAMPLE, what the static tools see)."""
    lines = []
    for cell in SAMPLE:
        mine = [r for r in matrix["cells"] if Cell.of(r) == cell]
        editors = ", and what editors see" if cell in STATIC_SAMPLE else ""
        lines.append(
            f"  - {cell.backend}, {cell.variant}, {cell.installer}: {row_label(mine[0])}:"
            f" {by_python(mine, _one, sep='; ')}{editors}"
        )
    return "\n".join(lines)


def render_causes(_matrix: dict | None = None) -> str:
    """The doctor's own table of causes (its causes.py): each cause's verdict and exit status, meaning and help."""
    cause = load_doctor().Cause

    def code(text: str) -> str:  # Markdown reads __init__ as bold: dunder names as code
        return re.sub(r"(__\w+__)", r"`\1`", text)

    rows = (
        [
            f"`{c.value}`",
            f"{c.verdict}, exit {c.verdict.status}" if c.verdict else "note, exit 0",
            code(c.means),
            code(c.fix),
        ]
        for c in cause
    )
    return "\n".join(_table(["cause", "verdict", "what it means", "help the report prints"], rows))


# Each generated section: the README it sits in, and what renders it (from tests/matrix.json).
SECTIONS: dict[str, tuple[Path, Callable[[dict], str]]] = {
    "summary": (README, render_summary),
    "backends": (README, render_backends),
    "matrix": (TESTS_README, render_matrix),
    "sample": (TESTS_README, render_sample),
    "claims": (TESTS_README, render_claims),
    "causes": (DOCTOR_README, render_causes),
}


def markers(name: str) -> tuple[str, str]:
    return f"<!-- {name}:start -->", f"<!-- {name}:end -->"


class SectionMissing(LookupError):
    """A README lacks a generated section's markers."""


def readme_section(name: str, text: str | None = None) -> str:
    """What the section's README (or ``text``) holds between ``name``'s markers (the markers excluded)."""
    readme = SECTIONS[name][0]
    text = readme.read_text(encoding="utf-8") if text is None else text
    start, end = markers(name)
    if text.count(start) != 1 or text.count(end) != 1 or text.find(end) < text.find(start):
        raise SectionMissing(f"{readme.relative_to(ROOT)} has no single {start} ... {end} section")
    return text[text.find(start) + len(start) : text.find(end)].strip("\n")


def check_markers() -> None:
    """Every generated section's markers are in its README, once: raises SectionMissing otherwise."""
    for name in SECTIONS:
        readme_section(name)


def write_docs(matrix: dict) -> list[Path]:
    """Render every generated section into its README; the READMEs written."""
    check_markers()
    texts = {readme: readme.read_text(encoding="utf-8") for readme, _ in SECTIONS.values()}
    for name, (readme, render) in SECTIONS.items():
        start, end = markers(name)
        head, rest = texts[readme].split(start)
        tail = rest.split(end)[1]
        texts[readme] = f"{head}{start}\n{render(matrix)}\n{end}{tail}"
    for readme, text in texts.items():
        readme.write_text(text, encoding="utf-8")
    return list(texts)


def write(records: list[dict], kept: dict[str, dict] | None = None, editors: dict | None = None) -> None:
    MATRIX.write_text(dump(records, kept, editors), encoding="utf-8")
    write_docs(load())
