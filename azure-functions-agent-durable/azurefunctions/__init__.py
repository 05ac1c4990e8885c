"""The azurefunctions package, as shipped by azure-functions-agent-durable.

This file makes azurefunctions a *regular* package, so its __path__ is this one
folder. azure-functions-agent-framework ships a file at the same path: the
deliberate collision this repository demonstrates.
"""

SHIPPED_BY = "azure-functions-agent-durable"
