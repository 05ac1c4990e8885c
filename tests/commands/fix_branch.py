"""``make fix-branch``: a local branch ``pep420-fix`` = HEAD + tests/fixes/pep420.patch, one commit.

The commit is built with git's plumbing in a throwaway index, from HEAD's own
copy of the patch: the working tree and the real index are never read or
written, so uncommitted work can be neither lost nor mixed in. It refuses
(exit 1, one clear sentence) when the branch exists already, when the patch
has uncommitted changes (which copy was meant?), or outside a git checkout.
Standard library only: it needs no tool venv.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping

BRANCH = "pep420-fix"
PATCH = "tests/fixes/pep420.patch"
MESSAGE = """Apply the PEP 420 fix: delete the shared __init__.py files

Both distributions stop shipping azurefunctions/__init__.py and
azurefunctions/agents/__init__.py, so both levels become namespace
packages and each distribution contributes its own subpackage.

Made by `make fix-branch` from tests/fixes/pep420.patch.
"""


class Refused(Exception):
    """A reason to stop before anything was written."""


def git(*args: str, env: Mapping[str, str] | None = None, stdin: str | None = None) -> str:
    done = subprocess.run(
        ["git", *args], capture_output=True, text=True, env=None if env is None else dict(env), input=stdin
    )
    if done.returncode:
        raise Refused(f"`git {' '.join(args)}` failed: {done.stderr.strip() or done.stdout.strip()}")
    return done.stdout.strip()


def create() -> str:
    """Create the branch; return the new commit's id."""
    try:
        git("rev-parse", "--is-inside-work-tree")
    except Refused:
        raise Refused(
            "not inside a git checkout: run `make fix-branch` from a clone of this repository"
        ) from None
    if subprocess.run(["git", "rev-parse", "--verify", "--quiet", "HEAD"], capture_output=True).returncode:
        raise Refused("this repository has no commit yet, so there is nothing to branch from")
    if not subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", f"refs/heads/{BRANCH}"], capture_output=True
    ).returncode:
        raise Refused(
            f"branch {BRANCH!r} exists already; delete it first (git branch -D {BRANCH}) to make it again"
        )
    if git("status", "--porcelain", "--", PATCH):
        raise Refused(
            f"{PATCH} has uncommitted changes; commit or stash them, so the branch holds the patch you mean"
        )
    patch = git("show", f"HEAD:{PATCH}") + "\n"
    with tempfile.TemporaryDirectory() as scratch:
        env = {**os.environ, "GIT_INDEX_FILE": os.path.join(scratch, "index")}
        git("read-tree", "HEAD", env=env)
        git("apply", "--cached", "-", env=env, stdin=patch)
        tree = git("write-tree", env=env)
    commit = git("commit-tree", tree, "-p", "HEAD", "-F", "-", stdin=MESSAGE)
    git("branch", BRANCH, commit)
    return commit


def main() -> int:
    try:
        commit = create()
    except Refused as reason:
        print(f"make fix-branch: {reason}", file=sys.stderr)
        return 1
    print(
        f"Created branch {BRANCH} at {commit[:12]}: HEAD plus {PATCH}, as one commit.\n"
        f"Your working tree and index are as they were. Try it: git switch {BRANCH}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
