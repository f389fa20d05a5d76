"""EDIFACT: the syntax layer (UNA, tokenizer with byte offsets, escaping, envelope checks, FTX
text wrapping) and one mapping module per message version (MEDDIS DIS01 D0133L, MEDREF REF01
H0130R)."""
