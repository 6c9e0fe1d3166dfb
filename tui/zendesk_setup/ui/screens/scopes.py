"""Step 4: the scope checklist, grouped, filtered as you type, with the seed's presets."""

from __future__ import annotations

from typing import ClassVar

from rich.segment import Segment
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.strip import Strip
from textual.widgets import Input, OptionList, SelectionList, Static
from textual.widgets.option_list import OptionDoesNotExist
from textual.widgets.selection_list import Selection

from zendesk_setup.core.draft import ProfileDraft
from zendesk_setup.core.scopes import (
    load_catalogue,
    looks_like_scope,
    scope_string,
    unknown_scopes,
    validate_scopes,
)
from zendesk_setup.core.vocab import Step
from zendesk_setup.core.wizard import ScopesAnswer, StepPosition
from zendesk_setup.ui.screens.base import WizardScreen
from zendesk_setup.ui.screens.confirm import ConfirmModal

GROUP_PREFIX = "group:"


class ScopeList(SelectionList[str]):
    """The checklist: space toggles; enter moves on; up from the first scope goes back to the filter.

    A ticked scope shows a check mark (readable without colour); group headings have no box at all.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "select", "Tick", id="scopes-tick", tooltip="Tick or untick the highlighted scope"),
        Binding("enter", "screen.next_step", "Next", show=False, id="scopes-enter", tooltip="Go on"),
        Binding("up", "up_or_filter", "Up", show=False, id="scopes-up", tooltip="Previous scope, or the filter"),
    ]

    def action_up_or_filter(self) -> None:
        """One scope up; from the first one, back to the filter (never round to the last)."""
        enabled = [i for i in range(self.option_count) if not self.get_option_at_index(i).disabled]
        if not enabled or self.highlighted is None or self.highlighted <= enabled[0]:
            self.screen.query_one("#scope-filter").focus()
            return
        self.action_cursor_up()

    def render_line(self, y: int) -> Strip:
        """A heading as plain text; a scope with ``✓`` in its box when ticked."""
        index = self.scroll_offset.y + y
        try:
            option = self.get_option_at_index(index)
        except OptionDoesNotExist:
            return super().render_line(y)
        if option.value.startswith(GROUP_PREFIX):
            return OptionList.render_line(self, y)
        segments = list(super().render_line(y))
        if len(segments) > 1:
            mark = "✓" if option.value in self.selected else " "
            segments[1] = Segment(mark, segments[1].style)
        return Strip(segments)


class ScopesScreen(WizardScreen):
    """Every Zendesk scope from the package's data file; the resulting scope string is shown live."""

    STEP = Step.SCOPES
    AUTO_FOCUS = "#scope-filter"
    FIELD_IDS: ClassVar[dict[str, str]] = {"scopes": "scope-list"}
    # The presets line in the body names f2-f5 with their scopes, so the footer keeps its 80 columns for the
    # keys nothing else names (space to tick, f6 to clear, quit).
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f2", "preset('user-list')", "User list", show=False, id="preset-user-list", tooltip="Only users:read"),
        Binding("f3", "preset('saas-user-roles')", "SaaS roles", show=False, id="preset-saas", tooltip="Only read"),
        Binding("f4", "preset('api-presets')", "API", show=False, id="preset-api", tooltip="read write"),
        Binding("f5", "preset('zcli-apps')", "zcli apps", show=False, id="preset-zcli", tooltip="apps:read apps:write"),
        Binding("f6", "clear_scopes", "Clear", id="clear-scopes", tooltip="Untick every scope"),
    ]
    HELP = """\
Tick the scopes the token may use; Zendesk shows them on the consent page.

- Type in the filter to narrow the list; down moves into the list; **space** ticks or unticks.
- Presets (from the integration guide): **f2** "User list" = `users:read`, **f3** "SaaS user roles" =
  `read`, **f4** "API presets" = `read write`, **f5** "zcli apps" = `apps:read apps:write`. **f6** clears.
  A preset asks before it replaces scopes you ticked by hand.
- A scope the list does not know yet (Zendesk adds granular scopes over time): type it in the filter,
  then tick the line that offers to add it. It is sent as typed, with a warning.
- `read` covers every GET endpoint and `write` every change; `resource:read`/`resource:write` limit a
  token to one resource. Some endpoints need the global scopes.
- Zendesk issues tokens even for scopes it does not know, which then fail with 403: the check step
  compares what was granted with what you asked for.

Keys: enter or ctrl+n next, escape back.
"""

    def __init__(self, draft: ProfileDraft, position: StepPosition, *, focus_field: str | None = None) -> None:
        super().__init__(draft, position, focus_field=focus_field)
        self.catalogue = load_catalogue()
        self.name_width = max(len(scope) for scope in self.catalogue.all_scopes())
        self.chosen: list[str] = list(draft.scopes)
        self._rebuilding = False

    def compose_body(self) -> ComposeResult:
        """Filter, checklist, presets line and the live scope string."""
        yield Input(placeholder="Type to filter scopes (e.g. users); ↓ to the list, space ticks", id="scope-filter")
        yield ScopeList(id="scope-list")
        yield Static(
            "Presets: f2 users:read · f3 read · f4 read write · f5 apps:read apps:write",
            id="scope-presets",
            classes="hint",
        )
        yield Static("", id="scope-string")

    def on_mount(self) -> None:
        """Fill the list with the saved or chosen scopes ticked."""
        self.rebuild("")
        self.show_scope_string()

    def rebuild(self, text: str) -> None:
        """Show the groups and scopes matching ``text``, keeping ticks of hidden ones."""
        needle = text.strip().lower()
        scope_list = self.query_one("#scope-list", ScopeList)
        items: list[Selection[str]] = []
        # "users" should find users:read, not every scope whose description mentions users.
        by_name = any(needle in e.scope for group in self.catalogue.groups for e in group.entries)
        for group in self.catalogue.groups:
            entries = [
                e
                for e in group.entries
                if not needle
                or needle in e.scope
                or (not by_name and (needle in e.help.lower() or needle in group.title.lower()))
            ]
            if not entries:
                continue
            items.append(
                Selection(
                    Content.from_markup("[b]$title[/b]", title=group.title),
                    GROUP_PREFIX + group.title,
                    False,
                    disabled=True,
                )
            )
            for entry in entries:
                prompt = Content.from_markup(
                    "$scope [dim]$help[/dim]", scope=entry.scope.ljust(self.name_width), help=entry.help
                )
                items.append(Selection(prompt, entry.scope, entry.scope in self.chosen))
        extra = [scope for scope in unknown_scopes(self.chosen) if not needle or needle in scope]
        typed_new = ":" in needle and looks_like_scope(needle) and needle not in self.catalogue.all_scopes()
        if typed_new and needle not in extra:
            extra.append(needle)
        if extra:
            items.append(
                Selection(Content.styled("Not in the catalogue", "bold"), GROUP_PREFIX + "extra", False, disabled=True)
            )
            for scope in extra:
                prompt = Content.from_markup(
                    "$scope [$warning]not in the catalogue: Zendesk may refuse it[/]",
                    scope=scope.ljust(self.name_width),
                )
                items.append(Selection(prompt, scope, scope in self.chosen))
        self._rebuilding = True
        scope_list.clear_options()
        scope_list.add_options(items)
        self._rebuilding = False
        if not items:
            scope_list.add_option(Selection("No scope matches the filter", GROUP_PREFIX + "none", False, disabled=True))
            return
        first = next((i for i, item in enumerate(items) if not item.disabled), None)
        scope_list.highlighted = first

    def visible_scopes(self) -> set[str]:
        """Scope values currently in the list."""
        scope_list = self.query_one("#scope-list", ScopeList)
        values = {scope_list.get_option_at_index(i).value for i in range(scope_list.option_count)}
        return {v for v in values if not v.startswith(GROUP_PREFIX)}

    @on(SelectionList.SelectedChanged, "#scope-list")
    def ticks_changed(self) -> None:
        """Keep the chosen scopes in catalogue order and refresh the scope string."""
        if self._rebuilding:
            return
        scope_list = self.query_one("#scope-list", ScopeList)
        visible = self.visible_scopes()
        selected = set(scope_list.selected)
        kept = {s for s in self.chosen if s not in visible} | selected
        self.set_chosen(kept)
        self.recheck_shown_error()

    def set_chosen(self, scopes: set[str]) -> None:
        """Store the chosen scopes in catalogue order (ones the catalogue does not list at the end)."""
        order = self.catalogue.all_scopes()
        known = [s for s in order if s in scopes]
        unknown = [s for s in self.chosen if s in scopes and s not in order]
        unknown += sorted(s for s in scopes if s not in order and s not in unknown)
        self.chosen = known + unknown
        self.show_scope_string()

    def show_scope_string(self) -> None:
        """The space-separated string Zendesk will receive."""
        line = self.query_one("#scope-string", Static)
        if self.chosen:
            text = Content.from_markup("Scope string: [b]$s[/b]", s=scope_string(self.chosen))
            unknown = unknown_scopes(self.chosen)
            if unknown:
                text += Content.from_markup(
                    "\n[$warning]Not in the catalogue: $u. Zendesk may refuse it (invalid_scope) or issue a token "
                    "that fails with 403; the check compares what it grants.[/]",
                    u=" ".join(unknown),
                )
            line.update(text)
            line.remove_class("invalid")
        else:
            line.update("Scope string: (nothing ticked yet)")

    @on(Input.Changed, "#scope-filter")
    def filter_changed(self, event: Input.Changed) -> None:
        """Narrow the list as the user types."""
        self.rebuild(event.value)

    @on(Input.Submitted, "#scope-filter")
    def submit_moves_on(self) -> None:
        """Enter in the filter moves on."""
        self.action_next_step()

    def action_preset(self, preset_id: str) -> None:
        """Replace the ticks with a preset's scopes, asking first when that drops scopes ticked by hand."""
        preset = next((p for p in self.catalogue.presets if p.id == preset_id), None)
        if preset is None:
            return
        dropped = [scope for scope in self.chosen if scope not in preset.scopes]
        if not dropped:
            self.use_preset(preset.scopes)
            return

        def chosen(replace: bool | None) -> None:
            if replace:
                self.use_preset(preset.scopes)

        self.app.push_screen(
            ConfirmModal(
                f"Replace the ticked scopes with the preset {preset.title} ({scope_string(preset.scopes)})? "
                f"This unticks {scope_string(dropped)}.",
                yes="Replace",
                no="Keep mine",
            ),
            chosen,
        )

    def use_preset(self, scopes: tuple[str, ...]) -> None:
        """Tick exactly the preset's scopes."""
        self.chosen = []
        self.set_chosen(set(scopes))
        self.rebuild(self.query_one("#scope-filter", Input).value)
        self.recheck_shown_error()

    def action_clear_scopes(self) -> None:
        """Untick everything."""
        self.chosen = []
        self.rebuild(self.query_one("#scope-filter", Input).value)
        self.show_scope_string()

    def answer(self) -> ScopesAnswer:
        """The ticked scopes."""
        return ScopesAnswer(tuple(self.chosen))

    def validate_step(self, draft: ProfileDraft) -> None:
        """At least one scope, each a well-formed one (the catalogue may not list every scope Zendesk has)."""
        validate_scopes(list(draft.scopes), allow_unknown=True)
