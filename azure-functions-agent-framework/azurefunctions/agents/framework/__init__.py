"""azurefunctions.agents.framework: the part only azure-functions-agent-framework provides."""

from .client import start_agent

__all__ = ["start_agent"]
