"""The azurefunctions.agents package, as shipped by azure-functions-agent-durable.

A *regular* package: its __path__ is this one folder, so
azurefunctions.agents.framework, shipped by azure-functions-agent-framework,
cannot be found through it. Deleting this file and azurefunctions/__init__.py
from both distributions (PEP 420) is the fix.
"""

SHIPPED_BY = "azure-functions-agent-durable"
