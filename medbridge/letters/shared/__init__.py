"""Blocks shared by several letter kinds: MedCom 2005 XML structures, EDIFACT segment layouts and
the EDIFACT code maps."""
