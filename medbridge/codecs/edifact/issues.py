"""What the EDIFACT writer cannot carry, and what allow-loss may leave out (the mapping layer:
the required check reads the letter's XSD, so this is not part of the syntax layer ``edifact/``).

An :class:`Issue` is one value the target cannot carry as it is (a character outside ISO 8859-1,
a field with no slot, a text over MedCom's FTX limits). Strict writing refuses it
(:func:`refuse`: ``convert.unrepresentable`` / ``convert.unmapped``). With allow-loss the writer
renders the letter without it and reports a ``convert.loss`` warning, **unless** what it leaves
out is an element the letter requires: then the letter would lack a required value (and
medbridge itself would refuse to read it back), so :func:`required_losses` turns the issue into a
``convert.required-lost`` error and the letter is refused after all.

Each issue says what lossy writing leaves out (``lost``): by default the value at ``path``; an
enclosing element when the writer leaves out that whole element (a clinical text's group, a
reference whose URL cannot be written); nothing (``None``) when the writer puts another value in
its place (a StatisticalCode regenerated from the TypeCode). Whether an element is required comes
from one place, the letter's XSD (:func:`medbridge.xml.required.required_in_letter`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from medbridge.errors import ConversionError
from medbridge.findings import Finding, Location, Severity

__all__ = ["SAME", "Issue", "refuse", "required_losses"]

#: ``Issue.lost`` default: lossy writing leaves out the value at ``path`` itself.
SAME = "."


@dataclass(frozen=True, slots=True)
class Issue:
    """A value the target cannot carry: ``convert.unrepresentable`` or ``convert.unmapped``.

    ``scope`` names the units it affects (left out with allow-loss); ``path`` is the model path.
    ``lost`` is the element lossy writing leaves out (see the module docstring); ``refusal``
    ends the message in strict mode only (what strict writing never does).
    """

    code: str
    message: str
    path: str
    scope: str
    tag: str | None = None
    element: int | None = None
    component: int | None = None
    lost: str | None = SAME
    refusal: str = ""

    @property
    def left_out(self) -> str | None:
        """The element path lossy writing leaves out, or None when it writes a replacement."""
        return self.path if self.lost == SAME else self.lost

    def location(self) -> Location:
        return Location(
            path=self.path, tag=self.tag, element=self.element, component=self.component
        )

    def finding(self, *, loss: bool) -> Finding:
        if loss:
            left_out = self.left_out
            whole = f", with all of {left_out}" if left_out not in (None, self.path) else ""
            return Finding(
                "convert.loss",
                Severity.WARNING,
                f"Left out of the EDIFACT output{whole}: {self.message}",
                self.location(),
            )
        text = f"{self.message.rstrip('.')}; {self.refusal}" if self.refusal else self.message
        return Finding(self.code, Severity.ERROR, text, self.location())


def refuse(issues: Sequence[Issue]) -> ConversionError:
    """The strict-mode refusal for ``issues``."""
    findings = [issue.finding(loss=False) for issue in issues]
    error = ConversionError.from_findings(findings)
    assert isinstance(error, ConversionError)
    return error


def required_losses(issues: Sequence[Issue], namespace: str) -> list[Finding]:
    """``convert.required-lost`` errors for the issues whose lossy rendering would leave out an
    element the letter requires (the ``minOccurs`` of the XSD of ``namespace``, the letter's
    XML namespace)."""
    from medbridge.xml.required import required_in_letter

    findings: list[Finding] = []
    for issue in issues:
        left_out = issue.left_out
        if left_out is None or not required_in_letter(left_out, namespace):
            continue
        name = "/".join(left_out.split("/")[-2:])  # with its parent: Letter/Identifier
        findings.append(
            Finding(
                "convert.required-lost",
                Severity.ERROR,
                f"{name} is required in the letter, and leaving it out would write a letter "
                f"without it, so the letter is refused even with allow-loss: {issue.message}",
                issue.location(),
            )
        )
    return findings
