"""The consumer side of the demo: it imports from both agent distributions."""
