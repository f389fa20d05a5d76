"""The epikrise (discharge letter): XDIS01 XD0133L and MEDDIS DIS01 D0133L."""

from medbridge.letters.epikrise.versions import KIND

__all__ = ["KIND"]
