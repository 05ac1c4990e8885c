"""``make demo`` tells the story end to end, and says so when it does not hold."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from demo import ran_on, show, verdict
from harness import CONSUMER_OUTPUT, DIAGNOSIS, ROOT, Result, hidden, run_make


def test_make_demo_shows_the_collision_then_the_fix():
    """``make demo`` runs the commands it prints: the ModuleNotFoundError as shipped, then both results after the PEP 420 fix, and exits 0."""
    # PYTHON: the tool venv's own Python, so make uses this very tool venv (.venv/3.X).
    demo = run_make("demo", sys.executable)
    lines = [line.strip() for line in demo.stdout.splitlines()]

    assert (demo.returncode, demo.stderr) == (0, ""), demo.stdout
    failure = lines.index(hidden("framework"))
    fix = lines.index("$ git apply tests/fixes/pep420.patch", failure)
    collision = lines[failure:fix]
    assert collision.index(DIAGNOSIS) < collision.index("[exit 1]"), (
        "the doctor's diagnosis follows the traceback"
    )
    success = lines.index("durable task 'demo' started", failure)
    assert lines[success : success + 3] == [*CONSUMER_OUTPUT.splitlines(), "[exit 0]"]
    assert lines[-1].startswith("As documented:")
    # What it ran on comes first, after make's echo of the command.
    assert lines[1].startswith("make demo runs on the "), lines[:2]


def _result(returncode: int, output: str) -> Result:
    return Result(["python", "sample_project/main.py"], Path("sample_project"), returncode, output)


def test_demo_verdict_fails_when_either_half_differs_from_the_readme():
    """The demo's verdict is empty only when the collision fails as documented and the fix prints both results."""
    collision = _result(1, f"Traceback (most recent call last):\n{hidden('framework')}\n")
    fixed = _result(0, CONSUMER_OUTPUT)

    assert verdict(collision, fixed) == []
    assert len(verdict(_result(0, CONSUMER_OUTPUT), fixed)) == 1
    assert len(verdict(_result(1, f"{hidden('durable')}\n"), fixed)) == 1
    assert len(verdict(collision, _result(1, f"{hidden('framework')}\n"))) == 1


def test_demo_shows_a_failing_command_s_whole_output(capsys):
    """A command that succeeds shows its last line (pip's summary); one that fails shows every line it printed, so the reason is on screen."""
    src = Path("/scratch/checkout")
    install = [
        "/venv/bin/python",
        "-m",
        "pip",
        "install",
        "--editable",
        f"{src}/azure-functions-agent-durable",
    ]
    output = (
        "Obtaining file:///...\nERROR: No module named 'setuptools'\nerror: subprocess-exited-with-error\n"
    )

    show(Result(install, src, 0, output), src, "/venv/bin/python")
    show(Result(install, src, 1, output), src, "/venv/bin/python")

    shown = capsys.readouterr().out.splitlines()
    command = "$ python -m pip install --editable azure-functions-agent-durable"
    assert shown == [
        command,
        "  error: subprocess-exited-with-error",
        "  [exit 0]",
        command,
        "  Obtaining file:///...",
        "  ERROR: No module named 'setuptools'",
        "  error: subprocess-exited-with-error",
        "  [exit 1]",
    ]


def test_demo_says_when_the_working_tree_differs_from_the_last_commit(tmp_path):
    """In a clean clone the demo says it runs on the last commit; after Option 2 applied by hand it names the changed files, before its verdict."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=clone, capture_output=True, text=True)

    assert (
        ran_on(clone) == f"the last commit, {head.stdout.strip()} (the working tree does not differ from it)"
    )
    subprocess.run(["git", "apply", "tests/fixes/pep420.patch"], cwd=clone, check=True)
    said = ran_on(clone)
    assert said.startswith(
        f"the working tree, which differs from the last commit ({head.stdout.strip()}) in 4 files: "
    )
    assert "azure-functions-agent-durable/azurefunctions/__init__.py" in said
    assert ran_on(tmp_path) == "a folder that is not a git checkout: the demo runs on its files as they are"
