"""Acknowledging received messages and matching received receipts (``exchange-messages.md`` part A).

One job per module: :mod:`~medbridge.receipts.headers` reads what a received message holds,
:mod:`~medbridge.receipts.outcome` which of its letters are rejected and why,
:mod:`~medbridge.receipts.refusals` turns findings into MedCom refuse codes and texts,
:mod:`~medbridge.receipts.acknowledge` makes the receipts owed, and
:mod:`~medbridge.receipts.match` matches a received receipt to what was sent.
"""
