"""The pinned toolchain: what tests/requirements*.txt pin, the wheels ``make`` downloads, what each test venv is seeded with.

Outcomes depend on these versions, and some of them on the interpreter: pip
26.3 and setuptools 84 need Python 3.10, hatchling 1.33 and poetry-core 2.5
too, so a test venv of CPython 3.9 is seeded with what virtualenv bundles for
3.9, and a backend whose pinned wheels do not support an interpreter is not
tried there. Each of those facts is read from the wheels' own metadata
(``Requires-Python``, ``Requires-Dist``), never written down here.
"""

from __future__ import annotations

import re
import sys
import zipfile
from functools import cache
from pathlib import Path

from interpreters import SUPPORTED, version_of
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
REQUIREMENTS = ROOT / "tests" / "requirements.txt"
BACKEND_REQUIREMENTS = ROOT / "tests" / "requirements-backends.txt"
# The type checkers and the IDE engine the matrix's static columns run.
STATIC_REQUIREMENTS = ROOT / "tests" / "requirements-static.txt"
# setuptools 81 and later have no pkg_resources; the differential test takes it from this release's wheel.
PKG_RESOURCES_REQUIREMENTS = ROOT / "tests" / "requirements-pkg_resources.txt"
# Where `make` downloads the wheels of the backends (for every supported interpreter) and of pkg_resources.
WHEELS = Path(sys.prefix, "wheels")
REDOWNLOAD = (
    f"delete {Path(sys.prefix, '.toolchain-installed')} and run make again: its set-up step downloads them"
)


def marker_environment(python: str) -> dict[str, str]:
    """PEP 508 marker values for CPython ``python`` ("3.9") on this platform."""
    return {**default_environment(), "python_version": python, "python_full_version": f"{python}.0"}


def requirements(path: Path = REQUIREMENTS, python: str | None = None) -> list[Requirement]:
    """The ``name==version`` lines of a pinned requirements file whose markers hold on ``python`` (default: this one)."""
    env = marker_environment(python or version_of())
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate({**env, "extra": ""}):
            found.append(requirement)
    return found


def pins(path: Path = REQUIREMENTS, python: str | None = None) -> dict[str, str]:
    """A pinned requirements file: distribution name (normalized: lower case, hyphens) -> version, on ``python``."""
    found = {}
    for requirement in requirements(path, python):
        (specifier,) = requirement.specifier
        found[canonicalize_name(requirement.name)] = specifier.version
    return found


def seeded(python: str) -> dict[str, str]:
    """What virtualenv seeds a test venv of CPython ``python`` with: ``{"pip": VERSION, "setuptools": VERSION}``."""
    return {name: bundled_wheel(name, python).name.split("-")[1] for name in ("pip", "setuptools")}


def bundled_wheel(distribution: str, python: str | None = None) -> Path:
    """The wheel of ``pip`` or ``setuptools`` that virtualenv seeds a test venv of ``python`` (default: this one) with."""
    from virtualenv.seed.wheels.embed import BUNDLE_FOLDER, BUNDLE_SUPPORT

    return BUNDLE_FOLDER / BUNDLE_SUPPORT[python or version_of()][distribution]


@cache
def _metadata(name: str, version: str) -> tuple[str, list[Requirement]]:
    """(Requires-Python, Requires-Dist) of the downloaded wheel ``name==version``."""
    prefix = f"{re.sub(r'[-_.]+', '_', name)}-{version}-".lower()
    found = [wheel for wheel in WHEELS.glob("*.whl") if wheel.name.lower().startswith(prefix)]
    if not found:
        raise FileNotFoundError(f"no wheel of {name} {version} in {WHEELS}: {REDOWNLOAD}")
    with zipfile.ZipFile(found[0]) as archive:
        name_ = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        lines = archive.read(name_).decode("utf-8").splitlines()
    headers = [line.partition(": ") for line in lines[: lines.index("")] if ": " in line]
    requires_python = next((value for key, _, value in headers if key == "Requires-Python"), "")
    return requires_python, [Requirement(value) for key, _, value in headers if key == "Requires-Dist"]


def closure(names: list[str], python: str) -> list[str]:
    """``names`` and everything their pinned wheels require on ``python``, each once, by normalized name."""
    pinned = pins(BACKEND_REQUIREMENTS, python)
    env = {**marker_environment(python), "extra": ""}
    found: dict[str, None] = {}
    pending = [canonicalize_name(name) for name in names]
    while pending:
        name = pending.pop(0)
        if name in found:
            continue
        if name not in pinned:
            raise LookupError(
                f"{name} is needed on Python {python} but not pinned in {BACKEND_REQUIREMENTS.name}"
            )
        found[name] = None
        _, requires = _metadata(name, pinned[name])
        pending += [canonicalize_name(r.name) for r in requires if r.marker is None or r.marker.evaluate(env)]
    return list(found)


def unsupported(names: list[str], python: str) -> str | None:
    """Why the pinned wheels of ``names`` (and what they need) cannot be installed on ``python``, or None."""
    pinned = pins(BACKEND_REQUIREMENTS, python)
    for name in closure(names, python):
        requires_python, _ = _metadata(name, pinned[name])
        if requires_python and not SpecifierSet(requires_python).contains(f"{python}.0"):
            return f"{name} {pinned[name]} requires Python {requires_python}"
    return None


def pip_relays_backend_warnings(python: str) -> bool:
    """Whether the pip a test venv of ``python`` is seeded with shows a build backend's warnings on success.

    pip 26.3 does (its vendored pyproject_hooks forwards them as ``BuildBackendWarning``);
    pip 26.0.1, which virtualenv seeds on 3.9, shows a build's output only when it fails.
    """
    with zipfile.ZipFile(bundled_wheel("pip", python)) as wheel:
        return "class BuildBackendWarning" in wheel.read("pip/_vendor/pyproject_hooks/_impl.py").decode()


def pkg_resources_wheel() -> Path:
    """The pinned setuptools wheel that still has pkg_resources, downloaded by ``make`` into the tool venv."""
    version = pins(PKG_RESOURCES_REQUIREMENTS)["setuptools"]
    wheel = WHEELS / f"setuptools-{version}-py3-none-any.whl"
    if not wheel.is_file():
        raise FileNotFoundError(f"{wheel} is missing: {REDOWNLOAD}")
    return wheel


def downloads(python: str) -> list[str]:
    """What ``make`` downloads for ``python``: every pinned backend and its dependencies there, and pkg_resources' setuptools."""
    wanted = {**pins(BACKEND_REQUIREMENTS, python), **pins(PKG_RESOURCES_REQUIREMENTS, python)}
    return [f"{name}=={version}" for name, version in sorted(wanted.items())]


def interpreters_seeded() -> dict[str, dict[str, str]]:
    """Each supported interpreter's seed: ``{"3.9": {"pip": ..., "setuptools": ...}, ...}``."""
    return {python: seeded(python) for python in SUPPORTED}
