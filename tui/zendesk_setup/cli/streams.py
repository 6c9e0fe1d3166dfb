"""The streams a command reads and writes, injected so tests can hand it StringIO; yes/no and secret prompts."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import TextIO

from zendesk_setup.core.errors import InputError


# No generated __eq__: streams are never compared, and each generated method adds ~0.25 ms to every script call.
@dataclass(frozen=True, eq=False)
class IO:
    """Standard output, standard error and standard input; the process's own unless others are given."""

    out: TextIO = field(default_factory=lambda: sys.stdout)
    err: TextIO = field(default_factory=lambda: sys.stderr)
    stdin: TextIO | None = field(default_factory=lambda: sys.stdin)

    def print_out(self, text: str = "") -> None:
        """Write one line to standard output."""
        print(text, file=self.out)

    def print_err(self, text: str) -> None:
        """Write one line to standard error."""
        print(text, file=self.err)

    def stdin_is_tty(self) -> bool:
        """Whether standard input is a terminal someone can type at."""
        return self.stdin is not None and self.stdin.isatty()


def confirm(io: IO, question: str) -> bool:
    """Ask ``question`` on the terminal; anything but yes, or no terminal to ask on, is no."""
    if io.stdin is None or not io.stdin.isatty():
        return False
    io.out.flush()
    io.err.write(f"{question} [y/N] ")
    io.err.flush()
    answer = io.stdin.readline()
    return answer.strip().lower() in ("y", "yes")


def confirmed(io: IO, question: str, *, yes: bool, needs: str, declined: str) -> bool:
    """True when ``--yes`` was given or the user says yes; without a terminal and ``--yes``, InputError.

    Args:
        needs: what needs the confirmation, for the error (``Removing 'acme'``).
        declined: what to say when the user says no (``Nothing was removed.``).
    """
    if yes:
        return True
    if not io.stdin_is_tty():
        raise InputError(f"{needs} needs confirmation; pass --yes to confirm.")
    if confirm(io, question):
        return True
    io.print_err(declined)
    return False


def read_secret(io: IO, what: str) -> str:
    """One secret from standard input: typed hidden at a terminal, else the first line piped in."""
    if io.stdin is None:
        raise InputError(f"No standard input to read the {what} from.")
    if io.stdin.isatty():
        import getpass

        value = getpass.getpass(f"{what.capitalize()} (input hidden): ")
    else:
        value = io.stdin.readline()
    value = value.strip()
    if not value:
        raise InputError(f"The {what} read from standard input is empty.")
    if any(ch.isspace() for ch in value):
        raise InputError(f"The {what} contains spaces; check what was piped in.")
    return value
