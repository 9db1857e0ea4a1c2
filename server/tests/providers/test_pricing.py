"""The shipped pricing table, prefix matching of dated model ids, per-connection overrides and cost."""

from __future__ import annotations

import re

import pytest

from promptforge.providers.pricing import Price, cost_usd, price_for, pricing_table


def test_table_has_a_date_and_common_models() -> None:
    table = pricing_table()
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", table.updated)
    for model in ("gpt-4o", "gpt-4o-mini", "claude-sonnet-4-5", "claude-haiku-4-5"):
        assert table.models[model].input > 0 and table.models[model].output > 0


def test_dated_and_tagged_ids_take_the_longest_priced_prefix() -> None:
    table = pricing_table().models
    assert price_for("gpt-4o-mini-2024-07-18") == table["gpt-4o-mini"]
    assert price_for("gpt-4o-2024-08-06") == table["gpt-4o"]
    assert price_for("claude-sonnet-4-5-20250929") == table["claude-sonnet-4-5"]
    assert price_for("gpt-4oish") is None  # a prefix must end at a separator
    assert price_for("llama3.1:8b") is None


def test_connection_overrides_win() -> None:
    overrides = {"gpt-4o": {"input": 1, "output": 2}, "llama3.1": {"input": 0.1, "output": 0.2}}
    assert price_for("gpt-4o-2024-08-06", overrides) == Price(1, 2)
    assert price_for("llama3.1:8b", overrides) == Price(0.1, 0.2)
    assert price_for("gpt-4o-mini", overrides) == pricing_table().models["gpt-4o-mini"]


def test_cost() -> None:
    assert cost_usd(Price(2.5, 10), 1000, 500) == pytest.approx(0.0075)
    assert cost_usd(None, 1000, 500) is None
    assert cost_usd(Price(2.5, 10), None, 500) is None
    assert cost_usd(Price(0, 0), 10, 10) == 0
