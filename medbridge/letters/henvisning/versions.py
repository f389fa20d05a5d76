"""The henvisning's versions: XREF01 XH0130R and MEDREF REF01 H0130R (XH0131R, H0131R refused)."""

from medbridge.letters.declaration import medcom_2005_kind

__all__ = ["H0130R", "KIND", "XH0130R"]

XH0130R, H0130R, KIND = medcom_2005_kind(
    __package__, "henvisning", "HospitalReferral", "MEDREF", "H0130R", "REF01", newer="H0131R"
)
