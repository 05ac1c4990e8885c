"""The framework side of the demo: a stand-in for an agent client."""


def start_agent(name: str = "demo") -> str:
    """Pretend to start an agent and say so."""
    return f"agent {name!r} started"
