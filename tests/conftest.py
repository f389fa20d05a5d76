"""Test-suite wide guards: no network for any test (safety §6.4), Hypothesis profiles, and a
check of every finding a test sees."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    derandomize=True,
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "long",
    max_examples=5000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

DEAD_PROXY = "http://127.0.9.1:9"


class NetworkBlocked(OSError):
    """Raised by the test guard when code tries to open a network connection."""


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    real_connect = socket.socket.connect

    def guarded_connect(self: socket.socket, address: Any) -> None:
        if self.family == socket.AF_UNIX:
            return real_connect(self, address)
        raise NetworkBlocked(f"network access attempted: {address!r}")

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    for var in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        monkeypatch.setenv(var, DEAD_PROXY)
    yield


# -------------------------------------------------------------------------------------------------
# Every finding any test makes is checked once the session ends (safety §5.5): a documented code,
# no unrendered placeholder, an excerpt within the limit, and no unmasked CPR.
# (Locations are asserted by the tests of each layer: unit tests may build bare findings.)

_SEEN_FINDINGS: list[Any] = []


def _record_findings() -> None:
    from medbridge.findings import Finding

    original = Finding.__post_init__

    def recording(self: Finding) -> None:
        original(self)
        if len(_SEEN_FINDINGS) < 200_000:
            _SEEN_FINDINGS.append(self)

    Finding.__post_init__ = recording  # type: ignore[method-assign]


_record_findings()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    import re
    from pathlib import Path

    if not _SEEN_FINDINGS:
        return
    doc = (Path(__file__).resolve().parent.parent / "docs" / "findings.md").read_text("utf-8")
    documented = set(re.findall(r"^\| `([a-z0-9.-]+)` \|", doc, re.MULTILINE))
    cpr = re.compile(r"(?<![0-9])[0-9]{6}-?[0-9]{4}(?![0-9])")
    problems: set[str] = set()
    for finding in _SEEN_FINDINGS:
        if finding.code not in documented:
            problems.add(f"undocumented code {finding.code}")
        if re.search(r"\{[a-z_]*\}", finding.message):
            problems.add(f"placeholder in {finding.code}: {finding.message[:80]}")
        if finding.excerpt is not None and len(finding.excerpt) > 60:
            problems.add(f"long excerpt in {finding.code}")
        for text in (finding.message, finding.excerpt or ""):
            if cpr.search(text):
                problems.add(f"unmasked CPR-like value in {finding.code}")
    if problems:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line("finding checks failed:", red=True)
            for problem in sorted(problems):
                reporter.write_line(f"  {problem}", red=True)
