"""The plejeforløbsplan (care plan to the municipality): XDIS21 XD2134C, XML only."""

from medbridge.letters.plejeforloebsplan.versions import KIND

__all__ = ["KIND"]
