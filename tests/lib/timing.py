"""What the matrix's runs cost (``make matrix`` prints it): wall time per run, CPU time per kind of command."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from cells import INSTALLERS
from harness import Result


def command_kind(result: Result) -> str:
    """What a scenario's command was: ``pip install --editable``, ``consumer``, ``probe``, ``doctor``, ``python -c``, ``backend set-up``, ..."""
    cmd = result.cmd
    if Path(cmd[0]).name == "uv":
        installer, verb = "uv", cmd[2]
        if verb == "install" and "--no-build-isolation" not in cmd:
            return "backend set-up"  # a backend installed into a fresh venv (Backend.setup_commands)
    elif cmd[1:3] == ["-m", "pip"]:
        installer, verb = "pip", cmd[3]
    else:
        if "sample_project.doctor" in cmd:
            return "doctor"
        if cmd[1] == "-c":
            return "python -c"
        script = Path(cmd[1])
        return "consumer" if script.name == "main.py" else script.stem
    mode = next((option for option in ("--editable", "--target") if option in cmd), "")
    return " ".join(filter(None, (installer, verb, mode or ("WHEEL" if verb == "install" else ""))))


@dataclass
class Timing:
    """What one scenario cost: its wall time, and the CPU time of each kind of command it ran itself."""

    seconds: float
    cpu: dict[str, list[float]]


def bench_report(records: list[dict], timings: list[Timing], wall: float, jobs: int) -> str:
    """``make matrix``'s report: wall time per run (a cell on one interpreter), and where the CPU time goes."""
    lines = [
        f"{len(records)} runs in {wall:.1f} s wall with {jobs} workers:"
        f" {wall / len(records):.2f} s of wall time per run",
    ]
    for installer in INSTALLERS:
        spent = [t.seconds for record, t in zip(records, timings) if record["installer"] == installer]
        lines.append(f"  {installer} cells: {len(spent)}, {sum(spent) / len(spent):.2f} s of wall time each")
    kinds: dict[str, list[float]] = {}
    for timing in timings:
        for kind, cpu in timing.cpu.items():
            kinds.setdefault(kind, []).extend(cpu)
    lines.append("CPU time (user + system, subprocesses included) of the commands the scenarios ran:")
    for kind, cpu in sorted(kinds.items(), key=lambda item: -sum(item[1])):
        lines.append(f"  {kind:<26} {len(cpu):4} runs {sum(cpu):7.1f} s  {sum(cpu) / len(cpu):5.2f} s each")
    total = sum(map(sum, kinds.values()))
    installs = sum(sum(cpu) for kind, cpu in kinds.items() if kind.startswith(INSTALLERS))
    cores = os.cpu_count() or 1
    lines += [
        f"  {'every command':<26} {sum(map(len, kinds.values())):4} runs {total:7.1f} s",
        f"The pip and uv commands alone take {installs:.0f} s of CPU: on this machine's {cores} cores,"
        f" these runs take no less than {installs / cores:.0f} s of wall time, nor their"
        f" commands less than {total / cores:.0f} s.",
    ]
    return "\n".join(lines)
