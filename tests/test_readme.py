"""The READMEs, run as written: the set-up, the failure, the fix, the doctor; and their links and generated names."""

from __future__ import annotations

import re
import shlex
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from claims import claims
from conftest import COLLECTED, FULL, attach_log, tier_pythons
from harness import (
    DOCTOR_README,
    DURABLE,
    FRAMEWORK,
    README,
    READMES,
    ROOT,
    Log,
    Result,
    copy_tree,
    new_folder,
    scratch_env,
)
from interpreters import SUPPORTED, find_interpreter, missing_reason
from packaging.version import Version
from toolchain import bundled_wheel
from walkthrough import Shell, Step, blocks, commands, section, transcript

# Every console block of every README, in the order a reader meets them: (README, section). The
# walkthrough runs each in one scratch checkout, one after the other: the collision, the fix, the doctor.
HOW_TO_RUN = (README, "How to Run")
OPTION_2 = (README, "Option 2: Use Proper Namespace Packages (PEP 420)")
THE_DOCTOR = (README, "What the doctor says")
AFTER_THE_FIX = (DOCTOR_README, "After the fix")
IN_CI = (DOCTOR_README, "In CI")
TRANSCRIPTS = (HOW_TO_RUN, OPTION_2, THE_DOCTOR, AFTER_THE_FIX, IN_CI)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """The walkthrough runs with the interpreter running the tests (make test), or with each supported one (make check).

    One walkthrough serves every test of one interpreter: they share an xdist group, so one worker walks it once.
    """
    if "readme_python" in metafunc.fixturenames:
        metafunc.parametrize(
            "readme_python",
            [
                pytest.param(p, id=f"py{p}", marks=pytest.mark.xdist_group(f"readme-py{p}"))
                for p in tier_pythons(metafunc.config)
            ],
            scope="module",
        )


@dataclass
class Walkthrough:
    backend: Path
    python: str
    log: Log = field(default_factory=Log)
    setup: list[Result] = field(default_factory=list)
    # Each transcript's steps, and what each printed.
    transcripts: dict[tuple[Path, str], list[tuple[Step, Result]]] = field(default_factory=dict)
    picture: Result | None = None  # the doctor's --format mermaid, where How to Run leaves the reader


@pytest.fixture(scope="module")
def walked(readme_python: str):
    """A scratch checkout taken through the README, ``python`` being CPython ``readme_python``: Development Setup, How to Run, Option 2, the doctor.

    pip may use no index, and the only package source it is offered is a
    folder holding the build backend's wheel (setuptools, as virtualenv bundles
    it for that interpreter): anything else the README's commands needed would
    fail to install.
    """
    python = find_interpreter(readme_python)
    if python is None:
        pytest.skip(missing_reason(readme_python))
    workspace = new_folder("ns readme ")
    try:
        backend = workspace / "only the build backend"
        backend.mkdir()
        shutil.copy2(bundled_wheel("setuptools", readme_python), backend)
        walk = Walkthrough(backend, readme_python)
        checkout = copy_tree(workspace / "checkout")
        env = scratch_env(workspace)
        # pip splits PIP_FIND_LINKS on whitespace, so the folder goes as a URL.
        # PIP_NO_COMPILE only skips writing .pyc files (each isolated build
        # env would byte-compile all of setuptools): 1.5 s per install, same outcome.
        env.update(PIP_NO_INDEX="1", PIP_FIND_LINKS=backend.as_uri(), PIP_NO_COMPILE="1")
        shell = Shell(checkout, env, walk.log, python)
        for block in blocks(section("Development Setup"), "bash"):
            walk.setup += [shell(line) for line in commands(block)]
        for readme, title in TRANSCRIPTS:
            (block,) = blocks(section(title, readme=readme), "console")
            walk.transcripts[readme, title] = [(step, shell(step.command)) for step in transcript(block)]
            if (readme, title) == HOW_TO_RUN:
                walk.picture = shell("python -m sample_project.doctor --format mermaid")
        yield walk
    finally:
        shutil.rmtree(workspace, ignore_errors=True)


def mismatches(steps: list[tuple[Step, Result]]) -> list[str]:
    return [
        f"$ {step.command}\n--- README shows:\n" + "\n".join(step.expected) + f"\n--- got:\n{result.output}"
        for step, result in steps
        if not step.matches(result.output)
    ]


def test_development_setup_needs_nothing_but_the_build_backend(walked, request):
    """The README's Development Setup succeeds when pip is offered no index and nothing but the setuptools wheel: it never asks an index for the two unpublished names."""
    attach_log(request, walked.log)
    assert [path.name for path in walked.backend.iterdir()] == [
        bundled_wheel("setuptools", walked.python).name
    ]
    assert [result.returncode for result in walked.setup] == [0] * len(walked.setup)
    installed = [
        line.removeprefix("Successfully installed ")
        for result in walked.setup
        for line in result.output.splitlines()
        if line.startswith("Successfully installed ")
    ]
    assert installed == [f"{DURABLE}-0.1.0", f"{FRAMEWORK}-0.1.0", "sample-project-0.1.0"]


def test_how_to_run_fails_as_the_readme_shows(walked, request):
    """After the set-up, ``python sample_project/main.py`` in sample_project/ prints the README's traceback and exits 1."""
    attach_log(request, walked.log)
    steps = walked.transcripts[HOW_TO_RUN]
    assert [step.command for step, _ in steps][:2] == ["cd sample_project", "python sample_project/main.py"]
    assert mismatches(steps) == []


def test_option_2_fix_works_as_the_readme_shows(walked, request):
    """Applying the PEP 420 patch and reinstalling both makes the same command print both results, as the README shows."""
    attach_log(request, walked.log)
    steps = walked.transcripts[OPTION_2]
    assert "git apply tests/fixes/pep420.patch" in [step.command for step, _ in steps]
    assert mismatches(steps) == []


def test_doctor_example_is_what_the_doctor_prints_after_the_fix(walked, request):
    """After the Option 2 fix, ``python -m sample_project.doctor --quiet`` prints the healthy verdict line alone and exits 0 (the story's example, and In CI's), and without ``--quiet`` the report of the doctor's reference (After the fix)."""
    attach_log(request, walked.log)
    quiet = "python -m sample_project.doctor --quiet"
    assert [walked.transcripts[part][0][0].command for part in (THE_DOCTOR, AFTER_THE_FIX, IN_CI)] == [
        quiet,
        "python -m sample_project.doctor",
        quiet,
    ]
    steps = walked.transcripts[THE_DOCTOR] + walked.transcripts[AFTER_THE_FIX] + walked.transcripts[IN_CI]
    assert mismatches(steps) == []


def test_the_walkthrough_runs_every_console_block_of_every_readme():
    """Every ``console`` block of the three READMEs is one the walkthrough runs: one per section it names, none elsewhere."""
    found = sum(len(blocks(readme.read_text(encoding="utf-8"), "console")) for readme in READMES)
    assert [len(blocks(section(title, readme=readme), "console")) for readme, title in TRANSCRIPTS] == [
        1
    ] * len(TRANSCRIPTS)
    assert found == len(TRANSCRIPTS)


def test_the_readme_picture_is_what_the_doctor_draws_on_the_demo(walked, request):
    """The Mermaid picture in the doctor's reference is what ``python -m sample_project.doctor --format mermaid`` prints where How to Run leaves the reader, after main.py's ImportError (exit 1, the collision)."""
    attach_log(request, walked.log)
    (picture,) = blocks(section("How to read a report", readme=DOCTOR_README), "mermaid")
    assert walked.picture.returncode == 1
    assert walked.picture.output == picture, f"the doctor draws:\n{walked.picture.output}"


def test_readmes_name_only_tests_that_exist():
    """Every test a README names (the claims table names them all) exists in tests/."""
    cited = {
        name for readme in READMES for name in re.findall(r"`(test_\w+)`", readme.read_text(encoding="utf-8"))
    }
    defined = {
        name
        for module in (ROOT / "tests").glob("test_*.py")
        for name in re.findall(r"^def (test_\w+)\(", module.read_text(encoding="utf-8"), re.MULTILINE)
    }
    assert cited
    assert sorted(cited - defined) == []


def test_the_claims_table_names_the_tests_pytest_collects(request):
    """Where each claim is tested (tests/README.md, made from the tests' docstrings) names exactly the test functions pytest collected from each module it collected, none more, none fewer."""
    collected = request.config.stash[COLLECTED]
    modules = {module for module, _ in collected}
    listed = {(claim.module, claim.test) for claim in claims() if claim.module in modules}
    assert modules
    assert sorted(listed ^ collected) == []


def anchors(text: str) -> set[str]:
    """The anchors GitHub makes for a Markdown file's headings: lowercased, punctuation but - and _ dropped, spaces as -."""
    found = set()
    for heading in re.findall(r"^#{1,6} (.+)$", re.sub(r"^```.*?^```", "", text, flags=re.M | re.S), re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        found.add(slug)
    return found


def test_every_link_between_the_readmes_leads_somewhere():
    """Every relative link of the three READMEs names a file of the checkout and, with a #fragment, a heading of it."""
    broken = []
    for readme in READMES:
        text = readme.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"\w+://", target):
                continue
            path, _, fragment = target.partition("#")
            file = (readme.parent / path).resolve() if path else readme
            if not file.exists() or (fragment and fragment not in anchors(file.read_text(encoding="utf-8"))):
                broken.append(f"{readme.relative_to(ROOT)}: {target}")
    assert broken == []


@FULL  # three stdlib venvs and pip builds per interpreter: make check only
@pytest.mark.parametrize("version", SUPPORTED)
def test_a_new_venv_s_own_setuptools_cannot_build_these_projects(version, tmp_path, request):
    """`python -m venv` seeds a setuptools older than these projects need (77, for PEP 639's `license = "MIT"`) on 3.9 to 3.11 and none on 3.12 and later, so `pip install --no-build-isolation -e` fails on every supported Python until setuptools 77 or newer is installed; the Development Setup's build isolation never uses the venv's own."""
    python = find_interpreter(version)
    if python is None:
        pytest.skip(missing_reason(version))
    log = Log()
    attach_log(request, log)
    checkout = copy_tree(tmp_path / "checkout")
    run = Shell(checkout, scratch_env(tmp_path), log, python)
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    shutil.copy2(bundled_wheel("setuptools", version), wheels)
    venv = tmp_path / "venv" / "bin" / "python"
    seeded = "import importlib.metadata as m\ntry: print(m.version('setuptools'))\nexcept m.PackageNotFoundError: print('none')"
    install = [str(venv), "-m", "pip", "install", "--no-index", "--no-build-isolation", "-e", DURABLE]

    assert run(shlex.join(["python", "-m", "venv", str(tmp_path / "venv")])).returncode == 0
    own = run(shlex.join([str(venv), "-c", seeded])).output.strip()
    if Version(version) >= Version("3.12"):
        assert own == "none"
    else:
        assert Version(own) < Version("77")
    failed = run(shlex.join(install))
    # What pip shows, measured: no setuptools at all (3.12+); setuptools 65.5 (3.10, 3.11) rejects
    # PEP 639's license string; setuptools 58.1 (3.9) has no PEP 660 hook and falls back to a
    # bdist_wheel command it does not have without the wheel package.
    if own == "none":
        expected = "ModuleNotFoundError: No module named 'setuptools'"
    elif Version(own) < Version("61"):
        expected = "error: invalid command 'bdist_wheel'"
    else:
        expected = "configuration error: `project.license` must be valid exactly by one definition"
    assert failed.returncode != 0
    assert expected in failed.output
    setuptools = [
        str(venv),
        "-m",
        "pip",
        "install",
        "--no-index",
        "--find-links",
        str(wheels),
        "setuptools>=77",
    ]
    assert run(shlex.join(setuptools)).returncode == 0
    assert run(shlex.join(install)).returncode == 0
