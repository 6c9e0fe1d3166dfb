"""Run the command line: ``python -m zendesk_setup``."""

from __future__ import annotations

from zendesk_setup.cli import main

raise SystemExit(main())
