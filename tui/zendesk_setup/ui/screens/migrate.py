"""Moving an API-token profile to OAuth from the home screen: say what will happen, consent, save in place."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from zendesk_setup.core.vocab import API_TOKEN_SHUTOFF, API_TOKENS_PAGE, MIGRATION_SCOPES
from zendesk_setup.ui.screens.confirm import ConfirmModal

if TYPE_CHECKING:
    from zendesk_setup.core.errors import SetupError
    from zendesk_setup.core.profiles import Profile
    from zendesk_setup.core.provision import ClientAttempt, ProvisionResult
    from zendesk_setup.core.wizard import StepResult
    from zendesk_setup.ui.screens.profiles import ProfilesScreen


def migration_plan(profile: Profile, port: int) -> str:
    """What a migration will do, in plain sentences (no markup: the modal shows it as it is)."""
    from zendesk_setup.core.provision import client_name
    from zendesk_setup.core.redirect import redirect_uri_for

    return (
        f"Move '{profile.name}' to OAuth? Zendesk switches API tokens off on {API_TOKEN_SHUTOFF.isoformat()}.\n"
        "1. Check that the API token belongs to an admin.\n"
        f"2. Create a public OAuth client '{client_name()}' for {redirect_uri_for(port)}.\n"
        f"3. Open the consent page (scopes: {' '.join(MIGRATION_SCOPES)}).\n"
        "4. Check the new token; save it under the same name.\n"
        "A failure deletes the client and changes nothing. Then deactivate the old token in "
        f"{API_TOKENS_PAGE}."
    )


class MigrateFromHome:
    """The home screen's ``m``: a migration runs as three thread workers around the migration consent screen."""

    migration: ClientAttempt | None = None

    @property
    def home(self) -> ProfilesScreen:
        """The home screen this mixin is part of, typed."""
        return self  # type: ignore[return-value]

    def start_migration(self, profile: Profile) -> None:
        """Say what will happen; on yes, check the profile and its admin rights in a worker."""
        from zendesk_setup.core.redirect import DEFAULT_REDIRECT_PORT

        app = self.home.setup_app
        port = app.redirect_port or profile.redirect_port or DEFAULT_REDIRECT_PORT

        def chosen(go: bool | None) -> None:
            if not go:
                return
            from zendesk_setup.core.provision import Provisioner

            provisioner = Provisioner(app.service)
            # The status line, not a toast: a toast would outlive the check and sit on the consent screen.
            self.home.show_progress(f"Moving '{profile.name}' to OAuth: checking its API token…")
            self.home.run_worker(
                lambda: provisioner.start_migration(profile.name, port=port),
                name="migration_start",
                group="migration",
                thread=True,
                exit_on_error=False,
            )

        app.push_screen(ConfirmModal(migration_plan(profile, port), yes="Migrate", no="Cancel"), chosen)

    def on_migration_start_done(self, attempt: ClientAttempt) -> None:
        """The profile may migrate: show the consent screen, which creates the client and waits."""
        from zendesk_setup.ui.screens.migration_consent import MigrationConsentScreen

        self.migration = attempt
        self.home.show_progress("")
        self.home.app.push_screen(MigrationConsentScreen(attempt), self.consent_ended)

    def on_migration_start_failed(self, error: SetupError) -> None:
        """Say why the migration cannot start (not an admin, a dead token…); nothing was changed."""
        self.home.show_progress("")
        self.home.say(f"Migration not started: {error.shown_in_tui()}", error=True)

    def consent_ended(self, result: StepResult | None) -> None:
        """Tokens: check and save in a worker. Anything else: delete the client again in a worker."""
        attempt = self.migration
        if attempt is None:
            return
        from zendesk_setup.core.wizard import ConsentAnswer, Next

        answer = getattr(result, "answer", None)
        tokens = answer.tokens if isinstance(result, Next) and isinstance(answer, ConsentAnswer) else None
        work: Any = (lambda: attempt.finish(tokens)) if tokens is not None else attempt.undo
        name = "migration_finish" if tokens is not None else "migration_undo"
        doing = "checking the new token and saving" if tokens is not None else "deleting the client again"
        self.home.show_progress(f"Moving '{attempt.draft.profile_name()}' to OAuth: {doing}…")
        self.home.run_worker(work, name=name, group="migration", thread=True, exit_on_error=False)

    def on_migration_finish_done(self, result: ProvisionResult) -> None:
        """Migrated: say so, and where to deactivate the old token."""
        self.end_migration()
        from zendesk_setup.core.provision import token_page_url

        profile = result.saved.profile
        self.home.reload()
        self.home.say(
            f"'{profile.name}' now uses OAuth (client {profile.client_id}); scripts keep working. Deactivate the "
            f"old API token in {API_TOKENS_PAGE}: {token_page_url(profile)}",
            timeout=30,
        )

    def on_migration_finish_failed(self, error: SetupError) -> None:
        """The new token did not check out: the client was deleted again and the profile is unchanged."""
        self.end_migration()
        self.home.reload()
        self.home.say(f"Migration failed, nothing changed: {error.shown_in_tui()}", error=True)

    def on_migration_undo_done(self, _result: object) -> None:
        """The consent was left: the client is gone again."""
        self.end_migration()
        self.home.say("Migration cancelled; the client was deleted again and nothing changed.")

    def on_migration_undo_failed(self, error: SetupError) -> None:
        """Deleting the client again failed (it says where to delete it by hand)."""
        self.end_migration()
        self.home.say(f"Migration cancelled: {error.shown_in_tui()}", error=True)

    def end_migration(self) -> None:
        """Close the admin connection of the attempt that ended and put the profile count back on the status line."""
        self.home.show_progress("")
        if self.migration is not None:
            self.migration.close()
            self.migration = None
