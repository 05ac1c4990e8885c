"""``make demo``: the collision, then the PEP 420 fix, each in a scratch copy and a fresh venv.

Prints every command it runs (paths shown relative to the scratch checkout)
and exits 0 only when both halves behave as the README documents: as shipped,
the consumer fails with the framework's subpackage hidden; after the fix, it
prints both results. The scratch copies are of the working tree as it is: where
that differs from the last commit (say, Option 2 applied by hand), it says so
first, and again beside a verdict that does not hold.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "lib"))  # tests/lib: the harness

from harness import (
    CONSUMER_OUTPUT,
    DISTRIBUTIONS,
    PROJECTS,
    ROOT,
    Result,
    exception_line,
    fix_patch,
    hidden,
    render,
    scenario,
)


def ran_on(root: Path = ROOT) -> str:
    """What the demo copies, in words: the last commit, or how the working tree differs from it."""
    copied = [*PROJECTS, "tests/fixes"]
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True)
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all", "--", *copied],
        cwd=root,
        capture_output=True,
        text=True,
    )
    if head.returncode or status.returncode:
        return "a folder that is not a git checkout: the demo runs on its files as they are"
    changed = [line[3:] for line in status.stdout.splitlines()]
    if not changed:
        return f"the last commit, {head.stdout.strip()} (the working tree does not differ from it)"
    listed = ", ".join(changed[:5]) + (f" and {len(changed) - 5} more" if len(changed) > 5 else "")
    return (
        f"the working tree, which differs from the last commit ({head.stdout.strip()}) in {len(changed)}"
        f" file{'s' if len(changed) > 1 else ''}: {listed}"
    )


def show(result: Result, src: Path, python: str, full: bool = False) -> None:
    """Print a command as a reader would type it (paths relative to the checkout ``src``, ``python`` as python) and its output: all of it if asked or if the command failed, else the last line (pip's summary)."""
    shown = render("python" if part == python else part.removeprefix(f"{src}/") for part in result.cmd)
    where = "" if result.cwd == src else f"cd {result.cwd.relative_to(src)} && "
    print(f"$ {where}{shown}")
    lines = result.output.rstrip().splitlines()
    for line in lines if full or result.returncode else lines[-1:]:
        print(f"  {line}")
    print(f"  [exit {result.returncode}]")


def walk(title: str, fix: bool) -> Result:
    """One half of the demo; returns the consumer's run."""
    print(f"\n== {title}")
    with scenario() as s:
        print(f"   scratch checkout: {s.src}\n   fresh venv: {s.venv.virtualenv}\n")
        if fix:
            patch = fix_patch("pep420").relative_to(fix_patch("pep420").parents[2])
            show(
                s.venv.execute(["git", "apply", str(patch)], cwd=s.src), s.src, str(s.venv.python), full=True
            )
        for dist in DISTRIBUTIONS:
            show(s.install(dist, "editable"), s.src, str(s.venv.python))
        run = s.consumer()
        show(run, s.src, str(s.venv.python), full=True)
        return run


def verdict(collision: Result, fixed: Result) -> list[str]:
    """What differs from the README's account (nothing, when the demo passes)."""
    problems = []
    if collision.returncode == 0 or exception_line(collision.output) != hidden("framework"):
        problems.append(f"as shipped, the consumer should fail with {hidden('framework')!r}")
    if (fixed.returncode, fixed.output) != (0, CONSUMER_OUTPUT):
        problems.append(f"after the PEP 420 fix, the consumer should print {CONSUMER_OUTPUT!r} and exit 0")
    return problems


def main() -> int:
    source = ran_on()
    print(f"make demo runs on {source}")
    collision = walk(
        "1. As shipped: both distributions carry a regular azurefunctions/agents/__init__.py", fix=False
    )
    fixed = walk(
        "2. The PEP 420 fix: delete the four shared __init__.py files, then the same steps", fix=True
    )
    problems = verdict(collision, fixed)
    print()
    if problems:
        print(
            "make demo: NOT as documented:\n"
            + "\n".join(f"  - {problem}" for problem in problems)
            + f"\n  (it ran on {source})",
            file=sys.stderr,
        )
        return 1
    print("As documented: the collision hides azurefunctions.agents.framework; with PEP 420 both import.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
