"""One package per MedCom letter kind: its field table, XML and EDIFACT mappings and rules.

Each kind declares its versions in ``<kind>/versions.py`` (:mod:`~medbridge.letters.declaration`),
re-exported as ``<kind>.KIND``; :mod:`medbridge.registry` lists the kinds.

``shared`` holds the blocks the kinds share (MedCom 2005 XML blocks, EDIFACT segment layouts and
code maps).
"""
