"""``make fix-branch`` makes the PEP 420 branch without touching uncommitted work."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from harness import ROOT, SHARED_INITS

SCRIPT = ROOT / "tests" / "commands" / "fix_branch.py"
IDENTITY = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.invalid",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.invalid",
}


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, capture_output=True, text=True, check=True, env={**os.environ, **IDENTITY}
    ).stdout


def fix_branch(repo: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT)],
        cwd=repo,
        capture_output=True,
        text=True,
        env={**os.environ, **IDENTITY},
    )


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    """A clone of this repository's HEAD, in a path with a space."""
    repo = tmp_path / "a clone"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(repo)], check=True)
    return repo


def test_fix_branch_creates_one_commit_deleting_the_shared_init_files(clone):
    """The branch pep420-fix is HEAD plus one commit, which deletes exactly the four shared ``__init__.py`` files."""
    made = fix_branch(clone)

    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith("Created branch pep420-fix at ")
    assert git(clone, "rev-list", "--count", "HEAD..pep420-fix") == "1\n"
    assert git(clone, "diff", "--name-status", "HEAD", "pep420-fix").splitlines() == [
        f"D\t{path}" for path in sorted(SHARED_INITS)
    ]


def test_fix_branch_leaves_uncommitted_work_alone(clone):
    """Unstaged, staged and untracked changes stay exactly as they were, and none of them is in the branch."""
    (clone / "README.md").write_text("my unstaged edit\n")
    (clone / "staged.txt").write_text("my staged file\n")
    git(clone, "add", "staged.txt")
    (clone / "untracked.txt").write_text("my untracked file\n")
    status = git(clone, "status", "--porcelain")

    made = fix_branch(clone)

    assert made.returncode == 0, made.stderr
    assert git(clone, "status", "--porcelain") == status
    assert (clone / "README.md").read_text() == "my unstaged edit\n"
    assert git(clone, "diff", "--cached", "--name-only") == "staged.txt\n"
    assert all((clone / path).exists() for path in SHARED_INITS)
    assert git(clone, "diff", "--name-only", "HEAD", "pep420-fix").splitlines() == sorted(SHARED_INITS)


def test_fix_branch_refuses_when_the_branch_exists(clone):
    """A second run refuses with a clear message and leaves the existing branch where it was."""
    assert fix_branch(clone).returncode == 0
    before = git(clone, "rev-parse", "pep420-fix")

    again = fix_branch(clone)

    assert (again.returncode, again.stdout) == (1, "")
    assert again.stderr == (
        "make fix-branch: branch 'pep420-fix' exists already; "
        "delete it first (git branch -D pep420-fix) to make it again\n"
    )
    assert git(clone, "rev-parse", "pep420-fix") == before


def test_fix_branch_refuses_an_uncommitted_patch(clone):
    """With local edits to tests/fixes/pep420.patch it refuses rather than guess which copy is meant."""
    patch = clone / "tests" / "fixes" / "pep420.patch"
    patch.write_text(patch.read_text() + "\n")

    refused = fix_branch(clone)

    assert refused.returncode == 1
    assert refused.stderr.startswith("make fix-branch: tests/fixes/pep420.patch has uncommitted changes")
    assert git(clone, "branch", "--list", "pep420-fix") == ""


def test_fix_branch_outside_a_checkout_says_so(tmp_path):
    """Outside a git checkout it prints one sentence, not a traceback, and exits 1."""
    refused = fix_branch(tmp_path)

    assert refused.returncode == 1
    assert refused.stderr.startswith("make fix-branch: not inside a git checkout")
    assert "Traceback" not in refused.stderr
