"""What static tools see: the consumer's imports as type checkers and an IDE engine resolve them in a
cell's venv, beside what Python imports there (the matrix's "What your editor sees" columns).

Standard library and filelock. Each tool runs once per installed tree (runner.py shares
the answer between cells whose trees are the same), offline, pointed at the
venv's interpreter, with the cell's PYTHONPATH (its ``--target`` folders) as the
program runs, from an empty folder with an explicit, empty configuration, in a
hermetic environment. The consumer file sits outside every source tree::

    from azurefunctions.agents.durable import start_durable_task
    from azurefunctions.agents.framework import start_agent
    reveal_type(start_durable_task)
    reveal_type(start_agent)

Per tool and subpackage (the imported module's last part): ``resolved`` (with
the revealed type), ``not-found``, ``skipped`` (found, not analysed: mypy
without ``py.typed``, or a silent ``Any``), ``error``; and ``varies`` where the
answer depends on the process: jedi runs once per PYTHONHASHSEED of ``SEEDS``
where a shared package's ``__init__`` extends its ``__path__``
(it collects candidate folders in a set, see SEEDS). How each tool is run and read:

- mypy: ``--python-executable PY --config-file EMPTY --cache-dir CACHE -O json`` (one cache for a run's trees);
- basedpyright: ``--pythonpath PY --project CONFIG.json --outputjson`` (Node from a wheel);
- ty: ``check --python PY --output-format gitlab`` (ty reads the venv's .pth files itself);
- pyrefly: ``check --python-interpreter-path PY --output-format json``;
- zuban: ``check`` and ``mypy`` (its mypy-compatible mode), text parsed as mypy's;
- jedi: ``Script.goto``/``infer`` through its Python API with ``jedi.create_environment(PY)``.

Measured on every tool (issue 16's study, December 2026): ty, pyrefly, mypy,
basedpyright and zuban give the same answer in every run; only jedi varies, on
pkgutil-style namespaces.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from filelock import FileLock

TOOLS = ("mypy", "basedpyright", "ty", "pyrefly", "zuban", "zuban-mypy", "jedi")
EXECUTABLE_NAMES = {
    "mypy": "mypy",
    "basedpyright": "basedpyright",
    "ty": "ty",
    "pyrefly": "pyrefly",
    "zuban": "zuban",
    "zuban-mypy": "zuban",
    "jedi": "python",
}
DEFAULT_TIMEOUT = 300.0
OUTCOMES = ("resolved", "not-found", "skipped", "error")

# Variables that would change what a tool, or the interpreter it queries, does.
_DROPPED_PREFIXES = (
    "PYTHON",
    "PIP_",
    "UV_",
    "CONDA_",
    "MYPY",
    "PYREFLY_",
    "TY_",
    "ZUBAN",
    "PYRIGHT",
    "BASEDPYRIGHT",
    "JEDI_",
    "NODE_",
    "VIRTUAL_ENV",
)
_DROPPED_NAMES = ("__PYVENV_LAUNCHER__",)

StrPath = str | os.PathLike[str]


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Target:
    """One ``from MODULE import NAME`` of the consumer, where it is, and its ``reveal_type`` line (1-based)."""

    module: str
    name: str
    line: int
    module_col: int  # 0-based column of the module's last component in the import statement
    name_col: int  # 0-based column of NAME in the import statement
    reveal_line: int | None = None

    @property
    def subpackage(self) -> str:
        return self.module.rpartition(".")[2]


@dataclass(frozen=True)
class Diagnostic:
    """One diagnostic a tool reported in the consumer: 1-based line, severity, rule or code, message."""

    line: int
    severity: str
    code: str
    message: str

    def text(self) -> str:
        return f"{self.line}: {self.severity}: {self.message}" + (f"  [{self.code}]" if self.code else "")


@dataclass
class ToolRun:
    """What one run of one tool gave: its diagnostics in the consumer, or why it could not be read."""

    tool: str
    version: str
    command: list[str]
    env: dict[str, str]
    seconds: float
    returncode: int | None
    stdout: str = ""
    stderr: str = ""
    failure: str = ""  # non-empty: crash, timeout or unparseable output
    diagnostics: list[Diagnostic] = field(default_factory=list)
    jedi: dict[str, Any] = field(default_factory=dict)  # jedi's answers, keyed by "module:name"


@dataclass
class Record:
    """One line of output: what one tool says about one imported name."""

    tool: str
    version: str
    subpackage: str
    module: str
    name: str
    outcome: str
    type: str | None
    message: str
    seconds: float
    command: list[str]
    env: dict[str, str]


@dataclass
class Context:
    """What every tool run needs: the environment to analyse, the consumer, the working folder."""

    python: Path
    consumer: Path
    extra_paths: list[Path]  # PYTHONPATH, as the program runs with it
    workdir: Path
    pinned_env: Mapping[str, str] = field(default_factory=dict)  # set on purpose (PYTHONHASHSEED=...)
    # Where one run keeps mypy's cache of typeshed's standard library, the same for every tree (None:
    # no cache): each run of mypy starts from a copy of it (0.2 s instead of 0.85 s a tree).
    mypy_cache: Path | None = None

    def env(self) -> dict[str, str]:
        """The hermetic environment of a tool run: no inherited PYTHON*, PIP_*, tool settings, nor the user's
        home, configuration or cache folders (ty reads a user-level ty.toml even beside --config-file)."""
        env = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith(_DROPPED_PREFIXES) and name not in _DROPPED_NAMES
        }
        for name, folder in (("HOME", "home"), ("XDG_CONFIG_HOME", "config"), ("XDG_CACHE_HOME", "cache")):
            env[name] = str(self.workdir / folder)
        env["NO_COLOR"] = "1"
        env["COLUMNS"] = "1000"
        if self.extra_paths:
            env["PYTHONPATH"] = os.pathsep.join(map(str, self.extra_paths))
        env.update(self.pinned_env)
        return env

    def env_delta(self, env: Mapping[str, str]) -> dict[str, str]:
        """The variables of ``env`` a reader needs to repeat the run (those set on purpose)."""
        keep = ("PYTHONPATH", *self.pinned_env)
        return {name: env[name] for name in dict.fromkeys(keep) if name in env}

    def write(self, name: str, text: str) -> Path:
        """A file in the working folder (an explicit, empty configuration file, say)."""
        path = self.workdir / name
        path.write_text(text, encoding="utf-8")
        return path


# --------------------------------------------------------------------------- consumer


def parse_consumer(path: Path) -> list[Target]:
    """The ``from MODULE import NAME`` statements of the consumer, each with the line of its ``reveal_type(NAME)``."""
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source, str(path))
    lines = source.splitlines()
    reveals: dict[str, int] = {}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and (
                (isinstance(node.func, ast.Name) and node.func.id == "reveal_type")
                or (isinstance(node.func, ast.Attribute) and node.func.attr == "reveal_type")
            )
            and node.args
            and isinstance(node.args[0], ast.Name)
        ):
            reveals.setdefault(node.args[0].id, node.lineno)
    targets = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom) or not node.module or node.level:
            continue
        if node.module.split(".")[0] in ("__future__", "typing", "typing_extensions"):
            continue
        text = lines[node.lineno - 1]
        module_col = _column(text, node.module, node.col_offset)
        module_col += len(node.module) - len(node.module.rpartition(".")[2])
        for alias in node.names:
            on_line = alias.lineno == node.lineno
            name_col = alias.col_offset if on_line else _column(text, alias.name, 0)
            bound = alias.asname or alias.name
            targets.append(
                Target(node.module, alias.name, alias.lineno, module_col, name_col, reveals.get(bound))
            )
    return sorted(targets, key=lambda t: (t.line, t.name_col))


def _column(text: str, word: str, start: int) -> int:
    found = text.find(word, start)
    return found if found >= 0 else start


# --------------------------------------------------------------------------- running


def run_tool(ctx: Context, tool: str, version: str, cmd: Sequence[StrPath], env: dict[str, str]) -> ToolRun:
    """Run ``cmd`` (an argument list) in the working folder; a ToolRun with its output, no diagnostics yet."""
    argv = [str(part) for part in cmd]
    delta = ctx.env_delta(env)
    started = time.monotonic()
    try:
        done = subprocess.run(
            argv,
            cwd=ctx.workdir,
            env=env,
            capture_output=True,
            text=True,
            timeout=DEFAULT_TIMEOUT,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except subprocess.TimeoutExpired:
        seconds = time.monotonic() - started
        return ToolRun(
            tool, version, argv, delta, seconds, None, failure=f"timed out after {DEFAULT_TIMEOUT:.0f} s"
        )
    except OSError as error:
        return ToolRun(tool, version, argv, delta, 0.0, None, failure=f"could not run: {error}")
    seconds = time.monotonic() - started
    return ToolRun(tool, version, argv, delta, seconds, done.returncode, done.stdout, done.stderr)


def tool_version(exe: StrPath, args: Sequence[str], env: Mapping[str, str], pattern: str) -> str:
    """A tool's version: the first group of ``pattern`` in what ``exe args`` prints. A version found is
    kept for the process (basedpyright's costs 0.3 s CPU, mypy's 0.15 s, the same for every tree); a
    failure to find one is asked again next time."""
    key = (str(exe), tuple(args), pattern)
    if key in _VERSIONS:
        return _VERSIONS[key]
    try:
        done = subprocess.run(
            [str(exe), *args], capture_output=True, text=True, env=dict(env), timeout=120, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"unknown ({error})"
    found = re.search(pattern, done.stdout + done.stderr)
    if not found:
        return (done.stdout + done.stderr).strip()[:80]
    _VERSIONS[key] = found.group(1)
    return _VERSIONS[key]


_VERSIONS: dict[tuple[str, tuple[str, ...], str], str] = {}


def _same_file(reported: str, ctx: Context) -> bool:
    """Whether a path a tool printed (absolute, or relative to the working folder) is the consumer."""
    path = Path(reported)
    if not path.is_absolute():
        path = ctx.workdir / path
    try:
        return os.path.samefile(path, ctx.consumer)
    except OSError:
        return os.path.normpath(path) == os.path.normpath(ctx.consumer)


def _json_document(output: str, opener: str) -> Any:
    """The JSON document that starts at the first ``opener`` in ``output`` (tools may print a line before it)."""
    start = output.find(opener)
    if start < 0:
        raise ValueError("no JSON document in the output")
    return json.loads(output[start:])


def _tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def _parsed(run: ToolRun, parse: Callable[[ToolRun], list[Diagnostic]]) -> ToolRun:
    """``run`` with the diagnostics ``parse`` reads from its output, or the reason it could not."""
    if run.failure:
        return run
    try:
        run.diagnostics = parse(run)
    except (ValueError, KeyError, TypeError, IndexError) as error:
        run.failure = (
            f"unparseable output ({type(error).__name__}: {error}); exit {run.returncode}: "
            + _tail(run.stdout + "\n" + run.stderr)
        )
    return run


_MYPY_TEXT = re.compile(
    r"^(?P<path>.+?):(?P<line>\d+):(?:\d+:)? (?P<sev>error|note|warning): (?P<msg>.*?)(?:  \[(?P<code>[\w-]+)\])?$"
)


def parse_mypy_text(output: str, ctx: Context) -> list[Diagnostic]:
    """mypy-style text lines (``path:line: severity: message  [code]``) about the consumer."""
    found = []
    for line in output.splitlines():
        match = _MYPY_TEXT.match(line)
        if match and _same_file(match["path"], ctx):
            found.append(Diagnostic(int(match["line"]), match["sev"], match["code"] or "", match["msg"]))
    return found


# --- mypy


def _stdlib_cache(ctx: Context, cmd: list[StrPath]) -> Path:
    """A copy, for this run of mypy, of the cache mypy writes checking an empty module with ``cmd``'s
    options (made once, by whichever process asks first)."""
    assert ctx.mypy_cache is not None
    with FileLock(f"{ctx.mypy_cache}.lock"):
        if not ctx.mypy_cache.is_dir():
            empty = ctx.write("empty.py", "")
            warm = subprocess.run(
                [*cmd, f"{ctx.mypy_cache}.new", empty], env=ctx.env(), cwd=ctx.workdir, capture_output=True
            )
            if warm.returncode:
                raise RuntimeError(f"mypy failed on an empty module:\n{warm.stdout!r}{warm.stderr!r}")
            Path(f"{ctx.mypy_cache}.new").rename(ctx.mypy_cache)
    copy = ctx.workdir / "mypy cache"
    shutil.copytree(ctx.mypy_cache, copy)
    return copy


def probe_mypy(ctx: Context, exe: str) -> ToolRun:
    """mypy with ``-O json`` (one JSON object per diagnostic), an empty configuration file, and a cache
    that holds the standard library only, or none.

    A cache that holds the consumer would not do: mypy takes a cached module whose content has not
    changed as checked, and says nothing of it, not even its ``reveal_type``.
    """
    env = ctx.env()
    version = tool_version(exe, ["--version"], env, r"mypy (\S+)")
    config = ctx.write("mypy.ini", "[mypy]\n")
    cmd: list[StrPath] = [exe, "--python-executable", ctx.python, "--config-file", config, "--cache-dir"]
    cmd += [_stdlib_cache(ctx, cmd) if ctx.mypy_cache else os.devnull]
    cmd += ["--no-color-output", "--no-error-summary", "-O", "json", ctx.consumer]
    run = run_tool(ctx, "mypy", version, cmd, env)

    def parse(run: ToolRun) -> list[Diagnostic]:
        if run.returncode not in (0, 1):
            raise ValueError(f"mypy exited {run.returncode}")
        items = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
        return [
            Diagnostic(item["line"], item["severity"], item.get("code") or "", item["message"])
            for item in items
            if _same_file(item["file"], ctx)
        ]

    return _parsed(run, parse)


# --- basedpyright


def probe_basedpyright(ctx: Context, exe: str) -> ToolRun:
    """basedpyright ``--outputjson``, the interpreter from ``--pythonpath``, an empty configuration file."""
    env = ctx.env()
    version = tool_version(exe, ["--version"], env, r"basedpyright (\S+)")
    config = ctx.write("pyrightconfig.json", "{}")
    cmd: list[StrPath] = [exe, "--pythonpath", ctx.python, "--project", config, "--outputjson", ctx.consumer]
    run = run_tool(ctx, "basedpyright", version, cmd, env)

    def parse(run: ToolRun) -> list[Diagnostic]:
        document = _json_document(run.stdout, "{")
        return [
            Diagnostic(
                item["range"]["start"]["line"] + 1, item["severity"], item.get("rule", ""), item["message"]
            )
            for item in document["generalDiagnostics"]
            if _same_file(item["file"], ctx)
        ]

    return _parsed(run, parse)


# --- ty


def probe_ty(ctx: Context, exe: str) -> ToolRun:
    """ty ``check --output-format gitlab`` (JSON), the environment from ``--python``, an empty ``--config-file``."""
    env = ctx.env()
    version = tool_version(exe, ["--version"], env, r"ty (\S+)")
    config = ctx.write("ty.toml", "")
    cmd: list[StrPath] = [exe, "check", "--python", ctx.python, "--config-file", config]
    cmd += ["--output-format", "gitlab", "--no-progress", "--color", "never", "--exit-zero", ctx.consumer]
    run = run_tool(ctx, "ty", version, cmd, env)

    def parse(run: ToolRun) -> list[Diagnostic]:
        found = []
        for item in _json_document(run.stdout, "["):
            location = item["location"]
            if _same_file(location["path"], ctx):
                message = item["description"].removeprefix(item["check_name"] + ": ")
                line = location["positions"]["begin"]["line"]
                found.append(Diagnostic(line, item["severity"], item["check_name"], message))
        return found

    return _parsed(run, parse)


# --- pyrefly


def probe_pyrefly(ctx: Context, exe: str) -> ToolRun:
    """pyrefly ``check --output-format json``, the interpreter from ``--python-interpreter-path``, an empty config."""
    env = ctx.env()
    version = tool_version(exe, ["--version"], env, r"pyrefly (\S+)")
    config = ctx.write("pyrefly.toml", "")
    cmd: list[StrPath] = [exe, "check", "--config", config, "--python-interpreter-path", ctx.python]
    cmd += ["--output-format", "json", "--summary", "none", "--progress-bar", "no", "--color", "never"]
    cmd += ["--relative-to", "", "--threads", "1", ctx.consumer]
    run = run_tool(ctx, "pyrefly", version, cmd, env)

    def parse(run: ToolRun) -> list[Diagnostic]:
        return [
            Diagnostic(item["line"], item["severity"], item["name"], item["description"])
            for item in _json_document(run.stdout, "{")["errors"]
            if _same_file(item["path"], ctx)
        ]

    return _parsed(run, parse)


# --- zuban


def _probe_zuban(ctx: Context, exe: str, subcommand: str, tool: str) -> ToolRun:
    env = ctx.env()
    version = tool_version(exe, ["--version"], env, r"zuban (\S+)")
    config = ctx.write("mypy.ini", "[mypy]\n")
    cmd: list[StrPath] = [exe, subcommand, "--config-file", config, "--python-executable", ctx.python]
    cmd += ["--no-pretty", "--no-error-summary", ctx.consumer]
    run = run_tool(ctx, tool, version, cmd, env)

    def parse(run: ToolRun) -> list[Diagnostic]:
        if run.returncode not in (0, 1):
            raise ValueError(f"zuban exited {run.returncode}")
        return parse_mypy_text(run.stdout, ctx)

    return _parsed(run, parse)


def probe_zuban(ctx: Context, exe: str) -> ToolRun:
    """``zuban check`` (zuban's own defaults), its text output parsed as mypy's."""
    return _probe_zuban(ctx, exe, "check", "zuban")


def probe_zuban_mypy(ctx: Context, exe: str) -> ToolRun:
    """``zuban mypy`` (the mypy-compatible mode), its text output parsed as mypy's."""
    return _probe_zuban(ctx, exe, "mypy", "zuban-mypy")


# --- jedi

_JEDI_SCRIPT = r"""
import json, sys
import jedi
args = json.loads(sys.argv[1])
env = jedi.create_environment(args["python"], safe=False, env_vars=args["env"])
project = jedi.Project(args["project"], environment_path=args["python"], added_sys_path=args["extra"])
script = jedi.Script(path=args["consumer"], project=project, environment=env)
out = {"version": jedi.__version__, "sys_path": env.get_sys_path(), "answers": {}}
def describe(names):
    return [
        {"full_name": n.full_name, "type": n.type, "path": str(n.module_path) if n.module_path else None,
         "hint": n.get_type_hint() if n.type != "module" else None}
        for n in names
    ]
for t in args["targets"]:
    out["answers"][t["module"] + ":" + t["name"]] = {
        "module": describe(script.goto(t["line"], t["module_col"], follow_imports=True)),
        "goto": describe(script.goto(t["line"], t["name_col"], follow_imports=True)),
        "infer": describe(script.infer(t["line"], t["name_col"])),
    }
print(json.dumps(out))
"""


def probe_jedi(ctx: Context, jedi_python: str, targets: Sequence[Target]) -> ToolRun:
    """jedi's ``Script.goto``/``infer`` on each imported name, run by ``jedi_python`` (a Python that has jedi)."""
    env = ctx.env()
    arguments = {
        "python": str(ctx.python),
        "project": str(ctx.consumer.parent),
        "consumer": str(ctx.consumer),
        "extra": [],  # the extra paths reach jedi as they reach the program: PYTHONPATH
        "env": env,  # what jedi's inference subprocess (PY itself) runs with
        "targets": [asdict(target) for target in targets],
    }
    script = ctx.write("jedi_probe.py", _JEDI_SCRIPT)
    # -s, not -I: -I implies -E, which would ignore PYTHONHASHSEED (the environment is filtered already).
    run = run_tool(ctx, "jedi", "", [jedi_python, "-s", script, json.dumps(arguments)], env)
    run.command = [jedi_python, "-s", str(script), "<JSON arguments>"]

    def parse(run: ToolRun) -> list[Diagnostic]:
        document = _json_document(run.stdout, "{")
        run.version = document["version"]
        run.jedi = document["answers"]
        return []

    return _parsed(run, parse)


# --------------------------------------------------------------------------- classification

# Codes and rules (and, for unknown codes, words) meaning "cannot find" or "found, not analysed".
_NOT_FOUND_CODES = {
    "import-not-found",  # mypy, zuban
    "import",  # older mypy
    "attr-defined",  # mypy: module has no attribute NAME
    "reportMissingImports",  # basedpyright
    "reportAttributeAccessIssue",  # basedpyright: "NAME" is unknown import symbol
    "unresolved-import",  # ty
    "missing-import",  # pyrefly
    "missing-module-attribute",  # pyrefly
    "import-error",  # pyrefly
}
_SKIPPED_CODES = {"import-untyped", "untyped-import"}
_NOT_FOUND_WORDS = re.compile(
    r"cannot find|could not be resolved|cannot resolve|no module named|unknown import symbol|has no (attribute|member)",
    re.IGNORECASE,
)
_SKIPPED_WORDS = re.compile(r"skipping analyzing|missing library stubs or py\.typed", re.IGNORECASE)
_REVEAL = re.compile(
    r"^(?:Revealed type is \"(?P<mypy>.*)\""
    r"|Revealed type: `(?P<ty>.*)`"
    r"|revealed type: (?P<pyrefly>.*)"
    r"|Type of \".*?\" is \"(?P<pyright>.*)\")$",
    re.DOTALL,
)
_UNKNOWN_TYPES = {"Any", "Unknown", "Never"}
# Diagnostics at an import line that do not deny it.
_NOT_ABOUT_RESOLUTION = {
    "reportMissingTypeStubs",
    "undefined-reveal",
    "unimported-directive",
    "reportUnknownVariableType",
}
_INFORMATIONAL = {"information", "info", "note"}


def _mentions(message: str, target: Target) -> bool:
    """Whether a diagnostic names the target's module, one of its parent packages, or its name (quoted)."""
    parts = target.module.split(".")
    names = [".".join(parts[: i + 1]) for i in range(len(parts))] + [target.name]
    return any(f"{quote}{name}{quote}" in message for name in names for quote in ('"', "`", "'"))


def _record(run: ToolRun, target: Target, outcome: str, type_: str | None, message: str) -> Record:
    return Record(
        run.tool,
        run.version,
        target.subpackage,
        target.module,
        target.name,
        outcome,
        type_,
        message,
        round(run.seconds, 3),
        run.command,
        run.env,
    )


def _revealed(run: ToolRun, target: Target) -> str | None:
    if target.reveal_line is None:
        return None
    for diagnostic in run.diagnostics:
        if diagnostic.line == target.reveal_line:
            match = _REVEAL.match(diagnostic.message.strip())
            if match:
                return next(value for value in match.groupdict().values() if value is not None)
    return None


def classify(run: ToolRun, targets: Sequence[Target], consumer: Path) -> list[Record]:
    """One Record per target from a tool run on ``consumer``."""
    records = []
    for target in targets:
        if run.failure:
            records.append(_record(run, target, "error", None, run.failure))
        elif run.tool == "jedi":
            records.append(_classify_jedi(run, target, consumer))
        else:
            records.append(_classify_diagnostics(run, target))
    return records


def _classify_diagnostics(run: ToolRun, target: Target) -> Record:
    at_import = [
        d
        for d in run.diagnostics
        if d.line == target.line and d.code not in _NOT_ABOUT_RESOLUTION and d.severity not in _INFORMATIONAL
    ]
    # On an import line naming several names, a diagnostic about one name names it.
    mine = [d for d in at_import if _mentions(d.message, target)]
    revealed = _revealed(run, target)
    message = "\n".join(d.text() for d in (mine or at_import))
    if any(d.code in _SKIPPED_CODES or _SKIPPED_WORDS.search(d.message) for d in mine):
        return _record(run, target, "skipped", revealed, message)
    if any(d.code in _NOT_FOUND_CODES or _NOT_FOUND_WORDS.search(d.message) for d in mine):
        return _record(run, target, "not-found", revealed, message)
    if at_import:
        return _record(run, target, "error", revealed, message)
    if revealed is None:
        why = f"{NO_DIAGNOSTIC} and no revealed type (is there a reveal_type call?)"
        return _record(run, target, "error", None, why)
    if revealed in _UNKNOWN_TYPES:
        why = f"{NO_DIAGNOSTIC}; revealed type is {revealed}"
        return _record(run, target, "skipped", revealed, why)
    notes = "\n".join(d.text() for d in run.diagnostics if d.line == target.line)
    return _record(run, target, "resolved", revealed, notes)


def _classify_jedi(run: ToolRun, target: Target, consumer: Path) -> Record:
    """resolved: infer() reaches a definition outside the consumer; else not-found (jedi reports no diagnostics)."""
    answer = run.jedi.get(f"{target.module}:{target.name}")
    if answer is None:
        return _record(run, target, "error", None, "jedi gave no answer")
    outside = [n for n in answer["infer"] if n["path"] and Path(n["path"]) != consumer]
    module = [n for n in answer["module"] if n["path"]]
    where = f"module -> {module[0]['path'] if module else 'nothing'}"
    if outside:
        found = outside[0]
        message = f"infer -> {found['full_name']} ({found['type']}) in {found['path']}; {where}"
        return _record(run, target, "resolved", found["hint"], message)
    if module:
        message = f"module found but infer() of {target.name} returned nothing; {where}"
        return _record(run, target, "not-found", None, message)
    goto = [n for n in answer["goto"] if n["path"]]
    detail = f"goto -> {goto[0]['full_name']} in {goto[0]['path']}" if goto else "goto -> nothing"
    return _record(run, target, "not-found", None, f"infer() returned nothing; {detail}; {where}")


# --------------------------------------------------------------------------- entry points

PROBES: dict[str, Callable[[Context, str], ToolRun]] = {
    "mypy": probe_mypy,
    "basedpyright": probe_basedpyright,
    "ty": probe_ty,
    "pyrefly": probe_pyrefly,
    "zuban": probe_zuban,
    "zuban-mypy": probe_zuban_mypy,
}


def probe(
    python: Path,
    consumer: Path,
    tools: Mapping[str, str],
    pythonpath: Sequence[Path] = (),
    pinned_env: Mapping[str, str] | None = None,
    mypy_cache: Path | None = None,
) -> list[Record]:
    """Run each tool of ``tools`` (name -> executable; for jedi, a Python that has jedi) and classify.

    ``python`` is the interpreter of the environment to analyse, used as given (not
    resolved: a venv's ``bin/python`` is a symlink whose target is outside the venv).
    ``pythonpath`` is what the program runs with (``--target`` folders). ``pinned_env`` is
    set in every tool's environment on purpose, after the hermetic filter (for example
    ``{"PYTHONHASHSEED": "3"}``). Each tool runs in its own empty working folder, removed
    afterwards.
    """
    unknown = set(tools) - set(TOOLS)
    if unknown:
        raise ValueError(f"unknown tools: {sorted(unknown)}")
    consumer = consumer.resolve()
    targets = parse_consumer(consumer)
    records: list[Record] = []
    for tool, exe in tools.items():
        with tempfile.TemporaryDirectory(prefix=f"static probe {tool} ") as tmp:
            ctx = Context(
                python=Path(os.path.abspath(python)),
                consumer=consumer,
                extra_paths=[Path(path).resolve() for path in pythonpath],
                workdir=Path(tmp).resolve(),
                pinned_env=dict(pinned_env or {}),
                mypy_cache=mypy_cache,
            )
            run = probe_jedi(ctx, exe, targets) if tool == "jedi" else PROBES[tool](ctx, exe)
            records.extend(classify(run, targets, consumer))
    return records


# --------------------------------------------------------------------------- the matrix's columns

# The hash seeds jedi runs with where a shared package's __init__ extends its __path__ (pkgutil's
# extend_path, pkg_resources' declare_namespace): there jedi collects the candidate folders in a set
# (jedi/inference/value/module.py, py__path__), so its answer follows the set's order, which follows
# the hash of the folders' paths: it differs from one run to the next with any one seed, as the
# scenario's paths do. With 16 seeds, an answer that depends on the order of two folders shows both
# values but for a chance of 1 in 2**15. Elsewhere jedi's answer depends on no order: one seed.
SEEDS = tuple(str(seed) for seed in range(16))
TOOL_BIN = Path(sys.executable).parent  # the tool venv's bin/, where the pinned tools are


def tools() -> dict[str, str]:
    """Each tool's executable in the tool venv (jedi: the tool venv's own Python, which has it)."""
    return {
        tool: str(TOOL_BIN / EXECUTABLE_NAMES[tool]) if tool != "jedi" else sys.executable for tool in TOOLS
    }


def consumer_text(imports: Sequence[tuple[str, str]]) -> str:
    """The consumer the tools read: the consumer's own ``from MODULE import NAME`` lines, and a
    ``reveal_type`` of each name (what an editor's hover shows)."""
    lines = [f"from {module} import {name}" for module, name in imports]
    return "\n".join([*lines, "", *(f"reveal_type({name})" for _, name in imports)]) + "\n"


# The harness's own words, where a tool printed nothing about the import (the legend sets them apart).
NO_DIAGNOSTIC = "no diagnostic about the import"
NO_DEFINITION = "goto and infer find no definition"
BY_SET_ORDER = "by the order of a set"


def ours(message: str) -> bool:
    """Whether a recorded message is the harness's words rather than a tool's."""
    return message.startswith((NO_DIAGNOSTIC, NO_DEFINITION)) or BY_SET_ORDER in message


def answer(record: Record, roots: Mapping[str, str]) -> dict:
    """One tool's answer on one subpackage, as matrix.json records it: the outcome, the revealed type
    where resolved, the tool's message otherwise (its scratch paths named by ``roots``: path -> name)."""
    found: dict[str, Any] = {"outcome": record.outcome}
    if record.outcome == "resolved":
        found["type"] = record.type
    elif record.tool == "jedi":  # jedi prints nothing: it finds a definition or not
        found["message"] = NO_DEFINITION
    else:  # the tool's own words, without the search paths some tools list after them
        message = record.message.splitlines()[0] if record.message else ""
        for path, name in sorted(roots.items(), key=lambda item: -len(item[0])):
            message = message.replace(path, name)
        found["message"] = message
    return found


def observe(
    python: Path,
    workdir: Path,
    imports: Sequence[tuple[str, str]],
    pythonpath: Sequence[Path] = (),
    roots: Mapping[str, str] | None = None,
    seeds: Sequence[str] = ("0",),
    mypy_cache: Path | None = None,
) -> tuple[dict[str, dict[str, dict]], list[str]]:
    """What each tool says of each imported subpackage in the venv of ``python``, with ``pythonpath`` as
    the program has it: tool -> subpackage -> answer; and each tool's command line and what it printed,
    for a failing test's report. jedi runs once per hash seed of ``seeds``; where its answers differ,
    the outcome is ``varies``."""
    consumer = workdir / "consumer.py"
    consumer.write_text(consumer_text(imports), encoding="utf-8")
    roots = dict(roots or {})
    found: dict[str, dict[str, dict]] = {}
    log: list[str] = []
    executables = tools()
    for tool in TOOLS:
        per_seed = []
        for seed in seeds if tool == "jedi" else (None,):
            pinned = {"PYTHONHASHSEED": seed} if seed is not None else {}
            records = probe(python, consumer, {tool: executables[tool]}, pythonpath, pinned, mypy_cache)
            per_seed.append({r.subpackage: answer(r, roots) for r in records})
            if records and seed in (None, seeds[0]):
                env = [f"{name}={value}" for name, value in records[0].env.items()]
                log.append(" ".join(["$", *env, subprocess.list2cmdline(records[0].command)]))
                log += [f"  {r.subpackage}: {r.outcome} {r.type or ''} {r.message}".rstrip() for r in records]
        found[tool] = per_seed[0]
        for subpackage in per_seed[0]:
            outcomes = sorted({answers[subpackage]["outcome"] for answers in per_seed})
            if len(outcomes) > 1:  # which seed gives which changes with the paths: not recorded
                said = f"{' or '.join(outcomes)}, {BY_SET_ORDER} (with {len(seeds)} hash seeds)"
                found[tool][subpackage] = {"outcome": "varies", "message": said}
    return found, log
