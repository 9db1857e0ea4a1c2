from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.variant_estimate import VariantEstimate


T = TypeVar("T", bound="EvaluationEstimate")


@_attrs_define
class EvaluationEstimate:
    """
    Attributes:
        items (int): Items at the pinned dataset version
        dataset_version (int):
        calls (int): Every provider call: items x variants, plus the judges' and embeddings'
        grading_calls (int): Of `calls`, those of llm-rubric and similar assertions (not priced)
        sampled_items (int): Items rendered to estimate the prompt tokens (at most 20)
        variants (list[VariantEstimate]):
        estimated_cost_usd (float | None): Sum of the variants' estimates; null when one of them is unknown
    """

    items: int
    dataset_version: int
    calls: int
    grading_calls: int
    sampled_items: int
    variants: list[VariantEstimate]
    estimated_cost_usd: float | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        items = self.items

        dataset_version = self.dataset_version

        calls = self.calls

        grading_calls = self.grading_calls

        sampled_items = self.sampled_items

        variants = []
        for variants_item_data in self.variants:
            variants_item = variants_item_data.to_dict()
            variants.append(variants_item)

        estimated_cost_usd: float | None
        estimated_cost_usd = self.estimated_cost_usd

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "items": items,
                "dataset_version": dataset_version,
                "calls": calls,
                "grading_calls": grading_calls,
                "sampled_items": sampled_items,
                "variants": variants,
                "estimated_cost_usd": estimated_cost_usd,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.variant_estimate import VariantEstimate

        d = dict(src_dict)
        items = d.pop("items")

        dataset_version = d.pop("dataset_version")

        calls = d.pop("calls")

        grading_calls = d.pop("grading_calls")

        sampled_items = d.pop("sampled_items")

        variants = []
        _variants = d.pop("variants")
        for variants_item_data in _variants:
            variants_item = VariantEstimate.from_dict(variants_item_data)

            variants.append(variants_item)

        def _parse_estimated_cost_usd(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        estimated_cost_usd = _parse_estimated_cost_usd(d.pop("estimated_cost_usd"))

        evaluation_estimate = cls(
            items=items,
            dataset_version=dataset_version,
            calls=calls,
            grading_calls=grading_calls,
            sampled_items=sampled_items,
            variants=variants,
            estimated_cost_usd=estimated_cost_usd,
        )

        evaluation_estimate.additional_properties = d
        return evaluation_estimate

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
