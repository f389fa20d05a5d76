"""The commands of the ``medbridge`` command line, one module each, and what they share.

:mod:`medbridge.cli` is the entry point: it holds the ``main`` group and ``show`` and adds the
commands defined here. ``common`` owns the exit codes (``safety-and-validation.md`` §7), the
options every batch command has, input gathering and per-input error handling; ``progress`` the
terminal progress bar; ``workers`` the process pool of ``convert --jobs``.
"""
