"""OIOXML: hardened parsing and schema validation (syntax), and one mapping module per letter
version (XDIS01 XD0133L, XREF01 XH0130R, XDIS21 XD2134C)."""
