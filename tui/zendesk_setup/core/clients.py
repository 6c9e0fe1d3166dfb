"""Zendesk's OAuth Clients API, spoken with an admin profile's credentials: create, list, delete, new secret."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from zendesk_setup.core.api import same_origin, send_refreshing
from zendesk_setup.core.errors import SetupError, ZendeskError, one_line
from zendesk_setup.core.secrets import Secret
from zendesk_setup.core.vocab import ClientKind
from zendesk_setup.core.zendesk import error_text, request, status_error

if TYPE_CHECKING:
    import httpx

    from zendesk_setup.core.session import Session
    from zendesk_setup.core.zendesk import Identity

CLIENTS_PATH = "/api/v2/oauth/clients"
MAX_LIST_PAGES = 50
NO_SECRET = Secret("")


@dataclass(frozen=True)
class OAuthClient:
    """One OAuth client as Zendesk describes it; ``secret`` is set only right after create or generate_secret."""

    id: int
    identifier: str
    name: str
    kind: str
    redirect_uris: tuple[str, ...] = ()
    user_id: int | None = None
    secret: Secret = field(default=NO_SECRET, repr=False)

    @classmethod
    def from_json(cls, data: Any, *, with_secret: bool = False) -> OAuthClient:
        """The client in a ``{"client": {...}}`` answer (server text kept to one printable line)."""
        if not isinstance(data, dict) or not isinstance(data.get("id"), int) or isinstance(data.get("id"), bool):
            raise ZendeskError(
                "Zendesk answered the OAuth clients API without a client id.", "Unexpected answer", kind="unexpected"
            )
        redirect = data.get("redirect_uri") or []
        if isinstance(redirect, str):
            redirect = [redirect]
        secret = data.get("secret") if with_secret else None
        user_id = data.get("user_id")
        return cls(
            id=data["id"],
            identifier=_text(data.get("identifier")),
            name=_text(data.get("name")),
            kind=_text(data.get("kind")) or "unknown",
            redirect_uris=tuple(_text(u) for u in redirect if isinstance(u, str)),
            user_id=user_id if isinstance(user_id, int) and not isinstance(user_id, bool) else None,
            secret=Secret(secret) if isinstance(secret, str) else NO_SECRET,
        )


def _text(value: Any, limit: int = 200) -> str:
    return one_line(value)[:limit] if isinstance(value, str) else ""


def admin_error(profile_name: str, identity: Identity) -> SetupError:
    """The refusal for a profile whose user is not an admin (exit 1: the check against Zendesk said no)."""
    return SetupError(
        f"Profile '{profile_name}' signs in as {identity.name} ({identity.role or 'no role'}); "
        "only a Zendesk admin can create or change OAuth clients.",
        "Admin needed",
        hint=(
            "Use a profile of an admin with --using, or ask an admin to create the client "
            "(`zendesk-setup client create --using ADMIN ...` or Admin Center > Apps and integrations > APIs > "
            "OAuth clients) and pass its identifier with --client-id."
        ),
        field="using",
        tui_hint=(
            "Ask an admin to create an OAuth client for you (Admin Center > Apps and integrations > APIs > "
            "OAuth clients), then press e to move this profile to it."
        ),
    )


class ClientsApi:
    """The OAuth Clients API through one admin profile's session (an OAuth token refreshes once on 401)."""

    def __init__(
        self,
        session: Session,
        http: httpx.Client,
        *,
        notify: Callable[[str], None] | None = None,
    ) -> None:
        self.session = session
        self.http = http
        self.notify = notify

    @property
    def profile_name(self) -> str:
        """The admin profile these calls act as."""
        return self.session.profile.name

    def create(
        self, *, name: str, identifier: str, kind: ClientKind | str, redirect_uris: list[str] | tuple[str, ...]
    ) -> OAuthClient:
        """Create a client; the answer carries its secret, the only time Zendesk shows it in full."""
        payload = {
            "client": {
                "name": name,
                "identifier": identifier,
                "kind": str(kind),
                "redirect_uri": list(redirect_uris),
            }
        }
        body = self._call("POST", f"{CLIENTS_PATH}.json", json=payload, identifier=identifier)
        return OAuthClient.from_json(body.get("client"), with_secret=True)

    def list(self) -> list[OAuthClient]:
        """Every OAuth client of the account (following ``next_page``, bounded)."""
        clients: list[OAuthClient] = []
        url: str | None = f"{CLIENTS_PATH}.json"
        for _ in range(MAX_LIST_PAGES):
            if url is None:
                break
            body = self._call("GET", url)
            clients.extend(OAuthClient.from_json(item) for item in body.get("clients") or [])
            url = self._next_page(body.get("next_page"))
        return clients

    def get(self, client_id: int) -> OAuthClient:
        """One client by its numeric id."""
        body = self._call("GET", f"{CLIENTS_PATH}/{int(client_id)}.json", client_id=client_id)
        return OAuthClient.from_json(body.get("client"))

    def find(self, identifier: str) -> OAuthClient | None:
        """The client whose identifier (the OAuth ``client_id``) is ``identifier``, or None."""
        return next((c for c in self.list() if c.identifier == identifier), None)

    def delete(self, client_id: int) -> None:
        """Delete a client; every token it issued stops working."""
        self._call("DELETE", f"{CLIENTS_PATH}/{int(client_id)}.json", client_id=client_id)

    def generate_secret(self, client_id: int) -> OAuthClient:
        """A new secret for the client; the old one stops working the moment Zendesk answers."""
        body = self._call("PUT", f"{CLIENTS_PATH}/{int(client_id)}/generate_secret.json", client_id=client_id)
        client = OAuthClient.from_json(body.get("client"), with_secret=True)
        if not client.secret:
            raise ZendeskError(
                "Zendesk answered generate_secret without a secret.", "Unexpected answer", kind="unexpected"
            )
        return client

    def _next_page(self, value: Any) -> str | None:
        """The next page's path, only on the profile's own host (a foreign URL is never followed)."""
        if not isinstance(value, str) or not value:
            return None
        target = urlsplit(value)
        if target.netloc and not same_origin(str(self.http.base_url), value):
            return None
        return f"{target.path}?{target.query}" if target.query else target.path

    def _call(
        self,
        method: str,
        url: str,
        *,
        json: Any = None,
        identifier: str | None = None,
        client_id: int | None = None,
    ) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"json": json} if json is not None else {}

        def send(authorization: str) -> httpx.Response:
            headers = {"Authorization": authorization, "Accept": "application/json"}
            return request(self.http, method, url, headers=headers, notify=self.notify, **kwargs)

        with self.session.naming_errors():
            response, _sent = send_refreshing(self.session, send)
            if response.status_code >= 300:
                raise self._error(response, identifier=identifier, client_id=client_id)
        if response.status_code == 204 or not response.content:
            return {}
        try:
            body = response.json()
        except ValueError:
            raise ZendeskError(
                "Zendesk answered the OAuth clients API with something that is not JSON.",
                "Unexpected answer",
                kind="not_json",
            ) from None
        return body if isinstance(body, dict) else {}

    def _error(self, response: httpx.Response, *, identifier: str | None, client_id: int | None) -> ZendeskError:
        """One clear sentence per refusal: not an admin, no write scope, a taken identifier, a bad redirect URL."""
        status = response.status_code
        name = self.profile_name
        detail = (error_text(response) or "").lower()
        if status == 403:
            if "scope" in detail:
                return ZendeskError(
                    f"The OAuth token of profile '{name}' lacks the write scope that managing OAuth clients needs.",
                    "Write scope needed (403)",
                    hint=(
                        f"Use an admin's API-token profile, or add the write scope to '{name}' "
                        f"(`zendesk-setup edit {name}`) and consent again."
                    ),
                    status=status,
                    kind="forbidden",
                    field="using",
                )
            return ZendeskError(
                f"Zendesk refused profile '{name}': only admins can manage OAuth clients.",
                "Admin needed (403)",
                hint="Pass --using with a profile of a Zendesk admin.",
                status=status,
                kind="forbidden",
                field="using",
            )
        if status == 422:
            details = _details(response)
            if "identifier" in details:
                taken = "taken" in details["identifier"].lower() or "duplicate" in details["identifier"].lower()
                what = f"The client identifier '{identifier}'" if identifier else "The client identifier"
                return ZendeskError(
                    f"{what} is already taken on this account."
                    if taken
                    else f"{what} was refused: {details['identifier']}.",
                    "Identifier taken (422)" if taken else "Identifier refused (422)",
                    hint="Choose another identifier.",
                    status=status,
                    kind="invalid",
                    field="identifier",
                )
            if "redirect_uri" in details:
                return ZendeskError(
                    "Zendesk refused the redirect URL: it must be an absolute https URL, "
                    "or http on localhost or 127.0.0.1.",
                    "Redirect URL refused (422)",
                    hint="Check the redirect URL the integration documents.",
                    status=status,
                    kind="invalid",
                    field="redirect_url",
                )
            summary = "; ".join(f"{key}: {text}" for key, text in details.items()) or error_text(response) or ""
            return ZendeskError(
                f"Zendesk refused the OAuth client: {summary[:300]}.",
                "Client refused (422)",
                status=status,
                kind="invalid",
            )
        if status == 404 and client_id is not None:
            return ZendeskError(
                f"There is no OAuth client with id {client_id} on this account.",
                "No such client (404)",
                hint=f"List the clients with `zendesk-setup client list --using {name}`.",
                status=status,
                kind="not_found",
                field="client",
            )
        return status_error(response, auth=self.session.profile.auth)


def _details(response: httpx.Response) -> dict[str, str]:
    """``details`` of a RecordInvalid answer as ``{field: one line}``, server text cleaned."""
    try:
        body = response.json()
    except ValueError:
        return {}
    details = body.get("details") if isinstance(body, dict) else None
    if not isinstance(details, dict):
        return {}
    result: dict[str, str] = {}
    for key, items in details.items():
        texts = []
        for item in items if isinstance(items, list) else [items]:
            if isinstance(item, dict):
                item = item.get("description") or item.get("error")
            if isinstance(item, str):
                texts.append(one_line(item)[:200])
        result[one_line(str(key))[:50]] = "; ".join(texts)
    return result
