"""The wizard's flow, free of any UI: which steps a draft needs, their numbering, and what each answer changes.

Each screen takes the draft and its position, and ends with one of ``Next(answer)``, ``Back(answer)``,
``GoTo(step, field)`` or ``Finished(saved)``; ``WizardFlow.after`` turns that into the next step or the end.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from zendesk_setup.core.draft import NO_SECRET, ProfileDraft
from zendesk_setup.core.secrets import Secret
from zendesk_setup.core.vocab import AuthType, ClientKind, Step, Storage

if TYPE_CHECKING:
    from zendesk_setup.core.oauth import TokenSet
    from zendesk_setup.core.profiles import CreatedClient

FIELD_STEPS = {
    "name": Step.INSTANCE,
    "subdomain": Step.INSTANCE,
    "base_url": Step.INSTANCE,
    "email": Step.CREDENTIALS,
    "credentials": Step.CREDENTIALS,
    "api_token": Step.CREDENTIALS,
    "client_id": Step.CREDENTIALS,
    "client_kind": Step.CREDENTIALS,
    "client_secret": Step.CREDENTIALS,
    "redirect": Step.CREDENTIALS,
    "scopes": Step.SCOPES,
    "consent": Step.CONSENT,
}


def step_for_field(field_name: str | None) -> Step | None:
    """The wizard step where the input named by an error's ``field`` is edited."""
    return FIELD_STEPS.get(field_name or "")


# What each step answers ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AuthAnswer:
    """The auth-type step: how the profile signs in, and the file store when chosen there (no usable keyring)."""

    auth: AuthType
    storage: Storage | None = None

    def apply(self, draft: ProfileDraft) -> ProfileDraft:
        """The draft with this answer."""
        if self.storage is None:
            return replace(draft, auth=self.auth)
        return replace(draft, auth=self.auth, storage=self.storage)


@dataclass(frozen=True)
class InstanceAnswer:
    """The instance step: subdomain as typed, profile name, and the optional custom base URL."""

    subdomain: str
    name: str
    use_base_url: bool
    base_url: str

    def apply(self, draft: ProfileDraft) -> ProfileDraft:
        """The draft with this answer."""
        return replace(
            draft, subdomain=self.subdomain, name=self.name, use_base_url=self.use_base_url, base_url=self.base_url
        )


@dataclass(frozen=True)
class CredentialsAnswer:
    """The credentials step: email and API token, or client identifier, kind and secret."""

    email: str = ""
    api_token: Secret = NO_SECRET
    client_id: str = ""
    client_kind: ClientKind = ClientKind.PUBLIC
    client_secret: Secret = NO_SECRET
    created_client: CreatedClient | None = None

    def apply(self, draft: ProfileDraft) -> ProfileDraft:
        """The draft with this answer (only the fields of the draft's auth type change)."""
        if draft.auth is AuthType.API_TOKEN:
            return replace(draft, email=self.email, api_token=self.api_token)
        kind = self.client_kind if draft.auth is AuthType.OAUTH else draft.client_kind
        has_secret = draft.auth is AuthType.CLIENT_CREDENTIALS or kind is ClientKind.CONFIDENTIAL
        return replace(
            draft,
            client_id=self.client_id,
            client_kind=kind,
            client_secret=self.client_secret if has_secret else NO_SECRET,
            created_client=self.created_client,
        )


@dataclass(frozen=True)
class ScopesAnswer:
    """The scopes step: the ticked scopes in catalogue order."""

    scopes: tuple[str, ...]

    def apply(self, draft: ProfileDraft) -> ProfileDraft:
        """The draft with this answer."""
        return replace(draft, scopes=tuple(self.scopes))


@dataclass(frozen=True)
class ConsentAnswer:
    """The consent step: the tokens it produced (None when it ended without), and where secrets will go."""

    tokens: TokenSet | None
    storage: Storage

    def apply(self, draft: ProfileDraft) -> ProfileDraft:
        """The draft with this answer."""
        changed = replace(draft, storage=self.storage)
        return changed.with_tokens(self.tokens) if self.tokens is not None else changed


@dataclass(frozen=True)
class ReviewAnswer:
    """The check-and-save step: where the secrets go (the user may choose the file store there)."""

    storage: Storage

    def apply(self, draft: ProfileDraft) -> ProfileDraft:
        """The draft with this answer."""
        return replace(draft, storage=self.storage)


Answer = AuthAnswer | InstanceAnswer | CredentialsAnswer | ScopesAnswer | ConsentAnswer | ReviewAnswer


# How a step ends ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Next:
    """Go on, with the step's answer."""

    answer: Answer | None = None


@dataclass(frozen=True)
class Back:
    """Go back one step, keeping the step's answer."""

    answer: Answer | None = None


@dataclass(frozen=True)
class GoTo:
    """Jump to ``step`` (for example the field an error names), keeping the step's answer."""

    step: Step
    field: str | None = None
    answer: Answer | None = None


@dataclass(frozen=True)
class Finished:
    """The wizard is over: ``saved`` names the profile written, None when nothing was."""

    saved: str | None = None


StepResult = Next | Back | GoTo | Finished


@dataclass(frozen=True)
class StepPosition:
    """Where a step sits: ``number`` of ``count`` (both from 1), and whether the draft edits a saved profile."""

    step: Step
    number: int
    count: int

    def header(self, subject: str) -> str:
        """The step header line, e.g. ``zendesk-setup · new profile · step 2 of 6: Instance``."""
        return f"zendesk-setup · {subject} · step {self.number} of {self.count}: {self.step.title}"


def wizard_steps(draft: ProfileDraft) -> list[Step]:
    """The steps of a run for the draft's auth type, the same list from the first screen to the last."""
    steps = [Step.AUTH, Step.INSTANCE, Step.CREDENTIALS]
    if draft.auth.uses_client:
        steps.append(Step.SCOPES)
    if draft.needs_consent():
        steps.append(Step.CONSENT)
    steps.append(Step.REVIEW)
    return steps


@dataclass(frozen=True)
class WizardFlow:
    """One point of a wizard run: the draft so far and the step on screen."""

    draft: ProfileDraft
    step: Step = Step.AUTH
    field: str | None = None

    def steps(self) -> list[Step]:
        """The steps of this run."""
        return wizard_steps(self.draft)

    def position(self) -> StepPosition:
        """The step's number and the number of steps."""
        steps = self.steps()
        return StepPosition(self.step, steps.index(self.step) + 1, len(steps))

    def _skips(self, step: Step, draft: ProfileDraft) -> bool:
        # A consent that already produced tokens for these answers is not shown again on the way through.
        return step is Step.CONSENT and draft.has_new_tokens()

    def _move(self, draft: ProfileDraft, delta: int) -> WizardFlow | None:
        steps = wizard_steps(draft)
        index = _index_near(steps, self.step, self.steps())
        while True:
            index += delta
            if index < 0:
                return None
            if index >= len(steps):
                return WizardFlow(draft, steps[-1])
            if not self._skips(steps[index], draft):
                return WizardFlow(draft, steps[index])

    def answered(self, result: StepResult) -> ProfileDraft:
        """The draft with the answer ``result`` carries applied (the draft itself for answers-free results)."""
        answer = getattr(result, "answer", None)
        return answer.apply(self.draft) if answer is not None else self.draft

    def leaves_first_step(self, result: StepResult) -> bool:
        """True when ``result`` goes back from the first step, which ends the run."""
        return isinstance(result, Back) and self._move(self.answered(result), -1) is None

    def after(self, result: StepResult) -> WizardFlow | Finished:
        """The next point of the run, or how it finished."""
        if isinstance(result, Finished):
            return result
        draft = result.answer.apply(self.draft) if result.answer is not None else self.draft
        if isinstance(result, GoTo):
            steps = wizard_steps(draft)
            target = result.step if result.step in steps else self.step
            return WizardFlow(draft, target, result.field)
        moved = self._move(draft, 1 if isinstance(result, Next) else -1)
        return moved if moved is not None else Finished(None)


def has_changes(start: ProfileDraft, current: ProfileDraft) -> bool:
    """True when the user entered or changed anything since the run started from ``start`` (so leaving asks)."""
    return current != start


def _index_near(steps: list[Step], step: Step, old_steps: list[Step]) -> int:
    """The index of ``step`` in ``steps``; when it is gone, of the step before it in ``old_steps``."""
    if step in steps:
        return steps.index(step)
    for earlier in reversed(old_steps[: old_steps.index(step)]):
        if earlier in steps:
            return steps.index(earlier)
    return 0
