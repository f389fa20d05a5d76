"""The exception family's one-finding constructors."""

from __future__ import annotations

from medbridge.errors import ConversionError, InputError, MedbridgeError
from medbridge.findings import Finding, Location, Severity


def test_error_carries_one_error_finding_and_its_text() -> None:
    where = Location(segment=3, tag="FTX", element=4, component=1)
    exc = ConversionError.error("convert.unrepresentable", "A value cannot be written.", where)
    assert type(exc) is ConversionError
    [finding] = exc.findings
    assert finding == Finding(
        "convert.unrepresentable", Severity.ERROR, "A value cannot be written.", where
    )
    assert str(exc) == finding.format()


def test_of_keeps_the_finding_as_given() -> None:
    finding = Finding("io.unreadable", Severity.ERROR, "The file cannot be read.", Location("a"))
    exc = InputError.of(finding)
    assert isinstance(exc, MedbridgeError) and type(exc) is InputError
    assert (exc.findings, str(exc)) == ([finding], finding.format())
