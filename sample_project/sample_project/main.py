"""Import from both distributions that share azurefunctions.agents, and use both.

Run from the sample_project/ folder: ``python sample_project/main.py``.
With the two distributions as shipped (each has a regular
azurefunctions/agents/__init__.py), the second import fails; the traceback is
followed by the namespace doctor's diagnosis (the doctor/ package beside this file).
"""

import sys

try:
    from azurefunctions.agents.durable import start_durable_task
    from azurefunctions.agents.framework import start_agent
except ImportError:
    import traceback

    traceback.print_exc()
    from importlib.util import module_from_spec, spec_from_file_location
    from pathlib import Path

    # Loaded from its folder: this script may run without sample_project installed.
    folder = Path(__file__).with_name("doctor")
    spec = spec_from_file_location(
        "sample_project_doctor", folder / "__init__.py", submodule_search_locations=[str(folder)]
    )
    doctor = module_from_spec(spec)
    sys.modules[spec.name] = doctor
    spec.loader.exec_module(doctor)
    # The command that gives the same verdict, from the folder this ran in (its stopgap help uses it).
    project = folder.parents[1]
    where = "" if Path.cwd().resolve() == project.resolve() else f"cd {doctor.display.pasted(project)} && "
    python = doctor.display.pasted(sys.executable)
    report, _ = doctor.diagnose(command=f"{where}{python} -m sample_project.doctor")
    header = f"The namespace doctor, called by main.py ({where}python -m sample_project.doctor gives the same verdict):"
    print(f"\n{header}\n{report}", file=sys.stderr)
    raise SystemExit(1) from None


def main() -> int:
    print(start_durable_task())
    print(start_agent())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
