"""Errors that carry a sentence fit for a person and an exit code."""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_STORAGE = 3


def one_line(text: str) -> str:
    """``text`` on one line without control characters: words from a server or URL must never drive the terminal."""
    if text.isprintable() and "  " not in text and text.strip() == text:
        return text  # the common case, checked in C: nothing to remove
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())


class SetupError(Exception):
    """Base error: ``message`` is one or two plain sentences, ``title`` a short heading.

    ``hint`` is the way out for a command line; ``tui_hint``, when set, says the same for the TUI, in keys
    rather than flags or commands to run again.
    """

    exit_code = EXIT_FAILED
    default_title = "Something went wrong"

    def __init__(
        self,
        message: str,
        title: str | None = None,
        *,
        hint: str | None = None,
        field: str | None = None,
        tui_hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.title = title or self.default_title
        self.hint = hint
        self.field = field
        self.tui_hint = tui_hint

    def shown_in_tui(self) -> str:
        """Message and hint as the TUI shows them (the TUI hint when there is one)."""
        hint = self.tui_hint if self.tui_hint is not None else self.hint
        return f"{self.message} {hint}" if hint else self.message

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message} {self.hint}"
        return self.message


class InputError(SetupError):
    """Bad usage or bad input (exit 2); ``field`` names the input at fault."""

    exit_code = EXIT_USAGE
    default_title = "Invalid input"


class ProfileNotFoundError(InputError):
    """The named profile does not exist."""

    default_title = "No such profile"


class StorageError(SetupError):
    """A local storage problem: the config file or the keyring (exit 3)."""

    exit_code = EXIT_STORAGE
    default_title = "Local storage problem"


class ConfigFileError(StorageError):
    """profiles.yaml (or secrets.yaml) cannot be read, parsed or written."""

    default_title = "Configuration file problem"


class KeyringError(StorageError):
    """The OS keyring is missing, locked, slow or refused the operation."""

    default_title = "Keyring unavailable"


class ZendeskError(SetupError):
    """A call to Zendesk failed; ``status`` is the HTTP status when there was one."""

    default_title = "Zendesk call failed"

    def __init__(
        self,
        message: str,
        title: str | None = None,
        *,
        hint: str | None = None,
        field: str | None = None,
        status: int | None = None,
        kind: str | None = None,
        tui_hint: str | None = None,
    ) -> None:
        super().__init__(message, title, hint=hint, field=field, tui_hint=tui_hint)
        self.status = status
        self.kind = kind


class OAuthError(ZendeskError):
    """The OAuth consent, code exchange, refresh or revocation failed."""

    default_title = "OAuth failed"
