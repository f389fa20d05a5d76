"""Reference FTX (edifact-messages.md §9.7), shared by DIS01 and REF01: one FTX per reference,
``URL`` (the address over E4.2–E4.5), ``SUP`` (supplementary) or ``BIN`` (a binary object), E4.1
the description. The XML element names of the source rows are read off the shared ``Reference``
table (:data:`medbridge.letters.shared.xml.REFERENCE`).
"""

from __future__ import annotations

from medbridge.codecs.edifact.mapping import Builder, Reader, fail
from medbridge.codecs.edifact.sources import WHOLE_SEGMENT, Fields
from medbridge.edifact.segment import Segment
from medbridge.letters.fields import xml_name
from medbridge.letters.shared import xml
from medbridge.letters.shared.edifact import source_rows
from medbridge.letters.shared.edifact_codes import OBJECT_CODE, OBJECT_EXTENSION
from medbridge.model.common import BinaryObject, Reference
from medbridge.numbers import MAX_DIGITS, MAX_NATURAL, parse_natural

__all__ = [
    "REFERENCE_FIELDS",
    "REFERENCE_QUALIFIERS",
    "read_reference",
    "reference_ftx",
    "url_pieces",
]

REFERENCE_QUALIFIERS = frozenset({"URL", "SUP", "BIN"})
URL_PIECE = 69
URL_PIECES = 4

_R = xml.REFERENCE
_BIN = "/" + xml_name(_R, "binary")
_DESCRIPTION_ROW = ("description", 4, 1)
REFERENCE_FIELDS: dict[str, Fields] = {
    "URL": source_rows(_R, ("", None, None), _DESCRIPTION_ROW, ("url", 4, 2)),
    "SUP": source_rows(_R, ("", None, None), _DESCRIPTION_ROW, ("supplementary", 1, 1)),
    "BIN": (
        *source_rows(_R, ("", None, None), _DESCRIPTION_ROW),
        *(
            (_BIN + suffix, element, component)
            for suffix, element, component in source_rows(
                xml.BINARY,
                ("identifier", 4, 2),
                ("object_code", 4, 3),
                ("extension", 4, 4),
                ("original_size", 4, 5),
            )
        ),
    ),
}
_DESCRIPTION = REFERENCE_FIELDS["URL"][1][0]
_URL = REFERENCE_FIELDS["URL"][2][0]
_OBJECT_ID = REFERENCE_FIELDS["BIN"][2][0]


def read_reference(r: Reader, ftx: Segment, path: str) -> Reference | None:
    """A reference FTX (§9.7): ``URL``, ``SUP`` or ``BIN``, one FTX each."""
    qualifier = ftx.value(1)
    r.sources.record(path, ftx, REFERENCE_FIELDS.get(qualifier, WHOLE_SEGMENT))
    description = ftx.value(4, 1)
    if not description:
        r.missing("a reference description (FTX element 4, component 1)", ftx)
        return None
    if qualifier == "SUP":
        return Reference(description, supplementary=True)
    if qualifier == "URL":
        pieces = [ftx.value(4, i) for i in range(2, 6)]
        url = "".join("" if p == "." else (p[:-1] if p.endswith("\\") else p) for p in pieces)
        if not url:
            r.missing("the URL (FTX element 4, component 2)", ftx)
            return None
        return Reference(description, url=url)
    identifier = ftx.value(4, 2)
    object_code = r.code(OBJECT_CODE, ftx, 4, 3)
    extension = r.code(OBJECT_EXTENSION, ftx, 4, 4)
    size_text = ftx.value(4, 5)
    size = parse_natural(size_text)
    if size is None or size < 1:
        r.error(
            "edifact.mapping.value",
            f"The original size {size_text[:20]!r} is not a positive whole number of at most "
            f"{MAX_DIGITS} digits.",
            ftx,
            4,
            5,
        )
        return None
    if not identifier:
        r.missing("the binary object's identifier (FTX element 4, component 2)", ftx)
        return None
    if object_code is None or extension is None:
        return None
    return Reference(description, binary=BinaryObject(identifier, object_code, extension, size))


def url_pieces(url: str) -> list[str] | None:
    """The URL over E4.2–E4.5: 69 characters + ``\\`` per piece but the last; None when it
    does not fit (over 276 characters) or would not read back the same."""
    pieces = [url[i : i + URL_PIECE] for i in range(0, len(url), URL_PIECE)] or [""]
    if len(pieces) > URL_PIECES:
        return None
    written = [p + "\\" for p in pieces[:-1]] + [pieces[-1]]
    back = "".join("" if p == "." else (p[:-1] if p.endswith("\\") else p) for p in written)
    return written if back == url else None


def reference_ftx(b: Builder, key: str, reference: Reference, path: str) -> None:
    """One FTX per reference, E4.1 the description unwrapped (§9.7 [POL])."""
    description = b.value(reference.description, path + _DESCRIPTION, key, "FTX", 4, 1)
    if reference.url is not None:
        pieces = url_pieces(reference.url)
        if pieces is None:
            if b.unmapped(
                f"{path}{_URL} has {len(reference.url)} characters; EDIFACT carries at most "
                f"{URL_PIECE * URL_PIECES} (FTX element 4, components 2–5).",
                path + _URL,
                key,
                "FTX",
                4,
                lost=path,  # a reference needs its URL: the whole reference is left out
            ):
                return
            pieces = [reference.url]
        pieces = [
            b.value(p, path + _URL, key, "FTX", 4, i, lost=path)
            for i, p in enumerate(pieces, start=2)
        ]
        if b.lossy and not all(pieces):
            return
        b.add(key, "FTX", ("URL",), ("P00",), ("",), (description, *pieces))
    elif reference.supplementary:
        b.add(key, "FTX", ("SUP",), ("P00",), ("",), (description,))
    elif reference.binary is not None:
        binary = reference.binary
        object_code = OBJECT_CODE.encode(binary.object_code)
        extension = OBJECT_EXTENSION.encode(binary.extension)
        if object_code is None or extension is None or not 1 <= binary.original_size <= MAX_NATURAL:
            raise fail(
                "convert.unsupported-value",
                f"{path}{_BIN} holds a code or size EDIFACT cannot carry.",
                path + _BIN,
            )
        b.add(
            key,
            "FTX",
            ("BIN",),
            ("P00",),
            ("",),
            (
                description,
                b.value(binary.identifier, path + _OBJECT_ID, key, "FTX", 4, 2),
                object_code,
                extension,
                str(binary.original_size),
            ),
        )
