"""azurefunctions.agents.durable: the part only azure-functions-agent-durable provides."""

from .durable import start_durable_task

__all__ = ["start_durable_task"]
