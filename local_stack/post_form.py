"""A browser's upload form as S3 reads it, and S3's refusal of one: what the POST policy
check (`post_policy`) and the signature check (`post_signature`) share."""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass

from werkzeug.sansio.multipart import Data, Epilogue, Field, File, MultipartDecoder


@dataclass(frozen=True)
class PostForm:
    """A form as S3 reads it: the fields before the file (names in lower case, a repeated
    name's values joined by commas, `${filename}` expanded) and the file's size."""

    fields: Mapping[str, str]
    file_size: int


@dataclass(frozen=True)
class Refusal:
    """An S3 error: status, code, message and the code's own elements (ProposedSize...)."""

    status: int
    code: str
    message: str
    details: tuple[tuple[str, str], ...] = ()


def read_form(body: bytes, boundary: str) -> PostForm | None:
    """The form in a multipart body; None if it has no `file` part or is not multipart."""
    decoder = MultipartDecoder(boundary.encode("latin-1"))
    decoder.receive_data(body)
    decoder.receive_data(None)
    parts: list[tuple[str, bytearray]] = []
    filename: str | None = None
    file_size: int | None = None
    in_file = False
    try:
        while file_size is None or in_file:
            event = decoder.next_event()
            if isinstance(event, Epilogue):
                break
            if isinstance(event, Field | File):
                name = (event.name or "").lower()
                in_file = name == "file"  # the file is the part named so, filename or not
                if in_file:
                    filename = event.filename if isinstance(event, File) else None
                    file_size = 0
                else:
                    parts.append((name, bytearray()))
            elif isinstance(event, Data):
                if in_file and file_size is not None:
                    file_size += len(event.data)
                    in_file = event.more_data  # the fields after the file are ignored
                elif parts:
                    parts[-1][1].extend(event.data)
    except ValueError:  # not well-formed multipart: moto answers it
        return None
    if file_size is None:
        return None
    fields: dict[str, str] = {}
    for name, raw in parts:
        value = raw.decode("utf-8", errors="replace")
        if filename is not None:  # S3 keeps "${filename}" when the part names no file
            value = value.replace("${filename}", re.split(r"[/\\]", filename)[-1])
        fields[name] = f"{fields[name]},{value}" if name in fields else value
    return PostForm(fields=fields, file_size=file_size)


_DISPOSITION_NAME = re.compile(rb'(?im)^content-disposition:[^\r\n]*;\s*name="?([^";\r\n]*)"?')


def through_the_file(body: bytes, boundary: str) -> bytes:
    """`body` up to the end of its `file` part, closed with the final delimiter: the form as
    S3 reads it, which ignores every part after the file. The body itself when it has no
    `file` part."""
    delimiter = b"--" + boundary.encode("latin-1")
    # A delimiter opens the body or follows a line break (RFC 2046); no part's data holds one.
    starts = [
        found.start()
        for found in re.finditer(re.escape(delimiter), body)
        if found.start() == 0 or body[found.start() - 2 : found.start()] == b"\r\n"
    ]
    for here, after in itertools.pairwise(starts):
        end_of_headers = body.find(b"\r\n\r\n", here, after)
        name = _DISPOSITION_NAME.search(
            body[here : end_of_headers if end_of_headers >= 0 else after]
        )
        if name and name.group(1).lower() == b"file":
            return body[: after + len(delimiter)] + b"--\r\n"
    return body
