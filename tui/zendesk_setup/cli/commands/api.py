"""``zendesk-setup api [NAME] PATH``: an authorised request to the profile's base URL, JSON to stdout.

With ``--paginate`` every page is fetched in turn and written as it arrives (one JSON document per line, or one
record per line with ``--flat KEY``), so memory stays flat whatever the record count.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from zendesk_setup.cli import config_dir_arg
from zendesk_setup.core.api import ApiCaller, build_request
from zendesk_setup.core.errors import EXIT_OK, InputError, ZendeskError, one_line
from zendesk_setup.core.session import open_session

if TYPE_CHECKING:
    import argparse

    import httpx

    from zendesk_setup.cli.streams import IO

# C1 controls and DEL survive json.dumps(ensure_ascii=False); escaped, they cannot drive a terminal.
TERMINAL_SAFE = str.maketrans({code: f"\\u{code:04x}" for code in (0x7F, *range(0x80, 0xA0))})


@dataclass(frozen=True)
class ApiOptions:
    """What ``api`` was asked for."""

    config_dir: str | None
    path: str
    name: str | None = None
    method: str | None = None
    fields: list[str] = field(default_factory=list)
    input: str | None = None
    paginate: bool = False
    flat: str | None = None
    include: bool = False

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> ApiOptions:
        """The options from the parsed command line: ``[NAME] PATH``."""
        if len(args.args) > 2:
            raise InputError("api takes at most a profile NAME and a PATH.")
        name, path = (None, args.args[0]) if len(args.args) == 1 else args.args
        return cls(
            config_dir=config_dir_arg(args),
            path=path,
            name=name,
            method=args.method,
            fields=list(args.field),
            input=args.input,
            paginate=args.paginate,
            flat=args.flat,
            include=args.include,
        )


def json_line(value: Any, *, indent: int | None = None) -> str:
    """``value`` as JSON whose text cannot carry a terminal control character."""
    return json.dumps(value, ensure_ascii=False, indent=indent).translate(TERMINAL_SAFE)


def read_body(source: str | None, io: IO) -> bytes | None:
    """The request body from a file, or from standard input for ``-``."""
    if source is None:
        return None
    if source == "-":
        if io.stdin is None:
            raise InputError("No standard input to read the request body from.")
        stream = getattr(io.stdin, "buffer", None)
        return stream.read() if stream is not None else io.stdin.read().encode()
    try:
        with open(source, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise InputError(f"Cannot read {one_line(source)}: {exc.strerror or type(exc).__name__}.") from None


def write_head(response: httpx.Response, io: IO) -> None:
    """The status line and headers, as ``--include`` shows them."""
    io.print_out(f"HTTP/1.1 {response.status_code} {one_line(response.reason_phrase)}")
    for key, value in response.headers.multi_items():
        io.print_out(f"{one_line(key)}: {one_line(value)}")
    io.print_out()


def write_body(response: httpx.Response, io: IO) -> None:
    """One response body: JSON re-written safely (indented on a terminal), other text with controls removed."""
    if not response.content:
        return
    try:
        value = response.json()
    except ValueError:
        text = response.text
        io.print_out("".join(ch if ch.isprintable() or ch in "\n\t" else "\ufffd" for ch in text).rstrip("\n"))
        return
    io.print_out(json_line(value, indent=2 if io.out.isatty() else None))


def write_records(page: Any, key: str, io: IO) -> int:
    """Each record of the list ``key`` of one page on its own line; returns how many."""
    records = page.get(key) if isinstance(page, dict) else None
    if not isinstance(records, list):
        names = ", ".join(sorted(str(k) for k in page)[:8]) if isinstance(page, dict) else "none"
        raise ZendeskError(f"The page has no list named {one_line(key)[:60]} (its keys: {one_line(names)}).")
    io.out.write("".join(json_line(record) + "\n" for record in records))
    return len(records)


def run_api(opts: ApiOptions, io: IO) -> int:
    """Send the request (every page with ``--paginate``) and write what Zendesk answered."""
    if opts.flat and not opts.paginate:
        raise InputError("--flat works with --paginate.")
    session = open_session(opts.name, config_dir=opts.config_dir)
    call = build_request(
        session.profile.api_base_url,
        opts.path,
        method=opts.method,
        fields=opts.fields,
        body=read_body(opts.input, io),
    )
    if opts.paginate and call.method != "GET":
        raise InputError("--paginate follows pages of a GET request only.")
    with session.http() as http, session.naming_errors():
        caller = ApiCaller(session, http, notify=lambda text: io.print_err(f"zendesk-setup: {text}"))
        if not opts.paginate:
            response = caller.send(call)
            if opts.include:
                write_head(response, io)
            write_body(response, io)
            return EXIT_OK
        for response, page in caller.pages(call):
            if opts.include:
                write_head(response, io)
            if opts.flat:
                write_records(page, opts.flat, io)
            else:
                io.out.write(json_line(page) + "\n")
            io.out.flush()
    return EXIT_OK

