"""How a call's model and parameters come from a version's model_config, the caller and the connection.

Shared by playground runs and the gateway, so a prompt calls the same model with the same
parameters whichever way it is run.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from promptforge.core.errors import Unprocessable
from promptforge.providers.adapters import ECHO_MODEL, PARAM_NAMES


def choose_model(
    requested: str | None,
    model_config: Mapping[str, Any],
    *,
    provider_kind: str,
    provider_name: str,
    default: str | None,
    loc: list[str | int],
) -> str:
    """The caller's model, else the version's (when written for this connection), else the default.

    `model_config.provider` may name the kind of provider (`openai`, `anthropic`, ...) or the
    connection itself; a model written for another provider is not sent to this one.
    """
    if requested:
        return requested
    configured = model_config.get("model")
    meant_for = model_config.get("provider")
    if isinstance(configured, str) and configured and meant_for in (None, provider_kind, provider_name):
        return configured
    if default:
        return default
    if provider_kind == "echo":
        return ECHO_MODEL
    raise Unprocessable.field(
        loc,
        "No model: give `model`, set it in the version's model_config, or set the provider's default model.",
    )


def merged_params(model_config: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """The version's parameters (PARAM_NAMES only) with the caller's non-null values on top."""
    merged = {name: model_config[name] for name in PARAM_NAMES if model_config.get(name) is not None}
    merged.update({name: value for name, value in overrides.items() if value is not None})
    return merged
