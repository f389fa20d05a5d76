"""The mapping layer: each format's codec between its syntax and the model (XML, EDIFACT, JSON).

Letter-kind knowledge is in :mod:`medbridge.letters`; the engines here are driven by its tables.
"""
