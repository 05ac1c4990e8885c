"""``make demo`` tells the story end to end, and says so when it does not hold."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from demo import verdict
from harness import CONSUMER_OUTPUT, DIAGNOSIS, ROOT, Result, hidden


def test_make_demo_shows_the_collision_then_the_fix():
    """``make demo`` runs the commands it prints: the ModuleNotFoundError as shipped, then both results after the PEP 420 fix, and exits 0."""
    env = {name: value for name, value in os.environ.items() if not name.startswith(("MAKE", "MFLAGS"))}
    demo = subprocess.run(
        ["make", "--no-print-directory", "demo"], cwd=ROOT, env=env, capture_output=True, text=True
    )
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
