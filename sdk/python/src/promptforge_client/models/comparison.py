from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.compare_change import CompareChange
    from ..models.compare_counts import CompareCounts
    from ..models.variant_changes import VariantChanges


T = TypeVar("T", bound="Comparison")


@_attrs_define
class Comparison:
    """
    Attributes:
        evaluation_id (UUID):
        against_id (UUID):
        counts (CompareCounts):
        regressions (list[CompareChange]): The first 200, in matrix order
        fixes (list[CompareChange]): The first 200, in matrix order
        variants (list[VariantChanges]):
    """

    evaluation_id: UUID
    against_id: UUID
    counts: CompareCounts
    regressions: list[CompareChange]
    fixes: list[CompareChange]
    variants: list[VariantChanges]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        evaluation_id = str(self.evaluation_id)

        against_id = str(self.against_id)

        counts = self.counts.to_dict()

        regressions = []
        for regressions_item_data in self.regressions:
            regressions_item = regressions_item_data.to_dict()
            regressions.append(regressions_item)

        fixes = []
        for fixes_item_data in self.fixes:
            fixes_item = fixes_item_data.to_dict()
            fixes.append(fixes_item)

        variants = []
        for variants_item_data in self.variants:
            variants_item = variants_item_data.to_dict()
            variants.append(variants_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "evaluation_id": evaluation_id,
                "against_id": against_id,
                "counts": counts,
                "regressions": regressions,
                "fixes": fixes,
                "variants": variants,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.compare_change import CompareChange
        from ..models.compare_counts import CompareCounts
        from ..models.variant_changes import VariantChanges

        d = dict(src_dict)
        evaluation_id = UUID(d.pop("evaluation_id"))

        against_id = UUID(d.pop("against_id"))

        counts = CompareCounts.from_dict(d.pop("counts"))

        regressions = []
        _regressions = d.pop("regressions")
        for regressions_item_data in _regressions:
            regressions_item = CompareChange.from_dict(regressions_item_data)

            regressions.append(regressions_item)

        fixes = []
        _fixes = d.pop("fixes")
        for fixes_item_data in _fixes:
            fixes_item = CompareChange.from_dict(fixes_item_data)

            fixes.append(fixes_item)

        variants = []
        _variants = d.pop("variants")
        for variants_item_data in _variants:
            variants_item = VariantChanges.from_dict(variants_item_data)

            variants.append(variants_item)

        comparison = cls(
            evaluation_id=evaluation_id,
            against_id=against_id,
            counts=counts,
            regressions=regressions,
            fixes=fixes,
            variants=variants,
        )

        comparison.additional_properties = d
        return comparison

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
