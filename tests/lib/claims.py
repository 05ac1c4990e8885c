"""Where each claim is tested: every test function of tests/test_*.py with the claim its docstring
states, read from the source (no import), grouped by the module that tells its story.

tests/README.md's ``claims`` section is rendered from here (``make docs``), and
test_the_claims_table_names_the_tests_pytest_collects checks it against the
test ids pytest collected, so a renamed or removed test leaves no dead name.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from harness import ROOT

TESTS = ROOT / "tests"


@dataclass(frozen=True)
class Claim:
    module: str  # test_doctor.py
    test: str  # the function's name
    claim: str  # its docstring's first sentence


def first_sentence(docstring: str) -> str:
    """The docstring's first sentence (its first paragraph, up to a full stop that ends a sentence)."""
    paragraph = " ".join(docstring.strip().split("\n\n")[0].split())
    match = re.match(r"(.+?[.!?])(\s+[A-Z(`]|$)", paragraph)
    return match.group(1) if match else paragraph


def claims() -> list[Claim]:
    """Every test function (top level, named test_*) of every test module, in file order."""
    found = []
    for module in sorted(TESTS.glob("test_*.py")):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                docstring = ast.get_docstring(node) or ""
                found.append(Claim(module.name, node.name, first_sentence(docstring)))
    return found


def story(module: Path) -> str:
    """A test module's docstring, first sentence: the story it tells."""
    return first_sentence(ast.get_docstring(ast.parse(module.read_text(encoding="utf-8"))) or "")


def render_claims(_matrix: dict | None = None) -> str:
    """A table per test module: each claim, and the test that proves it."""
    lines = []
    by_module: dict[str, list[Claim]] = {}
    for claim in claims():
        by_module.setdefault(claim.module, []).append(claim)
    for module, these in by_module.items():
        lines += [f"**`{module}`**: {story(TESTS / module)}", "", "| claim | test |", "| --- | --- |"]
        lines += [f"| {c.claim.replace('|', '&#124;')} | `{c.test}` |" for c in these]
        lines.append("")
    return "\n".join(lines).rstrip()
