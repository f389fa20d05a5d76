"""The epikrise (discharge letter): XDIS01 XD0133L and MEDDIS DIS01 D0133L."""
