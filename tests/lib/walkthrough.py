"""Run the README's own command blocks, as a reader would type them.

The README is the contract: its ``bash`` blocks are set-up steps, and its
``console`` blocks are transcripts (``$ command`` lines, each followed by the
output it must print, where ``...`` stands for any text, such as the path of
the checkout). ``Shell`` is a small stand-in for an interactive shell: it
understands ``cd``, ``source VENV/bin/activate`` and ``echo $?``, and runs
every other command as an argument list, never through a shell.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from harness import README, Log, Result, execute
from pytest_shutil.workspace import Workspace


def section(title: str, text: str | None = None, readme: Path = README) -> str:
    """The text of ``readme`` (or ``text``) under the heading ``title`` (any level), up to the next heading
    of that level or above."""
    text = readme.read_text(encoding="utf-8") if text is None else text
    match = re.search(rf"^(#+) {re.escape(title)}\n", text, re.MULTILINE)
    if not match:
        raise LookupError(f"{readme.name} has no section {title!r}")
    level = len(match.group(1))
    end = re.compile(rf"^#{{1,{level}}} ", re.MULTILINE).search(text, match.end())
    return text[match.end() : end.start() if end else len(text)]


def blocks(text: str, language: str) -> list[str]:
    """The bodies of the fenced ``language`` blocks in ``text``, dedented."""
    found = re.findall(rf"^( *)```{language}\n(.*?)^\1```", text, re.MULTILINE | re.DOTALL)
    return ["".join(line[len(indent) :] for line in body.splitlines(True)) for indent, body in found]


@dataclass
class Step:
    """One ``$ command`` of a transcript and the lines it must print."""

    command: str
    expected: list[str]

    def matches(self, output: str) -> bool:
        patterns = [".*".join(map(re.escape, line.split("..."))) for line in self.expected]
        actual = output.splitlines()
        return len(actual) == len(patterns) and all(
            re.fullmatch(pattern, line) for pattern, line in zip(patterns, actual)
        )


def transcript(block: str) -> list[Step]:
    """A ``console`` block as steps."""
    steps: list[Step] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            steps.append(Step(line[2:], []))
        elif steps:
            steps[-1].expected.append(line)
        else:
            raise ValueError(f"console block starts with output, not a command: {line!r}")
    return steps


def commands(block: str) -> list[str]:
    """A ``bash`` block's command lines (blank lines dropped)."""
    return [line for line in block.splitlines() if line.strip()]


class Shell:
    """Runs README command lines in ``cwd`` with ``env``, keeping state between them."""

    def __init__(
        self, cwd: Path, env: Mapping[str, str], log: Log, python: Path | str = sys.executable
    ) -> None:
        self.cwd = cwd
        self.python = str(python)  # what "python" is before a venv is activated
        self.env = dict(env)
        self.log = log
        self.status = 0
        self.workspace = Workspace(workspace=str(cwd), delete=False)

    def __call__(self, line: str) -> Result:
        words = shlex.split(line, comments=True)
        if words == ["echo", "$?"]:
            return self._builtin(words, f"{self.status}\n")
        if words[0] == "cd" and len(words) == 2:
            self.cwd = (self.cwd / words[1]).resolve()
            return self._builtin(words, "")
        if words[0] == "source" and len(words) == 2 and words[1].endswith("/bin/activate"):
            venv = (self.cwd / words[1]).parent.parent
            self.env.update(VIRTUAL_ENV=str(venv), PATH=f"{venv / 'bin'}{os.pathsep}{self.env['PATH']}")
            return self._builtin(words, "")
        result = execute(self.workspace, self.log, [self._which(words[0]), *words[1:]], self.cwd, self.env)
        self.status = result.returncode
        return result

    def _which(self, name: str) -> str:
        if name in ("python", "python3") and "VIRTUAL_ENV" not in self.env:
            # Before activation, "python" is the interpreter the walkthrough is about.
            return self.python
        found = shutil.which(name, path=self.env["PATH"])
        if not found:
            raise FileNotFoundError(f"README command {name!r} is not on PATH")
        return found

    def _builtin(self, words: list[str], output: str) -> Result:
        result = Result(words, self.cwd, 0, output)
        self.log.results.append(result)
        self.status = 0
        return result
