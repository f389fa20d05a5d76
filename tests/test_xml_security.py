"""Hostile XML (safety §1.3 and §8 A 1–9): rejected, never obeyed.

Two kinds of proof that no file is read: a *sentinel* file with a unique marker that must appear
nowhere, and a *FIFO* sentinel: opening a FIFO for reading blocks until a writer appears, so a
parser that tried to read it would not finish, and afterwards a non-blocking open for writing
would find a reader. Python audit hooks only see Python-level opens (libxml2 opens files in C),
so the subprocess audit-hook test is a third, narrower check. A loopback listener counts
connections for the network cases.
"""

from __future__ import annotations

import errno
import os
import resource
import socketserver
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from medbridge.errors import XmlInputError
from medbridge.findings import Finding
from medbridge.xml.parse import SAFE_OPTIONS, parse_trusted, parse_xml

# -------------------------------------------------------------------------------------------
# helpers


def rejected(data: bytes, *, trusted: bool = False) -> XmlInputError:
    with pytest.raises(XmlInputError) as info:
        if trusted:
            parse_trusted(data)
        else:
            parse_xml(data)
    return info.value


def codes(exc: XmlInputError) -> list[str]:
    return [f.code for f in exc.findings]


def everything_said(exc: XmlInputError) -> str:
    """Every text a user could see from this failure."""
    parts = [str(exc)]
    for finding in exc.findings:
        parts += [finding.format(), finding.message, finding.excerpt or "", repr(finding)]
    return "\n".join(parts)


@pytest.fixture
def sentinel(tmp_path: Path) -> tuple[Path, str]:
    marker = f"SENTINEL-{uuid.uuid4().hex}"
    path = tmp_path / "sentinel.txt"
    path.write_text(marker, encoding="ascii")
    return path, marker


@pytest.fixture
def fifo(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "sentinel.fifo"
    os.mkfifo(path)
    yield path


def fifo_was_opened(fifo: Path, action: Callable[[], object]) -> tuple[bool, object]:
    """Run ``action``; report whether it opened ``fifo`` (it blocks, or leaves a reader behind)."""
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(action())
        except BaseException as exc:  # handed back to the caller
            outcome.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout=3)
    if thread.is_alive():  # blocked in open(): unblock it with a writer that closes at once
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        thread.join(timeout=5)
        return True, outcome[0] if outcome else None
    try:
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    except OSError as exc:
        assert exc.errno == errno.ENXIO  # no reader has it open
        return False, outcome[0]
    return True, outcome[0]


def assert_never_opened(fifo: Path, action: Callable[[], object]) -> None:
    opened, outcome = fifo_was_opened(fifo, action)
    assert not opened, "the parser opened the FIFO sentinel"
    assert isinstance(outcome, XmlInputError)


class CountingServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        self.connections = 0
        super().__init__(("127.0.0.1", 0), CountingHandler)


class CountingHandler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        assert isinstance(self.server, CountingServer)
        self.server.connections += 1
        self.request.recv(1024)


@pytest.fixture
def listener() -> Iterator[CountingServer]:
    server = CountingServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def xxe(uri: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<!DOCTYPE Emessage [<!ENTITY x SYSTEM "{uri}">]>\n'
        f"<Emessage><Patient><PersonGivenName>&x;</PersonGivenName></Patient></Emessage>\n"
    ).encode()


def parameter_entity(uri: str) -> bytes:
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY % p SYSTEM "{uri}"> %p;]>\n<r/>\n'
    ).encode()


def xinclude(uri: str) -> bytes:
    return (
        '<?xml version="1.0"?>\n'
        '<Emessage xmlns:xi="http://www.w3.org/2001/XInclude">\n'
        f'  <Text><xi:include href="{uri}" parse="text"/></Text>\n'
        "</Emessage>\n"
    ).encode()


def billion_laughs() -> bytes:
    lines = ['<?xml version="1.0"?>', "<!DOCTYPE lolz [", '<!ENTITY lol0 "lol">']
    for level in range(1, 10):
        refs = f"&lol{level - 1};" * 10
        lines.append(f'<!ENTITY lol{level} "{refs}">')
    lines += ["]>", "<lolz>&lol9;</lolz>"]
    return "\n".join(lines).encode()


def quadratic_blowup() -> bytes:
    entity = "A" * 50_000
    body = "&a;" * 50_000
    return f'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY a "{entity}">]>\n<r>{body}</r>'.encode()


def peak_rss_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


# -------------------------------------------------------------------------------------------
# A1 xxe-file


class TestExternalEntity:
    def test_rejected_by_prescan_and_marker_nowhere(self, sentinel: tuple[Path, str]) -> None:
        path, marker = sentinel
        exc = rejected(xxe(path.as_uri()))
        assert codes(exc) == ["xml.security.doctype"]
        finding = exc.findings[0]
        assert (finding.location.line, finding.location.column) == (2, 1)
        assert marker not in everything_said(exc)

    def test_after_parse_defence_also_refuses(self, sentinel: tuple[Path, str]) -> None:
        path, marker = sentinel
        exc = rejected(xxe(path.as_uri()), trusted=True)
        assert codes(exc) == ["xml.security.doctype", "xml.security.entity"]
        assert exc.findings[1].location.line == 3
        assert marker not in everything_said(exc)

    @pytest.mark.parametrize("trusted", [False, True])
    def test_file_is_never_opened(self, fifo: Path, trusted: bool) -> None:
        data = xxe(fifo.as_uri())
        assert_never_opened(fifo, lambda: parse_trusted(data) if trusted else parse_xml(data))


# -------------------------------------------------------------------------------------------
# A2 internal-entity


class TestInternalEntity:
    DATA = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<!DOCTYPE Emessage [<!ENTITY n "Hans">]>\n'
        b"<Emessage><Patient><PersonGivenName>&n;</PersonGivenName></Patient></Emessage>"
    )

    def test_rejected_not_expanded_not_dropped(self) -> None:
        exc = rejected(self.DATA)
        assert codes(exc) == ["xml.security.doctype"]
        assert "Hans" not in "".join(f.message for f in exc.findings)

    def test_entity_node_is_refused_after_parsing(self) -> None:
        exc = rejected(self.DATA, trusted=True)
        assert codes(exc) == ["xml.security.doctype", "xml.security.entity"]
        entity = exc.findings[1]
        assert "&n;" in entity.message
        assert entity.location.line == 3
        assert entity.location.column == 37


# -------------------------------------------------------------------------------------------
# A3, A4 entity expansion bombs


class TestExpansionBombs:
    def test_billion_laughs_fast_and_small(self) -> None:
        data = billion_laughs()
        before = peak_rss_kib()
        start = time.perf_counter()
        exc = rejected(data)
        elapsed = time.perf_counter() - start
        assert codes(exc) == ["xml.security.doctype"]
        assert elapsed < 1.0
        assert peak_rss_kib() - before < 50 * 1024

    def test_quadratic_blowup_fast(self) -> None:
        data = quadratic_blowup()
        start = time.perf_counter()
        exc = rejected(data)
        assert time.perf_counter() - start < 1.0
        assert codes(exc) == ["xml.security.doctype"]
        assert len(everything_said(exc)) < 2000


# -------------------------------------------------------------------------------------------
# A5 external-dtd


class TestExternalDtd:
    def test_listener_gets_no_request(self, listener: CountingServer) -> None:
        port = listener.server_address[1]
        data = f'<!DOCTYPE r SYSTEM "http://127.0.0.1:{port}/x.dtd">\n<r/>'.encode()
        exc = rejected(data)
        assert codes(exc) == ["xml.security.doctype"]
        exc = rejected(data, trusted=True)  # libxml2 itself sees the DOCTYPE here
        assert codes(exc) == ["xml.security.doctype"]
        time.sleep(0.2)
        assert listener.connections == 0

    def test_listener_counts_real_connections(self, listener: CountingServer) -> None:
        """The detector works: a real connection is counted (bypassing the test guard)."""
        import _socket
        import socket

        sock = socket.socket()
        try:
            sock.settimeout(2)
            _socket.socket.connect(sock, listener.server_address)  # the C method, unguarded
        except OSError:
            pytest.fail("could not reach the loopback listener")
        finally:
            sock.close()
        deadline = time.monotonic() + 2
        while listener.connections == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert listener.connections == 1

    def test_fifo_detector_sees_an_unsafe_parser(self, fifo: Path) -> None:
        """Control: libxml2 asked to load the DTD does open the FIFO, and the detector says so."""
        from lxml import etree

        data = f'<!DOCTYPE r SYSTEM "{fifo.as_uri()}">\n<r/>'.encode()
        unsafe = etree.XMLParser(load_dtd=True, no_network=True)  # noqa: TID251
        opened, _ = fifo_was_opened(fifo, lambda: etree.fromstring(data, unsafe))  # noqa: TID251
        assert opened

    def test_local_external_dtd_not_loaded(self, fifo: Path) -> None:
        data = f'<!DOCTYPE r SYSTEM "{fifo.as_uri()}">\n<r/>'.encode()
        assert_never_opened(fifo, lambda: parse_trusted(data))


# -------------------------------------------------------------------------------------------
# A6 parameter-entity


class TestParameterEntity:
    def test_rejected_and_marker_nowhere(self, sentinel: tuple[Path, str]) -> None:
        path, marker = sentinel
        exc = rejected(parameter_entity(path.as_uri()))
        assert codes(exc) == ["xml.security.doctype"]
        assert exc.findings[0].location.line == 2
        assert marker not in everything_said(exc)

    @pytest.mark.parametrize("trusted", [False, True])
    def test_file_is_never_opened(self, fifo: Path, trusted: bool) -> None:
        data = parameter_entity(fifo.as_uri())
        assert_never_opened(fifo, lambda: parse_trusted(data) if trusted else parse_xml(data))

    def test_audit_hook_sees_no_open_of_the_sentinel(self, sentinel: tuple[Path, str]) -> None:
        path, _ = sentinel
        script = (
            "import sys\n"
            "opened = []\n"
            "sys.addaudithook(lambda e, a: opened.append(str(a[0])) if e == 'open' else None)\n"
            "from medbridge.errors import XmlInputError\n"
            "from medbridge.xml.parse import parse_trusted, parse_xml\n"
            "data = sys.stdin.buffer.read()\n"
            "for parse in (parse_xml, parse_trusted):\n"
            "    try:\n"
            "        parse(data)\n"
            "    except XmlInputError:\n"
            "        pass\n"
            f"print(any({str(path)!r} in p for p in opened))\n"
        )
        result = subprocess.run(
            [sys.executable, "-c", script],
            input=parameter_entity(path.as_uri()),
            capture_output=True,
            timeout=60,
            check=True,
        )
        assert result.stdout.strip() == b"False"


# -------------------------------------------------------------------------------------------
# A7 xinclude


class TestXInclude:
    def test_rejected_nothing_inlined(self, sentinel: tuple[Path, str]) -> None:
        path, marker = sentinel
        exc = rejected(xinclude(path.as_uri()))
        assert codes(exc) == ["xml.security.xinclude"]
        finding = exc.findings[0]
        assert (finding.location.line, finding.location.column) == (3, 9)
        assert marker not in everything_said(exc)

    def test_2003_namespace_too(self) -> None:
        data = b'<r xmlns:x="http://www.w3.org/2003/XInclude"><x:include href="a"/></r>'
        assert codes(rejected(data)) == ["xml.security.xinclude"]

    def test_trusted_parse_refuses_xinclude(self) -> None:
        data = b'<r xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="a"/></r>'
        assert codes(rejected(data, trusted=True)) == ["xml.security.xinclude"]

    def test_file_is_never_opened(self, fifo: Path) -> None:
        data = xinclude(fifo.as_uri())
        assert_never_opened(fifo, lambda: parse_xml(data))


# -------------------------------------------------------------------------------------------
# A8 deep nesting, A9 huge text


class TestLimits:
    def test_deep_nesting(self) -> None:
        data = b"<?xml version='1.0'?>\n" + b"<a>" * 10_000 + b"</a>" * 10_000
        exc = rejected(data)
        assert codes(exc) == ["xml.limit.depth"]
        finding = exc.findings[0]
        assert finding.location.line == 2
        assert finding.location.column == 3 * 257
        assert finding.location.offset is not None

    def test_depth_at_the_limit_is_fine_and_walks_are_iterative(self) -> None:
        data = b"<a>" * 255 + b"x" + b"</a>" * 255
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(80)
        try:
            parsed = parse_xml(data)
        finally:
            sys.setrecursionlimit(limit)
        assert sum(1 for _ in parsed.root.iter()) == 255

    def test_huge_text_node(self) -> None:
        assert SAFE_OPTIONS["huge_tree"] is False
        data = b"<r>\n<Text>" + b"x" * 11_000_000 + b"</Text></r>"
        assert len(data) < 20 * 1024 * 1024
        exc = rejected(data)
        assert codes(exc) == ["xml.limit.node-size"]
        finding = exc.findings[0]
        assert finding.location.line == 2
        assert finding.location.column is not None and finding.location.column > 10_000_000

    def test_huge_attribute_value(self) -> None:
        data = b'<r a="' + b"x" * 11_000_000 + b'"/>'
        assert codes(rejected(data)) == ["xml.limit.node-size"]

    def test_large_text_under_the_limit_is_fine(self) -> None:
        data = b"<r>" + b"x" * 2_000_000 + b"</r>"
        assert len(parse_xml(data).root.text) == 2_000_000


def test_findings_never_quote_more_than_an_excerpt() -> None:
    exc = rejected(b"<r>" + b"0707614285 " * 20 + b"<b></r>")
    finding: Finding = exc.findings[0]
    assert finding.excerpt is not None and len(finding.excerpt) <= 60
    assert "0707614285" not in everything_said(exc)
