"""`POST .../evaluations/estimate`: what an evaluation would cost before it is started.

The body is the create body and is checked the same way (the same 422s naming the same fields),
then nothing is stored or queued. Calls are exact: items x variants for the variants, plus one
call per model-graded assertion (`llm-rubric`, `similar`, in assert-sets too) per cell. The cost is
an estimate of the variants' calls only:

- input tokens: the variant's prompt version rendered with a sample of the pinned items (the first
  `SAMPLE_ITEMS` in list order), about `CHARS_PER_TOKEN` characters per token plus a few tokens per
  message, averaged over the sample (items that do not render are left out of the average);
- output tokens: the variant's `max_tokens` (from its params or the version's model_config), else
  `DEFAULT_OUTPUT_TOKENS` — an upper bound more than a forecast when max_tokens is generous;
- prices: the connection's own `pricing`, else the shipped table (providers/pricing.py); echo costs 0.

Judges and embeddings are counted in `calls` (`grading_calls`) but not priced: their input depends
on outputs not yet written.
"""

from __future__ import annotations

import asyncio
import math
import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from promptforge.auth.principal import Principal
from promptforge.core.errors import AppError
from promptforge.core.resources import Resources
from promptforge.datasets.items import iter_items
from promptforge.evaluations import schemas
from promptforge.evaluations.assertions.spec import AssertionSpec, parse_assertions
from promptforge.evaluations.creation import (
    LATEST,
    check_assertion_providers,
    pin_dataset,
    provider_of,
    resolve_variant,
)
from promptforge.evaluations.models import EvaluationVariant
from promptforge.prompts.rendering.renderer import TemplateSource
from promptforge.prompts.resolve import Selector, build_payload
from promptforge.providers.adapters import as_messages
from promptforge.providers.pricing import Price, price_for
from promptforge.workspaces.permissions import Action, authorize_project

SAMPLE_ITEMS = 20
CHARS_PER_TOKEN = 4
TOKENS_PER_MESSAGE = 4  # role and separators of the chat format
DEFAULT_OUTPUT_TOKENS = 256
MODEL_GRADED = ("llm-rubric", "similar")


def grading_calls_per_cell(specs: list[AssertionSpec]) -> int:
    """Model calls the assertions make for one cell (judges and embeddings, assert-sets included)."""
    pending, calls = list(specs), 0
    while pending:
        spec = pending.pop()
        calls += spec.base in MODEL_GRADED
        pending.extend(spec.children)
    return calls


def prompt_tokens(messages: list[dict[str, str]]) -> int:
    return sum(math.ceil(len(m["content"]) / CHARS_PER_TOKEN) + TOKENS_PER_MESSAGE for m in messages)


async def _sources(
    session: AsyncSession, project_id: uuid.UUID, variants: list[EvaluationVariant]
) -> list[TemplateSource]:
    sources = []
    for variant in variants:
        selector = Selector.parse(None, variant.prompt_version, LATEST)
        sources.append((await build_payload(session, project_id, variant.prompt_name, selector)).source())
    return sources


async def _mean_input_tokens(
    session: AsyncSession,
    resources: Resources,
    project_id: uuid.UUID,
    source: TemplateSource,
    samples: list[dict[str, Any]],
) -> int | None:
    """Mean prompt tokens over the sample; None when no sampled item renders."""

    async def load_include(name: str, label: str | None, version: int | None) -> TemplateSource:
        payload = await build_payload(session, project_id, name, Selector.parse(label, version, LATEST))
        return payload.source()

    counts = []
    for variables in samples:
        try:
            rendered = await resources.renderer.render(source, variables, load_include)
        except AppError:
            continue  # the run would record this cell as a render error: no call, no cost
        counts.append(prompt_tokens(as_messages(source.kind, rendered.text, rendered.messages)))
    return math.ceil(sum(counts) / len(counts)) if counts else None


def _cost(price: Price | None, calls: int, input_tokens: int | None, output_tokens: int) -> float | None:
    if price is None or input_tokens is None:
        return None
    return round(calls * (input_tokens * price.input + output_tokens * price.output) / 1_000_000, 10)


async def estimate_evaluation(
    session: AsyncSession,
    resources: Resources,
    principal: Principal,
    project_id: uuid.UUID,
    data: schemas.EvaluationCreate,
) -> schemas.EvaluationEstimate:
    """Provider calls and estimated cost of the evaluation `data` would create (nothing is stored)."""
    await authorize_project(session, principal, project_id, Action.WRITE)
    pinned = await pin_dataset(
        session, project_id, data.dataset, len(data.variants), resources.settings.eval_max_results
    )
    variants = [await resolve_variant(session, project_id, i, v) for i, v in enumerate(data.variants)]
    specs = await asyncio.to_thread(parse_assertions, data.assertions, ["body", "assertions"])
    await check_assertion_providers(session, project_id, specs)
    if data.grader is not None:
        await provider_of(session, project_id, data.grader.provider_id, ["body", "grader", "provider_id"])
    samples = []
    async for item in iter_items(session, pinned.dataset.id, pinned.version, page_size=SAMPLE_ITEMS):
        samples.append(item.input)
        if len(samples) == SAMPLE_ITEMS:
            break
    per_cell = grading_calls_per_cell(specs)
    out: list[schemas.VariantEstimate] = []
    sources = await _sources(session, project_id, variants)
    for position, (variant, source) in enumerate(zip(variants, sources, strict=True)):
        loc: list[str | int] = ["body", "variants", position, "provider_id"]
        provider = await provider_of(session, project_id, data.variants[position].provider_id, loc)
        price = Price(0.0, 0.0) if provider.kind == "echo" else price_for(variant.model, provider.pricing)
        input_tokens = await _mean_input_tokens(session, resources, project_id, source, samples)
        max_tokens = variant.params.get("max_tokens")
        output_tokens = DEFAULT_OUTPUT_TOKENS
        if isinstance(max_tokens, int) and max_tokens > 0:
            output_tokens = max_tokens
        out.append(
            schemas.VariantEstimate(
                name=variant.name,
                model=variant.model,
                calls=pinned.items,
                input_tokens_per_call=input_tokens,
                output_tokens_per_call=output_tokens,
                price_known=price is not None,
                estimated_cost_usd=_cost(price, pinned.items, input_tokens, output_tokens),
            )
        )
    costs = [v.estimated_cost_usd for v in out]
    cells = pinned.items * len(variants)
    return schemas.EvaluationEstimate(
        items=pinned.items,
        dataset_version=pinned.version,
        calls=cells + cells * per_cell,
        grading_calls=cells * per_cell,
        sampled_items=len(samples),
        variants=out,
        estimated_cost_usd=None if any(c is None for c in costs) else round(sum(c or 0.0 for c in costs), 10),
    )
