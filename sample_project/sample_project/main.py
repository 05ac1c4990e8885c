"""Import from both distributions that share azurefunctions.agents, and use both.

Run from the sample_project/ folder: ``python sample_project/main.py``.
With the two distributions as shipped (each has a regular
azurefunctions/agents/__init__.py), the second import fails.
"""

from azurefunctions.agents.durable import start_durable_task
from azurefunctions.agents.framework import start_agent


def main() -> int:
    print(start_durable_task())
    print(start_agent())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
