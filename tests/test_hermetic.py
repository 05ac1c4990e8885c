"""Scenarios are hermetic: nothing of the caller's environment gets in, nothing of theirs gets out."""

from __future__ import annotations

import os
from pathlib import Path

from harness import DURABLE, PROJECTS, ROOT, exception_line, hermetic_env, hidden


def snapshot(root: Path) -> dict[str, int]:
    """Every file under the three project folders, with its modification time."""
    return {
        str(path.relative_to(root)): path.stat().st_mtime_ns
        for project in PROJECTS
        for path in sorted((root / project).rglob("*"))
    }


def test_hermetic_env_drops_pip_uv_python_and_virtualenv_settings():
    """A scenario's environment keeps PATH and HOME but none of the caller's PIP_*, UV_*, PYTHON* or VIRTUALENV_* settings."""
    caller = {
        "PATH": "/usr/bin",
        "HOME": "/home/someone",
        "PIP_INDEX_URL": "https://example.invalid/simple",
        "PIP_CONFIG_FILE": "/home/someone/pip.conf",
        "UV_INDEX_URL": "https://example.invalid/simple",
        "PYTHONPATH": "/somewhere",
        "PYTHONHOME": "/elsewhere",
        "VIRTUALENV_SEEDER": "pip",
        "VIRTUAL_ENV": "/home/someone/venv",
    }
    env = hermetic_env(caller)
    assert {name: env[name] for name in ("PATH", "HOME")} == {"PATH": "/usr/bin", "HOME": "/home/someone"}
    assert env["PIP_CONFIG_FILE"] == os.devnull
    assert not {
        "PIP_INDEX_URL",
        "UV_INDEX_URL",
        "PYTHONPATH",
        "PYTHONHOME",
        "VIRTUALENV_SEEDER",
        "VIRTUAL_ENV",
    } & set(env)


def test_inherited_pythonpath_and_pip_settings_do_not_change_a_scenario(make_scenario, tmp_path):
    """A PYTHONPATH holding a complete fake azurefunctions, PIP_TARGET, PIP_CONSTRAINT and pip config files all leave the collision as it is."""
    fake = tmp_path / "fake"
    for sub in ("durable", "framework"):
        package = fake / "azurefunctions" / "agents" / sub
        package.mkdir(parents=True)
        function = "start_durable_task" if sub == "durable" else "start_agent"
        (package / "__init__.py").write_text(f"def {function}():\n    return 'leaked from PYTHONPATH'\n")
    for folder in (fake / "azurefunctions", fake / "azurefunctions" / "agents"):
        (folder / "__init__.py").write_text("")
    constraints = tmp_path / "constraints.txt"
    constraints.write_text("azure-functions-agent-durable==9.9\n")
    caller = {
        **os.environ,
        "PYTHONPATH": str(fake),
        "PIP_TARGET": str(tmp_path / "pip-target"),
        "PIP_CONSTRAINT": str(constraints),
    }
    s = make_scenario(env=caller)

    run = s.consumer_after("editable", "editable")
    config = s.venv.execute([s.venv.python, "-m", "pip", "config", "list"])

    assert (run.returncode, exception_line(run.output)) == (1, hidden("framework"))
    assert not (tmp_path / "pip-target").exists()
    # Only the scenario's own settings: no configuration file was read.
    assert config.returncode == 0
    assert config.output.splitlines() == [
        f":env:.config-file='{os.devnull}'",
        ":env:.disable-pip-version-check='1'",
        ":env:.no-input='1'",
    ]


def test_scenarios_never_write_into_the_checkout(make_scenario):
    """Building a project writes *.egg-info and build/ into its folder, so scenarios install from a scratch copy whose path has a space: the checkout is untouched."""
    before = snapshot(ROOT)
    s = make_scenario()
    assert " " in str(s.src)

    assert s.install(DURABLE, "regular").returncode == 0

    written = set(snapshot(s.src)) - set(before)
    assert f"{DURABLE}/build" in written, "the copy shows what building writes"
    assert snapshot(ROOT) == before


def test_what_the_tools_leave_in_tmp_goes_with_the_scenario(make_scenario, tmp_path):
    """pip and uv get a TMPDIR inside the scenario: uv's uv-setuptools-*.lock files never reach the caller's temporary folder."""
    caller_tmp = tmp_path / "caller tmp"
    caller_tmp.mkdir()
    s = make_scenario(env={**os.environ, "TMPDIR": str(caller_tmp)})

    assert s.install(DURABLE, "editable", "uv").returncode == 0

    assert list((s.workspace / "tmp").glob("uv-setuptools-*.lock")), "uv leaves a lock file per build"
    assert list(caller_tmp.iterdir()) == []
