"""The document processor (`tap_processors.document.handle`): PDF version and encryption, text encoding and lines."""

from __future__ import annotations

import re
from typing import Any

from tap_processors.pipeline import Content, Metadata, RejectedError, handle_event
from tap_processors.text import decode_text

KIND = "document"
PDF_HEADER = re.compile(rb"%PDF-(\d\.\d)")
# PDFs may carry a few bytes of junk before the header; readers accept it within the first KiB.
PDF_HEADER_SEARCH = 1024
# Readers look for the end-of-file marker within the last KiB; only whitespace (NUL included) may follow it.
PDF_EOF_SEARCH = 1024
PDF_WHITESPACE = b"\x00\t\n\x0c\r "


def pdf_ends_intact(tail: bytes) -> bool:
    """Whether the file's last KiB holds %%EOF followed by nothing but whitespace."""
    ending = tail[-PDF_EOF_SEARCH:]
    marker = ending.rfind(b"%%EOF")
    return marker >= 0 and not ending[marker + len(b"%%EOF") :].strip(PDF_WHITESPACE)


def inspect_pdf(content: Content) -> Metadata:
    match = PDF_HEADER.search(content.head[:PDF_HEADER_SEARCH])
    if match is None:
        raise RejectedError("content is not a PDF (no %PDF- header)")
    if not pdf_ends_intact(content.tail):
        raise RejectedError("truncated PDF: no %%EOF marker at the end")
    # The trailer, which names the encryption dictionary, is at the end: in the tail if not in the head.
    encrypted: bool | None = b"/Encrypt" in content.head or b"/Encrypt" in content.tail
    if not encrypted and not content.complete:
        encrypted = None  # an encryption dictionary may lie between the head and the tail
    return {"format": "pdf", "version": match.group(1).decode(), "encrypted": encrypted}


def inspect_text(content: Content, extension: str) -> Metadata:
    text, encoding = decode_text(content)
    complete = content.complete
    lines = text.count("\n") + (1 if complete and text and not text.endswith("\n") else 0)
    return {
        "format": "markdown" if extension == ".md" else "text",
        "encoding": encoding,
        "lineCount": lines,
        "lineCountComplete": complete,
    }


def inspect(content: Content, extension: str) -> Metadata:
    if extension == ".pdf":
        return inspect_pdf(content)
    return inspect_text(content, extension)


def handle(event: Any, context: Any) -> dict[str, Any]:
    return handle_event(event, context, KIND, inspect)
