"""The azurefunctions package, as shipped by azure-functions-agent-framework.

This file makes azurefunctions a *regular* package, so its __path__ is this one
folder. azure-functions-agent-durable ships a file at the same path: the
deliberate collision this repository demonstrates.
"""

SHIPPED_BY = "azure-functions-agent-framework"
