"""The scenario harness shared by the tests and ``make demo``.

A scenario is: a scratch copy of the three package folders (optionally with a
fix applied), a fresh virtual environment built by pytest-virtualenv, a few
installs, and the consumer run. Everything happens under one temporary folder
whose name contains a space, so every scenario also proves that a checkout path
with spaces works. Every command is an argument list, and every command and its
output is kept in a log that failure messages carry.
"""

from __future__ import annotations

import ast
import atexit
import compileall
import functools
import importlib.util
import json
import logging
import os
import resource
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from interpreters import find_interpreter, missing_reason, version_of
from pytest_shutil.workspace import Workspace
from pytest_virtualenv import VirtualEnv

ROOT = Path(__file__).resolve().parents[2]
FIXES = ROOT / "tests" / "fixes"
PROBE = ROOT / "tests" / "lib" / "probe.py"
README = ROOT / "README.md"  # the story
TESTS_README = ROOT / "tests" / "README.md"  # the tests and the compatibility matrix
DOCTOR_README = ROOT / "sample_project" / "README.md"  # the namespace doctor's reference
READMES = (README, TESTS_README, DOCTOR_README)
DURABLE = "azure-functions-agent-durable"
FRAMEWORK = "azure-functions-agent-framework"
CONSUMER = "sample_project"
DISTRIBUTIONS = (DURABLE, FRAMEWORK)
PROJECTS = (*DISTRIBUTIONS, CONSUMER)
# The files the PEP 420 fix deletes: the regular packages both distributions ship.
SHARED_INITS = tuple(
    f"{dist}/azurefunctions/{sub}__init__.py" for dist in DISTRIBUTIONS for sub in ("", "agents/")
)
# What the consumer prints when both imports work.
CONSUMER_OUTPUT = "durable task 'demo' started\nagent 'demo' started\n"


# What sample_project/main.py prints on stderr between the traceback and the doctor's report.
DIAGNOSIS = (
    "The namespace doctor, called by main.py (python -m sample_project.doctor gives the same verdict):"
)


def exception_line(output: str) -> str:
    """The traceback's last line: the exception text, before the doctor's diagnosis."""
    lines = output.split(f"\n{DIAGNOSIS}\n")[0].rstrip().splitlines()
    return lines[-1] if lines else ""


def hidden(subpackage: str) -> str:
    """The last line of the traceback when ``azurefunctions.agents.SUBPACKAGE`` is hidden."""
    return f"ModuleNotFoundError: No module named 'azurefunctions.agents.{subpackage}'"


# What building or installing writes into a project folder; never copied (a stale
# build/lib even puts deleted files back into new wheels: setuptools issue 1871).
BUILD_LITTER = shutil.ignore_patterns("*.egg-info", "build", "dist", "__pycache__", "*.pyc")

# pytest-shutil logs a failed command's output at ERROR level; our Log has it already.
# Not emitted at all, so pytest's captured log does not repeat it in a failure's report
# (pytest captures loggers that do not propagate, too).
logging.getLogger("pytest_shutil.workspace").setLevel(logging.CRITICAL)

# Environment variables that would change what pip, uv, virtualenv or Python do.
_LEAKY_PREFIXES = (
    "PIP_",
    "UV_",
    "PYTHON",
    "VIRTUALENV_",
    "CONDA_",
    # what the build backends read: HATCH_BUILD_*, PDM_BUILD_*, SETUPTOOLS_USE_DISTUTILS, ...
    "HATCH_",
    "PDM_",
    "SETUPTOOLS_",
    "FLIT_",
    "POETRY_",
)
_LEAKY_NAMES = ("VIRTUAL_ENV", "__PYVENV_LAUNCHER__")


def app_data_dir() -> Path:
    """Where virtualenv keeps its unpacked seed wheels, shared by every test venv.

    With ``--symlink-app-data`` each venv links pip and setuptools from here, so
    their bytecode is compiled once per machine instead of once per venv. It
    lives inside the tool venv that ``make`` creates, so nothing lands in the
    checkout or the user's home.
    """
    return Path(sys.prefix, "virtualenv-app-data")


def hermetic_env(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment every scenario starts from: ``base`` without leaks.

    Drops every ``PIP_*``, ``UV_*``, ``PYTHON*`` and ``VIRTUALENV_*`` variable
    (and the build backends' ``HATCH_*``, ``PDM_*``, ``SETUPTOOLS_*``, ``FLIT_*``, ``POETRY_*``)
    and any active venv, then ignores pip's and uv's configuration files, so an
    index URL, a find-links folder, a constraints file or a PYTHONPATH of the
    person running the tests never reaches a scenario. ``COLUMNS`` is fixed too.
    """
    base = os.environ if base is None else base
    env = {
        name: value
        for name, value in base.items()
        if not name.startswith(_LEAKY_PREFIXES) and name not in _LEAKY_NAMES
    }
    env.update(
        PIP_CONFIG_FILE=os.devnull,
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        PIP_NO_INPUT="1",
        UV_NO_CONFIG="1",
        UV_PYTHON_DOWNLOADS="never",
        # uv wraps its error reports at the terminal's width: wide enough that a
        # backend's error line is one line, whoever runs the tests.
        COLUMNS="1000",
        VIRTUALENV_OVERRIDE_APP_DATA=str(app_data_dir()),
    )
    return env


def uv_binary() -> str:
    """The pinned uv's executable, from the tool venv."""
    from uv import find_uv_bin

    return find_uv_bin()


def consumer_imports(tree: Path) -> list[tuple[str, str]]:
    """The ``from MODULE import NAME`` statements main.py runs first (at top level or in a top-level ``try``)."""
    main = ast.parse((tree / CONSUMER / CONSUMER / "main.py").read_text(encoding="utf-8"))
    statements = [
        inner for node in main.body for inner in (node.body if isinstance(node, ast.Try) else [node])
    ]
    return [
        (node.module or "", alias.name)
        for node in statements
        if isinstance(node, ast.ImportFrom) and node.module != "__future__"
        for alias in node.names
    ]


# The namespace doctor, a package of sample_project's (standard library only).
DOCTOR = ROOT / CONSUMER / CONSUMER / "doctor"


def load_doctor() -> ModuleType:
    """The doctor package as a module of this process, as main.py loads it: from its folder."""
    name = "sample_project_doctor"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            name, DOCTOR / "__init__.py", submodule_search_locations=[str(DOCTOR)]
        )
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def run_make(target: str, python: os.PathLike[str] | str) -> subprocess.CompletedProcess[str]:
    """``make TARGET PYTHON=python`` in the checkout, as a user runs it: without an outer make's own
    variables (MAKEFLAGS, MAKELEVEL, MFLAGS), its output captured."""
    env = {name: value for name, value in os.environ.items() if not name.startswith(("MAKE", "MFLAGS"))}
    return subprocess.run(
        ["make", "--no-print-directory", target, f"PYTHON={python}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )


def scratch_env(workspace: Path, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """``hermetic_env(base)`` with TMPDIR inside ``workspace``.

    What the tools leave in the temporary folder (uv leaves a
    ``uv-setuptools-*.lock`` file there for every build) goes with the workspace.
    """
    tmp = workspace / "tmp"
    tmp.mkdir(exist_ok=True)
    return {**hermetic_env(base), "TMPDIR": str(tmp)}


def new_folder(prefix: str, parent: os.PathLike[str] | str | None = None) -> Path:
    """A new temporary folder, its path resolved: on macOS the temporary folder is behind a symlink
    (/var -> /private/var), and the paths Python and the tools report are the resolved ones."""
    return Path(tempfile.mkdtemp(prefix=prefix, dir=parent)).resolve()


def memory_folder() -> str | None:
    """/dev/shm where it is a writable folder, else None (the default temporary folder).

    Thousands of small files are written and removed there (venvs, layouts): in
    memory that costs a fraction of what a disk's journal does.
    """
    shm = "/dev/shm"
    return shm if os.path.isdir(shm) and os.access(shm, os.W_OK) else None


def render(cmd: Iterable[str | os.PathLike[str]]) -> str:
    """A command as a reader would type it (for logs, never for execution)."""
    return shlex.join(str(part) for part in cmd)


@dataclass
class Result:
    """One command that ran: what it was, where, and what it printed."""

    cmd: list[str]
    cwd: Path
    returncode: int
    output: str  # stdout and stderr interleaved, as a terminal shows them
    seconds: float = 0.0  # wall time
    cpu: float = 0.0  # user + system time of the command and every subprocess it waited for

    def __str__(self) -> str:
        return (
            f"$ {render(self.cmd)}    # in {self.cwd}\n{self.output.rstrip()}\n"
            f"[exit {self.returncode}, {self.seconds:.1f} s, {self.cpu:.1f} s CPU]"
        )


@dataclass
class Log:
    """Every command a scenario ran, in order."""

    results: list[Result] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(str(result) for result in self.results) or "(no commands ran)"


@functools.cache
def interpreter(version: str) -> Path | None:
    """The CPython ``version`` test venvs of that version are made from (None: the one running the tests)."""
    if version == version_of():
        return None
    found = find_interpreter(version)
    if found is None:
        raise LookupError(missing_reason(version))
    return found


# How every test venv is seeded, on every interpreter: pip and setuptools from
# virtualenv's bundled wheels (never the network, never a periodic update in
# the background), linked from the shared app-data folder. Without
# --setuptools, virtualenv seeds none on Python 3.12 and later, and every
# --no-build-isolation install of a setuptools project fails there.
SEED = [
    "--no-download",
    "--no-periodic-update",
    "--pip",
    "bundle",
    "--setuptools",
    "bundle",
    "--symlink-app-data",
]


class ScenarioVenv(VirtualEnv):
    """A pytest-virtualenv venv that owns its paths, environment and command log, of CPython ``python`` ("3.12")."""

    def __init__(
        self,
        workspace: Path,
        log: Log,
        env: Mapping[str, str],
        template: Path | None = None,
        python: str | None = None,
    ) -> None:
        self.log = log
        self.version = python or version_of()
        self._creating = True
        self._template = template
        base = interpreter(self.version)
        super().__init__(
            env=env,
            workspace=str(workspace),
            name="venv",
            python=str(base) if base else None,
            args=["--quiet", *SEED],
        )
        self._creating = False

    def run(self, args, **kwargs):
        """pytest-shutil's ``run``, except for pytest-virtualenv's creation command.

        That command, ``python -m virtualenv -p PYTHON ARGS DIR``, is run
        in-process with the same virtualenv, arguments and (hermetic)
        environment: 0.02 s instead of 0.45 s of interpreter start-up and
        imports, for every one of the suite's hundred-odd venvs. Given a
        ``template`` venv, it copies that instead, links as links, as pip's
        functional tests copy theirs: a venv finds its prefix from where its
        ``bin/python`` is, and nothing in it names its own folder but its
        scripts' ``#!`` lines, which no scenario runs.
        """
        if not self._creating:
            return super().run(args, **kwargs)
        from virtualenv import cli_run

        module = list(map(str, args[:3]))
        if module[1:] != ["-m", "virtualenv"]:
            raise RuntimeError(f"unexpected venv creation command: {render(args)}")
        if self._template is not None:
            shutil.copytree(self._template, args[-1], symlinks=True)
            return ""
        cli_run([str(arg) for arg in args[3:]], setup_logging=False, env=dict(self.env))
        return ""

    def _get_pip_version(self) -> tuple[int, ...]:
        # pytest-virtualenv asks `pip --version` in a subprocess for every venv;
        # nothing here uses the answer, so skip the ~0.3 s it costs.
        return ()

    @property
    def site_packages(self) -> Path:
        return Path(self.virtualenv, "lib", f"python{self.version}", "site-packages")

    def execute(
        self,
        cmd: Sequence[str | os.PathLike[str]],
        cwd: Path | None = None,
        extra_env: Mapping[str, str] | None = None,
    ) -> Result:
        """Run ``cmd`` (a list) in this venv's environment; log and return it."""
        return execute(self, self.log, cmd, Path(cwd or self.workspace), {**self.env, **(extra_env or {})})


def children_cpu() -> float:
    """User + system time of this process's finished children (and theirs, when they waited for them)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def execute(
    workspace: Workspace,
    log: Log,
    cmd: Sequence[str | os.PathLike[str]],
    cwd: Path,
    env: Mapping[str, str],
) -> Result:
    """Run ``cmd`` (a list, never a shell string) through pytest-shutil's ``Workspace.run``; log it."""
    started, cpu = time.monotonic(), children_cpu()
    try:
        output = workspace.run(list(cmd), capture=True, cd=str(cwd), env=dict(env))
        returncode = 0
    except subprocess.CalledProcessError as failed:
        output, returncode = failed.output or "", failed.returncode
    seconds, cpu = time.monotonic() - started, children_cpu() - cpu
    result = Result([str(part) for part in cmd], cwd, returncode, output, seconds, cpu)
    log.results.append(result)
    return result


def install_args(
    mode: str, source: os.PathLike[str], target: Path | None = None
) -> list[str | os.PathLike[str]]:
    """What follows ``pip install`` or ``uv pip install`` for an install mode (setuptools' names).

    ``regular`` and ``target`` install ``source`` (a wheel or a folder); ``editable``
    is ``--editable``; ``editable-strict`` and ``editable-compat`` pass setuptools'
    ``editable_mode``; ``target`` installs into ``target``.
    """
    if mode == "regular":
        return [source]
    if mode == "target" and target is not None:
        return ["--target", target, source]
    if mode == "editable":
        return ["--editable", source]
    if mode in ("editable-strict", "editable-compat"):
        return ["--editable", source, "--config-settings", f"editable_mode={mode.removeprefix('editable-')}"]
    raise ValueError(f"unknown install mode {mode!r}")


@dataclass
class Scenario:
    """A scratch copy of the tree (one variant) and the venv that tries it."""

    workspace: Path
    src: Path
    venv: ScenarioVenv
    log: Log
    targets: list[Path] = field(default_factory=list)

    def project(self, name: str) -> Path:
        return self.src / name

    def installer_command(self, installer: str, verb: str = "install") -> list[str]:
        """The offline command prefix of ``installer`` for this venv."""
        offline_build = ["--no-index", "--no-build-isolation"]
        if installer == "pip":
            command = [str(self.venv.python), "-m", "pip", verb]
            options = {"install": offline_build, "uninstall": ["--yes"]}
        elif installer == "uv":
            cache = str(self.workspace / "uv cache")
            command = [
                uv_binary(),
                "pip",
                verb,
                "--python",
                str(self.venv.python),
                "--offline",
                "--cache-dir",
                cache,
            ]
            # Copies, not hardlinks into the cache: an overwrite must not reach other files.
            options = {"install": [*offline_build, "--link-mode", "copy"], "uninstall": []}
        else:
            raise ValueError(f"unknown installer {installer!r}")
        return [*command, *options[verb]]

    def install(self, dist: str, mode: str, installer: str = "pip", wheel: Path | None = None) -> Result:
        """Install one project in one install mode: from its folder, or from ``wheel`` for regular and target."""
        source = wheel if wheel is not None and mode in ("regular", "target") else self.project(dist)
        args = install_args(mode, source, self.target_folder(dist) if mode == "target" else None)
        return self.venv.execute([*self.installer_command(installer), *args], cwd=self.src)

    def target_folder(self, dist: str) -> Path:
        """A new ``--target`` folder for ``dist``, added to this scenario's PYTHONPATH (after the earlier ones)."""
        self.targets.append(self.workspace / f"target {dist}")
        return self.targets[-1]

    def uninstall(self, dist: str, installer: str = "pip") -> Result:
        return self.venv.execute([*self.installer_command(installer, "uninstall"), dist], cwd=self.src)

    def path_env(self) -> dict[str, str]:
        """PYTHONPATH for folders installed with ``--target``, in install order (Azure Functions' way)."""
        return {"PYTHONPATH": os.pathsep.join(map(str, self.targets))} if self.targets else {}

    def probe(self, targets: Sequence[tuple[str, str]]) -> dict:
        """Run tests/lib/probe.py in this venv: each import's result, the ``__init__.py`` in effect, changed files."""
        # A copy in the workspace, so sys.path[0] is a folder holding no azurefunctions.
        probe = Path(shutil.copy2(PROBE, self.workspace / PROBE.name))
        result = self.venv.execute([self.venv.python, probe, json.dumps(targets)], extra_env=self.path_env())
        if result.returncode:
            raise RuntimeError(f"the probe failed:\n{result}")
        # Its one line comes last: Python may print a failing .pth line's error at start-up first.
        return json.loads(result.output.strip().splitlines()[-1])

    def install_both(self, first: str, second: str) -> list[int]:
        """Install durable in mode ``first``, then framework in ``second``: the exit codes."""
        return [self.install(DURABLE, first).returncode, self.install(FRAMEWORK, second).returncode]

    def consumer_after(self, first: str, second: str) -> Result:
        """Install durable in mode ``first`` and framework in ``second`` (both must succeed), then run the consumer."""
        if self.install_both(first, second) != [0, 0]:
            raise AssertionError(f"an install failed:\n{self.log}")
        return self.consumer()

    def consumer(self) -> Result:
        """``python sample_project/main.py`` from the sample_project folder, as the README says."""
        return self.venv.execute(
            [self.venv.python, "sample_project/main.py"],
            cwd=self.project(CONSUMER),
            extra_env=self.path_env(),
        )

    def doctor(self, *args: str) -> Result:
        """``python -m sample_project.doctor ARGS`` from the sample_project folder, in this venv."""
        return self.venv.execute(
            [self.venv.python, "-m", "sample_project.doctor", *args],
            cwd=self.project(CONSUMER),
            extra_env=self.path_env(),
        )

    def python(self, code: str) -> Result:
        return self.venv.execute([self.venv.python, "-c", code])

    def follow_help(self, report: Result, commands: list[str] | None = None) -> list[Result]:
        """Paste each command of a doctor's ``help:`` lines (or ``commands``, some of them), in order, in the
        folder the doctor ran in, as a user would: split as a POSIX shell splits it, pip's index being this
        machine's wheels (no network) and its builds using the venv's own setuptools, as every other install
        of the tests does (no build isolation). Stops after the first that fails."""
        from toolchain import WHEELS

        # pip splits PIP_FIND_LINKS on whitespace (a checkout path may hold spaces): the folder goes as a URL.
        # PIP_NO_BUILD_ISOLATION=0 is --no-build-isolation (pip reads its negative options' variables
        # inverted); an isolated build would install setuptools afresh for each pasted install (+1 s each).
        offline = {**self.path_env(), "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": WHEELS.as_uri()}
        offline["PIP_NO_BUILD_ISOLATION"] = "0"
        done: list[Result] = []
        for command in help_commands(report.output) if commands is None else commands:
            done.append(self.venv.execute(shlex.split(command), cwd=Path(report.cwd), extra_env=offline))
            if done[-1].returncode:
                break
        return done


def flat(text: str) -> str:
    """Text with its line breaks and runs of spaces as one space each: the doctor wraps prose at 100 columns."""
    return " ".join(text.split())


def here(s: Scenario, path: Path | str) -> str:
    """``path`` as the doctor shows it when run from the sample_project folder, as the README says: relative."""
    return os.path.relpath(path, s.project(CONSUMER))


def help_commands(report: str) -> list[str]:
    """The commands a doctor's report says to paste: the lines indented by four under a ``help:`` line."""
    commands, in_help = [], False
    for line in report.splitlines():
        if line.startswith("help"):
            in_help = True
        elif not line.startswith("  "):
            in_help = False
        elif in_help and line.startswith("    "):
            commands.append(line.strip())
    return commands


def copy_tree(dest: Path, variant: str = "as-shipped", compiled: bool = False) -> Path:
    """Copy the three project folders and ``tests/fixes`` to ``dest``; apply ``variant``'s fix.

    ``compiled``: sample_project comes with this Python's bytecode, as in a checkout where something
    already ran, so the first doctor run loads the doctor instead of compiling it (40 ms each time).
    """
    dest.mkdir(parents=True)
    for name in (*PROJECTS, "tests/fixes"):
        if compiled and name == CONSUMER:
            shutil.copytree(compiled_consumer(), dest / name)
        else:
            shutil.copytree(ROOT / name, dest / name, ignore=BUILD_LITTER)
    if variant != "as-shipped":
        apply_fix(variant, dest)
    return dest


@functools.cache
def compiled_consumer() -> Path:
    """sample_project, copied once per process and byte-compiled by this Python (the copies keep each
    source file's modification time, so the bytecode stays valid in them); removed at exit."""
    folder = new_folder("ns compiled ")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    consumer = folder / CONSUMER
    shutil.copytree(ROOT / CONSUMER, consumer, ignore=BUILD_LITTER)
    if not compileall.compile_dir(consumer, quiet=1):
        raise RuntimeError(f"sample_project does not compile with {sys.executable}")
    return consumer


def fix_patch(variant: str) -> Path:
    return FIXES / f"{variant}.patch"


def apply_fix(variant: str, tree: Path, check: bool = False) -> subprocess.CompletedProcess[str]:
    """``git apply`` the variant's patch in ``tree`` (``--check`` only if asked)."""
    cmd = ["git", "apply", *(["--check"] if check else []), str(fix_patch(variant))]
    done = subprocess.run(cmd, cwd=tree, capture_output=True, text=True, env=hermetic_env())
    if done.returncode and not check:
        raise RuntimeError(f"{render(cmd)} failed in {tree}:\n{done.stderr}")
    return done


@contextmanager
def scenario(
    variant: str = "as-shipped", env: Mapping[str, str] | None = None, python: str | None = None
) -> Iterator[Scenario]:
    """A fresh scenario (a venv of CPython ``python``, default: the one running the tests), removed with everything in it on exit."""
    workspace = new_folder("ns demo ")
    try:
        log = Log()
        src = copy_tree(workspace / "checkout", variant, compiled=True)
        venv = ScenarioVenv(workspace, log, scratch_env(workspace, env), python=python)
        yield Scenario(workspace, src, venv, log)
    finally:
        shutil.rmtree(workspace, ignore_errors=True)
