"""The normalized, format-neutral model of MedCom letters.

Plain dataclasses an integrator can build by hand: :class:`Message` (envelope + letters), the three
letters :class:`DischargeLetter` (epikrise), :class:`HospitalReferral` (henvisning) and
:class:`CarePlan` (plejeforløbsplan), the :class:`Receipt` (kvittering) that answers them, their
building blocks, the formatted-text tree and the code
lists. No class here knows XML or EDIFACT.
"""

from medbridge.model.codes import *  # noqa: F403
from medbridge.model.codes import __all__ as _codes_all
from medbridge.model.common import *  # noqa: F403
from medbridge.model.common import __all__ as _common_all
from medbridge.model.epikrise import *  # noqa: F403
from medbridge.model.epikrise import __all__ as _epikrise_all
from medbridge.model.henvisning import *  # noqa: F403
from medbridge.model.henvisning import __all__ as _henvisning_all
from medbridge.model.message import *  # noqa: F403
from medbridge.model.message import __all__ as _message_all
from medbridge.model.plejeforloebsplan import *  # noqa: F403
from medbridge.model.plejeforloebsplan import __all__ as _plan_all
from medbridge.model.receipt import *  # noqa: F403
from medbridge.model.receipt import __all__ as _receipt_all
from medbridge.model.text import *  # noqa: F403
from medbridge.model.text import __all__ as _text_all

__all__ = [
    *_codes_all,
    *_common_all,
    *_epikrise_all,
    *_henvisning_all,
    *_message_all,
    *_plan_all,
    *_receipt_all,
    *_text_all,
]
