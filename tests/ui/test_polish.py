"""Pilot tests for small defects a newcomer walk at 80x24 found: alignment, footers that name every key, blank gaps."""

from __future__ import annotations

from tests.ui.test_scopes_checklist import to_scopes

from zendesk_setup.core.scopes import load_catalogue
from zendesk_setup.ui.screens.scopes import GROUP_PREFIX, ScopeList


async def test_every_scope_description_starts_in_the_same_column(app_factory) -> None:
    catalogue = load_catalogue()
    app = app_factory("new")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_scopes(pilot)
        scope_list = app.screen.query_one(ScopeList)
        columns: dict[str, int] = {}
        for index in range(scope_list.option_count):
            option = scope_list.get_option_at_index(index)
            if option.value.startswith(GROUP_PREFIX):
                continue
            entry = catalogue.entry(option.value)
            assert entry is not None
            columns[option.value] = option.prompt.plain.index(entry.help)
        assert "satisfaction_ratings:write" in columns
        assert len(set(columns.values())) == 1, f"descriptions start in columns {sorted(set(columns.values()))}"
