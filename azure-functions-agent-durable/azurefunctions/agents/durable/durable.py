"""The durable side of the demo: a stand-in for an orchestration client."""


def start_durable_task(name: str = "demo") -> str:
    """Pretend to start a durable task and say so."""
    return f"durable task {name!r} started"
