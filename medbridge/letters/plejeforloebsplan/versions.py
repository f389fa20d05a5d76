"""The plejeforløbsplan's version: XDIS21 XD2134C (XML only; EDIFACT has no care plan)."""

from medbridge.letters.declaration import LetterKind, XmlVersion
from medbridge.xml.namespaces import M103

__all__ = ["KIND", "XD2134C"]

XD2134C = XmlVersion("XD2134C", "ProgressOfCarePlan", "XDIS21", M103, f"{__package__}.xml")
KIND = LetterKind("plejeforloebsplan", supported=(XD2134C,), rules=f"{__package__}.rules")
