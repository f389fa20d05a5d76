"""The kvittering (receipt): CTL01–03 / XCTL01–03, MedCom's answer to a received interchange."""

from medbridge.letters.receipt.versions import KIND, message_type_of

__all__ = ["KIND", "message_type_of"]
