"""One package per MedCom letter kind: its field table, XML and EDIFACT mappings and rules.

``shared`` holds the blocks the kinds share (MedCom 2005 XML blocks, EDIFACT segment layouts and
code maps).
"""
