"""medbridge: read, validate, write and convert Danish MedCom messages.

The curated public API::

    import medbridge

    msg = medbridge.read(data)                  # bytes or a path; format, kind, version detected
    report = medbridge.validate(data)           # never raises for bad input
    xml_bytes = medbridge.write(msg, "xml")     # or "edifact", "json"
    result = medbridge.convert(data, to="edifact")
    item = medbridge.batch.convert_item("a.xml", data, to="json")   # never raises
    text = medbridge.to_json(msg); msg = medbridge.from_json(text)
    receipts = medbridge.acknowledge(data)     # the receipts (CTL/XCTL) owed: none, one or two
    result = medbridge.match_receipt(receipt, sent)   # what a received receipt says per letter
    facts = medbridge.critical_facts(msg.letter)   # resuscitation, CAVE, contagion: quoted whole
    inner = medbridge.unwrap(data)              # SBDH / VANS layers and the payload inside
    wrapped = medbridge.write(msg, "xml", wrap="sbdh")   # SBDH around VANS around the letter

The model classes (``Message``, ``DischargeLetter``, ``HospitalReferral``, ``CarePlan`` and their
parts) live in :mod:`medbridge.model` and are re-exported here.
"""

from typing import TYPE_CHECKING

from medbridge.api import (
    Conversion,
    convert,
    detect,
    iter_read,
    read,
    validate,
    write,
)
from medbridge.envelopes import duplicate_key, unwrap
from medbridge.errors import (
    ConversionError,
    EdifactInputError,
    InputError,
    InternalError,
    MedbridgeError,
    OutputError,
    OutputRefused,
    XmlInputError,
)
from medbridge.findings import Finding, Location, Report, Severity
from medbridge.lazy import lazy_attributes
from medbridge.limits import Limits
from medbridge.model import *  # noqa: F403
from medbridge.model import __all__ as _model_all
from medbridge.model.transport import TransportLayer, VansReceipt
from medbridge.registry import Detection

if TYPE_CHECKING:
    from medbridge import batch
    from medbridge.codecs.json.codec import from_json, to_json
    from medbridge.envelopes import EnvelopeIds, Unwrapped
    from medbridge.receipts.acknowledge import acknowledge
    from medbridge.receipts.match import LetterMatch, LetterStatus, ReceiptMatch, match_receipt
    from medbridge.view.facts import CriticalFact, MatchedTerm, critical_facts

# Public names loaded on first use, so that ``import medbridge`` (every CLI run) does not pay
# for what a plain read never needs: the batch API, JSON, the critical-facts scan, the receipt
# and envelope machinery.
__getattr__, __dir__ = lazy_attributes(
    __name__,
    globals(),
    {
        "batch": "medbridge.batch",
        "from_json": "medbridge.codecs.json.codec",
        "to_json": "medbridge.codecs.json.codec",
        "CriticalFact": "medbridge.view.facts",
        "MatchedTerm": "medbridge.view.facts",
        "critical_facts": "medbridge.view.facts",
        "EnvelopeIds": "medbridge.envelopes",
        "Unwrapped": "medbridge.envelopes",
        "acknowledge": "medbridge.receipts.acknowledge",
        "LetterMatch": "medbridge.receipts.match",
        "LetterStatus": "medbridge.receipts.match",
        "ReceiptMatch": "medbridge.receipts.match",
        "match_receipt": "medbridge.receipts.match",
    },
)


__version__ = "0.2.0"

__all__ = [
    "ConversionError",
    "Conversion",
    "CriticalFact",
    "Detection",
    "EdifactInputError",
    "EnvelopeIds",
    "Finding",
    "InputError",
    "InternalError",
    "LetterMatch",
    "LetterStatus",
    "Limits",
    "Location",
    "MatchedTerm",
    "MedbridgeError",
    "OutputError",
    "OutputRefused",
    "ReceiptMatch",
    "Report",
    "Severity",
    "TransportLayer",
    "Unwrapped",
    "VansReceipt",
    "XmlInputError",
    "acknowledge",
    "batch",
    "convert",
    "critical_facts",
    "detect",
    "duplicate_key",
    "from_json",
    "iter_read",
    "match_receipt",
    "read",
    "to_json",
    "unwrap",
    "validate",
    "write",
    *_model_all,
]
