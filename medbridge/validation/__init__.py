"""Validation beyond the schema: semantic rules, identifier checks, finding cascades and report
formats."""
