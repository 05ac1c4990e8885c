"""``make bench``: how long things take here, as a user runs them: the median of several runs.

python tests/commands/bench.py [--runs N] [--python PYTHON] [TARGET ...]

A TARGET is a make target (default: test, the inner loop), run N times (default
3) one after the other with the tool venv already set up; each run's wall time
and the median are printed. The TARGET ``doctor`` times the namespace doctor
instead (N runs each, default 3): on this machine's own Python (the one the
tool venv was made from, with whatever it has installed) against listing every
installed distribution's files with importlib.metadata, and ``main.py``'s
diagnosis after the demo's ImportError. Writes nothing; exits 1 if a run fails.
Where the time of the matrix's scenarios goes, command by command, is what
``make matrix`` prints.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "lib"))  # tests/lib

from doctor_pyz import build
from harness import CONSUMER, DISTRIBUTIONS, hermetic_env, run_make, scenario
from interpreters import find_interpreter, version_of

LISTING = "import importlib.metadata as m; [d.files for d in m.distributions()]"
COUNT = (
    "import importlib.metadata as m; d = list(m.distributions());"
    " print(len(d), sum(len(x.files or ()) for x in d))"
)


def timed(command: list, runs: int, **kwargs) -> float:
    """The median wall time of ``runs`` runs of ``command`` (each must exit 0, or 1 for the consumer)."""
    times = []
    for _ in range(runs):
        started = time.monotonic()
        done = subprocess.run(command, capture_output=True, text=True, **kwargs)
        times.append(time.monotonic() - started)
        if done.returncode not in (0, 1):
            raise RuntimeError(f"{command} failed:\n{done.stdout}{done.stderr}")
    return statistics.median(times)


def bench_doctor(runs: int) -> None:
    python = str(find_interpreter(version_of()))
    env = hermetic_env()
    with tempfile.TemporaryDirectory() as folder:
        # The single file, in a folder of its own: nothing there changes what it sees.
        doctor = build(Path(folder, "doctor.pyz"))
        dists, files = subprocess.run(
            [python, "-c", COUNT], capture_output=True, text=True, env=env
        ).stdout.split()
        listing = timed([python, "-c", LISTING], runs, env=env, cwd=folder)
        diagnosis = timed([python, doctor], runs, env=env, cwd=folder)
    print(
        f"doctor on {python} ({dists} distributions, {files} files): {diagnosis:.2f} s, listing their files"
        f" {listing:.2f} s: {diagnosis / listing:.1f}x (medians of {runs} runs)"
    )
    with scenario() as s:
        for dist in DISTRIBUTIONS:  # the demo's collision
            if s.install(dist, "editable", "uv").returncode:
                raise RuntimeError(f"installing {dist} failed:\n{s.log}")
        consumer = [str(s.venv.python), "sample_project/main.py"]
        after = timed(consumer, runs, env=s.venv.env, cwd=s.project(CONSUMER))
    print(
        f"main.py after the demo's ImportError, its diagnosis included: {after:.2f} s (median of {runs} runs)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("targets", nargs="*", default=["test"], metavar="TARGET")
    parser.add_argument("--runs", type=int, default=3, help="runs of each target (default: 3)")
    parser.add_argument("--python", default=sys.executable, help="the tool Python (default: this one)")
    options = parser.parse_args(argv)
    if options.runs < 1:
        parser.error("--runs takes a whole number of at least 1")
    for target in options.targets:
        if target == "doctor":
            try:
                bench_doctor(options.runs)
            except RuntimeError as error:
                print(error, file=sys.stderr)
                return 1
            continue
        times = []
        for run in range(1, options.runs + 1):
            started = time.monotonic()
            done = run_make(target, options.python)
            times.append(time.monotonic() - started)
            print(f"make {target}, run {run}: {times[-1]:.1f} s, exit {done.returncode}", flush=True)
            if done.returncode:
                print(done.stdout[-4000:], done.stderr[-4000:], sep="\n", file=sys.stderr)
                return 1
        median = statistics.median(times)
        print(f"make {target}: median {median:.1f} s of {options.runs} runs on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    sys.exit(main())
