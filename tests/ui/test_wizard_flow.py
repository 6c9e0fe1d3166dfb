"""The wizard's data flow: step numbers on screen, and screens that dismiss with their answer (host-app tests)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.ui.conftest import paste, settle
from textual.app import App
from textual.widgets import Static

from zendesk_setup.core.draft import ProfileDraft
from zendesk_setup.core.secrets import Secret
from zendesk_setup.core.service import CredentialsService
from zendesk_setup.core.vocab import AuthType, Step
from zendesk_setup.core.wizard import (
    Back,
    CredentialsAnswer,
    InstanceAnswer,
    Next,
    StepPosition,
    WizardFlow,
)
from zendesk_setup.ui.screens.consent import ConsentScreen
from zendesk_setup.ui.screens.credentials import CredentialsScreen
from zendesk_setup.ui.screens.instance import InstanceScreen
from zendesk_setup.ui.screens.review import ReviewScreen
from zendesk_setup.ui.screens.scopes import ScopesScreen


def header(app: Any) -> str:
    """The step header line of the screen on top."""
    return str(app.screen.query_one("#step-header", Static).render())


async def test_a_new_oauth_profile_counts_six_steps_on_every_screen(app_factory, fake, browser) -> None:
    fake.add_client("acme_cli")
    app = app_factory("new")
    seen: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        seen.append(header(app))
        await pilot.press("enter")
        seen.append(header(app))
        await pilot.press(*"acme", "enter")
        assert isinstance(app.screen, CredentialsScreen)
        seen.append(header(app))
        await pilot.press(*"acme_cli", "enter")
        assert isinstance(app.screen, ScopesScreen)
        seen.append(header(app))
        await pilot.press("f3", "enter")
        assert isinstance(app.screen, ConsentScreen)
        seen.append(header(app))
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        seen.append(header(app))
    assert [line.split("step ")[1].split(":")[0] for line in seen] == [f"{n} of 6" for n in range(1, 7)]
    assert seen[-1].endswith("step 6 of 6: Check and save")


class HostApp(App[None]):
    """A tiny app that pushes one wizard screen and records what it dismisses with."""

    def __init__(self, screen: Any, config_dir: Path) -> None:
        super().__init__()
        self.service = CredentialsService(config_dir)
        self.store = self.service.store
        self.step_screen = screen
        self.results: list[Any] = []

    def on_mount(self) -> None:
        """Show the screen under test."""
        self.push_screen(self.step_screen, self.results.append)


async def test_instance_screen_dismisses_with_what_was_typed(config_dir: Path) -> None:
    draft = ProfileDraft()
    flow = WizardFlow(draft, Step.INSTANCE)
    app = HostApp(InstanceScreen(draft, flow.position()), config_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await paste(pilot, "https://acme.zendesk.com/agent/tickets/1")
        await pilot.press("enter")
    assert app.results == [Next(InstanceAnswer("https://acme.zendesk.com/agent/tickets/1", "", False, ""))]
    assert draft.subdomain == "", "the screen wrote nothing into the draft it was given"


async def test_credentials_screen_keeps_typed_secrets_on_the_way_back(config_dir: Path) -> None:
    draft = ProfileDraft(auth=AuthType.API_TOKEN, subdomain="acme")
    app = HostApp(CredentialsScreen(draft, StepPosition(Step.CREDENTIALS, 3, 4)), config_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await paste(pilot, "ada@acme.test")
        await pilot.press("down")
        await paste(pilot, "tok-typed-0123456789")
        await pilot.press("escape")
    assert app.results == [Back(CredentialsAnswer(email="ada@acme.test", api_token=Secret("tok-typed-0123456789")))]
    assert "tok-typed-0123456789" not in repr(app.results)
