"""The compatibility matrix: every scenario in tests/matrix.json turns out as recorded, today."""

from __future__ import annotations

import pytest
from conftest import attach_log
from harness import ROOT, apply_fix, consumer_imports, copy_tree
from matrix import OUTCOMES, VARIANTS, Cell, Wheelhouse, cells, load, readme_section, render, run_cell

RECORDS = load()


def cell_of(record: dict) -> Cell:
    return Cell(record["variant"], record["installer"], record["first"], record["second"], record["then"])


@pytest.fixture(scope="session")
def wheels(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Wheelhouse:
    """Every variant's wheels, built once per run on first use and shared by the xdist workers."""
    if worker_id == "master":
        return Wheelhouse(tmp_path_factory.mktemp("wheels"))
    return Wheelhouse(tmp_path_factory.getbasetemp().parent / "wheels")


@pytest.mark.parametrize("recorded", RECORDS, ids=[cell_of(record).id for record in RECORDS])
def test_matrix_cell_turns_out_as_recorded(recorded, wheels, request):
    """Re-run in a fresh venv, the scenario gives the recorded outcome, ``__init__.py`` in effect and note (the exception text, or the files overwritten), and the namespace doctor agrees: healthy exactly when the outcome is ok."""
    run = run_cell(cell_of(recorded), wheels)
    attach_log(request, run.log)
    assert run.record == recorded
    assert run.doctor is not None
    assert run.doctor.returncode == (0 if recorded["outcome"] == "ok" else 1), run.doctor.output


def test_matrix_json_holds_every_scenario_once():
    """tests/matrix.json has exactly one record per scenario the matrix defines, in its order, in our vocabulary."""
    assert [cell_of(record) for record in RECORDS] == cells()
    assert {record["outcome"] for record in RECORDS} <= set(OUTCOMES)
    assert len(RECORDS) > 100


@pytest.mark.parametrize(
    ("variant", "expected"),
    [
        (
            "as-shipped",
            [
                ("azurefunctions.agents.durable", "start_durable_task"),
                ("azurefunctions.agents.framework", "start_agent"),
            ],
        ),
        (
            "separate-namespaces",
            [
                ("azurefunctions_durable.agents.durable", "start_durable_task"),
                ("azurefunctions_framework.agents.framework", "start_agent"),
            ],
        ),
    ],
)
def test_the_probe_tries_exactly_the_consumers_imports(variant, expected, tmp_path):
    """The matrix probes the imports sample_project/main.py makes, as each variant patches them, and nothing else."""
    assert consumer_imports(copy_tree(tmp_path / "tree", variant)) == expected


def test_readme_matrix_is_rendered_from_matrix_json():
    """The README's matrix section is exactly what tests/matrix.json renders to (run `make matrix` if not)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme_section(readme) == render(RECORDS)


@pytest.mark.parametrize("variant", [v for v in VARIANTS if v != "as-shipped"])
def test_variant_patch_applies_cleanly_to_the_current_tree(variant):
    """Each solution is a patch in tests/fixes/ that applies to the tree as it is now."""
    check = apply_fix(variant, ROOT, check=True)
    assert (check.returncode, check.stderr) == (0, "")
