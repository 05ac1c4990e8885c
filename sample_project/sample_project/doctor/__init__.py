"""Namespace doctor: which folder wins a shared package name, who owns it, what it hides.

    python -m sample_project.doctor [--json | --format mermaid] [NAME ...]

Inspects the environment of the interpreter that runs it, statically: it never
imports the packages it inspects (they may be broken or heavy). It follows the
import system of the running interpreter step by step (``sys.meta_path``,
``sys.path_hooks``, ``sys.path_importer_cache``), reading folders, ``__init__``
files, the editable finders' modules and the installed distributions'
metadata. For each dotted package NAME (default: every package name that more
than one folder provides) it lists the folders that provide it, the one Python
picks and the ``__path__`` Python ends up with, what that hides, and the
distribution that owns each folder; it checks the installed files against
their distributions' RECORDs; and it prints the fix as commands to paste.

The layers, each a module, each reading only what is below it:

- files.py: the file system and zip archives, with the record of what could not be read;
- specs.py: the words: kinds, loaders, ``Spec``, ``Resolution``;
- inits.py: what an ``__init__`` does to ``__path__``, read from its syntax tree;
- entries.py, editables.py, finders.py: one model per finder Python may use, registered in finders.py;
- legacy.py: pkgutil.extend_path and pkg_resources.declare_namespace;
- imports.py: ``import NAME``, followed step by step;
- startup.py: the .pth files site processed, and their lines that failed;
- installed.py, audit.py: the installed distributions, and their files against RECORD;
- environment.py: who provides a name and who owns it;
- causes.py, diagnosis.py, fixes.py: the table of causes, the findings and verdict, the help;
- display.py, render.py, mermaid.py: the report as text, JSON and a picture;
- cli.py: the command line.

Standard library only; Python 3.9+. ``make doctor`` builds it into one file,
``doctor.pyz``, that runs anywhere: ``python doctor.pyz``.
"""

from __future__ import annotations

from .causes import Cause, Verdict
from .cli import diagnose, main
from .diagnosis import Diagnosis, UsageError, examine
from .environment import Environment
from .version import SCHEMA, VERSION

__all__ = [
    "SCHEMA",
    "VERSION",
    "Cause",
    "Diagnosis",
    "Environment",
    "UsageError",
    "Verdict",
    "diagnose",
    "examine",
    "main",
]
