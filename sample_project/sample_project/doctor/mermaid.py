"""``--format mermaid``: the search for each reported name as a Mermaid flowchart.

One box per name, then an arrow to each folder that provides it, in the order
the doctor found them (the path entries in order, then the editable finders):
a thick arrow to the folder Python takes, plain arrows to the folders it
searches, dashed ones to the folders it hides. Each folder says its kind and
its owner. GitHub, GitLab and most Markdown editors draw it.
"""

from __future__ import annotations

from .diagnosis import Diagnosis
from .display import shown, unbroken
from .environment import Report
from .render import Role, accepted_names, role_of, state_of, verdict_line

# The arrow and the style of each role.
_ARROWS = {
    Role.TAKES: "==>",
    Role.SEARCHES: "-->",
    Role.HIDES: "-.->",
    Role.BYPASSES: "-.->",
    Role.SHADOWED: "-.->",
    Role.SKIPS: "-.->",
    Role.UNKNOWN: "-->",
}
_STYLES = {
    Role.TAKES: "fill:#d1f2d9,stroke:#1a7f37,stroke-width:2px",
    Role.SEARCHES: "fill:#ddf4ff,stroke:#0969da",
    Role.HIDES: "fill:#ffebe9,stroke:#cf222e,stroke-dasharray:5 3",
    Role.BYPASSES: "fill:#fff1e5,stroke:#bc4c00,stroke-dasharray:5 3",
    Role.SHADOWED: "fill:#f6f8fa,stroke:#8c959f,stroke-dasharray:5 3",
    Role.SKIPS: "fill:#f6f8fa,stroke:#8c959f,stroke-dasharray:5 3",
    Role.UNKNOWN: "fill:#fff8c5,stroke:#9a6700",
}


def _class(role: Role) -> str:
    """A Mermaid class name for a role (``?`` is none)."""
    return "unknown" if role == Role.UNKNOWN else role.value


def _label(*lines: str) -> str:
    """A node's text, quoted for Mermaid: its own #, quotes and angle brackets as entities."""
    entities = {"#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;"}
    escaped = ["".join(entities.get(char, char) for char in line) for line in lines]
    return '"' + "<br/>".join(escaped) + '"'


def _name(report: Report, index: int, accepted: bool) -> list[str]:
    node = f"n{index}"
    lines = [f"  {node}([{_label(f'import {report.name}', state_of(report, accepted)[0])}])"]
    for number, portion in enumerate(report.portions, 1):
        role = role_of(report, portion)
        folder = f"{node}_{number}"
        owner = portion.owner or "no distribution"
        lines.append(f"  {folder}[{_label(shown(portion.folder), f'{portion.kind} · {owner}')}]")
        lines.append(f'  {node} {_ARROWS[role]}|"{number}. {role}"| {folder}')
        lines.append(f"  class {folder} {_class(role)}")
    return lines


def picture(d: Diagnosis) -> str:
    """The flowchart, in a Mermaid code block's body (without the fences), titled with the verdict line."""
    title = unbroken(verdict_line(d, d.open_problems())[0]).replace("\\", "\\\\").replace('"', '\\"')
    out = ["---", f'title: "{title}"', "---", "flowchart LR"]
    accepted = accepted_names(d)
    for index, report in enumerate(d.reports):
        out += _name(report, index, report.name in accepted)
    used = {role_of(report, portion) for report in d.reports for portion in report.portions}
    out += [f"  classDef {_class(role)} {style}" for role, style in _STYLES.items() if role in used]
    return "\n".join(out)
