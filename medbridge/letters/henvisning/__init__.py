"""The henvisning (hospital referral): XREF01 XH0130R and MEDREF REF01 H0130R."""

from medbridge.letters.henvisning.versions import KIND

__all__ = ["KIND"]
