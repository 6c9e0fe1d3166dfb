"""Deterministic scenes of the real app, shared by the snapshot tests and the screenshot script.

Each scene builds the app with ``make_app`` (fixed date, clock and ports, a relative config dir) against a fake
Zendesk on a fixed loopback port, and drives it with keys to the screen it shows.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from tests.pilot_helpers import paste, settle
from textual.pilot import Pilot
from textual.widgets import Input

from zendesk_setup.ui.app import ZendeskSetupApp, make_app

SNAP_FAKE_PORT = 48721
SNAP_REDIRECT_PORT = 47124
TODAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
API_TOKEN = "tok3n-api-0123456789abcdefABCDEF"
CLIENT_SECRET = "s3cret-client-0123456789abcdef"
EMAIL = "ada@acme.test"
CONFIG_DIR = Path("cfg")
FIXED_STATE = "fixed-state-for-screenshots"
FIXED_VERIFIER = "fixed-verifier-for-screenshots-0123456789abcdefgh"

Steps = Callable[[Pilot[Any]], Awaitable[None]]


async def still(pilot: Pilot[Any]) -> None:
    """Stop cursor blinking so pictures are stable."""
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
    await pilot.pause()


def seed_profiles(config_dir: Path, base_url: str) -> None:
    """Two saved profiles with fixed check records, through the core."""
    from tests.stores import save_profile

    from zendesk_setup.core.profiles import CheckRecord, Profile, ProfileStore

    store = ProfileStore(config_dir)
    ok = CheckRecord(at=datetime(2026, 11, 25, 9, 0, tzinfo=UTC), ok=True, user="Ada Admin", role="admin")
    bad = CheckRecord(at=datetime(2026, 11, 22, 12, 0, tzinfo=UTC), ok=False, message="401")
    save_profile(
        store,
        Profile(name="acme", subdomain="acme", auth="api_token", email=EMAIL, base_url=base_url, checked=ok),
        {"api_token": API_TOKEN},
    )
    save_profile(
        store,
        Profile(
            name="acme-sandbox",
            subdomain="acme-sandbox",
            auth="oauth",
            client_id="acme_cli",
            client_kind="public",
            scopes=("read", "users:write"),
            redirect_port=SNAP_REDIRECT_PORT,
            base_url=base_url,
            checked=bad,
        ),
        {"access_token": "snap-access", "refresh_token": "snap-refresh"},
    )
    save_profile(
        store,
        Profile(
            name="ci",
            subdomain="acme",
            auth="client_credentials",
            client_id="acme_ci",
            client_kind="confidential",
            scopes=("read",),
            base_url=base_url,
        ),
        {"client_secret": CLIENT_SECRET},
    )


@dataclass
class Scene:
    """One picture: how to build the app and which keys lead to the screen."""

    name: str
    title: str
    mode: str = "new"
    profile: str | None = None
    seed: bool = False
    base_url: bool = True
    steps: Steps | None = None
    options: dict[str, Any] = field(default_factory=dict)
    wait_for_workers: bool = True
    size: tuple[int, int] = (80, 24)

    def build(self, fake_url: str) -> ZendeskSetupApp:
        """Seed the config dir when asked and build the app."""
        if self.seed:
            seed_profiles(CONFIG_DIR, fake_url)
        options: dict[str, Any] = {
            "today": TODAY,
            "now": lambda: NOW,
            "clock": lambda: 0.0,
            "redirect_port": SNAP_REDIRECT_PORT,
            "open_browser": False,
        }
        if self.base_url:
            options["base_url"] = fake_url
        options.update(self.options)
        return make_app(CONFIG_DIR, self.mode, self.profile, **options)

    async def run(self, pilot: Pilot[Any]) -> None:
        """Drive the app to the screen, then steady it."""
        await pilot.pause()
        if self.steps is not None:
            await self.steps(pilot)
        if self.wait_for_workers:
            await settle(pilot)
        await still(pilot)


async def to_instance(pilot: Pilot[Any], auth_keys: tuple[str, ...] = ()) -> None:
    """Choose the auth type and reach the Instance screen."""
    await pilot.press(*auth_keys, "enter")


async def instance_typed(pilot: Pilot[Any]) -> None:
    await to_instance(pilot)
    await paste(pilot, "https://acme.zendesk.com/agent/tickets/1")


async def instance_invalid(pilot: Pilot[Any]) -> None:
    await to_instance(pilot)
    await paste(pilot, "acme.example.com")
    await pilot.press("enter")


async def credentials_api_token(pilot: Pilot[Any]) -> None:
    await to_instance(pilot, ("down",))
    await paste(pilot, "acme")
    await pilot.press("enter")
    await paste(pilot, EMAIL)
    await pilot.press("down")
    await paste(pilot, API_TOKEN)


async def credentials_oauth(pilot: Pilot[Any]) -> None:
    await to_instance(pilot)
    await paste(pilot, "acme")
    await pilot.press("enter")
    await paste(pilot, "acme_cli")
    await pilot.press("down", "right", "space", "tab")
    await paste(pilot, CLIENT_SECRET)


async def create_client_dialog(pilot: Pilot[Any]) -> None:
    """f3 on the OAuth credentials step: what will be made, and whose credentials make it."""
    await to_instance(pilot)
    await paste(pilot, "acme")
    await pilot.press("enter", "f3")


async def create_client_made(pilot: Pilot[Any]) -> None:
    """The client made through the saved admin profile: identifier filled in and locked."""
    await create_client_dialog(pilot)
    await pilot.press("ctrl+n")
    await settle(pilot)


async def to_scopes(pilot: Pilot[Any]) -> None:
    await to_instance(pilot)
    await paste(pilot, "acme")
    await pilot.press("enter")
    await paste(pilot, "acme_cli")
    await pilot.press("enter")


async def scopes_filtered(pilot: Pilot[Any]) -> None:
    await to_scopes(pilot)
    await pilot.press("f2")
    await paste(pilot, "ticket")


async def scopes_full(pilot: Pilot[Any]) -> None:
    await to_scopes(pilot)
    await pilot.press("f4", "down", "down")


async def scopes_empty(pilot: Pilot[Any]) -> None:
    await to_scopes(pilot)
    await pilot.press("enter")


async def consent_waiting(pilot: Pilot[Any]) -> None:
    """The consent worker keeps waiting for the browser, so this scene must not wait for workers."""
    await to_scopes(pilot)
    await pilot.press("f3", "enter")
    for _ in range(50):
        screen = pilot.app.screen
        if getattr(screen, "consent", None) is not None:
            break
        await pilot.pause()


async def review_api_token(pilot: Pilot[Any]) -> None:
    await credentials_api_token(pilot)
    await pilot.press("enter")


async def review_wrong_token(pilot: Pilot[Any]) -> None:
    await to_instance(pilot, ("down",))
    await paste(pilot, "acme")
    await pilot.press("enter")
    await paste(pilot, EMAIL)
    await pilot.press("down")
    await paste(pilot, "wrong-token")
    await pilot.press("enter")


async def review_saved(pilot: Pilot[Any]) -> None:
    await review_api_token(pilot)
    await settle(pilot)
    await pilot.press("enter")


async def review_edit_diff(pilot: Pilot[Any]) -> None:
    await pilot.press("enter", "down")
    await pilot.press("ctrl+u")
    await paste(pilot, "acme-prod")
    await pilot.press("enter", "enter")


async def review_offline(pilot: Pilot[Any]) -> None:
    await credentials_api_token(pilot)
    await pilot.press("enter")


async def help_modal(pilot: Pilot[Any]) -> None:
    await to_scopes(pilot)
    await pilot.press("f1")


async def delete_modal(pilot: Pilot[Any]) -> None:
    await pilot.press("down", "d")


async def instance_advanced_after_an_error(pilot: Pilot[Any]) -> None:
    """The name 'acme' is taken (an error line takes room), then Advanced is ticked: the base URL comes into view."""
    await to_instance(pilot)
    await paste(pilot, "acme")
    await pilot.press("enter", "tab", "space")
    await settle(pilot)


async def home_tested(pilot: Pilot[Any]) -> None:
    """t on the first profile: the result's toast sits above the status line."""
    await pilot.press("t")
    await settle(pilot)


async def auth_type_no_keyring(pilot: Pilot[Any]) -> None:
    """No usable keyring: the first screen says so, with the fix, i for the plain-text file and r to check again."""
    import keyring
    from keyring.backends.fail import Keyring as FailKeyring

    keyring.set_keyring(FailKeyring())  # the next scene's init_backend() (or the test's teardown) restores it
    pilot.app.screen.action_probe_keyring()
    await settle(pilot)


async def quit_modal(pilot: Pilot[Any]) -> None:
    await to_instance(pilot)
    await paste(pilot, "acme")
    await pilot.press("ctrl+q")


SCENES = [
    Scene("home", "Profiles (home)", mode="home", seed=True),
    Scene("auth_type", "Auth type"),
    Scene("auth_type_no_keyring", "Auth type: no usable keyring", steps=auth_type_no_keyring),
    Scene("instance", "Instance, live normalisation", steps=instance_typed),
    Scene("instance_error", "Instance, inline error", steps=instance_invalid),
    Scene("credentials_api_token", "Credentials: API token (masked)", steps=credentials_api_token),
    Scene("credentials_oauth", "Credentials: OAuth client", steps=credentials_oauth),
    Scene(
        "create_client",
        "Credentials: f3 creates the OAuth client",
        profile="acme-ci",
        seed=True,
        steps=create_client_dialog,
    ),
    Scene(
        "create_client_made",
        "Credentials: the client made by f3",
        profile="acme-ci",
        seed=True,
        steps=create_client_made,
    ),
    Scene("scopes", "Scopes with the API preset", steps=scopes_full),
    Scene("scopes_filtered", "Scopes filtered as you type", steps=scopes_filtered),
    Scene("scopes_empty", "Scopes: empty choice refused", steps=scopes_empty),
    Scene("consent", "Consent: waiting for the browser", steps=consent_waiting, wait_for_workers=False),
    Scene("review", "Check and save: signed in", steps=review_api_token),
    Scene("review_error", "Check and save: wrong token", steps=review_wrong_token),
    Scene(
        "review_offline",
        "Check and save: offline",
        steps=review_offline,
        options={"base_url": "http://127.0.0.1:9"},
    ),
    Scene("review_saved", "Saved: where things went", steps=review_saved),
    Scene("edit_diff", "Editing: the YAML change", mode="edit", profile="acme", seed=True, steps=review_edit_diff),
    Scene("help", "Help (f1)", steps=help_modal),
    Scene("delete", "Delete with revoke offer", mode="home", seed=True, steps=delete_modal),
    Scene("quit", "Quit with unsaved answers", steps=quit_modal),
    Scene(
        "instance_advanced",
        "Instance: Advanced ticked below an error, the base URL in view",
        seed=True,
        base_url=False,
        steps=instance_advanced_after_an_error,
    ),
    Scene("home_60x20", "Profiles at 60x20: columns shrink, keys stay whole", mode="home", seed=True, size=(60, 20)),
    Scene(
        "home_tested_60x20",
        "Profiles at 60x20: a toast above the status line",
        mode="home",
        seed=True,
        steps=home_tested,
        size=(60, 20),
    ),
    Scene(
        "delete_60x20", "Delete at 60x20: the dialog fits", mode="home", seed=True, steps=delete_modal, size=(60, 20)
    ),
]


def fix_randomness(setattr_: Callable[[Any, str, Any], None]) -> None:
    """Pin the OAuth state and PKCE pair so the consent URL is the same every run."""
    from zendesk_setup.core import oauth, provision

    pkce = oauth.Pkce(FIXED_VERIFIER, oauth.s256_challenge(FIXED_VERIFIER))
    setattr_(oauth, "new_state", lambda: FIXED_STATE)
    setattr_(oauth, "new_pkce", lambda: pkce)
    # A created client's name and identifier carry the machine's name and a random suffix.
    setattr_(provision, "host_label", lambda: "laptop")
    setattr_(provision, "new_identifier", lambda host=None: f"zendesk-setup-{host or 'laptop'}-0d4edc")
