"""The ambulant epikrise (out-patient discharge letter): XDIS02 XD0233L and MEDDIS DIS02 D0233L."""

from medbridge.letters.ambulant_epikrise.versions import KIND

__all__ = ["KIND"]
