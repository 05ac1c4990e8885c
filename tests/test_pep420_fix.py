"""The PEP 420 fix: delete the shared ``__init__.py`` files and every install mode works.

That every install mode works, with pip and uv, is the pep420 grid of the
compatibility matrix (test_matrix.py), where each cell runs the consumer, and
that the patch still applies is checked there too. Here: what the patch
changes, and the one trap on the way.
"""

from __future__ import annotations

import shutil
import subprocess

from harness import (
    CONSUMER_OUTPUT,
    DISTRIBUTIONS,
    DURABLE,
    ROOT,
    SHARED_INITS,
    apply_fix,
    exception_line,
    fix_patch,
)


def test_pep420_patch_only_deletes_the_shared_init_files():
    """The fix is nothing but deleting the four shared ``__init__.py`` files: no other file changes."""
    summary = subprocess.run(
        ["git", "apply", "--numstat", "--summary", str(fix_patch("pep420"))],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout.splitlines()
    numstat = [line.split("\t") for line in summary if "\t" in line]
    modes = sorted(line.strip() for line in summary if "\t" not in line)

    assert sorted(path for _, _, path in numstat) == sorted(SHARED_INITS)
    assert {added for added, _, _ in numstat} == {"0"}
    assert modes == sorted(f"delete mode 100644 {path}" for path in SHARED_INITS)


def test_a_stale_build_folder_puts_the_deleted_init_back(make_scenario):
    """A project folder that was built before the fix keeps build/lib: the wheel rebuilt after the fix still ships azurefunctions/__init__.py (setuptools issue 1871), until build/ is deleted."""
    s = make_scenario()
    assert s.install(DURABLE, "regular").returncode == 0  # building writes build/lib into the project folder
    apply_fix("pep420", s.src)
    shared = s.venv.site_packages / "azurefunctions" / "__init__.py"

    assert s.install(DURABLE, "regular").returncode == 0
    assert f'SHIPPED_BY = "{DURABLE}"' in shared.read_text(), "the deleted file came back from build/lib"
    # The namespace doctor names the trap and its fix, not the generic PEP 420 advice.
    build = s.project(DURABLE) / "build"
    report = s.doctor()
    assert report.returncode == 1
    assert (
        f"{shared}: installed by {DURABLE} from {s.project(DURABLE)}, which no longer has it:"
        f" setuptools put it back from the stale {build}"
    ) in report.output
    assert f"FIX: delete {build}, then reinstall {DURABLE}.\n" in report.output

    shutil.rmtree(build)
    assert s.install(DURABLE, "regular").returncode == 0
    assert not shared.exists()
    assert s.doctor().returncode == 0


def test_an_editable_install_from_before_the_fix_is_named_stale(make_scenario):
    """Applying the fix without reinstalling leaves setuptools' editable finders mapping regular packages that are gone: the consumer breaks, and the doctor says to reinstall, not to delete more files."""
    s = make_scenario()
    assert s.install_both("editable", "editable") == [0, 0]
    apply_fix("pep420", s.src)

    run = s.consumer()
    report = s.doctor()
    assert exception_line(run.output) == "ModuleNotFoundError: No module named 'azurefunctions'"
    assert report.returncode == 1
    for dist in DISTRIBUTIONS:
        folder = s.project(dist) / "azurefunctions"
        assert (
            f"is stale: azurefunctions: recorded as a regular package, but {folder} has no __init__.py now"
            in report.output
        )
        assert f"FIX: reinstall {dist}: pip install -e {s.project(dist)}\n" in report.output

    assert s.install_both("editable", "editable") == [0, 0]
    assert s.consumer().output == CONSUMER_OUTPUT
    assert s.doctor().returncode == 0
