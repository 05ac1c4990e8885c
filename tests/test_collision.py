"""As shipped, the two distributions break each other: how, and in which install modes."""

from __future__ import annotations

import pytest
from harness import CONSUMER_OUTPUT, DIAGNOSIS, DURABLE, FRAMEWORK, exception_line, hidden, load_doctor


def test_editable_installs_hide_the_second_subpackage(make_scenario):
    """With both installed by ``pip install -e``, durable's regular azurefunctions wins and framework's is not found."""
    s = make_scenario()
    run = s.consumer_after("editable", "editable")

    assert run.returncode == 1
    assert exception_line(run.output) == hidden("framework")
    diagnosis = run.output.split(DIAGNOSIS)[1]
    durable, framework = (s.project(dist) / "azurefunctions" / "agents" for dist in (DURABLE, FRAMEWORK))
    assert f"Python imports {durable}: " in diagnosis
    assert f"[hidden] {framework}\n" in diagnosis
    assert f"owner: {DURABLE} (editable)" in diagnosis
    winner = s.python("import azurefunctions.agents as a; print(a.__file__); print(a.SHIPPED_BY)")
    assert winner.output.splitlines() == [
        str(s.project(DURABLE) / "azurefunctions" / "agents" / "__init__.py"),
        DURABLE,
    ]
    # setuptools' editable finders map the top-level name only, the same name twice.
    assert [
        load_doctor().read_finder(path).mapping
        for path in sorted(s.venv.site_packages.glob("__editable___*_finder.py"))
    ] == [{"azurefunctions": str(s.project(dist) / "azurefunctions")} for dist in (DURABLE, FRAMEWORK)]


def test_regular_installs_import_both_but_silently_overwrite_the_shared_init(make_scenario):
    """A regular ``pip install`` of both merges them into one folder: both import, and the last one's ``__init__.py`` replaced the first's without a word."""
    s = make_scenario()
    run = s.consumer_after("regular", "regular")

    assert (run.returncode, run.output) == (0, CONSUMER_OUTPUT)
    shared = s.venv.site_packages / "azurefunctions" / "agents" / "__init__.py"
    assert f'SHIPPED_BY = "{FRAMEWORK}"' in shared.read_text()
    second_install = s.log.results[1].output  # durable, framework, then the consumer
    assert second_install.splitlines()[-1] == f"Successfully installed {FRAMEWORK}-0.1.0"
    assert "warning" not in second_install.lower()
    winner = s.python("import azurefunctions.agents as a; print(a.SHIPPED_BY)")
    assert winner.output == f"{FRAMEWORK}\n"
    claimed_by = [
        record.parent.name
        for record in sorted(s.venv.site_packages.glob("*.dist-info/RECORD"))
        if "azurefunctions/agents/__init__.py," in record.read_text()
    ]
    assert claimed_by == [
        "azure_functions_agent_durable-0.1.0.dist-info",
        "azure_functions_agent_framework-0.1.0.dist-info",
    ]


def test_target_folders_on_pythonpath_hide_the_second_subpackage(make_scenario):
    """Installed with ``pip install --target`` into two folders on PYTHONPATH (Azure Functions' ``.python_packages``), the first folder's regular package hides the second's subpackage."""
    run = make_scenario().consumer_after("target", "target")

    assert run.returncode == 1
    assert exception_line(run.output) == hidden("framework")


@pytest.mark.parametrize(
    ("first", "second", "hidden_subpackage"),
    [("regular", "editable", "framework"), ("editable", "regular", "durable")],
    ids=["regular+editable", "editable+regular"],
)
def test_mixed_installs_hide_the_editable_subpackage(make_scenario, first, second, hidden_subpackage):
    """With one regular and one editable install, the regular copy in site-packages wins whichever came first, and the editable distribution's subpackage is hidden."""
    s = make_scenario()
    run = s.consumer_after(first, second)

    assert run.returncode == 1
    assert exception_line(run.output) == hidden(hidden_subpackage)
    winner = s.python("import azurefunctions.agents as a; print(a.__file__)")
    assert winner.output == f"{s.venv.site_packages / 'azurefunctions' / 'agents' / '__init__.py'}\n"
