"""The home screen: saved profiles in a table, with keys to add, edit, test and manage them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, ClassVar
from urllib.parse import urlsplit

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from zendesk_setup.core.errors import SetupError
from zendesk_setup.core.profiles import CheckRecord, Profile, ProfilesDocument
from zendesk_setup.core.vocab import AuthType, api_token_days_left
from zendesk_setup.ui.screens.confirm import DeleteModal, PromptModal
from zendesk_setup.ui.screens.migrate import MigrateFromHome
from zendesk_setup.ui.widgets.key_bar import KeyBar
from zendesk_setup.ui.widgets.row_table import RowTable
from zendesk_setup.ui.workers import WorkerResults

if TYPE_CHECKING:
    from zendesk_setup.core.service import CredentialsService
    from zendesk_setup.ui.app import ZendeskSetupApp
    from zendesk_setup.ui.rate_limit import RateLimitCountdown

SHORT_AUTH = {AuthType.OAUTH: "OAuth", AuthType.API_TOKEN: "API token", AuthType.CLIENT_CREDENTIALS: "client creds"}


def ago(moment: datetime, now: datetime) -> str:
    """A short relative time such as ``5m ago`` or ``3d ago``."""
    seconds = max(0, int((now - moment).total_seconds()))
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{seconds // 60}m ago"
    if seconds < 86400:
        return f"{seconds // 3600}h ago"
    return f"{seconds // 86400}d ago"


def auth_text(profile: Profile, today: date) -> str:
    """The auth cell; an API-token profile also shows the days until Zendesk switches API tokens off."""
    short = SHORT_AUTH.get(profile.auth, profile.auth)
    if profile.auth != AuthType.API_TOKEN:
        return short
    days = api_token_days_left(today)
    return f"{short} · {days} d left" if days else f"{short} · OFF"


def where(profile: Profile) -> str:
    """The Subdomain cell: the subdomain, or the host of a custom base URL."""
    if profile.base_url:
        return urlsplit(profile.base_url).netloc or profile.base_url
    return profile.subdomain


def check_text(record: CheckRecord | None, now: datetime) -> str:
    """The last-check cell: ok, rate limited (Zendesk did not judge the credentials) or failed, and when."""
    if record is None:
        return "never checked"
    mark = "✓ ok" if record.ok else ("⏳ rate limited" if record.rate_limited else "✗ failed")
    return f"{mark} {ago(record.at, now)}"


class ProfilesScreen(MigrateFromHome, WorkerResults, Screen[None]):
    """The table of saved profiles; with none yet, the wizard starts at once."""

    AUTO_FOCUS = "#profiles-table"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new_profile", "New", id="new", tooltip="Create a profile with the wizard"),
        Binding("e", "edit_profile", "Edit", id="edit", tooltip="Open the wizard on this profile"),
        Binding("t", "test_profile", "Test", id="test", tooltip="Check the credentials with Zendesk now"),
        Binding("s", "set_default", "Default", id="default", tooltip="Make this the default profile"),
        Binding("c", "duplicate_profile", "Copy", id="duplicate", tooltip="Duplicate this profile"),
        Binding("r", "rename_profile", "Rename", id="rename", tooltip="Rename this profile"),
        Binding("d", "delete_profile", "Delete", id="delete", tooltip="Delete (and optionally revoke)"),
        Binding("m", "migrate_profile", "Migrate", id="migrate", tooltip="Move this API-token profile to OAuth"),
        Binding("f1", "help", "Help", id="help", tooltip="Explain this screen"),
    ]
    HELP = """\
Your saved Zendesk profiles. Scripts use them with `zendesk-setup token NAME`,
`zendesk-setup header NAME` or `load_profile("NAME")` from Python; the default is used when no
name is given.

- **n** new profile, **enter** or **e** edit the highlighted one (the same wizard, pre-filled).
- **t** test: calls Zendesk now and records the result in the *Last check* column.
- **s** make default, **c** duplicate (OAuth tokens are not copied), **r** rename.
- **d** delete the profile and its secrets; for OAuth you may also revoke the token on Zendesk.
- **m** on an API-token profile: move it to OAuth in place (Zendesk switches API tokens off on
  2027-04-30). With an admin's token, zendesk-setup creates the OAuth client itself, opens the consent
  page and saves the profile under the same name.

Settings live in `profiles.yaml` (never a secret); secrets in the OS keyring.
Keys: up/down choose, ctrl+q quit.
"""

    def __init__(self) -> None:
        super().__init__()
        self.document = ProfilesDocument()
        self.load_error: SetupError | None = None
        self.focus_name: str | None = None
        self.action_label = ""
        self.file_stamp: tuple[int, int] | None = None
        self.progress = ""
        self.countdown: RateLimitCountdown | None = None
        self.names_before_wizard: set[str] | None = None

    @property
    def setup_app(self) -> ZendeskSetupApp:
        """The running app, typed."""
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        """Title, table, status line and footer."""
        yield Static("zendesk-setup · profiles", id="home-title")
        yield RowTable(id="profiles-table", zebra_stripes=True)
        yield Static("", id="home-status")
        yield KeyBar()

    def on_mount(self) -> None:
        """Fill the table; with no profiles start the wizard straight away."""
        table = self.query_one("#profiles-table", RowTable)
        table.add_column("Name", key="name")
        table.add_column("Subdomain", key="subdomain")
        table.add_column("Auth", key="auth")
        table.add_column("Default", key="default")
        table.add_column("Last check", key="check")
        self.reload()
        self.screen_layout_refresh_signal.subscribe(self, self.keep_toasts_above_status)
        self.set_interval(2.0, self.reload_if_changed)
        if self.load_error is None and not self.document.profiles:
            self.names_before_wizard = set()
            self.setup_app.start_wizard(self.setup_app.new_draft())

    def on_screen_resume(self) -> None:
        """Back from a wizard: show the table as it left it, the profile it saved highlighted."""
        if self.names_before_wizard is not None and not self.setup_app.unsaved:
            self.reload()

    def reload(self) -> None:
        """Read profiles.yaml again and redraw the table (a bad file is reported, never overwritten)."""
        table = self.query_one("#profiles-table", RowTable)
        current = self.focus_name or self.selected_name()
        row_before = table.cursor_row
        self.focus_name = None
        self.file_stamp = self.setup_app.store.stamp()
        try:
            self.document = self.setup_app.store.load()
            self.load_error = None
        except SetupError as error:
            self.document = ProfilesDocument()
            self.load_error = error
        if self.names_before_wizard is not None and not self.setup_app.unsaved:
            # t, d and enter should act on the profile the wizard just saved, not on whatever row was first.
            added = set(self.document.profiles) - self.names_before_wizard
            self.names_before_wizard = None
            if len(added) == 1:
                current = added.pop()
        table.clear()
        now = self.setup_app.now_fn()
        table.add_rows(
            [
                (
                    name,
                    (
                        name,
                        where(profile),
                        auth_text(profile, now.date()),
                        "★ default" if self.document.default == name else "",
                        check_text(profile.checked, now),
                    ),
                )
                for name, profile in self.document.profiles.items()
            ]
        )
        if current in self.document.profiles:
            table.move_cursor(row=table.get_row_index(current))
        elif table.row_count:
            table.move_cursor(row=min(row_before, table.row_count - 1))
        self.show_status()
        self.refresh_bindings()

    def show_status(self) -> None:
        """The status line: a bad file, what is running (a test's rate-limit wait), or how many profiles where."""
        status = self.query_one("#home-status", Static)
        status.set_class(self.load_error is not None, "invalid")
        if self.load_error is not None:
            status.update(Content(self.load_error.shown_in_tui()))
        elif self.progress:
            status.update(Content(self.progress))
        elif not self.document.profiles:
            status.update("No profiles yet: press n to create one.")
        else:
            count = len(self.document.profiles)
            status.update(Content(f"{count} profile{'' if count == 1 else 's'} in {self.setup_app.store.path}"))

    def show_progress(self, text: str) -> None:
        """Say on the status line what is running (an empty text goes back to the count)."""
        self.progress = text
        self.show_status()

    def keep_toasts_above_status(self, _screen: object = None) -> None:
        """Stack toasts above the status line and the footer, so neither is ever covered (after every layout)."""
        status = self.query_one("#home-status", Static)
        below = max(2, self.size.height - status.region.y) if status.region else 2
        for rack in self.query("ToastRack"):
            if rack.styles.margin.bottom != below:
                rack.styles.margin = (0, 0, below, 0)

    def reload_if_changed(self) -> None:
        """Show profiles another program (the CLI) added, removed or changed while this screen is open."""
        if self.setup_app.store.stamp() != self.file_stamp:
            self.reload()

    def selected_name(self) -> str | None:
        """The profile under the cursor."""
        return self.query_one("#profiles-table", RowTable).cursor_key

    def selected_profile(self) -> Profile | None:
        """The Profile under the cursor."""
        name = self.selected_name()
        return self.document.profiles.get(name) if name else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Profile actions need a profile; new needs a readable file."""
        if action == "new_profile":
            return self.load_error is None
        if action in (
            "edit_profile",
            "test_profile",
            "set_default",
            "duplicate_profile",
            "rename_profile",
            "delete_profile",
        ):
            return self.selected_profile() is not None
        if action == "migrate_profile":
            profile = self.selected_profile()
            return profile is not None and profile.auth == AuthType.API_TOKEN
        return True

    def say(self, text: str, *, error: bool = False, timeout: float | None = None) -> None:
        """A notification (never with a secret; plain text, never markup); one with a task in it may stay longer."""
        self.notify(text, severity="error" if error else "information", markup=False, timeout=timeout)

    def leave_for_wizard(self) -> None:
        """Remember the profiles there are, and clear toasts that speak of home (or the last wizard) not the next."""
        self.names_before_wizard = set(self.document.profiles)
        self.app.clear_notifications()

    def action_new_profile(self) -> None:
        """Start the wizard for a new profile."""
        self.leave_for_wizard()
        self.setup_app.start_wizard(self.setup_app.new_draft())

    @on(RowTable.CursorMoved, "#profiles-table")
    def show_keys_for_row(self) -> None:
        """The footer offers what works on the highlighted profile (m only on an API-token row)."""
        self.refresh_bindings()

    @on(RowTable.RowSelected, "#profiles-table")
    def action_edit_profile(self) -> None:
        """Start the wizard on the highlighted profile."""
        profile = self.selected_profile()
        if profile is not None:
            self.leave_for_wizard()
            self.setup_app.start_edit(profile)

    def action_test_profile(self) -> None:
        """Call Zendesk with the saved credentials in a worker; the result is recorded on the profile."""
        from zendesk_setup.ui.rate_limit import RateLimitCountdown

        profile = self.selected_profile()
        if profile is None:
            return
        if self.countdown is not None:
            self.countdown.stop()
        doing = f"Testing '{profile.name}'"
        countdown = self.countdown = RateLimitCountdown(self, lambda wait: self.show_progress(f"{doing}: {wait}"))
        self.show_progress(f"{doing} with Zendesk…")
        service = self.setup_app.service
        notify = countdown.notifier()

        def test() -> str:
            identity = service.test(profile, notify=notify)
            note = countdown.summary("the test")
            return f"'{profile.name}' works: {identity.describe()}." + (f" {note}" if note else "")

        self.run_action(doing, test)

    def end_progress(self) -> None:
        """A running test ended: stop its countdown and show the count again."""
        if self.countdown is not None:
            self.countdown.stop()
            self.countdown = None
        self.progress = ""

    def run_action(self, label: str, action: Callable[[], str]) -> None:
        """Run one profile action in a thread worker (the keyring and Zendesk may block); it reports itself."""
        self.action_label = label
        self.run_worker(action, name="home_action", group="home", thread=True, exit_on_error=False)

    def on_home_action_done(self, message: str) -> None:
        """Say what the action did and show the table as it is now."""
        self.end_progress()
        self.reload()
        self.say(message)

    def on_home_action_failed(self, error: SetupError) -> None:
        """Say why the action failed (and show the table, which may hold a new check result).

        A rate limit is no verdict on the credentials: it says so, as a warning, never "failed".
        """
        self.end_progress()
        self.reload()
        if getattr(error, "kind", None) == "rate_limited":
            text = f"{error.shown_in_tui()} Zendesk did not judge the credentials."
            self.notify(text, title=f"{self.action_label}: rate limited", severity="warning", markup=False)
            return
        self.notify(error.shown_in_tui(), title=f"{self.action_label} failed", severity="error", markup=False)

    def action_set_default(self) -> None:
        """Make the highlighted profile the default."""
        name = self.selected_name()
        if name:
            store = self.setup_app.store

            def make_default() -> str:
                store.set_default(name)
                return f"'{name}' is now the default profile."

            self.run_action("Setting the default", make_default)

    def action_duplicate_profile(self) -> None:
        """Ask for a name and copy the profile (OAuth tokens are not copied)."""
        name = self.selected_name()
        if not name:
            return
        service = self.setup_app.service

        def copy(new_name: str | None) -> None:
            if not new_name:
                return

            def duplicate() -> str:
                copy = service.duplicate(name, new_name)
                self.focus_name = new_name
                note = ""
                if copy.auth == AuthType.OAUTH:
                    note = " Not signed in yet: press e to sign in (tokens are not copied)."
                return f"Copied '{name}' to '{new_name}'.{note}"

            self.run_action("Duplicating", duplicate)

        self.app.push_screen(
            PromptModal(
                f"Name for the copy of '{name}':",
                service.unique_name(f"{name}-copy"),
                check=self.free_name,
                ok="Copy",
            ),
            copy,
        )

    def free_name(self, name: str) -> None:
        """Raise InputError unless ``name`` is valid and unused."""
        self.setup_app.service.ensure_name_free(name)

    def action_rename_profile(self) -> None:
        """Ask for a new name and rename the profile and its secret entry."""
        name = self.selected_name()
        if not name:
            return
        service = self.setup_app.service

        def renamed(new_name: str | None) -> None:
            if not new_name or new_name == name:
                return

            def rename() -> str:
                service.rename(name, new_name)
                self.focus_name = new_name
                return f"Renamed '{name}' to '{new_name}'."

            self.run_action("Renaming", rename)

        self.app.push_screen(PromptModal(f"New name for '{name}':", name, check=self.free_name, ok="Rename"), renamed)

    def action_delete_profile(self) -> None:
        """Confirm, optionally revoke the OAuth token, then delete the profile and its secrets."""
        profile = self.selected_profile()
        if profile is None:
            return
        service = self.setup_app.service

        def delete(choice: str | None) -> None:
            if choice is None:
                self.notify("Nothing was deleted.")
                return

            def remove() -> str:
                note = ""
                if choice == "revoke":
                    note = revoke(profile, service)
                service.remove(profile.name)
                return f"Deleted '{profile.name}' and its secrets.{note}"

            self.run_action(f"Deleting '{profile.name}'", remove)

        note = "An API token keeps working until you delete it in Admin Center."
        revoke_note = ""
        can_revoke: bool | Callable[[], bool] = False
        if profile.auth != AuthType.API_TOKEN:
            note = "It has no OAuth token to revoke (it never signed in)."
            if profile.created_client is not None:
                revoke_note = (
                    f"Revoke + delete also deletes the OAuth client {profile.created_client.identifier} made for it "
                    "(unless another profile uses it); Delete alone leaves the client and its tokens on Zendesk."
                )

            def can_revoke() -> bool:
                return service.has_oauth_token(profile)

        self.app.push_screen(
            DeleteModal(profile.name, can_revoke=can_revoke, note=note, revoke_note=revoke_note), delete
        )

    def action_migrate_profile(self) -> None:
        """Move the highlighted API-token profile to OAuth (see MigrateFromHome)."""
        profile = self.selected_profile()
        if profile is not None and profile.auth == AuthType.API_TOKEN:
            self.start_migration(profile)

    def action_help(self) -> None:
        """Open the help for this screen."""
        from zendesk_setup.ui.screens.help import HelpModal

        self.app.push_screen(HelpModal("Profiles", self.HELP))


def revoke(profile: Profile, service: CredentialsService) -> str:
    """Revoke the profile's OAuth token on Zendesk, or delete the client zendesk-setup made for it (its tokens go
    with it); a failure keeps everything, so the revoke can be retried. Returns what was done, in words."""
    if profile.created_client is not None:
        from zendesk_setup.core.provision import delete_created_client, other_client_users

        if not other_client_users(service, profile):
            try:
                delete_created_client(service, profile)
            except SetupError:
                pass  # not an admin any more, say: revoking the token still ends its access
            else:
                return f" The OAuth client {profile.created_client.identifier} made for it was deleted on Zendesk."
    try:
        service.session(profile).revoke()
    except SetupError as error:
        raise SetupError(
            f"Revoking the OAuth token of '{profile.name}' failed ({error.message.rstrip('.')}); nothing was deleted, "
            "so the token can still be revoked.",
            hint="Press d to try again, or choose Delete to remove the profile without revoking "
            "(then revoke the token in Admin Center).",
        ) from None
    return " The OAuth token was revoked on Zendesk."


__all__ = ["ProfilesScreen", "ago", "auth_text", "check_text"]
