"""``zendesk-setup`` with no command, ``new`` and ``edit``: the terminal wizard, the only path that imports Textual."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from zendesk_setup.cli import config_dir_arg
from zendesk_setup.core.errors import InputError, SetupError
from zendesk_setup.core.paths import config_dir as resolve_config_dir

if TYPE_CHECKING:
    import argparse

    from zendesk_setup.cli.streams import IO


@dataclass(frozen=True)
class WizardOptions:
    """Where the wizard starts: ``home``, ``new`` (with an optional name) or ``edit`` a named profile."""

    config_dir: str | None
    mode: str = "home"
    name: str | None = None

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> WizardOptions:
        """The options from the parsed command line."""
        return cls(config_dir=config_dir_arg(args), mode=args.command or "home", name=getattr(args, "name", None))


def run_wizard(opts: WizardOptions, io: IO) -> int:
    """Run the Textual wizard in this terminal; refuse when either end is not a terminal."""
    if not io.stdin_is_tty() or not io.out.isatty():
        raise InputError(
            "The wizard needs an interactive terminal.",
            hint="Use `zendesk-setup add ...` in scripts (see `zendesk-setup add --help`).",
        )
    try:
        from zendesk_setup.ui.app import run_app
    except ImportError as exc:
        raise SetupError(f"The terminal wizard could not start ({exc.name or exc}).") from None
    return run_app(config_dir=resolve_config_dir(opts.config_dir), mode=opts.mode, name=opts.name)
