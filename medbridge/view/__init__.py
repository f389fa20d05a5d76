"""The human view of a letter: critical facts first, then the letter as a person reads it.

* :mod:`~medbridge.view.facts` — :func:`critical_facts` (resuscitation/treatment level, CAVE,
  contagion) and :func:`follow_up_statements`, each statement quoted whole;
* :mod:`~medbridge.view.vocabulary` and ``vocabulary.toml`` — the terms, as data;
* :mod:`~medbridge.view.model` — the view model, one per message, and its JSON form
  (``medbridge-view/1``);
* :mod:`~medbridge.view.text` and :mod:`~medbridge.view.html` — the terminal and HTML renderings
  of that same view model.
* :mod:`~medbridge.view.transport` and :mod:`~medbridge.view.transport_draw` — the
  "Forsendelse" block of a letter that arrived in SBDH/VANS envelopes, and its drawing.

The view is for people: unlike findings and logs, it shows the patient's full CPR number.
"""

from medbridge.lazy import lazy_attributes
from medbridge.view.facts import CriticalFact, MatchedTerm, critical_facts, follow_up_statements

__all__ = [
    "CriticalFact",
    "MatchedTerm",
    "build_view",
    "critical_facts",
    "follow_up_statements",
    "render_html",
    "render_text",
    "view_json",
]

# The renderers load on first use (``rich`` is not imported by ``import medbridge``).
__getattr__, __dir__ = lazy_attributes(
    __name__,
    globals(),
    {
        "build_view": "medbridge.view.model",
        "view_json": "medbridge.view.model",
        "render_text": "medbridge.view.text",
        "render_html": "medbridge.view.html",
    },
)
