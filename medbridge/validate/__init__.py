"""Validation beyond the schema: Danish identifier checks (:mod:`.identifiers`), semantic
rules over the normalized model (:mod:`.rules`) and cascade suppression of findings
(:mod:`.cascade`).

Import-light on purpose: importing this package loads none of its modules and nothing of the
public API in ``medbridge/__init__``; import the submodules directly.
"""
