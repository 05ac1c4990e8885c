"""The doctor's version, and its JSON report's schema (sample_project/README.md: "The JSON report"):
a change to the schema changes its number."""

VERSION = "2.3"
SCHEMA = 3
