"""The consent screen of a migration from the home screen: the OAuth client is made once the port is bound."""

from __future__ import annotations

from typing import TYPE_CHECKING

from zendesk_setup.core.errors import SetupError
from zendesk_setup.core.vocab import Step
from zendesk_setup.core.wizard import StepPosition
from zendesk_setup.ui.screens.consent import ConsentScreen

if TYPE_CHECKING:
    from zendesk_setup.core.consent import Consent
    from zendesk_setup.core.provision import ClientAttempt


class MigrationConsentScreen(ConsentScreen):
    """The consent screen of a migration: the client is created once the port is bound, before the browser."""

    def __init__(self, attempt: ClientAttempt) -> None:
        super().__init__(attempt.draft, StepPosition(Step.CONSENT, 1, 1))
        self.attempt = attempt

    def subject(self) -> str:
        """The step header speaks of the migration."""
        return f"moving '{self.draft.profile_name()}' to OAuth"

    def consent_began(self, consent: Consent) -> None:
        """Create the OAuth client for exactly this redirect URL (once; a retry reuses it)."""
        if self.attempt.created is None:
            self.attempt.prepare(consent)
        elif self.attempt.created.redirect_uris != (consent.redirect_uri,):
            raise SetupError("The consent moved to another port than the client was made for; press escape.")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """No file-store fallback or fixing a field here: the profile's settings stay as they are."""
        if action in ("insecure_storage", "fix"):
            return False
        return super().check_action(action, parameters)
