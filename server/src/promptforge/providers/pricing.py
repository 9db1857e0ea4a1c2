"""Per-model token prices: the table shipped in `pricing.json`, overridable per connection."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from typing import Any

PER_TOKENS = 1_000_000
# What may follow a priced name in a dated or tagged model id: gpt-4o-2024-08-06, llama3:8b, ...@001
_SUFFIX_SEPARATORS = ("-", ":", "@", "/")


@dataclass(frozen=True, slots=True)
class Price:
    """USD per 1M input and output tokens."""

    input: float
    output: float


@dataclass(frozen=True)
class PricingTable:
    updated: str
    models: dict[str, Price]


@functools.lru_cache(maxsize=1)
def pricing_table() -> PricingTable:
    """The table shipped with this release (see its `updated` date)."""
    raw = json.loads(resources.files("promptforge.providers").joinpath("pricing.json").read_text())
    models = {name: Price(float(p["input"]), float(p["output"])) for name, p in raw["models"].items()}
    return PricingTable(updated=raw["updated"], models=models)


def _longest_prefix(model: str, names: Iterable[str]) -> str | None:
    """The longest priced name the model id starts with, at a separator (gpt-4o-mini-2024 -> gpt-4o-mini)."""
    best: str | None = None
    for name in names:
        prefix = model.startswith(name) and len(model) > len(name) and model[len(name)] in _SUFFIX_SEPARATORS
        if prefix and (best is None or len(name) > len(best)):
            best = name
    return best


def price_for(model: str, overrides: dict[str, Any] | None = None) -> Price | None:
    """The most specific price: exact names first, then the longest prefix; overrides win ties."""
    custom = {name: Price(float(p["input"]), float(p["output"])) for name, p in (overrides or {}).items()}
    shipped = pricing_table().models
    if model in custom:
        return custom[model]
    if model in shipped:
        return shipped[model]
    best_custom = _longest_prefix(model, custom)
    best_shipped = _longest_prefix(model, shipped)
    if best_custom is not None and (best_shipped is None or len(best_custom) >= len(best_shipped)):
        return custom[best_custom]
    return shipped[best_shipped] if best_shipped is not None else None


def cost_usd(price: Price | None, input_tokens: int | None, output_tokens: int | None) -> float | None:
    """What a call cost; None when the price or the token counts are unknown."""
    if price is None or input_tokens is None or output_tokens is None:
        return None
    return round((input_tokens * price.input + output_tokens * price.output) / PER_TOKENS, 10)
