"""One screen class per module: the home table, the wizard steps and the modals."""

from __future__ import annotations

from typing import TYPE_CHECKING

from zendesk_setup.core.vocab import Step

if TYPE_CHECKING:
    from zendesk_setup.ui.screens.base import WizardScreen


def screen_for_step(step: Step) -> type[WizardScreen]:
    """The screen class of a wizard step (imported on first use, to keep start-up light)."""
    if step is Step.AUTH:
        from zendesk_setup.ui.screens.auth_type import AuthTypeScreen

        return AuthTypeScreen
    if step is Step.INSTANCE:
        from zendesk_setup.ui.screens.instance import InstanceScreen

        return InstanceScreen
    if step is Step.CREDENTIALS:
        from zendesk_setup.ui.screens.credentials import CredentialsScreen

        return CredentialsScreen
    if step is Step.SCOPES:
        from zendesk_setup.ui.screens.scopes import ScopesScreen

        return ScopesScreen
    if step is Step.CONSENT:
        from zendesk_setup.ui.screens.consent import ConsentScreen

        return ConsentScreen
    from zendesk_setup.ui.screens.review import ReviewScreen

    return ReviewScreen
