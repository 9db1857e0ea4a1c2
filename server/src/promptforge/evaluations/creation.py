"""What `POST .../evaluations` pins before anything runs: the dataset version, each variant's
resolved prompt version, model and parameters, and the provider connections assertions name.

Every check answers 422 naming the field of the request (`["body", "variants", 1, "prompt",
"label"]`), never 404: the evaluation is the resource asked for, the rest is its input.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from promptforge.core.errors import NotFound, Unprocessable
from promptforge.datasets.items import visible_at
from promptforge.datasets.models import Dataset, DatasetItem
from promptforge.evaluations import schemas
from promptforge.evaluations.assertions.spec import AssertionSpec, provider_refs
from promptforge.evaluations.models import EvaluationVariant
from promptforge.prompts.resolve import Selector, build_payload
from promptforge.providers.model_settings import choose_model, merged_params
from promptforge.providers.models import ProviderConnection
from promptforge.providers.service import load_provider

Loc = list[str | int]
LATEST = "latest"


@dataclass(frozen=True)
class PinnedDataset:
    dataset: Dataset
    version: int
    items: int


async def pin_dataset(
    session: AsyncSession, project_id: uuid.UUID, ref: schemas.DatasetRef, variants: int, max_results: int
) -> PinnedDataset:
    """The dataset at the version asked for (default: its current one), with items, within the bound."""
    dataset = (
        await session.scalars(
            select(Dataset).where(Dataset.project_id == project_id, Dataset.name == ref.name)
        )
    ).first()
    if dataset is None:
        raise Unprocessable.field(
            ["body", "dataset", "name"], f"No dataset named '{ref.name}' in this project."
        )
    version = dataset.version if ref.version is None else ref.version
    if version > dataset.version:
        raise Unprocessable.field(
            ["body", "dataset", "version"],
            f"Dataset '{ref.name}' has no version {version} yet (its latest is {dataset.version}).",
        )
    items = await session.scalar(
        select(func.count())
        .select_from(DatasetItem)
        .where(DatasetItem.dataset_id == dataset.id, visible_at(version))
    )
    items = int(items or 0)
    if items == 0:
        raise Unprocessable.field(
            ["body", "dataset"], f"Dataset '{ref.name}' has no items at version {version}."
        )
    if items * variants > max_results:
        raise Unprocessable.field(
            ["body", "dataset"],
            f"{items} items x {variants} variants = {items * variants} results; the limit is {max_results} "
            "(PF_EVAL_MAX_RESULTS). Pin a smaller dataset version or use fewer variants.",
        )
    return PinnedDataset(dataset, version, items)


async def provider_of(
    session: AsyncSession, project_id: uuid.UUID, provider_id: uuid.UUID, loc: Loc
) -> ProviderConnection:
    """A provider connection of the project, or 422 at `loc`."""
    try:
        return await load_provider(session, project_id, provider_id)
    except NotFound:
        raise Unprocessable.field(loc, "No provider connection with this id in the project.") from None


async def resolve_variant(
    session: AsyncSession, project_id: uuid.UUID, position: int, data: schemas.VariantCreate
) -> EvaluationVariant:
    """The variant with its label resolved to a version now, its model and merged parameters."""
    loc: Loc = ["body", "variants", position]
    ref = data.prompt
    label = ref.label if ref.label is not None or ref.version is not None else LATEST
    try:
        payload = await build_payload(
            session, project_id, ref.name, Selector.parse(label, ref.version, LATEST)
        )
    except NotFound as exc:
        if exc.code == "label_not_found":
            field = "label"
        elif "no version" in exc.detail:
            field = "version"
        else:
            field = "name"
        raise Unprocessable.field([*loc, "prompt", field], exc.detail) from None
    provider = await provider_of(session, project_id, data.provider_id, [*loc, "provider_id"])
    model_config = dict(payload.data.get("model_config") or {})
    model = choose_model(
        data.model,
        model_config,
        provider_kind=provider.kind,
        provider_name=provider.name,
        default=provider.default_model,
        loc=[*loc, "model"],
    )
    return EvaluationVariant(
        project_id=project_id,
        position=position,
        name=data.name,
        prompt_name=payload.data["name"],
        prompt_version=payload.data["version"],
        prompt_label=label if ref.version is None else None,
        provider_id=provider.id,
        provider_name=provider.name,
        provider_kind=provider.kind,
        model=model,
        params=merged_params(model_config, data.params.model_dump(exclude_none=True)),
    )


async def check_assertion_providers(
    session: AsyncSession, project_id: uuid.UUID, specs: list[AssertionSpec]
) -> None:
    """Every connection a judge or an embedding names belongs to the project (422 at its assertion)."""
    for index, spec in enumerate(specs):
        for ref in sorted(provider_refs([spec]), key=lambda r: (str(r.provider_id), r.model)):
            loc: list[str | int] = ["body", "assertions", index, "provider", "provider_id"]
            await provider_of(session, project_id, ref.provider_id, loc)
