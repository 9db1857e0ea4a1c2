"""Which model and parameters a call uses: shared by playground runs and evaluation variants.

The rule is one, so a variant of an evaluation calls exactly what a playground run of the same
prompt version on the same connection would call.
"""

from __future__ import annotations

from typing import Any

from promptforge.core.errors import Unprocessable
from promptforge.providers.adapters import ECHO_MODEL, PARAM_NAMES


def choose_model(
    asked: str | None,
    model_config: dict[str, Any],
    provider_kind: str,
    default: str | None,
    loc: list[str | int],
) -> str:
    """The model asked for, else the version's (when written for this kind of provider), else the
    connection's default; 422 at `loc` when there is none."""
    if asked:
        return asked
    configured = model_config.get("model")
    meant_for = model_config.get("provider")
    if isinstance(configured, str) and configured and meant_for in (None, provider_kind):
        return configured
    if default:
        return default
    if provider_kind == "echo":
        return ECHO_MODEL
    raise Unprocessable.field(
        loc,
        "No model: give `model`, set it in the version's model_config, or set the provider's default model.",
    )


def merged_params(model_config: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    """The version's model parameters overridden by those given with the call (None values dropped)."""
    merged = {name: model_config[name] for name in PARAM_NAMES if model_config.get(name) is not None}
    merged.update({name: value for name, value in params.items() if value is not None})
    return merged
