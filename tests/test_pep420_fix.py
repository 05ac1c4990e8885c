"""The PEP 420 fix: delete the shared ``__init__.py`` files and every install mode works.

That every install mode works, with pip and uv, is the pep420 grid of the
compatibility matrix (test_matrix.py), where each cell runs the consumer, and
that the patch still applies is checked there too. Here: what the patch
changes, and the one trap on the way.
"""

from __future__ import annotations

import json
import shutil
import subprocess

from harness import (
    CONSUMER_OUTPUT,
    DIAGNOSIS,
    DISTRIBUTIONS,
    DURABLE,
    FRAMEWORK,
    ROOT,
    SHARED_INITS,
    apply_fix,
    exception_line,
    fix_patch,
    flat,
    help_commands,
    here,
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


def test_the_demo_s_help_pasted_in_two_steps_passes_a_stale_install_and_ends_healthy(make_scenario):
    """Applying the fix without reinstalling (the demo's help pasted up to its deletions) leaves setuptools' editable finders mapping regular packages that are gone: the consumer breaks, and the doctor says stale and to reinstall, not to delete more files, with the very commands the help goes on with; pasted, they end healthy.

    The demo's collision, both installed by ``pip install -e`` in a checkout whose path has spaces:
    main.py's report after the ImportError and the command's give the same verdict. After the help,
    no help and no note is left for editors (no second round, no loop)."""
    s = make_scenario()
    assert " " in str(s.workspace)
    assert s.install_both("editable", "editable") == [0, 0]
    consumer, collision = s.consumer(), s.doctor()
    assert consumer.output.split(f"\n{DIAGNOSIS}\n")[1].splitlines()[0] == collision.output.splitlines()[0]
    assert (collision.returncode, collision.output.split(":")[0]) == (1, "collision")
    deletions = [c for c in help_commands(collision.output) if c.startswith("rm -- ")]
    rest = help_commands(collision.output)[len(deletions) :]
    assert len(deletions) == len(SHARED_INITS), collision.output

    # The first step: what the patch does (tests/fixes/pep420.patch deletes these four files, no more).
    assert [r.returncode for r in s.follow_help(collision, deletions)] == [0] * len(deletions)
    assert all(not (s.src / init).exists() for init in SHARED_INITS)
    run, stale = s.consumer(), s.doctor()
    assert exception_line(run.output) == "ModuleNotFoundError: No module named 'azurefunctions'"
    assert (stale.returncode, stale.output.split(":")[0]) == (1, "stale")
    python = here(s, s.venv.python)
    for dist in DISTRIBUTIONS:
        folder = here(s, s.project(dist) / "azurefunctions")
        assert (
            f"is stale: azurefunctions: recorded as a regular package, but {folder} has no __init__.py now"
            in flat(stale.output)
        )
        assert f"\n    {python} -m pip install -e {here(s, s.project(dist))}\n" in stale.output
    assert help_commands(stale.output) == rest
    as_json = json.loads(s.doctor("--json").output)
    assert (as_json["verdict"], as_json["causes"][-1]) == ("stale", "stale-finder")
    assert {entry["distribution"] for entry in as_json["stale_finders"]} == set(DISTRIBUTIONS)

    # The second step: both reinstalled (then again without the import hook, for editors).
    assert [r.returncode for r in s.follow_help(stale)] == [0] * len(rest), s.log
    assert s.consumer().output == CONSUMER_OUTPUT
    after = s.doctor()
    assert (after.returncode, after.output.splitlines()[0]) == (
        0,
        "healthy: every folder of every shared name is searched",
    ), after.output
    # Nothing left to act on, for Python or for editors: no help, and no note but where the doctor looked.
    left = [line for line in after.output.splitlines() if line.startswith(("help", "note:"))]
    assert [line.split(" of ")[0] for line in left] == ["note: diagnosed the import path"], after.output


def test_a_stale_build_folder_puts_the_deleted_init_back_and_the_doctor_names_it(make_scenario):
    """Both projects built before the fix keep build/lib, so the wheels rebuilt after it still ship azurefunctions/__init__.py (setuptools issue 1871), until build/ is deleted: the doctor blames each stale build/ once (not the distributions for shipping the same file, nor the venvs inside a project), and pasting its help ends healthy."""
    s = make_scenario()
    assert s.install_both("regular", "regular") == [0, 0]  # building writes build/lib into each project
    apply_fix("pep420", s.src)
    assert s.install_both("regular", "regular") == [0, 0]
    shared = s.venv.site_packages / "azurefunctions" / "__init__.py"
    assert f'SHIPPED_BY = "{FRAMEWORK}"' in shared.read_text(), "the deleted file came back from build/lib"
    # Venvs inside a project (hidden or not) hold installed copies of that file: they are not its source.
    for venv in (".venv", "env"):
        copy = (
            s.project(DURABLE) / venv / "lib" / "python3" / "site-packages" / "azurefunctions" / "__init__.py"
        )
        copy.parent.mkdir(parents=True)
        shutil.copy2(shared, copy)
        (s.project(DURABLE) / venv / "pyvenv.cfg").write_text("home = /usr/bin\n")

    # The doctor names the trap and its fix, not the generic PEP 420 advice; its paths are shown
    # relative to the folder it ran in.
    report = s.doctor()
    assert report.returncode == 1
    assert report.output.startswith("stale: ")
    for dist in DISTRIBUTIONS:
        build = s.project(dist) / "build"
        assert report.output.count(f"\n    rm -r -- {here(s, build)}\n") == 1
        assert (
            f"installed by {dist} from {here(s, s.project(dist))}, which no longer has it:"
            f" setuptools put it back from the stale {here(s, build)}"
        ) in flat(report.output)
        assert f"help: delete the stale build/ folder of {dist}'s project, then reinstall it" in report.output
    assert "stop shipping the same file" not in report.output
    as_json = json.loads(s.doctor("--json").output)
    assert (as_json["verdict"], as_json["causes"], as_json["overwritten"]) == ("stale", ["stale-build"], [])
    assert len(as_json["stale_builds"]) == 4

    # Pasted as printed: each build/ folder goes and its project is reinstalled, leaving the deleted
    # file out; then healthy.
    pasted = s.follow_help(report)
    assert [(r.cmd[:3], r.returncode) for r in pasted] == [
        (["rm", "-r", "--"], 0),
        ([here(s, s.venv.python), "-m", "pip"], 0),
    ] * 2
    assert not shared.exists()
    assert s.doctor().returncode == 0


def test_a_fresh_install_from_a_package_dir_layout_is_not_a_stale_build(make_scenario):
    """A project whose packages live in lib/ (package-dir), installed once: its build/lib is no trap."""
    s = make_scenario()
    project = s.workspace / "lib layout"
    (project / "lib" / "libpkg").mkdir(parents=True)
    (project / "lib" / "libpkg" / "__init__.py").write_text("")
    (project / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n'
        '[project]\nname = "lib-layout"\nversion = "1.0"\n[tool.setuptools]\npackage-dir = {"" = "lib"}\n'
    )
    assert s.venv.execute([*s.installer_command("pip"), project]).returncode == 0
    assert (project / "build" / "lib" / "libpkg" / "__init__.py").is_file()

    report = s.doctor("libpkg")
    assert report.returncode == 0
    assert "stale" not in report.output
